// Writing JSON string literals.
#pragma once

#include <string>
#include <string_view>

namespace crashwatch {

/// Appends `text` to `out` as a JSON string literal, quotes included.
/// Control characters are escaped; other bytes pass through unchanged, so a
/// raw record with invalid UTF-8 stays byte-for-byte recoverable.
void append_json_string(std::string& out, std::string_view text);

} // namespace crashwatch
