// Writing JSON string literals.
#pragma once

#include <string>
#include <string_view>

namespace crashwatch {

/// Appends `text` to `out` as a JSON string literal, quotes included.
/// Control characters are escaped; other bytes pass through unchanged, so
/// `text` must be valid UTF-8 for the result to be valid JSON.
void append_json_string(std::string& out, std::string_view text);

/// True when `text` is valid UTF-8 (no overlong forms, no surrogates, nothing
/// above U+10FFFF).
bool is_valid_utf8(std::string_view text);

/// Appends `text` as standard base64 (RFC 4648, with padding), no quotes.
void append_base64(std::string& out, std::string_view text);

} // namespace crashwatch
