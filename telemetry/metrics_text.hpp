// /metrics: the telemetry state in Prometheus's text format, built with
// prometheus-cpp (a registry filled from the state, then its
// TextSerializer) at wall-clock time `now_ms`. Every metric is listed in
// docs/TELEMETRY.md.
#pragma once

#include <cstdint>
#include <string>

#include "telemetry/telemetry_state.hpp"

namespace crashwatch {

std::string metrics_text(const telemetry_state& st, int64_t now_ms);

} // namespace crashwatch
