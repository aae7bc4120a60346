#include <catch2/catch.hpp>

#include <cstdint>
#include <cstdio>
#include <limits>
#include <string>
#include <type_traits>
#include <utility>

#include "io/json_line.hpp"

using namespace crashwatch;
using namespace std::string_literals;
using namespace std::string_view_literals;

namespace {

/// The line of one string field "s" holding `value`.
std::string string_line(std::string_view value) {
  std::string out;
  json_line{out}.field("s", value).end();
  return out;
}

/// What json_line must write for `value` (quotes included), byte by byte as
/// crashwatch always wrote it: \" \\ \n \r \t, other controls \u00xx.
std::string expected_string(std::string_view value) {
  std::string out = "\"";
  for (char ch : value) {
    auto c = static_cast<unsigned char>(ch);
    if (c == '"')
      out += "\\\"";
    else if (c == '\\')
      out += "\\\\";
    else if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\u%04x", c);
      out += buf;
    } else
      out += ch;
  }
  return out + "\"";
}

/// True when json_line has a field() for a value of type T.
template <class T, class = void>
struct has_field : std::false_type {};

template <class T>
struct has_field<T, std::void_t<decltype(std::declval<json_line&>().field(
                        "k", std::declval<T>()))>> : std::true_type {};

// Strings, integers and bools are fields; nothing converts silently into one
// (a double or a pointer into a bool, a char into a number).
static_assert(has_field<std::string>::value);
static_assert(has_field<std::string_view>::value);
static_assert(has_field<const char*>::value);
static_assert(has_field<int64_t>::value && has_field<uint8_t>::value);
static_assert(has_field<bool>::value);
static_assert(!has_field<double>::value);
static_assert(!has_field<char>::value);
static_assert(!has_field<std::string*>::value);

} // namespace

TEST_CASE("json_line writes one object and a newline", "[json_line]") {
  std::string out;
  json_line{out}.field("a", 1).field("b", "two").field("c", true).end();
  CHECK(out == "{\"a\":1,\"b\":\"two\",\"c\":true}\n");
}

TEST_CASE("json_line keeps the fields in call order", "[json_line]") {
  std::string out;
  json_line{out}.field("z", 1).field("a", 2).field("m", 3).field("a2", 4).end();
  CHECK(out == "{\"z\":1,\"a\":2,\"m\":3,\"a2\":4}\n");
}

TEST_CASE("json_line without fields is an empty object", "[json_line]") {
  std::string out;
  json_line{out}.end();
  CHECK(out == "{}\n");
}

TEST_CASE("json_line appends to what is there", "[json_line]") {
  std::string out = "{\"x\":0}\n";
  json_line{out}.field("y", 1).end();
  json_line line{out};
  line.field("z", 2);
  line.end();
  CHECK(out == "{\"x\":0}\n{\"y\":1}\n{\"z\":2}\n");
}

TEST_CASE("json_line writes every integer type in decimal", "[json_line]") {
  std::string out;
  json_line{out}
      .field("i32", std::numeric_limits<int32_t>::min())
      .field("i64min", std::numeric_limits<int64_t>::min())
      .field("i64max", std::numeric_limits<int64_t>::max())
      .field("u64max", std::numeric_limits<uint64_t>::max())
      .field("u32", uint32_t{4000000000})
      .field("u8", uint8_t{255})
      .field("i8", int8_t{-128})
      .field("short", short{-7})
      .field("zero", 0)
      .field("ms", int64_t{1768917180000})
      .end();
  CHECK(out
        == "{\"i32\":-2147483648,\"i64min\":-9223372036854775808,"
           "\"i64max\":9223372036854775807,\"u64max\":18446744073709551615,"
           "\"u32\":4000000000,\"u8\":255,\"i8\":-128,\"short\":-7,"
           "\"zero\":0,\"ms\":1768917180000}\n");
}

TEST_CASE("json_line writes booleans", "[json_line]") {
  std::string out;
  json_line{out}.field("t", true).field("f", false).end();
  CHECK(out == "{\"t\":true,\"f\":false}\n");
}

TEST_CASE("json_line takes strings of every kind", "[json_line]") {
  std::string owned = "owned";
  const char* c_string = "c string";
  std::string out;
  json_line{out}
      .field("literal", "lit")
      .field("c_string", c_string)
      .field("std_string", owned)
      .field("view", "view"sv)
      .field("empty", "")
      .field("with_nul", "a\0b"sv)
      .end();
  CHECK(out
        == "{\"literal\":\"lit\",\"c_string\":\"c string\","
           "\"std_string\":\"owned\",\"view\":\"view\",\"empty\":\"\","
           "\"with_nul\":\"a\\u0000b\"}\n");
}

TEST_CASE("json_line writes base64 fields", "[json_line]") {
  std::string out;
  json_line{out}.field("a", 1).base64_field("raw", "ab\xff").end();
  CHECK(out == "{\"a\":1,\"raw\":\"YWL/\"}\n");
  out.clear();
  json_line{out}.base64_field("raw", "").end();
  CHECK(out == "{\"raw\":\"\"}\n");
}

TEST_CASE("json_line escapes every control byte", "[json_line]") {
  const char* want[0x20]
      = {"\\u0000", "\\u0001", "\\u0002", "\\u0003", "\\u0004", "\\u0005",
         "\\u0006", "\\u0007", "\\u0008", "\\t",     "\\n",     "\\u000b",
         "\\u000c", "\\r",     "\\u000e", "\\u000f", "\\u0010", "\\u0011",
         "\\u0012", "\\u0013", "\\u0014", "\\u0015", "\\u0016", "\\u0017",
         "\\u0018", "\\u0019", "\\u001a", "\\u001b", "\\u001c", "\\u001d",
         "\\u001e", "\\u001f"};
  for (int c = 0; c < 0x20; ++c) {
    INFO("byte " << c);
    std::string value(1, static_cast<char>(c));
    CHECK(string_line(value) == "{\"s\":\""s + want[c] + "\"}\n");
  }
  // Backspace and form feed keep the bytes crashwatch has always written,
  // never the short forms \b and \f.
  CHECK(string_line("\b\f") == "{\"s\":\"\\u0008\\u000c\"}\n");
}

TEST_CASE("json_line escapes quotes and backslashes, nothing else",
          "[json_line]") {
  CHECK(string_line("say \"hi\"") == "{\"s\":\"say \\\"hi\\\"\"}\n");
  CHECK(string_line("C:\\temp\\") == "{\"s\":\"C:\\\\temp\\\\\"}\n");
  CHECK(string_line("\\u00e9") == "{\"s\":\"\\\\u00e9\"}\n");
  // '/', DEL and everything printable pass unchanged.
  CHECK(string_line("a/b\x7f ~{}[]:,'") == "{\"s\":\"a/b\x7f ~{}[]:,'\"}\n");
}

TEST_CASE("json_line passes non-ASCII bytes through", "[json_line]") {
  // é € 💥: UTF-8 is written as it is, never as \u escapes.
  CHECK(string_line("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa5")
        == "{\"s\":\"caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x92\xa5\"}\n");
  // Not checked here: invalid UTF-8 passes too (callers check first).
  CHECK(string_line("\xff\x80") == "{\"s\":\"\xff\x80\"}\n");
}

TEST_CASE("json_line escapes at every position of long strings",
          "[json_line]") {
  // Long strings are scanned 16 bytes at a time: put each kind of special
  // byte at every offset, alone and next to others.
  const char specials[] = {'"', '\\', '\n', '\x00', '\x1f', '\x08', '\xc3'};
  for (size_t len = 0; len <= 48; ++len)
    for (size_t at = 0; at <= len; ++at)
      for (char special : specials) {
        std::string value(len, 'x');
        value.insert(at, 1, special);
        INFO("length " << len << " offset " << at << " byte "
                       << int{static_cast<unsigned char>(special)});
        REQUIRE(string_line(value)
                == "{\"s\":" + expected_string(value) + "}\n");
        value.insert(at, "\"\\\t");
        REQUIRE(string_line(value)
                == "{\"s\":" + expected_string(value) + "}\n");
      }
  std::string all;
  for (int c = 0; c < 256; ++c)
    all += static_cast<char>(c);
  all += all;
  CHECK(string_line(all) == "{\"s\":" + expected_string(all) + "}\n");
}
