#include "telemetry/telemetry_state.hpp"

#include <algorithm>

namespace crashwatch {

const std::vector<double>& telemetry_state::checkpoint_buckets() {
  static const std::vector<double> bounds{0.005, 0.01, 0.025, 0.05, 0.1, 0.25,
                                          0.5,   1,    2.5,   5,    10};
  return bounds;
}

void add_checkpoint(telemetry_state& st, const checkpoint_report& report) {
  auto seconds
      = static_cast<double>(report.committed_ms - report.started_ms) / 1000.0;
  auto& bounds = telemetry_state::checkpoint_buckets();
  auto bucket = static_cast<size_t>(
      std::lower_bound(bounds.begin(), bounds.end(), seconds) - bounds.begin());
  st.checkpoint_counts[bucket] += 1;
  st.checkpoint_seconds += seconds;
  st.checkpoints.push_back(report);
  while (st.checkpoints.size() > 30)
    st.checkpoints.pop_front();
}

event_time global_watermark_of(const telemetry_state& st) {
  auto result = max_event_time;
  for (auto& [id, r] : st.readers)
    if (r.state != partition_state::ended)
      result = std::min(result, r.watermark);
  return st.readers.empty() ? min_event_time : result;
}

} // namespace crashwatch
