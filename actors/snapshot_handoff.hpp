// Hands an actor's part of checkpoint N to the coordinator, whichever comes
// first: the coordinator's `(checkpoint, N)` request, or the alignment that
// completes the part. In one process the request comes first (the
// coordinator asks shards and the sink before it triggers any reader), but
// nothing depends on that.
#pragma once

#include <optional>
#include <utility>

#include <caf/result.hpp>
#include <caf/typed_response_promise.hpp>

#include "core/types.hpp"

namespace crashwatch {

/// Used by the shard (shard_snapshot) and the sink (sink_snapshot).
template <class Snapshot>
class snapshot_handoff {
 public:
  /// The coordinator asks for part `id`: answered now if ready, else
  /// promised.
  template <class Self>
  caf::result<Snapshot> ask(Self* self, checkpoint_id id) {
    if (ready_ && ready_->id == id) {
      auto snap = std::move(*ready_);
      ready_.reset();
      return snap;
    }
    auto rp = self->template make_response_promise<Snapshot>();
    asked_.emplace(id, rp);
    return rp;
  }

  /// The part is complete: delivered if asked for, else kept until asked.
  void offer(Snapshot snap) {
    if (asked_ && asked_->first == snap.id) {
      asked_->second.deliver(std::move(snap));
      asked_.reset();
    } else {
      ready_ = std::move(snap);
    }
  }

 private:
  std::optional<std::pair<checkpoint_id, caf::typed_response_promise<Snapshot>>>
      asked_;
  std::optional<Snapshot> ready_;
};

} // namespace crashwatch
