// Tumbling event-time windows aligned to the epoch (SPEC.md, "Windows").
#pragma once

#include <cstdint>

#include "core/types.hpp"

namespace crashwatch {

/// Start of the window of size `size_ms` holding `t`: floor(t / W) * W, also
/// for times before 1970.
constexpr event_time window_start(event_time t, int64_t size_ms) {
  auto q = t.value / size_ms;
  if (t.value % size_ms != 0 && t.value < 0)
    --q;
  return event_time{q * size_ms};
}

/// Exclusive end of the window starting at `start`; saturates instead of
/// overflowing for windows at the very end of the time range.
constexpr event_time window_end(event_time start, int64_t size_ms) {
  return start.value > max_event_time.value - size_ms
             ? max_event_time
             : event_time{start.value + size_ms};
}

} // namespace crashwatch
