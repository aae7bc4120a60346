// Records that do not count, on their way to the late and dead-letter
// outputs (SPEC.md: nothing is silently dropped).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "core/types.hpp"

namespace crashwatch {

/// Why a matching record was not counted.
enum class late_reason : uint8_t {
  /// Its window ended at or before its partition's watermark (the reader's
  /// deterministic rule).
  behind_watermark,
  /// Its window had already been emitted (possible only after an idle
  /// partition was left out of the global watermark).
  window_emitted,
};

/// A matching record that arrived too late to be counted.
struct late_record {
  partition_id partition;
  record_offset offset;
  event_time time;
  event_time window_start;
  event_time window_end;
  /// The watermark the record was judged against: the partition's for
  /// behind_watermark, the shard's emitted-through mark for window_emitted.
  event_time watermark;
  std::string user_id;
  late_reason reason = late_reason::behind_watermark;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, late_record& x) {
  return f(caf::meta::type_name("late_record"), x.partition, x.offset, x.time,
           x.window_start, x.window_end, x.watermark, x.user_id, x.reason);
}

/// A malformed record, with its raw text.
struct dead_letter {
  partition_id partition;
  record_offset offset;
  std::string reason;
  std::string record;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, dead_letter& x) {
  return f(caf::meta::type_name("dead_letter"), x.partition, x.offset, x.reason,
           x.record);
}

/// Reader -> sink: the late and malformed records of one chunk.
struct side_batch {
  /// The reader's partition (the sink aligns checkpoint barriers by it).
  partition_id partition;
  std::vector<late_record> late;
  std::vector<dead_letter> dead;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, side_batch& x) {
  return f(caf::meta::type_name("side_batch"), x.partition, x.late, x.dead);
}

} // namespace crashwatch
