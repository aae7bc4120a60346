// Reader -> shard: the crashes of one partition for one shard, followed (in
// the same message, so FIFO order is built in) by the partition's watermark.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "core/global_watermark.hpp"
#include "core/types.hpp"

namespace crashwatch {

/// One matching, non-late record, routed to the shard that owns its user.
struct crash_event {
  event_time time;
  record_offset offset;
  std::string user_id;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, crash_event& x) {
  return f(caf::meta::type_name("crash_event"), x.time, x.offset, x.user_id);
}

/// What a reader sends every shard after each chunk it reads, even with no
/// events: the watermark must reach every shard for windows to fire.
struct partition_batch {
  partition_id partition;
  /// Counts the batches of this partition to this shard, from 1.
  uint64_t seq = 0;
  /// Crashes of users owned by the receiving shard, in partition order.
  std::vector<crash_event> events;
  /// The partition's watermark after the records of this batch.
  event_time watermark = min_event_time;
  /// Active, idle (left out of the global watermark) or ended.
  partition_state state = partition_state::active;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_batch& x) {
  return f(caf::meta::type_name("partition_batch"), x.partition, x.seq,
           x.events, x.watermark, x.state);
}

} // namespace crashwatch
