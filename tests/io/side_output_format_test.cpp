#include <catch2/catch.hpp>

#include "io/json_escape.hpp"
#include "io/side_output_format.hpp"

using namespace crashwatch;

TEST_CASE("late records are JSON lines with their window", "[side_output]") {
  late_record r{partition_id{2},    record_offset{4096},
                event_time{61'000}, event_time{60'000},
                event_time{70'000}, event_time{70'000},
                "user_7",           late_reason::behind_watermark};
  std::string out;
  append_late_jsonl(out, r);
  CHECK(
      out
      == R"({"partition":2,"offset":4096,"event_time_ms":61000,"window_start_ms":60000,"window_end_ms":70000,"watermark_ms":70000,"user_id":"user_7","reason":"behind_watermark"})"
         "\n");
}

TEST_CASE("dead letters keep the raw record recoverable", "[side_output]") {
  dead_letter d{partition_id{0}, record_offset{17}, "invalid JSON",
                "{\"a\": \"tab\there\", \x01 \xc3\xa9"};
  std::string out;
  append_dead_letter_jsonl(out, d);
  CHECK(
      out
      == "{\"partition\":0,\"offset\":17,\"reason\":\"invalid JSON\","
         "\"record\":\"{\\\"a\\\": \\\"tab\\there\\\", \\u0001 \xc3\xa9\"}\n");
}

TEST_CASE("dead letters with invalid UTF-8 travel as base64", "[side_output]") {
  // "ab\xff" in base64 is "YWL/".
  dead_letter d{partition_id{1}, record_offset{0}, "invalid JSON", "ab\xff"};
  std::string out;
  append_dead_letter_jsonl(out, d);
  CHECK(out
        == "{\"partition\":1,\"offset\":0,\"reason\":\"invalid JSON\","
           "\"record_base64\":\"YWL/\"}\n");
}

TEST_CASE("UTF-8 validation follows RFC 3629", "[side_output]") {
  CHECK(is_valid_utf8("plain"));
  CHECK(is_valid_utf8("\xc3\xa9\xe2\x82\xac\xf0\x9f\x92\xa5")); // é € 💥
  CHECK_FALSE(is_valid_utf8("\xff"));
  CHECK_FALSE(is_valid_utf8("\xc3"));             // truncated
  CHECK_FALSE(is_valid_utf8("\xc0\xaf"));         // overlong '/'
  CHECK_FALSE(is_valid_utf8("\xed\xa0\x80"));     // surrogate U+D800
  CHECK_FALSE(is_valid_utf8("\xf4\x90\x80\x80")); // above U+10FFFF
}

TEST_CASE("base64 pads like RFC 4648", "[side_output]") {
  auto b64 = [](std::string_view s) {
    std::string out;
    append_base64(out, s);
    return out;
  };
  CHECK(b64("") == "");
  CHECK(b64("f") == "Zg==");
  CHECK(b64("fo") == "Zm8=");
  CHECK(b64("foo") == "Zm9v");
  CHECK(b64("foobar") == "Zm9vYmFy");
}
