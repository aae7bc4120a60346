#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "core/json_scan.hpp"

using namespace crashwatch::json_scan;

namespace {

/// Random bytes, mostly plain text, with the bytes the scanners care about.
std::string random_bytes(std::mt19937_64& rng, size_t n) {
  static const char interesting[]
      = {'"',    '\\',   '\0',   '\x1f', '\t', '\x7f',
         '\x80', '\xff', '\xc3', '0',    '9',  ' '};
  std::string out(n, 'a');
  for (auto& c : out) {
    auto r = rng() % 64;
    c = r < sizeof(interesting) ? interesting[r]
                                : static_cast<char>('a' + r % 26);
  }
  return out;
}

/// Which code points a well-formed UTF-8 sequence may encode, decoded the
/// slow way: lead byte, continuation bytes, then the value's range.
size_t naive_utf8_length(const unsigned char* p, size_t left) {
  size_t length = p[0] >= 0xF0 ? 4 : p[0] >= 0xE0 ? 3 : p[0] >= 0xC0 ? 2 : 0;
  if (length == 0 || p[0] > 0xF7 || length > left)
    return 0;
  uint32_t cp = p[0] & (0x7F >> length);
  for (size_t i = 1; i < length; ++i) {
    if ((p[i] & 0xC0) != 0x80)
      return 0;
    cp = cp << 6 | (p[i] & 0x3F);
  }
  static const uint32_t smallest[] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < smallest[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
    return 0;
  return length;
}

} // namespace

TEST_CASE("the quote index matches a byte-by-byte scan", "[json_scan]") {
  std::mt19937_64 rng{7};
  // Every length, so that the last partial block lands on every position
  // of its 64-bit word (a bug there once dropped a whole word).
  for (size_t n = 16; n <= max_indexed_line; ++n) {
    for (int round = 0; round < 3; ++round) {
      auto text = random_bytes(rng, n);
      if (round == 0) // plain: no specials at all
        for (auto& c : text)
          if (c != '"'
              && (c == '\\' || static_cast<unsigned char>(c) < 0x20
                  || static_cast<unsigned char>(c) >= 0x80))
            c = 'x';
      uint64_t quotes[quote_index_words];
      bool plain = index_plain_line(text.data(), n, quotes);
      bool expected_plain = true;
      std::vector<uint64_t> expected((n + 63) / 64, 0);
      for (size_t i = 0; i < n; ++i) {
        auto u = static_cast<unsigned char>(text[i]);
        if (text[i] == '"')
          expected[i / 64] |= uint64_t{1} << (i % 64);
        if (text[i] == '\\' || u < 0x20 || u >= 0x80)
          expected_plain = false;
      }
      INFO("length " << n << ", round " << round);
      auto check = [&](bool plain, const uint64_t* quotes) {
        REQUIRE(plain == expected_plain);
        for (size_t w = 0; w < expected.size(); ++w)
          REQUIRE(quotes[w] == expected[w]);
        // Then the sentinel, maybe after an empty word.
        size_t w = expected.size();
        if (n % 64 == 0)
          REQUIRE(quotes[w++] == 0);
        REQUIRE(quotes[w] == 1);
      };
      check(plain, quotes);
#if defined(__x86_64__) && defined(__GNUC__)
      if (cpu_has_avx512bw()) {
        // From an exactly sized heap copy: the masked load of the last
        // block must not touch (or fault on) anything past the line.
        auto copy = std::make_unique<char[]>(n);
        std::memcpy(copy.get(), text.data(), n);
        uint64_t wide[quote_index_words];
        check(index_plain_line_avx512(copy.get(), n, wide), wide);
      }
#endif
    }
  }
}

TEST_CASE("both quote indexes see a special byte in every position",
          "[json_scan]") {
#if defined(__x86_64__) && defined(__GNUC__)
  if (!cpu_has_avx512bw()) {
    WARN("this CPU has no AVX-512BW: only the SSE2 index is used");
    return;
  }
  // Every byte value at every position of lines around the block and word
  // boundaries: both indexes must agree on plainness and quotes.
  static const size_t lengths[] = {16,  17,  31,  32,  33,  63,  64,   65,  127,
                                   128, 129, 157, 191, 192, 193, 1023, 1024};
  for (size_t n : lengths) {
    std::string text(n, 'a');
    for (size_t i = 0; i < n; i += (n > 200 ? 7 : 1)) {
      for (int byte = 0; byte < 256; ++byte) {
        text[i] = static_cast<char>(byte);
        // An exactly sized heap copy: nothing to read past the line.
        std::vector<char> copy(text.begin(), text.end());
        uint64_t narrow[quote_index_words], wide[quote_index_words];
        bool narrow_plain = index_plain_line(copy.data(), n, narrow);
        bool wide_plain = index_plain_line_avx512(copy.data(), n, wide);
        INFO("length " << n << ", byte " << byte << " at " << i);
        REQUIRE(narrow_plain == wide_plain);
        REQUIRE(narrow_plain == (byte >= 0x20 && byte < 0x80 && byte != '\\'));
        for (size_t w = 0; w < n / 64 + 2; ++w)
          REQUIRE(narrow[w] == wide[w]);
      }
      text[i] = 'a';
    }
  }
#endif
}

TEST_CASE("UTF-8 sequences are checked like Unicode says", "[json_scan]") {
  // Every lead byte with second and third bytes around the edges.
  const unsigned char edges[]
      = {0x00, 0x22, 0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0xFF};
  for (int lead = 0x80; lead <= 0xFF; ++lead)
    for (auto b1 : edges)
      for (auto b2 : edges)
        for (auto b3 : {0x80, 0xBF, 0xC0})
          for (size_t left = 1; left <= 4; ++left) {
            unsigned char bytes[] = {static_cast<unsigned char>(lead), b1, b2,
                                     static_cast<unsigned char>(b3)};
            auto p = reinterpret_cast<const char*>(bytes);
            auto after = skip_utf8_sequence(p, p + left);
            size_t got = after ? static_cast<size_t>(after - p) : 0;
            INFO(lead << " " << int{b1} << " " << int{b2} << " " << b3
                      << " left " << left);
            REQUIRE(got == naive_utf8_length(bytes, left));
          }
}

TEST_CASE("digit runs and small integers", "[json_scan]") {
  std::mt19937_64 rng{11};
  for (int round = 0; round < 20000; ++round) {
    auto digits = 1 + rng() % 20;
    std::string text;
    for (size_t i = 0; i < digits; ++i)
      text += static_cast<char>('0' + rng() % 10);
    text += "\"}/:"[rng() % 4]; // what follows a number
    const char* begin = text.data();
    const char* end = begin + text.size();
    REQUIRE(skip_digits(begin, end) == begin + digits);
    REQUIRE(skip_digits(begin, begin + digits) == begin + digits);
    int64_t value = 0;
    bool small = read_small_integer(begin, begin + digits, value);
    REQUIRE(small == (digits <= 18));
    if (small)
      REQUIRE(value == std::stoll(text.substr(0, digits)));
    std::string negative = "-" + text.substr(0, digits);
    small = read_small_integer(negative.data(),
                               negative.data() + negative.size(), value);
    REQUIRE(small == (digits <= 18));
    if (small)
      REQUIRE(value == std::stoll(negative));
  }
  // Anything but digits is refused, wherever it is.
  for (std::string bad : {"12345678a", "1234567890123.5", "1e5", "", "-",
                          "123456789012345:", "--1", "12 4"}) {
    int64_t value;
    INFO(bad);
    CHECK_FALSE(read_small_integer(bad.data(), bad.data() + bad.size(), value));
  }
}
