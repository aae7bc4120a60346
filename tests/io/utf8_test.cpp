#include <catch2/catch.hpp>

#include <random>
#include <string>

#include "io/utf8.hpp"

using namespace crashwatch;
using namespace std::string_view_literals;

namespace {

/// UTF-8 by the book (RFC 3629): decode each sequence, then refuse overlong
/// forms, surrogates and code points above U+10FFFF.
bool naive_valid(std::string_view s) {
  auto* p = reinterpret_cast<const unsigned char*>(s.data());
  size_t n = s.size();
  for (size_t i = 0; i < n;) {
    unsigned c = p[i];
    size_t len;
    unsigned min;
    if (c < 0x80)
      len = 1, min = 0;
    else if ((c & 0xE0) == 0xC0)
      len = 2, min = 0x80, c &= 0x1F;
    else if ((c & 0xF0) == 0xE0)
      len = 3, min = 0x800, c &= 0x0F;
    else if ((c & 0xF8) == 0xF0)
      len = 4, min = 0x10000, c &= 0x07;
    else
      return false;
    if (n - i < len)
      return false;
    for (size_t k = 1; k < len; ++k) {
      if ((p[i + k] & 0xC0) != 0x80)
        return false;
      c = c << 6 | (p[i + k] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
      return false;
    i += len;
  }
  return true;
}

} // namespace

TEST_CASE("UTF-8: valid forms of 1 to 4 bytes", "[utf8]") {
  CHECK(is_valid_utf8(""));
  CHECK(is_valid_utf8("plain ASCII, also longer than eight bytes"));
  CHECK(is_valid_utf8("\0"sv));             // U+0000
  CHECK(is_valid_utf8("\x7f"));             // U+007F
  CHECK(is_valid_utf8("\xc2\x80"));         // U+0080, smallest of 2 bytes
  CHECK(is_valid_utf8("\xdf\xbf"));         // U+07FF
  CHECK(is_valid_utf8("\xe0\xa0\x80"));     // U+0800, smallest of 3 bytes
  CHECK(is_valid_utf8("\xed\x9f\xbf"));     // U+D7FF, below the surrogates
  CHECK(is_valid_utf8("\xee\x80\x80"));     // U+E000, above them
  CHECK(is_valid_utf8("\xef\xbf\xbf"));     // U+FFFF
  CHECK(is_valid_utf8("\xf0\x90\x80\x80")); // U+10000, smallest of 4 bytes
  CHECK(is_valid_utf8("\xf4\x8f\xbf\xbf")); // U+10FFFF, the last
  CHECK(
      is_valid_utf8("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa5 end")); // é € 💥
}

TEST_CASE("UTF-8: overlong forms are refused", "[utf8]") {
  CHECK_FALSE(is_valid_utf8("\xc0\x80"));         // U+0000 in 2 bytes
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));         // '/' in 2 bytes
  CHECK_FALSE(is_valid_utf8("\xc1\xbf"));         // U+007F in 2 bytes
  CHECK_FALSE(is_valid_utf8("\xe0\x80\x80"));     // U+0000 in 3 bytes
  CHECK_FALSE(is_valid_utf8("\xe0\x9f\xbf"));     // U+07FF in 3 bytes
  CHECK_FALSE(is_valid_utf8("\xf0\x80\x80\x80")); // U+0000 in 4 bytes
  CHECK_FALSE(is_valid_utf8("\xf0\x8f\xbf\xbf")); // U+FFFF in 4 bytes
}

TEST_CASE("UTF-8: surrogates are refused", "[utf8]") {
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80")); // U+D800
  CHECK_FALSE(is_valid_utf8("\xed\xaf\xbf")); // U+DBFF
  CHECK_FALSE(is_valid_utf8("\xed\xb0\x80")); // U+DC00
  CHECK_FALSE(is_valid_utf8("\xed\xbf\xbf")); // U+DFFF
  // A surrogate pair encoded as two 3-byte sequences (CESU-8) is not UTF-8.
  CHECK_FALSE(is_valid_utf8("\xed\xa0\xbd\xed\xb2\xa5"));
}

TEST_CASE("UTF-8: nothing above U+10FFFF", "[utf8]") {
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80")); // U+110000
  CHECK_FALSE(is_valid_utf8("\xf5\x80\x80\x80"));
  CHECK_FALSE(is_valid_utf8("\xf7\xbf\xbf\xbf"));         // U+1FFFFF
  CHECK_FALSE(is_valid_utf8("\xf8\x88\x80\x80\x80"));     // old 5-byte form
  CHECK_FALSE(is_valid_utf8("\xfc\x84\x80\x80\x80\x80")); // old 6-byte form
  CHECK_FALSE(is_valid_utf8("\xfe"));
  CHECK_FALSE(is_valid_utf8("\xff"));
}

TEST_CASE("UTF-8: truncated sequences and stray continuations", "[utf8]") {
  CHECK_FALSE(is_valid_utf8("\xc3"));         // 2 bytes, 1 there
  CHECK_FALSE(is_valid_utf8("\xe2\x82"));     // 3 bytes, 2 there
  CHECK_FALSE(is_valid_utf8("\xf0\x9f\x92")); // 4 bytes, 3 there
  CHECK_FALSE(is_valid_utf8("ab\xe2\x82"));   // at the end of text
  CHECK_FALSE(is_valid_utf8("\xe2\x82"
                            "a"));                    // cut by an ASCII byte
  CHECK_FALSE(is_valid_utf8("\xf0\x9f\x92\xc3\xa9")); // cut by a new lead
  CHECK_FALSE(is_valid_utf8("\x80"));                 // continuation alone
  CHECK_FALSE(is_valid_utf8("\xbf"));
  CHECK_FALSE(is_valid_utf8("\xc3\xa9\xa9")); // one continuation too many
}

TEST_CASE("UTF-8: a bad byte is found at every position", "[utf8]") {
  // The ASCII runs are skipped eight bytes at a time: put the bad byte (and
  // a good sequence) at every offset of a longer text.
  for (size_t at = 0; at <= 40; ++at) {
    std::string text(40, 'x');
    INFO("offset " << at);
    auto good = text;
    good.insert(at, "\xe2\x82\xac");
    CHECK(is_valid_utf8(good));
    auto bad = text;
    bad.insert(at, "\xff");
    CHECK_FALSE(is_valid_utf8(bad));
    auto cut = text.substr(0, at) + "\xf0\x9f\x92";
    CHECK_FALSE(is_valid_utf8(cut));
  }
}

TEST_CASE("UTF-8: agrees with decoding by the book", "[utf8]") {
  // Every text of 1 and 2 bytes, and of 3 bytes with a lead byte >= 0xC0
  // (REQUIRE only on a difference: Catch2 is slow at 4 M assertions).
  auto same = [](std::string_view text) {
    if (is_valid_utf8(text) == naive_valid(text))
      return;
    std::string hex;
    for (unsigned char c : text)
      hex += " " + std::to_string(c);
    INFO("bytes" << hex);
    REQUIRE(is_valid_utf8(text) == naive_valid(text));
  };
  for (unsigned a = 0; a < 256; ++a)
    for (unsigned b = 0; b < 256; ++b) {
      char text[3] = {static_cast<char>(a), static_cast<char>(b), 0};
      same({text, 1});
      same({text, 2});
      if (a < 0xC0)
        continue;
      for (unsigned c = 0; c < 256; ++c) {
        text[2] = static_cast<char>(c);
        same({text, 3});
      }
    }
  // Random texts of valid pieces and random bytes.
  const char* pieces[] = {"a",
                          "abcdefgh",
                          "\xc3\xa9",
                          "\xe2\x82\xac",
                          "\xf0\x9f\x92\xa5",
                          "\xf4\x8f\xbf\xbf"};
  std::mt19937_64 rng{9};
  for (int round = 0; round < 20000; ++round) {
    std::string text;
    auto n = rng() % 12;
    for (size_t i = 0; i < n; ++i) {
      if (rng() % 8 == 0)
        text += static_cast<char>(rng() % 256);
      else
        text += pieces[rng() % 6];
    }
    same(text);
  }
}
