// Shard -> sink: what a shard emitted, and how far its windows are complete.
#pragma once

#include <vector>

#include <caf/meta/type_name.hpp>

#include "core/alert.hpp"
#include "core/types.hpp"
#include "messages/side_output.hpp"

namespace crashwatch {

/// Sent by a shard whenever it fires windows or has early alerts or late
/// records to hand over.
struct shard_progress {
  shard_id shard;
  /// Every window ending at or before this is complete on this shard: its
  /// final alerts are in `fired` or in an earlier message.
  event_time emitted_through = min_event_time;
  /// Final alerts of the windows fired now, sorted by (window_start, user_id).
  std::vector<alert> fired;
  /// Early alerts (`--emit early`): a count just crossed the threshold.
  std::vector<alert> early;
  /// Crashes for windows already emitted.
  std::vector<late_record> late;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_progress& x) {
  return f(caf::meta::type_name("shard_progress"), x.shard, x.emitted_through,
           x.fired, x.early, x.late);
}

} // namespace crashwatch
