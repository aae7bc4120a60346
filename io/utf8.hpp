// UTF-8 validation of whole byte strings (the dead-letter output decides by
// it whether a raw record can be a JSON string).
#pragma once

#include <string_view>

namespace crashwatch {

/// True when `text` is valid UTF-8 (RFC 3629, Unicode table 3-7): no overlong
/// forms, no surrogates, nothing above U+10FFFF, no truncated sequences.
/// Each non-ASCII sequence is checked by core's json_scan::skip_utf8_sequence,
/// the check of the record parser's fast path, so both agree by construction.
bool is_valid_utf8(std::string_view text);

} // namespace crashwatch
