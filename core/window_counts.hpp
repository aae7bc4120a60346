// The state a shard owns: crash counts per (window, user) for its users, and
// how far its windows have been emitted (SPEC.md, "Alerts"). It also knows
// which counts changed since the last checkpoint, so that a checkpoint
// writes only those (incremental, like RocksDB's incremental checkpoints):
// the cost of a checkpoint follows the crashes of one interval, not the
// number of open keys.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/alert.hpp"
#include "core/changed_counts.hpp"
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

  /// The count of one user in one window and whether it changed since the
  /// last take_changes(), in one 64-bit word. With a separate bool the map
  /// node (next pointer 8, key 32, value 16, cached hash 8) took 64 B, a
  /// glibc malloc chunk of 80 B; packed it takes 56 B, a chunk of 64 B: 16 B
  /// less per open key. 63 bits hold any count a run can reach (one record
  /// per crash) and all the journal keeps (SQLite integers are signed 64-bit).
  class user_count {
   public:
    /// The largest count.
    static constexpr uint64_t max_count = max_crash_count;

    uint64_t count() const { return bits_ & max_count; }
    bool changed() const { return bits_ > max_count; }

    /// Adds one crash; returns the new count (< max_count before the call).
    uint64_t increment() { return ++bits_ & max_count; }

    /// Sets the count (<= max_count), keeping the changed flag.
    void set_count(uint64_t n) { bits_ = (bits_ & changed_bit) | n; }

    void set_changed(bool on) {
      bits_ = on ? bits_ | changed_bit : bits_ & max_count;
    }

   private:
    static constexpr uint64_t changed_bit = uint64_t{1} << 63;
    uint64_t bits_ = 0;
  };

  /// The counts of one open window.
  using user_counts = std::unordered_map<std::string, user_count>;

  /// One open window: its counts and which of them changed since the last
  /// take_changes(), each once, as pointers to their map nodes (nodes of an
  /// unordered_map never move, and the list is freed with its window: fire()
  /// drops a window's changes wholesale). 8 B per change in a deque, which
  /// grows by fixed blocks: a vector would copy itself while growing and
  /// keep its largest size after clear(), up to 2-3x that at its peak.
  struct open_window {
    user_counts users;
    std::deque<user_counts::value_type*> changed;
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
  event_time emitted_through() const { return emitted_through_; }

  /// Number of windows holding at least one crash.
  size_t open_windows() const { return windows_.size(); }

  /// Number of (window, user) keys held.
  size_t open_keys() const { return open_keys_; }

  /// All open windows by start, for tests and benchmarks.
  const std::map<int64_t, open_window>& windows() const { return windows_; }

  /// Appends every count of a still-open window that changed since the
  /// previous call (or since construction) to `out`, window by window, and
  /// marks them unchanged. Counts of windows emitted meanwhile are left out:
  /// a checkpoint drops those by emitted_through(). Changes are tracked only
  /// from the first call (or the first restore_count()) on: the first call
  /// returns every open count, and a run that never checkpoints keeps no
  /// change list (8 B per changed key). `out` is reserved at the exact size
  /// of what is appended.
  void take_changes(changed_counts& out);

  /// Number of counts take_changes() would return.
  size_t pending_changes() const { return tracking_ ? pending_ : open_keys_; }

  /// Restores one count (<= user_count::max_count) from a checkpoint (not a
  /// change).
  void restore_count(event_time window_start, std::string user_id,
                     uint64_t count);

  /// Restores the emitted mark from a checkpoint.
  void restore_emitted_through(event_time t) { emitted_through_ = t; }

 private:
  int64_t window_ms_;
  uint64_t threshold_;
  event_time emitted_through_ = min_event_time;
  std::map<int64_t, open_window> windows_;
  size_t open_keys_ = 0;
  /// Entries in the windows' change lists.
  size_t pending_ = 0;
  /// Whether add() records changes (see take_changes()).
  bool tracking_ = false;
};

} // namespace crashwatch
