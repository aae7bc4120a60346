// What a fuzz target does when an input breaks a promise that no sanitizer
// sees (the two record parsers disagree, a formatted time does not parse
// back): print the input as an escaped C string plus what went wrong, then
// abort(), which libFuzzer reports as a crash and saves the input.
#pragma once

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

namespace crashwatch::fuzz {

/// `bytes` as a C string literal: printable ASCII as is, the rest as \xHH.
inline std::string escaped(std::string_view bytes) {
  std::string out = "\"";
  for (unsigned char c : bytes) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c >= 0x20 && c < 0x7f) {
      out += static_cast<char>(c);
    } else {
      char hex[5];
      std::snprintf(hex, sizeof hex, "\\x%02x", c);
      out += hex;
    }
  }
  return out + "\"";
}

/// Reports a broken promise on `input` and aborts.
[[noreturn]] inline void fail(std::string_view input, const std::string& what) {
  std::fprintf(stderr,
               "\n*** fuzz check failed: %s\n*** input (%zu bytes): %s\n",
               what.c_str(), input.size(), escaped(input).c_str());
  std::abort();
}

} // namespace crashwatch::fuzz
