// Validating scanners for the fast path of record_parser: the JSON pieces of
// a plain record (whitespace, strings without escapes, numbers), each either
// fully checked against RFC 8259 or refused.
//
// Refusing is always allowed: the caller then hands the whole line to the
// reference parser, which has the last word. Accepting is the dangerous
// direction, so every scanner accepts only what Boost.JSON accepts too (the
// differential test in tests/core/record_parser_test.cpp checks that).
//
// No scanner reads outside [p, end): Kafka payloads come without padding.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif
#if defined(__x86_64__) && defined(__GNUC__)
#include <immintrin.h> // AVX-512BW, used under a target attribute only
#endif

// The scanners run a few times per record in one loop; a call that is not
// inlined spills the loop's state to the stack and costs more than the scan.
#define CRASHWATCH_HOT [[gnu::always_inline]] inline

namespace crashwatch::json_scan {

/// A scanned value: its type and its raw text (for strings the bytes between
/// the quotes, which on the fast path need no unescaping).
struct raw_value {
  /// What the value is; `absent` when there was none.
  enum type_t : uint8_t { absent, null, boolean, number, string } type = absent;
  // The text is left uninitialized on purpose: zeroing it for every member
  // of every record cost as much as a tenth of the whole parse.
  /// First byte of the text (numbers and strings only).
  const char* begin;
  /// One past the last byte of the text (numbers and strings only).
  const char* end;

  /// The raw text.
  std::string_view text() const {
    return {begin, static_cast<size_t>(end - begin)};
  }
};

/// JSON whitespace (RFC 8259: space, tab, CR, LF); nothing else.
CRASHWATCH_HOT bool is_space(char c) {
  return c == ' ' || c == '\n' || c == '\r' || c == '\t';
}

/// The first non-whitespace position in [p, end), or `end`.
CRASHWATCH_HOT const char* skip_space(const char* p, const char* end) {
  while (p != end && is_space(*p))
    ++p;
  return p;
}

/// Checks one UTF-8 sequence whose lead byte `*p` is >= 0x80 (Unicode 15,
/// table 3-7: no overlongs, no surrogates, nothing above U+10FFFF). Returns
/// the position after it, or nullptr.
inline const char* skip_utf8_sequence(const char* p, const char* end) {
  auto byte = [&](ptrdiff_t i) { return static_cast<unsigned char>(p[i]); };
  auto in = [](unsigned char c, unsigned char lo, unsigned char hi) {
    return c >= lo && c <= hi;
  };
  unsigned char lead = byte(0);
  ptrdiff_t left = end - p;
  if (in(lead, 0xC2, 0xDF))
    return left >= 2 && in(byte(1), 0x80, 0xBF) ? p + 2 : nullptr;
  if (in(lead, 0xE0, 0xEF)) {
    // E0: no overlongs (A0..), ED: no surrogates (..9F).
    unsigned char lo = lead == 0xE0 ? 0xA0 : 0x80;
    unsigned char hi = lead == 0xED ? 0x9F : 0xBF;
    return left >= 3 && in(byte(1), lo, hi) && in(byte(2), 0x80, 0xBF)
               ? p + 3
               : nullptr;
  }
  if (in(lead, 0xF0, 0xF4)) {
    // F0: no overlongs (90..), F4: nothing above U+10FFFF (..8F).
    unsigned char lo = lead == 0xF0 ? 0x90 : 0x80;
    unsigned char hi = lead == 0xF4 ? 0x8F : 0xBF;
    return left >= 4 && in(byte(1), lo, hi) && in(byte(2), 0x80, 0xBF)
                   && in(byte(3), 0x80, 0xBF)
               ? p + 4
               : nullptr;
  }
  return nullptr; // continuation byte, C0/C1 overlong lead, F5..FF
}

/// True for the bytes that end the plain run of a string: the closing quote,
/// a backslash, a control character, a non-ASCII byte.
inline bool is_string_special(char c) {
  auto u = static_cast<unsigned char>(c);
  return c == '"' || c == '\\' || u < 0x20 || u >= 0x80;
}

/// The first special byte (see is_string_special) in [p, end), or `end`.
inline const char* find_string_special(const char* p, const char* end) {
#if defined(__SSE2__)
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  while (end - p >= 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    // Signed compare: bytes 0x80..0xFF are negative, so `< 0x20` catches
    // both control characters and non-ASCII bytes in one instruction.
    __m128i special = _mm_or_si128(
        _mm_or_si128(_mm_cmpeq_epi8(v, quote), _mm_cmpeq_epi8(v, backslash)),
        _mm_cmplt_epi8(v, space));
    if (int mask = _mm_movemask_epi8(special))
      return p + __builtin_ctz(static_cast<unsigned>(mask));
    p += 16;
  }
#endif
  while (p != end && !is_string_special(*p))
    ++p;
  return p;
}

/// Scans a string body from just after its opening quote. Returns the
/// position of the closing quote, or nullptr for anything outside the plain
/// subset: an escape (the text would need unescaping), a control character,
/// invalid UTF-8, a missing closing quote.
inline const char* scan_plain_string(const char* p, const char* end) {
  for (;;) {
    p = find_string_special(p, end);
    if (p == end)
      return nullptr;
    if (*p == '"')
      return p;
    if (static_cast<unsigned char>(*p) < 0x80)
      return nullptr; // backslash or control character
    p = skip_utf8_sequence(p, end);
    if (p == nullptr)
      return nullptr;
  }
}

/// The first position in [p, end) that is not an ASCII digit, or `end`;
/// eight bytes per step (epoch timestamps have 10 to 16 digits).
CRASHWATCH_HOT const char* skip_digits(const char* p, const char* end) {
  while (end - p >= 8) {
    uint64_t chunk;
    std::memcpy(&chunk, p, 8);
    // Per byte: zero for a digit (high nibble 3, and still 3 after adding
    // 6). A carry out of a non-digit byte only disturbs later bytes, which do
    // not matter: we want the first non-digit.
    uint64_t odd = ((chunk & 0xF0F0F0F0F0F0F0F0) ^ 0x3030303030303030)
                   | (((chunk + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0)
                      ^ 0x3030303030303030);
    if (odd != 0) {
      // The high bit of each nonzero byte, without carries between bytes.
      uint64_t flags = (((odd & 0x7F7F7F7F7F7F7F7F) + 0x7F7F7F7F7F7F7F7F) | odd)
                       & 0x8080808080808080;
      return p + __builtin_ctzll(flags) / 8;
    }
    p += 8;
  }
  while (p != end && *p >= '0' && *p <= '9')
    ++p;
  return p;
}

/// Scans a number (RFC 8259: `-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?`)
/// starting at `p`. Returns the position after it, or nullptr. What follows is
/// the caller's to check ("01" scans as "0" followed by a stray "1").
/// Exponents of 1e8 and more are refused: Boost.JSON rejects exponents beyond
/// INT_MAX, and deciding that edge is left to the reference parser.
CRASHWATCH_HOT const char* scan_number(const char* p, const char* end) {
  auto digit
      = [&](const char* q) { return q != end && *q >= '0' && *q <= '9'; };
  if (p != end && *p == '-')
    ++p;
  if (!digit(p))
    return nullptr;
  if (*p++ != '0')
    p = skip_digits(p, end);
  if (p != end && *p == '.') {
    ++p;
    if (!digit(p))
      return nullptr;
    p = skip_digits(p, end);
  }
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    if (p != end && (*p == '+' || *p == '-'))
      ++p;
    if (!digit(p))
      return nullptr;
    long exponent = 0;
    while (digit(p)) {
      exponent = exponent * 10 + (*p++ - '0');
      if (exponent >= 100'000'000)
        return nullptr;
    }
  }
  return p;
}

/// True when [p, end) starts with the literal `word` of length `n`.
CRASHWATCH_HOT bool starts_with(const char* p, const char* end,
                                const char* word, size_t n) {
  return static_cast<size_t>(end - p) >= n && std::memcmp(p, word, n) == 0;
}

/// Lines up to this many bytes can get a quote index (index_plain_line()).
constexpr size_t max_indexed_line = 1024;

/// Words of a quote index for a line of max_indexed_line bytes, with room
/// for the sentinel word.
constexpr size_t quote_index_words = max_indexed_line / 64 + 2;

#if defined(__SSE2__)
/// Sets bit i % 64 of quotes[i / 64] for every '"' at s[i], i < n, and
/// returns true when the line is plain: not one backslash, control character
/// or non-ASCII byte anywhere. In a plain line every quote delimits a string
/// and every string is valid as it stands, so strings need no scanning at
/// all. Needs 16 <= n <= max_indexed_line. After the line's words comes a
/// sentinel word with a "quote" at a position >= n, so that quote_cursor
/// needs no end check.
inline bool index_plain_line(const char* s, size_t n, uint64_t* quotes) {
  const __m128i quote = _mm_set1_epi8('"');
  const __m128i backslash = _mm_set1_epi8('\\');
  const __m128i space = _mm_set1_epi8(0x20);
  __m128i special = _mm_setzero_si128();
  auto block = [&](const char* at) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(at));
    // Signed compare: < 0x20 also catches the bytes 0x80..0xFF.
    special = _mm_or_si128(special, _mm_or_si128(_mm_cmpeq_epi8(v, backslash),
                                                 _mm_cmplt_epi8(v, space)));
    return static_cast<uint64_t>(
        static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(v, quote))));
  };
  uint64_t* out = quotes;
  size_t i = 0;
  for (; i + 64 <= n; i += 64)
    *out++ = block(s + i) | block(s + i + 16) << 16 | block(s + i + 32) << 32
             | block(s + i + 48) << 48;
  uint64_t word = 0;
  unsigned shift = 0;
  for (; i + 16 <= n; i += 16, shift += 16)
    word |= block(s + i) << shift;
  if (i < n) {
    // The last partial block: load the 16 bytes that end the line (no read
    // past it) and drop the ones already indexed. `special` sees them twice,
    // which is harmless.
    word |= (block(s + n - 16) >> (i + 16 - n)) << shift;
  }
  out[0] = word; // when n % 64 == 0 an empty word, harmless
  out[1] = 1;    // the sentinel
  return _mm_movemask_epi8(special) == 0;
}
#endif

#if defined(__x86_64__) && defined(__GNUC__)
/// True when this CPU can run index_plain_line_avx512() (AVX-512BW; the
/// OS saves the registers: __builtin_cpu_supports checks that too).
inline bool cpu_has_avx512bw() {
  static const bool has = __builtin_cpu_supports("avx512bw");
  return has;
}

/// index_plain_line() with AVX-512BW, same contract and same result: one
/// 64-byte block per bitmap word, each with three compares into mask
/// registers, and the last partial block read with a masked load (which
/// touches no byte past the line, not even to fault). Compiled for
/// AVX-512BW whatever the build's target: call it only when
/// cpu_has_avx512bw().
[[gnu::target("avx512bw")]] inline bool
index_plain_line_avx512(const char* s, size_t n, uint64_t* quotes) {
  const __m512i quote = _mm512_set1_epi8('"');
  const __m512i backslash = _mm512_set1_epi8('\\');
  const __m512i space = _mm512_set1_epi8(0x20);
  uint64_t special = 0;
  size_t i = 0;
  uint64_t* out = quotes;
  for (; i + 64 <= n; i += 64) {
    __m512i v = _mm512_loadu_si512(s + i);
    *out++ = _mm512_cmpeq_epi8_mask(v, quote);
    // Signed compare: < 0x20 also catches the bytes 0x80..0xFF.
    special |= _mm512_cmpeq_epi8_mask(v, backslash)
               | _mm512_cmplt_epi8_mask(v, space);
  }
  uint64_t word = 0;
  if (i < n) {
    __mmask64 live = ~uint64_t{0} >> (64 - (n - i));
    __m512i v = _mm512_maskz_loadu_epi8(live, s + i);
    word = _mm512_cmpeq_epi8_mask(v, quote);
    // The bytes past the line load as 0, which is < 0x20: compare only the
    // line's own.
    special |= _mm512_mask_cmpeq_epi8_mask(live, v, backslash)
               | _mm512_mask_cmplt_epi8_mask(live, v, space);
  }
  out[0] = word; // when n % 64 == 0 an empty word, harmless
  out[1] = 1;    // the sentinel
  return special == 0;
}
#endif

/// Hands out the positions of a quote index in increasing order; after the
/// line's last quote comes the sentinel, a position >= the line's size, and
/// then nothing may be asked any more.
class quote_cursor {
 public:
  /// Walks the quote index `quotes` made by index_plain_line().
  explicit quote_cursor(const uint64_t* quotes)
      : word_(quotes), bits_(quotes[0]) {}

  /// The next quote's position.
  [[gnu::always_inline]] size_t next() {
    while (bits_ == 0) {
      bits_ = *++word_;
      base_ += 64;
    }
    auto pos = base_ + static_cast<size_t>(__builtin_ctzll(bits_));
    bits_ &= bits_ - 1;
    return pos;
  }

 private:
  const uint64_t* word_;
  uint64_t bits_;
  size_t base_ = 0;
};

/// The value of 8 ASCII digits at p (not checked), without a multiply per
/// digit (the usual SWAR reduction, as in simdjson).
CRASHWATCH_HOT uint64_t eight_digits(uint64_t chunk) {
  chunk = (chunk & 0x0F0F0F0F0F0F0F0F) * 2561 >> 8;
  chunk = (chunk & 0x00FF00FF00FF00FF) * 6553601 >> 16;
  return (chunk & 0x0000FFFF0000FFFF) * 42949672960001 >> 32;
}

/// True when all 8 bytes of `chunk` are ASCII digits.
CRASHWATCH_HOT bool all_digits(uint64_t chunk) {
  return ((chunk & 0xF0F0F0F0F0F0F0F0)
          | (((chunk + 0x0606060606060606) & 0xF0F0F0F0F0F0F0F0) >> 4))
         == 0x3333333333333333;
}

/// Reads [begin, end) as an integer of 1 to 18 digits (so it fits int64
/// without checks), optionally negative, into `out`; false for anything else
/// (fractions, exponents, longer numbers). Leading zeros are not checked.
CRASHWATCH_HOT bool read_small_integer(const char* begin, const char* end,
                                       int64_t& out) {
  bool negative = begin != end && *begin == '-';
  const char* digits = begin + negative;
  auto count = end - digits;
  if (count < 8 || count > 16) {
    if (count < 1 || count > 18)
      return false;
    uint64_t v = 0;
    for (const char* p = digits; p != end; ++p) {
      if (*p < '0' || *p > '9')
        return false;
      v = v * 10 + static_cast<uint64_t>(*p - '0');
    }
    out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
    return true;
  }
  // 8..16 digits, the common case (epoch ms have 13): two 8-byte loads,
  // both inside the number, the first 8 digits and the last 8 with the ones
  // the first load already covered masked to digit 0.
  static constexpr uint64_t pow10[]
      = {1, 10, 100, 1000, 10000, 100000, 1000000, 10000000, 100000000};
  uint64_t high, low;
  std::memcpy(&high, digits, 8);
  std::memcpy(&low, end - 8, 8);
  auto overlap = static_cast<unsigned>(16 - count); // 0..8
  uint64_t keep = overlap == 8 ? 0 : ~uint64_t{0} << (8 * overlap);
  low = (low & keep) | (0x3030303030303030 & ~keep);
  if (!all_digits(high) || !all_digits(low))
    return false;
  auto v = eight_digits(high) * pow10[count - 8] + eight_digits(low);
  out = negative ? -static_cast<int64_t>(v) : static_cast<int64_t>(v);
  return true;
}

} // namespace crashwatch::json_scan
