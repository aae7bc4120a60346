#include <catch2/catch.hpp>

#include "core/duration.hpp"

using namespace crashwatch;

TEST_CASE("durations need a unit", "[duration]") {
  CHECK(parse_duration_ms("250ms") == 250);
  CHECK(parse_duration_ms("10s") == 10'000);
  CHECK(parse_duration_ms("1.5s") == 1'500);
  CHECK(parse_duration_ms("2m") == 120'000);
  CHECK(parse_duration_ms("1h") == 3'600'000);
  CHECK(parse_duration_ms("0s") == 0);
  CHECK_FALSE(parse_duration_ms("10"));
  CHECK_FALSE(parse_duration_ms("10 s"));
  CHECK_FALSE(parse_duration_ms("-1s"));
  CHECK_FALSE(parse_duration_ms("s"));
  CHECK_FALSE(parse_duration_ms(".s"));
  CHECK_FALSE(parse_duration_ms("10d"));
  CHECK_FALSE(parse_duration_ms(""));
  CHECK_FALSE(parse_duration_ms("1e3s"));
}

TEST_CASE("durations print short", "[duration]") {
  CHECK(format_duration_ms(10'000) == "10s");
  CHECK(format_duration_ms(1'500) == "1500ms");
  CHECK(format_duration_ms(120'000) == "2m");
  CHECK(format_duration_ms(7'200'000) == "2h");
  CHECK(format_duration_ms(0) == "0s");
}
