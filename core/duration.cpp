#include "core/duration.hpp"

#include <cmath>
#include <cstdlib>
#include <string>

namespace crashwatch {

std::optional<int64_t> parse_duration_ms(std::string_view text) {
  size_t digits = 0;
  bool seen_dot = false;
  while (digits < text.size()
         && ((text[digits] >= '0' && text[digits] <= '9')
             || (text[digits] == '.' && !seen_dot))) {
    seen_dot |= text[digits] == '.';
    ++digits;
  }
  if (digits == 0 || (digits == 1 && seen_dot))
    return std::nullopt;
  auto unit = text.substr(digits);
  double factor = 0;
  if (unit == "ms")
    factor = 1;
  else if (unit == "s")
    factor = 1e3;
  else if (unit == "m")
    factor = 60e3;
  else if (unit == "h")
    factor = 3600e3;
  else
    return std::nullopt;
  auto number
      = std::strtod(std::string{text.substr(0, digits)}.c_str(), nullptr);
  auto ms = std::floor(number * factor);
  // About 292 million years fit in int64 milliseconds; refuse more.
  if (!std::isfinite(ms) || ms > 9.2e18)
    return std::nullopt;
  return static_cast<int64_t>(ms);
}

std::string format_duration_ms(int64_t ms) {
  if (ms != 0 && ms % 3600000 == 0)
    return std::to_string(ms / 3600000) + "h";
  if (ms != 0 && ms % 60000 == 0)
    return std::to_string(ms / 60000) + "m";
  if (ms % 1000 == 0)
    return std::to_string(ms / 1000) + "s";
  return std::to_string(ms) + "ms";
}

} // namespace crashwatch
