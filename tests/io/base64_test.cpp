#include <catch2/catch.hpp>

#include "io/base64.hpp"

using namespace crashwatch;

namespace {

std::string b64(std::string_view bytes) {
  std::string out;
  append_base64(out, bytes);
  return out;
}

} // namespace

TEST_CASE("base64 gives RFC 4648's test vectors", "[base64]") {
  // RFC 4648, section 10.
  CHECK(b64("") == "");
  CHECK(b64("f") == "Zg==");
  CHECK(b64("fo") == "Zm8=");
  CHECK(b64("foo") == "Zm9v");
  CHECK(b64("foob") == "Zm9vYg==");
  CHECK(b64("fooba") == "Zm9vYmE=");
  CHECK(b64("foobar") == "Zm9vYmFy");
}

TEST_CASE("base64 uses the standard alphabet for every byte", "[base64]") {
  using namespace std::string_view_literals;
  CHECK(b64("\0"sv) == "AA==");
  CHECK(b64("\0\0\0"sv) == "AAAA");
  CHECK(b64("\xff\xff\xff") == "////");
  CHECK(b64("\xfb\xff") == "+/8="); // the last two letters: + and /
  CHECK(b64("\xfb\xef\xbe") == "++++");
  CHECK(b64("ab\xff") == "YWL/"); // a record that is not UTF-8
  CHECK(b64("\x14\xfb\x9c\x03\xd9\x7e") == "FPucA9l+"); // RFC 4648, sec. 9
  // All 64 letters in order: the bytes of 0, 1, 2, ..., 63 as 6-bit groups.
  std::string bytes;
  for (unsigned i = 0; i < 64; i += 4) {
    unsigned v = i << 18 | (i + 1) << 12 | (i + 2) << 6 | (i + 3);
    bytes += static_cast<char>(v >> 16);
    bytes += static_cast<char>(v >> 8 & 0xFF);
    bytes += static_cast<char>(v & 0xFF);
  }
  CHECK(b64(bytes)
        == "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/");
}

TEST_CASE("base64 appends to what is there", "[base64]") {
  std::string out = "x=";
  append_base64(out, "foo");
  append_base64(out, "f");
  CHECK(out == "x=Zm9vZg==");
}
