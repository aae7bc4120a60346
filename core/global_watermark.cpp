#include "core/global_watermark.hpp"

#include <algorithm>
#include <stdexcept>
#include <string>

namespace crashwatch {

global_watermark::global_watermark(
    const std::vector<partition_id>& partitions) {
  for (auto p : partitions) {
    if (p.value < 0)
      throw std::out_of_range("negative partition " + std::to_string(p.value));
    if (static_cast<size_t>(p.value) >= marks_.size())
      marks_.resize(static_cast<size_t>(p.value) + 1,
                    mark{max_event_time, partition_state::ended, false});
    marks_[static_cast<size_t>(p.value)] = mark{};
    marks_[static_cast<size_t>(p.value)].read = true;
  }
}

void global_watermark::update(partition_id p, event_time watermark,
                              partition_state state) {
  if (p.value < 0 || static_cast<size_t>(p.value) >= marks_.size()
      || !marks_[static_cast<size_t>(p.value)].read)
    throw std::out_of_range("unknown partition " + std::to_string(p.value));
  auto& m = marks_[static_cast<size_t>(p.value)];
  m.watermark = state == partition_state::ended ? max_event_time : watermark;
  m.state = state;
}

event_time global_watermark::current() const {
  auto lowest_active = max_event_time;
  auto highest_idle = min_event_time;
  bool any_active = false;
  bool any_idle = false;
  for (auto& m : marks_) {
    switch (m.state) {
    case partition_state::active:
      any_active = true;
      lowest_active = std::min(lowest_active, m.watermark);
      break;
    case partition_state::idle:
      any_idle = true;
      highest_idle = std::max(highest_idle, m.watermark);
      break;
    case partition_state::ended:
      break;
    }
  }
  if (any_active)
    return lowest_active;
  if (any_idle)
    return highest_idle;
  return max_event_time;
}

bool global_watermark::all_ended() const {
  return std::all_of(marks_.begin(), marks_.end(), [](const mark& m) {
    return m.state == partition_state::ended;
  });
}

} // namespace crashwatch
