// The two alert formats of SPEC.md: JSON Lines, and the console table that
// people know from Spark's console sink.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/alert.hpp"

namespace crashwatch {

/// How alerts are written as text (`--output console|jsonl`).
enum class alert_format { console, jsonl };

/// Appends one alert as a JSON object and a newline, exactly as SPEC.md:
/// {"window_start":"...Z","window_end":"...Z","window_start_ms":...,
///  "window_end_ms":...,"user_id":"...","crash_count":3,"final":true}
void append_alert_jsonl(std::string& out, const alert& a);

/// Appends one console block: the "Batch: N" header and a table of the
/// alerts (already in output order), columns padded to their widest cell.
/// Early alerts (`--emit early`) get the header "Batch: N (early)".
void append_console_batch(std::string& out, uint64_t batch,
                          const std::vector<alert>& alerts, bool early);

} // namespace crashwatch
