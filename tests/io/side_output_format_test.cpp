#include <catch2/catch.hpp>

#include "io/side_output_format.hpp"

using namespace crashwatch;

TEST_CASE("late records are JSON lines with their window", "[side_output]") {
  late_record r{partition_id{2},       record_offset{4096},
                event_time{61'000},    event_time{60'000},
                event_time{70'000},    event_time{70'000},
                "user_7",              late_reason::behind_watermark};
  std::string out;
  append_late_jsonl(out, r);
  CHECK(out
        == R"({"partition":2,"offset":4096,"event_time_ms":61000,"window_start_ms":60000,"window_end_ms":70000,"watermark_ms":70000,"user_id":"user_7","reason":"behind_watermark"})"
           "\n");
}

TEST_CASE("dead letters keep the raw record recoverable", "[side_output]") {
  dead_letter d{partition_id{0}, record_offset{17}, "invalid JSON",
                "{\"a\": \"tab\there\", \x01 \xff"};
  std::string out;
  append_dead_letter_jsonl(out, d);
  CHECK(out
        == "{\"partition\":0,\"offset\":17,\"reason\":\"invalid JSON\","
           "\"record\":\"{\\\"a\\\": \\\"tab\\there\\\", \\u0001 \xff\"}\n");
}
