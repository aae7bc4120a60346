// Durations on the command line: "250ms", "10s", "1.5m", "2h".
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace crashwatch {

/// Parses a duration with a unit suffix (ms, s, m, h) into milliseconds.
/// Fractions are allowed ("1.5s" = 1500 ms, rounded down to whole ms).
/// Returns nullopt for anything else: no unit, unknown unit, negative, empty.
std::optional<int64_t> parse_duration_ms(std::string_view text);

/// Renders milliseconds the short way: 10000 -> "10s", 1500 -> "1500ms".
std::string format_duration_ms(int64_t ms);

} // namespace crashwatch
