#include <catch2/catch.hpp>

#include "core/partition_clock.hpp"

using namespace crashwatch;

namespace {

// Defaults of SPEC.md: 10 s windows, 30 s watermark delay.
constexpr int64_t window_ms = 10'000;
constexpr int64_t delay_ms = 30'000;

} // namespace

TEST_CASE("nothing is late before the first record", "[partition_clock]") {
  partition_clock clock{delay_ms, window_ms};
  CHECK(clock.watermark() == min_event_time);
  CHECK_FALSE(clock.is_late(event_time{0}));
  CHECK_FALSE(clock.is_late(event_time{-1'000'000}));
}

TEST_CASE("watermark trails the largest event time", "[partition_clock]") {
  partition_clock clock{delay_ms, window_ms};
  clock.observe(event_time{100'000});
  CHECK(clock.watermark() == event_time{70'000});
  clock.observe(event_time{90'000}); // out of order: no step back
  CHECK(clock.watermark() == event_time{70'000});
  clock.observe(event_time{105'000});
  CHECK(clock.watermark() == event_time{75'000});
}

TEST_CASE("lateness boundary: end == watermark is late", "[partition_clock]") {
  partition_clock clock{delay_ms, window_ms};
  // Max 100 s -> watermark 70 s. The window [60 s, 70 s) ends exactly at the
  // watermark: late. The window [70 s, 80 s) ends after it: counted.
  clock.observe(event_time{100'000});
  CHECK(clock.is_late(event_time{60'000}));
  CHECK(clock.is_late(event_time{69'999}));
  CHECK_FALSE(clock.is_late(event_time{70'000}));
}

TEST_CASE("lateness boundary: end == watermark + 1 ms is counted",
          "[partition_clock]") {
  partition_clock clock{delay_ms, window_ms};
  // Max 99.999 s -> watermark 69.999 s; the window [60 s, 70 s) ends 1 ms
  // after it.
  clock.observe(event_time{99'999});
  CHECK_FALSE(clock.is_late(event_time{60'000}));
  CHECK(clock.is_late(event_time{59'999}));
}

TEST_CASE("a zero delay makes the current window the oldest open one",
          "[partition_clock]") {
  partition_clock clock{0, window_ms};
  clock.observe(event_time{25'000});
  CHECK_FALSE(clock.is_late(event_time{20'000}));
  CHECK(clock.is_late(event_time{19'999}));
}
