// The watermark of one input partition and the lateness rule of SPEC.md
// ("Windows, watermarks, lateness"). Kept by the partition's reader, which
// sees the partition's records in order: that is what makes the set of late
// records depend on nothing but that order.
#pragma once

#include <algorithm>
#include <cstdint>

#include "core/types.hpp"
#include "core/window.hpp"

namespace crashwatch {

/// Tracks the largest event time read from one partition.
class partition_clock {
 public:
  /// `delay_ms` is `--watermark-delay`, `window_ms` is `--window`.
  partition_clock(int64_t delay_ms, int64_t window_ms)
      : delay_ms_(delay_ms), window_ms_(window_ms) {}

  /// The largest event time seen so far minus the delay; `min_event_time`
  /// before the first record.
  event_time watermark() const {
    if (max_seen_ == min_event_time)
      return min_event_time;
    return event_time{max_seen_.value - delay_ms_};
  }

  /// True when a matching record at `t` would be late if read now: its
  /// window ends at or before the current watermark. Call before observe().
  bool is_late(event_time t) const {
    return window_end(window_start(t, window_ms_), window_ms_) <= watermark();
  }

  /// Advances the clock with a well-formed record's event time.
  void observe(event_time t) { max_seen_ = std::max(max_seen_, t); }

  /// The largest event time seen so far (`min_event_time` before the first
  /// record): all a checkpoint needs to restore the clock.
  event_time max_seen() const { return max_seen_; }

  /// Restores the clock from a checkpoint's max_seen().
  void restore(event_time max_seen) { max_seen_ = max_seen; }

 private:
  int64_t delay_ms_;
  int64_t window_ms_;
  event_time max_seen_ = min_event_time;
};

} // namespace crashwatch
