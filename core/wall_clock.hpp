// Wall-clock time as milliseconds since the Unix epoch: for timestamps
// people read (checkpoint times) and for event times that follow the clock
// (the load generator). Never for measuring durations: use steady_clock.
#pragma once

#include <chrono>
#include <cstdint>

namespace crashwatch {

/// Now, in milliseconds since the epoch (UTC).
inline int64_t wall_clock_ms() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

} // namespace crashwatch
