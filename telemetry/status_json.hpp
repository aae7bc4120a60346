// /status: the telemetry state as one JSON document (schema version 1,
// docs/TELEMETRY.md), at wall-clock time `now_ms`.
#pragma once

#include <cstdint>
#include <string>

#include "telemetry/telemetry_state.hpp"

namespace crashwatch {

std::string status_json(const telemetry_state& st, int64_t now_ms);

} // namespace crashwatch
