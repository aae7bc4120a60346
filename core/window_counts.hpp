// The state a shard owns: crash counts per (window, user) for its users, and
// how far its windows have been emitted (SPEC.md, "Alerts"). It also knows
// which counts changed since the last checkpoint, so that a checkpoint
// writes only those (incremental, like RocksDB's incremental checkpoints):
// the cost of a checkpoint follows the crashes of one interval, not the
// number of open keys.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "core/alert.hpp"
#include "core/types.hpp"

namespace crashwatch {

/// One (window, user) count, as a checkpoint stores it.
struct window_entry {
  event_time window_start;
  std::string user_id;
  uint64_t count = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, window_entry& x) {
  return f(caf::meta::type_name("window_entry"), x.window_start, x.user_id,
           x.count);
}

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

  /// The count of one user in one window.
  struct user_count {
    uint64_t count = 0;
    /// Changed since the last take_changes().
    bool changed = false;
  };

  /// The counts of one open window.
  using user_counts = std::unordered_map<std::string, user_count>;

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

  /// All open windows by start, for tests.
  const std::map<int64_t, user_counts>& windows() const { return windows_; }

  /// Appends every count of a still-open window that changed since the
  /// previous call (or since construction) to `out`, and marks them
  /// unchanged. Counts of windows emitted meanwhile are left out: a
  /// checkpoint drops those by emitted_through(). Changes are tracked only
  /// from the first call (or the first restore_count()) on: the first call
  /// returns every open count, and a run that never checkpoints keeps no
  /// change list (16 B per open key).
  void take_changes(std::vector<window_entry>& out);

  /// Number of counts take_changes() would return at most.
  size_t pending_changes() const {
    return tracking_ ? changed_.size() : open_keys_;
  }

  /// Restores one count from a checkpoint (not a change).
  void restore_count(event_time window_start, std::string user_id,
                     uint64_t count);

  /// Restores the emitted mark from a checkpoint.
  void restore_emitted_through(event_time t) { emitted_through_ = t; }

 private:
  int64_t window_ms_;
  uint64_t threshold_;
  event_time emitted_through_ = min_event_time;
  std::map<int64_t, user_counts> windows_;
  size_t open_keys_ = 0;
  /// The counts changed since the last take_changes(), each once: window
  /// start and the map node (nodes of an unordered_map never move; a node
  /// is freed only with its window, and fire() drops the window's changes
  /// with it).
  std::vector<std::pair<int64_t, user_counts::value_type*>> changed_;
  /// Whether add() records changes in changed_ (see take_changes()).
  bool tracking_ = false;
};

} // namespace crashwatch
