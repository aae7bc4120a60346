#include "core/window_counts.hpp"

#include <algorithm>

#include "core/window.hpp"

namespace crashwatch {

window_counts::window_counts(int64_t window_ms, uint64_t threshold)
  : window_ms_(window_ms), threshold_(threshold) {
}

window_counts::outcome window_counts::add(event_time t,
                                          std::string_view user_id,
                                          uint64_t& count) {
  auto start = window_start(t, window_ms_);
  if (window_end(start, window_ms_) <= emitted_through_) {
    count = 0;
    return outcome::window_emitted;
  }
  auto& users = windows_[start.value];
  // Heterogeneous lookup arrives with C++20; a std::string key costs one
  // allocation only for the first crash of a user in a window.
  auto [it, inserted] = users.try_emplace(std::string{user_id}, 0);
  open_keys_ += inserted ? 1 : 0;
  count = ++it->second;
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
    for (auto& [user, count] : it->second)
      if (count > threshold_)
        out.push_back(alert{start, end, user, count, true});
    std::sort(out.begin() + static_cast<std::ptrdiff_t>(first), out.end());
    open_keys_ -= it->second.size();
  }
  windows_.erase(windows_.begin(), it);
}

void window_counts::restore(event_time emitted_through,
                            std::map<int64_t, user_counts> windows) {
  emitted_through_ = emitted_through;
  windows_ = std::move(windows);
  open_keys_ = 0;
  for (auto& [start, users] : windows_)
    open_keys_ += users.size();
}

} // namespace crashwatch
