#include "io/base64.hpp"

namespace crashwatch {

void append_base64(std::string& out, std::string_view bytes) {
  static constexpr char alphabet[]
      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  size_t n = bytes.size();
  size_t at = out.size();
  out.resize(at + (n + 2) / 3 * 4);
  char* q = out.data() + at;
  size_t i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    *q++ = alphabet[v >> 18];
    *q++ = alphabet[(v >> 12) & 63];
    *q++ = alphabet[(v >> 6) & 63];
    *q++ = alphabet[v & 63];
  }
  if (i + 1 == n) {
    unsigned v = p[i] << 16;
    *q++ = alphabet[v >> 18];
    *q++ = alphabet[(v >> 12) & 63];
    *q++ = '=';
    *q++ = '=';
  } else if (i + 2 == n) {
    unsigned v = (p[i] << 16) | (p[i + 1] << 8);
    *q++ = alphabet[v >> 18];
    *q++ = alphabet[(v >> 12) & 63];
    *q++ = alphabet[(v >> 6) & 63];
    *q++ = '=';
  }
}

} // namespace crashwatch
