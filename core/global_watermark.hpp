// The global watermark: the minimum over the partitions' watermarks, leaving
// out idle partitions (SPEC.md, "Windows, watermarks, lateness").
#pragma once

#include <cstdint>
#include <vector>

#include "core/types.hpp"

namespace crashwatch {

/// Where a partition stands, as its reader last reported.
enum class partition_state : uint8_t {
  /// Delivering records (or not yet idle long enough to be left out).
  active,
  /// Nothing delivered for `--idle-timeout`: left out of the minimum.
  idle,
  /// End of input: watermark +infinity.
  ended,
};

/// Tracks the reported watermark and state of every partition.
///
/// The global watermark is the minimum over active partitions (ended ones
/// count as +infinity). When no partition is active but some are idle, it is
/// the largest idle watermark: every partition that is quiet has delivered
/// all it has up to there, and nothing is held back by a partition that may
/// never speak again, yet nothing is flushed to +infinity either (which would
/// make every later record of an idle partition late). When all partitions
/// have ended it is +infinity.
class global_watermark {
 public:
  /// Starts with the partitions `partitions` (ids need not be contiguous:
  /// `--partitions 0,2` reads Kafka partitions 0 and 2), all active with no
  /// watermark.
  explicit global_watermark(const std::vector<partition_id>& partitions);

  /// Records what partition `p` reported. Throws std::out_of_range for a
  /// partition that is not read.
  void update(partition_id p, event_time watermark, partition_state state);

  /// The current global watermark (not monotonic: a partition coming back
  /// from idle can pull it back; callers fire windows only forward).
  event_time current() const;

  /// True once every partition has ended.
  bool all_ended() const;

 private:
  struct mark {
    event_time watermark = min_event_time;
    partition_state state = partition_state::active;
    /// False for ids in the gaps between the partitions read.
    bool read = false;
  };
  /// Indexed by partition id.
  std::vector<mark> marks_;
};

} // namespace crashwatch
