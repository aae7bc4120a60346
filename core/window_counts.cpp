#include "core/window_counts.hpp"

#include <algorithm>

#include "core/window.hpp"

namespace crashwatch {

window_counts::window_counts(int64_t window_ms, uint64_t threshold)
    : window_ms_(window_ms), threshold_(threshold) {}

window_counts::outcome
window_counts::add(event_time t, std::string_view user_id, uint64_t& count) {
  auto start = window_start(t, window_ms_);
  if (window_end(start, window_ms_) <= emitted_through_) {
    count = 0;
    return outcome::window_emitted;
  }
  auto& window = windows_[start.value];
  // Heterogeneous lookup arrives with C++20; a std::string key costs one
  // allocation only for the first crash of a user in a window.
  auto [it, inserted] = window.users.try_emplace(std::string{user_id});
  open_keys_ += inserted ? 1 : 0;
  auto& entry = it->second;
  if (tracking_ && !entry.changed()) {
    entry.set_changed(true);
    window.changed.push_back(&*it);
    ++pending_;
  }
  count = entry.increment();
  return count == threshold_ + 1 ? outcome::crossed_threshold
                                 : outcome::counted;
}

void window_counts::fire(event_time watermark, std::vector<alert>& out) {
  if (watermark <= emitted_through_)
    return;
  emitted_through_ = watermark;
  auto it = windows_.begin();
  for (; it != windows_.end(); ++it) {
    event_time start{it->first};
    auto end = window_end(start, window_ms_);
    if (end > watermark)
      break;
    auto first = out.size();
    for (auto& [user, entry] : it->second.users)
      if (entry.count() > threshold_)
        out.push_back(alert{start, end, user, entry.count(), true});
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
    open_keys_ -= it->second.users.size();
    // The window's changes go with it: they would point into freed nodes,
    // and a checkpoint drops emitted windows by the emitted mark anyway.
    pending_ -= it->second.changed.size();
  }
  windows_.erase(windows_.begin(), it);
}

void window_counts::take_changes(changed_counts& out) {
  // Sized exactly first: grown by doubling, a large checkpoint's copy would
  // take up to twice its size while it moves.
  size_t windows = 0;
  size_t bytes = 0;
  if (!tracking_) {
    for (auto& [start, window] : windows_) {
      windows += window.users.empty() ? 0 : 1;
      for (auto& [user, entry] : window.users)
        bytes += changed_counts::encoded_size(user, entry.count());
    }
  } else {
    for (auto& [start, window] : windows_) {
      windows += window.changed.empty() ? 0 : 1;
      for (auto* node : window.changed)
        bytes
            += changed_counts::encoded_size(node->first, node->second.count());
    }
  }
  out.reserve(windows, bytes);
  if (!tracking_) {
    // The first call: every open count changed since construction (nothing
    // was restored, else tracking would be on). Changes are tracked from
    // now on: a run that never checkpoints never pays for them.
    tracking_ = true;
    for (auto& [start, window] : windows_)
      for (auto& [user, entry] : window.users)
        out.push_back(event_time{start}, user, entry.count());
    return;
  }
  // Only open windows are held (fire() freed the others with their
  // changes). Popped one by one: the deque's blocks are freed while `out`
  // fills.
  for (auto& [start, window] : windows_) {
    for (auto& changed = window.changed; !changed.empty();
         changed.pop_front()) {
      auto* node = changed.front();
      node->second.set_changed(false);
      out.push_back(event_time{start}, node->first, node->second.count());
    }
  }
  pending_ = 0;
}

void window_counts::restore_count(event_time window_start, std::string user_id,
                                  uint64_t count) {
  // Restored counts are in the journal already: from here on only changes
  // are written, so they are tracked.
  tracking_ = true;
  auto& window = windows_[window_start.value];
  auto [it, inserted] = window.users.try_emplace(std::move(user_id));
  open_keys_ += inserted ? 1 : 0;
  it->second.set_count(count);
}

} // namespace crashwatch
