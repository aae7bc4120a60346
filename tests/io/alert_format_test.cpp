#include <algorithm>

#include <catch2/catch.hpp>

#include "io/alert_format.hpp"

using namespace crashwatch;

namespace {

// SPEC.md's example alert: user_1361, 3 crashes in [13:53:00, 13:53:10).
alert spec_example() {
  return alert{event_time{1768917180000}, event_time{1768917190000},
               "user_1361", 3, true};
}

} // namespace

TEST_CASE("JSONL alerts are exactly SPEC.md's format", "[alert_format]") {
  std::string out;
  append_alert_jsonl(out, spec_example());
  CHECK(
      out
      == R"({"window_start":"2026-01-20T13:53:00.000Z","window_end":"2026-01-20T13:53:10.000Z","window_start_ms":1768917180000,"window_end_ms":1768917190000,"user_id":"user_1361","crash_count":3,"final":true})"
         "\n");
  auto early = spec_example();
  early.final = false;
  out.clear();
  append_alert_jsonl(out, early);
  CHECK(out.find(R"("final":false})") != std::string::npos);
}

TEST_CASE("user ids are escaped in JSONL", "[alert_format]") {
  auto a = spec_example();
  a.user_id = "we\"ird\\\n";
  std::string out;
  append_alert_jsonl(out, a);
  CHECK(out.find(R"("user_id":"we\"ird\\\n")") != std::string::npos);
}

TEST_CASE("console batches look like SPEC.md's table", "[alert_format]") {
  std::string out;
  append_console_batch(out, 3, {spec_example()}, false);
  CHECK(
      out
      == "-------------------------------------------\n"
         "Batch: 3\n"
         "-------------------------------------------\n"
         "+------------------------------------------+---------+-----------+\n"
         "|Interval                                  |user_id  |crash_count|\n"
         "+------------------------------------------+---------+-----------+\n"
         "|{2026-01-20 13:53:00, 2026-01-20 13:53:10}|user_1361|3          |\n"
         "+------------------------------------------+---------+-----------+\n"
         "\n");
}

TEST_CASE("console columns widen to their longest cell", "[alert_format]") {
  auto a = spec_example();
  a.user_id = "a_rather_long_user";
  a.crash_count = 123456789012;
  std::string out;
  append_console_batch(out, 0, {a}, true);
  CHECK(out.find("Batch: 0 (early)\n") != std::string::npos);
  CHECK(out.find("|user_id           |crash_count |") != std::string::npos);
  CHECK(out.find("|a_rather_long_user|123456789012|") != std::string::npos);
}

TEST_CASE("user ids keep their escapes byte for byte", "[alert_format]") {
  // The bytes crashwatch wrote before issue 9 (pinned: the JSON writer must
  // not change them): \u0008 and \u000c, never \b and \f.
  auto a = spec_example();
  a.user_id = "u\b\f\x1b\"\\\t\x01\xc3\xa9";
  a.final = false;
  std::string out;
  append_alert_jsonl(out, a);
  CHECK(
      out
      == R"({"window_start":"2026-01-20T13:53:00.000Z","window_end":"2026-01-20T13:53:10.000Z","window_start_ms":1768917180000,"window_end_ms":1768917190000,"user_id":"u\u0008\u000c\u001b\"\\\t\u0001)"
         "\xc3\xa9"
         R"(","crash_count":3,"final":false})"
         "\n");
}

TEST_CASE("console cells escape control characters and backslashes",
          "[alert_format]") {
  // A user_id must not drive the operator's terminal (ESC [31m turns it
  // red), nor break its row with a newline; C1 controls (U+009B is a CSI)
  // count too. Printable UTF-8 stays as it is.
  auto a = spec_example();
  a.user_id = "a\x1b[31mb\nc\\d\x7f\xc2\x9b\xc3\xa9\t";
  std::string out;
  append_console_batch(out, 1, {a}, false);
  CHECK(out.find('\x1b') == std::string::npos);
  CHECK(out.find("\xc2\x9b") == std::string::npos);
  CHECK(out.find(R"(|a\u001b[31mb\u000ac\\d\u007f\u009b)"
                 "\xc3\xa9"
                 R"(\u0009|3          |)")
        != std::string::npos);
  // One row per alert: header, rule lines and the row, nothing more.
  CHECK(std::count(out.begin(), out.end(), '\n') == 9);
}

TEST_CASE("console columns count characters, not bytes", "[alert_format]") {
  auto a = spec_example();
  a.user_id = "\xc3\xa9t\xc3\xa9"; // "été": 3 columns, 5 bytes
  std::string out;
  append_console_batch(out, 1, {a}, false);
  CHECK(out.find("|user_id|") != std::string::npos);
  CHECK(out.find("|\xc3\xa9t\xc3\xa9    |") != std::string::npos);
}
