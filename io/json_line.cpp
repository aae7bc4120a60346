#include "io/json_line.hpp"

#include <algorithm>
#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "io/base64.hpp"

namespace crashwatch {

namespace {

/// For every byte: 0 when it passes unchanged, else the character after the
/// backslash of its escape ('u' for \u00XX).
constexpr std::array<char, 256> escape_table = [] {
  std::array<char, 256> t{};
  for (int c = 0; c < 0x20; ++c)
    t[c] = 'u';
  t['"'] = '"';
  t['\\'] = '\\';
  t['\n'] = 'n';
  t['\r'] = 'r';
  t['\t'] = 't';
  return t;
}();

char escape_of(char c) {
  return escape_table[static_cast<unsigned char>(c)];
}

} // namespace

void json_line::put_string(std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  const char* p = text.data();
  const char* end = p + text.size();
  put("\"", 1);
  // Each step copies up to 16 bytes that need no escape, then writes the
  // escape of the byte after them, if any: room for both.
  constexpr size_t step_room = 16 + 6;
  static_assert(buffer_size >= step_room);
  while (p != end) {
    char* at = room(step_room);
    size_t clean = 0;
#if defined(__SSE2__)
    if (end - p >= 16) {
      // Copy the whole block; count only its bytes before the first one
      // that needs an escape.
      const __m128i quote = _mm_set1_epi8('"');
      const __m128i backslash = _mm_set1_epi8('\\');
      const __m128i max_control = _mm_set1_epi8(0x1F);
      __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
      _mm_storeu_si128(reinterpret_cast<__m128i*>(at), v);
      // Unsigned: min(v, 0x1F) == v exactly for the bytes 0x00..0x1F.
      __m128i special = _mm_or_si128(
          _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
          _mm_cmpeq_epi8(_mm_min_epu8(v, max_control), v));
      auto mask = static_cast<unsigned>(_mm_movemask_epi8(special));
      clean = mask == 0 ? 16 : static_cast<size_t>(__builtin_ctz(mask));
    } else
#endif
    {
      // Fewer than 16 bytes left (or no SSE2): byte by byte, at most 16 in
      // one step, which the room holds.
      auto left = std::min(static_cast<size_t>(end - p), size_t{16});
      while (clean < left && escape_of(p[clean]) == 0) {
        at[clean] = p[clean];
        ++clean;
      }
    }
    used_ += clean;
    p += clean;
    if (p == end || clean == 16)
      continue;
    at += clean;
    char e = escape_of(*p);
    if (e != 'u') {
      at[0] = '\\';
      at[1] = e;
      used_ += 2;
    } else {
      auto c = static_cast<unsigned char>(*p);
      std::memcpy(at, "\\u00", 4);
      at[4] = hex[c >> 4];
      at[5] = hex[c & 0xF];
      used_ += 6;
    }
    ++p;
  }
  put("\"", 1);
}

json_line& json_line::base64_field(std::string_view key,
                                   std::string_view bytes) {
  put_key(key);
  put("\"", 1);
  flush();
  append_base64(out_, bytes);
  put("\"", 1);
  return *this;
}

} // namespace crashwatch
