// Base64 (the dead-letter output's "record_base64" for raw records that are
// not UTF-8).
#pragma once

#include <string>
#include <string_view>

namespace crashwatch {

/// Appends `bytes` to `out` as standard base64 (RFC 4648 section 4: alphabet
/// A-Z a-z 0-9 + /, padded with '='), without line breaks or quotes.
void append_base64(std::string& out, std::string_view bytes);

} // namespace crashwatch
