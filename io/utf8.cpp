#include "io/utf8.hpp"

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "core/json_scan.hpp"

namespace crashwatch {

bool is_valid_utf8(std::string_view text) {
  const char* p = text.data();
  const char* end = p + text.size();
  while (p != end) {
    // ASCII runs 16 or 8 bytes at a time: most records are all ASCII.
#if defined(__SSE2__)
    while (end - p >= 16) {
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      if (_mm_movemask_epi8(v) != 0)
        break;
      p += 16;
    }
#endif
    while (end - p >= 8) {
      uint64_t chunk;
      std::memcpy(&chunk, p, 8);
      if (chunk & 0x8080808080808080)
        break;
      p += 8;
    }
    while (p != end && static_cast<unsigned char>(*p) < 0x80)
      ++p;
    if (p == end)
      return true;
    p = json_scan::skip_utf8_sequence(p, end);
    if (p == nullptr)
      return false;
  }
  return true;
}

} // namespace crashwatch
