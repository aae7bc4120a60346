// Wall-clock time as milliseconds since the Unix epoch: for timestamps
// people read (checkpoint times) and for event times that follow the clock
// (the load generator). Never for measuring durations: use steady_clock
// (microseconds_since).
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

/// Microseconds from `start` until now (steady clock): how long something
/// took.
inline uint64_t
microseconds_since(std::chrono::steady_clock::time_point start) {
  return static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::steady_clock::now() - start)
          .count());
}

} // namespace crashwatch
