// The state a shard owns: crash counts per (window, user) for its users, and
// how far its windows have been emitted (SPEC.md, "Alerts").
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/alert.hpp"
#include "core/types.hpp"

namespace crashwatch {

/// Counts crashes per tumbling window and user; fires completed windows.
class window_counts {
public:
  /// What add() did with a crash.
  enum class outcome : uint8_t {
    /// Counted; the count did not just cross the threshold.
    counted,
    /// Counted, and the count just became `threshold + 1`: the moment an
    /// early alert is due.
    crossed_threshold,
    /// Not counted: the window was already emitted (late).
    window_emitted,
  };

  /// `window_ms` is `--window`, `threshold` is `--threshold`.
  window_counts(int64_t window_ms, uint64_t threshold);

  /// Counts one crash of `user_id` at event time `t`. `count` receives the
  /// user's count in that window after the call (0 when not counted).
  outcome add(event_time t, std::string_view user_id, uint64_t& count);

  /// Emits every open window whose end is <= `watermark`, oldest first:
  /// appends one final alert per user above the threshold (sorted by user_id)
  /// to `out` and frees the window. Windows ending at or before `watermark`
  /// count as emitted from now on, even those that had no crash.
  void fire(event_time watermark, std::vector<alert>& out);

  /// Every window ending at or before this has been emitted.
  event_time emitted_through() const {
    return emitted_through_;
  }

  /// Number of windows holding at least one crash.
  size_t open_windows() const {
    return windows_.size();
  }

  /// Number of (window, user) keys held.
  size_t open_keys() const {
    return open_keys_;
  }

  /// The counts of one open window, for checkpoints and tests.
  using user_counts = std::unordered_map<std::string, uint64_t>;

  /// All open windows by start, for checkpoints and tests.
  const std::map<int64_t, user_counts>& windows() const {
    return windows_;
  }

  /// Restores state written by a checkpoint.
  void restore(event_time emitted_through,
               std::map<int64_t, user_counts> windows);

private:
  int64_t window_ms_;
  uint64_t threshold_;
  event_time emitted_through_ = min_event_time;
  std::map<int64_t, user_counts> windows_;
  size_t open_keys_ = 0;
};

} // namespace crashwatch
