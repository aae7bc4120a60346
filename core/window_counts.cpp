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
  auto& users = windows_[start.value];
  // Heterogeneous lookup arrives with C++20; a std::string key costs one
  // allocation only for the first crash of a user in a window.
  auto [it, inserted] = users.try_emplace(std::string{user_id});
  open_keys_ += inserted ? 1 : 0;
  auto& entry = it->second;
  if (tracking_ && !entry.changed) {
    entry.changed = true;
    changed_.emplace_back(start.value, &*it);
  }
  count = ++entry.count;
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
    for (auto& [user, entry] : it->second)
      if (entry.count > threshold_)
        out.push_back(alert{start, end, user, entry.count, true});
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
    open_keys_ -= it->second.size();
  }
  if (it == windows_.begin())
    return;
  windows_.erase(windows_.begin(), it);
  // The changes of freed windows would only be skipped by take_changes();
  // dropped here, once per freed window range, they cannot pile up in a run
  // that never checkpoints (no --data-dir), which would otherwise keep an
  // entry for every key it ever counted.
  changed_.erase(std::remove_if(changed_.begin(), changed_.end(),
                                [&](const auto& change) {
                                  return window_end(event_time{change.first},
                                                    window_ms_)
                                         <= watermark;
                                }),
                 changed_.end());
}

void window_counts::take_changes(std::vector<window_entry>& out) {
  if (!tracking_) {
    // The first call: every open count changed since construction (nothing
    // was restored, else tracking would be on). Changes are tracked from
    // now on: a run that never checkpoints never pays for them.
    tracking_ = true;
    for (auto& [start, users] : windows_)
      for (auto& [user, entry] : users)
        out.push_back(window_entry{event_time{start}, user, entry.count});
    return;
  }
  for (auto [start, node] : changed_) {
    // Emitted windows are freed: their nodes must not be touched.
    if (window_end(event_time{start}, window_ms_) <= emitted_through_)
      continue;
    node->second.changed = false;
    out.push_back(
        window_entry{event_time{start}, node->first, node->second.count});
  }
  changed_.clear();
}

void window_counts::restore_count(event_time window_start, std::string user_id,
                                  uint64_t count) {
  // Restored counts are in the journal already: from here on only changes
  // are written, so they are tracked.
  tracking_ = true;
  auto& users = windows_[window_start.value];
  auto [it, inserted] = users.try_emplace(std::move(user_id));
  open_keys_ += inserted ? 1 : 0;
  it->second.count = count;
}

} // namespace crashwatch
