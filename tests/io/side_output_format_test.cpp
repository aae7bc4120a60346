#include <catch2/catch.hpp>

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

TEST_CASE("side outputs keep their escapes byte for byte", "[side_output]") {
  // The bytes crashwatch wrote before issue 9 (pinned: the JSON writer must
  // not change them): backspace and form feed as \u0008 and \u000c, ESC as
  // \u001b, quote and backslash as \" and \\.
  late_record r{partition_id{0},    record_offset{1},
                event_time{61'000}, event_time{60'000},
                event_time{70'000}, event_time{75'000},
                "u\b\f\x1b\"\\",    late_reason::window_emitted};
  std::string out;
  append_late_jsonl(out, r);
  CHECK(
      out
      == R"({"partition":0,"offset":1,"event_time_ms":61000,"window_start_ms":60000,"window_end_ms":70000,"watermark_ms":75000,"user_id":"u\u0008\u000c\u001b\"\\","reason":"window_emitted"})"
         "\n");
  dead_letter d{partition_id{3}, record_offset{99}, "invalid JSON",
                "{\"msg\": \"a\bb\fc \x1b[31mred\x1b[0m C:\\\\x\"}"};
  out.clear();
  append_dead_letter_jsonl(out, d);
  CHECK(
      out
      == R"({"partition":3,"offset":99,"reason":"invalid JSON","record":"{\"msg\": \"a\u0008b\u000cc \u001b[31mred\u001b[0m C:\\\\x\"}"})"
         "\n");
}

TEST_CASE("dead letters: UTF-8 as JSON text, anything else as base64",
          "[side_output]") {
  auto line = [](std::string record) {
    std::string out;
    append_dead_letter_jsonl(
        out, {partition_id{0}, record_offset{0}, "invalid JSON", record});
    return out;
  };
  const std::string head
      = R"({"partition":0,"offset":0,"reason":"invalid JSON",)";
  CHECK(line("\xf0\x9f\x92\xa5")
        == head + "\"record\":\"\xf0\x9f\x92\xa5\"}\n");
  CHECK(line("") == head + "\"record\":\"\"}\n");
  CHECK(line("\xc0\xaf") == head + "\"record_base64\":\"wK8=\"}\n"); // overlong
  CHECK(line("\xed\xa0\x80")
        == head + "\"record_base64\":\"7aCA\"}\n"); // surrogate
  CHECK(line("x\xe2\x82")
        == head + "\"record_base64\":\"eOKC\"}\n"); // truncated
}
