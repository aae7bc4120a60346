#include <catch2/catch.hpp>

#include "core/window.hpp"

using namespace crashwatch;

TEST_CASE("windows are aligned to the epoch", "[window]") {
  constexpr int64_t w = 10'000;
  CHECK(window_start(event_time{0}, w) == event_time{0});
  CHECK(window_start(event_time{9'999}, w) == event_time{0});
  CHECK(window_start(event_time{10'000}, w) == event_time{10'000});
  // SPEC.md's example record: 13:53:05.123 lies in [13:53:00, 13:53:10).
  CHECK(window_start(event_time{1768917185123}, w)
        == event_time{1768917180000});
  CHECK(window_end(event_time{1768917180000}, w) == event_time{1768917190000});
}

TEST_CASE("windows before 1970 round down, not toward zero", "[window]") {
  constexpr int64_t w = 10'000;
  CHECK(window_start(event_time{-1}, w) == event_time{-10'000});
  CHECK(window_start(event_time{-10'000}, w) == event_time{-10'000});
  CHECK(window_start(event_time{-10'001}, w) == event_time{-20'000});
}

TEST_CASE("the last window's end saturates", "[window]") {
  auto start = window_start(max_event_time, 10'000);
  CHECK(window_end(start, 10'000) == max_event_time);
}
