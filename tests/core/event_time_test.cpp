#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>

#include "core/event_time.hpp"

using namespace crashwatch;

namespace {

constexpr auto automatic = timestamp_unit::automatic;
constexpr auto s = timestamp_unit::seconds;
constexpr auto ms = timestamp_unit::milliseconds;
constexpr auto us = timestamp_unit::microseconds;

// 2026-01-20T13:53:05.123Z, the running example of SPEC.md; expected values
// in this file were computed with Python's datetime, not with this code.
constexpr int64_t example_ms = 1768917185123;

/// What number() and str() give for a refused timestamp.
constexpr int64_t refused = std::numeric_limits<int64_t>::min();

/// The time of a JSON number's text, or `refused`.
int64_t number(std::string_view text, timestamp_unit unit = automatic) {
  auto r = read_decimal_timestamp(text, unit);
  return r ? r.time.value : refused;
}

/// The time of a string timestamp, or `refused`.
int64_t str(std::string_view text, timestamp_unit unit = automatic) {
  auto r = timestamp_from_string(text, unit);
  return r ? r->value : refused;
}

} // namespace

TEST_CASE("integral timestamps in each unit", "[event_time]") {
  CHECK(timestamp_from_number(int64_t{1768917185}, s)->value == 1768917185000);
  CHECK(timestamp_from_number(example_ms, ms)->value == example_ms);
  CHECK(timestamp_from_number(int64_t{1768917185123456}, us)->value
        == example_ms);
  // Integer overloads other than int64_t resolve without ambiguity.
  CHECK(timestamp_from_number(5, s)->value == 5000);
  CHECK(timestamp_from_number(5u, ms)->value == 5);
  CHECK(timestamp_from_number(uint64_t{1768917185123}, ms)->value
        == example_ms);
  CHECK_FALSE(timestamp_from_number(uint64_t{1} << 63, ms));
  // Exact: these do not survive a trip through double * 1000 or / 1000.
  CHECK(timestamp_from_number(int64_t{9007199254740993}, us)->value
        == 9007199254740);
  CHECK(number("1768917185123456") == example_ms);
  CHECK(number("1768917185123") == example_ms);
}

TEST_CASE("the automatic unit switches at 1e11 and 1e14", "[event_time]") {
  // Below 1e11: seconds.
  CHECK(timestamp_from_number(int64_t{99'999'999'999}, automatic)->value
        == 99'999'999'999'000);
  CHECK(number("99999999999") == 99'999'999'999'000);
  CHECK(number("99999999999.9") == 99'999'999'999'900);
  // From 1e11: milliseconds.
  CHECK(timestamp_from_number(int64_t{100'000'000'000}, automatic)->value
        == 100'000'000'000);
  CHECK(number("100000000000") == 100'000'000'000);
  CHECK(number("1e11") == 100'000'000'000);
  CHECK(number("99999999999999") == 99'999'999'999'999);
  // From 1e14: microseconds.
  CHECK(timestamp_from_number(int64_t{100'000'000'000'000}, automatic)->value
        == 100'000'000'000);
  CHECK(number("100000000000000") == 100'000'000'000);
  CHECK(number("1E14") == 100'000'000'000);
  // The magnitude decides, also below zero.
  CHECK(timestamp_from_number(int64_t{-100'000'000'000}, automatic)->value
        == -100'000'000'000);
  CHECK(number("-9999999999") == -9'999'999'999'000);
  // (-99999999999 s would be before year 0000.)
  CHECK(number("-99999999999") == refused);
  CHECK(number("-100000000000000") == -100'000'000'000);
  CHECK(number("0") == 0);
  CHECK(number("-0") == 0);
  CHECK(number("0.0") == 0);
}

TEST_CASE("fractions round down, also below zero", "[event_time]") {
  // Exact decimal arithmetic: 1768917185.123 s is ...123 ms, not ...122.
  CHECK(number("1768917185.123") == example_ms);
  CHECK(number("1768917185.1239") == example_ms);
  CHECK(number("1768917185.123999999999999999999") == example_ms);
  CHECK(number("1768917185123.9", ms) == example_ms);
  CHECK(number("1768917185123456.999") == example_ms);
  CHECK(number("1.768917185123e9") == example_ms);
  CHECK(number("17689171851.23e-1") == example_ms);
  CHECK(number("0.5", ms) == 0);
  CHECK(number("-0.5", ms) == -1);
  CHECK(number("-1.5", ms) == -2);
  CHECK(number("-1", ms) == -1);
  CHECK(number("-0.0001", s) == -1);
  CHECK(number("-1.0000", s) == -1000);
  CHECK(number("-1768917185.1235") == -example_ms - 1);
  CHECK(number("-1768917185123456.5") == -example_ms - 1);
  CHECK(number("1e-999999999") == 0);
  CHECK(number("-1e-999999999") == -1);
  // Doubles are read as their shortest decimal form.
  CHECK(timestamp_from_number(1768917185.123, s)->value == example_ms);
  CHECK(timestamp_from_number(1768917185.123, automatic)->value == example_ms);
  CHECK(timestamp_from_number(1768917185123.0, automatic)->value == example_ms);
  CHECK(timestamp_from_number(-0.5, ms)->value == -1);
  CHECK_FALSE(
      timestamp_from_number(std::numeric_limits<double>::infinity(), ms));
  CHECK_FALSE(
      timestamp_from_number(std::numeric_limits<double>::quiet_NaN(), ms));
}

TEST_CASE("timestamps outside years 0000-9999 are out of range",
          "[event_time]") {
  CHECK(number("253402300799999", ms) == max_record_time.value);
  CHECK(number("253402300800000", ms) == refused);
  CHECK(read_decimal_timestamp("253402300800000", ms).error
        == timestamp_error::out_of_range);
  CHECK(number("-62167219200000", ms) == min_record_time.value);
  CHECK(number("-62167219200000.5", ms) == refused); // floors below the minimum
  CHECK(number("-62167219200001", ms) == refused);
  CHECK(read_decimal_timestamp("1e400", automatic).error
        == timestamp_error::out_of_range);
  CHECK(read_decimal_timestamp("-1e400", automatic).error
        == timestamp_error::out_of_range);
  CHECK(read_decimal_timestamp("1e99999999999999999999", ms).error
        == timestamp_error::out_of_range);
  CHECK(read_decimal_timestamp("123456789012345678901234567890", ms).error
        == timestamp_error::out_of_range);
  CHECK_FALSE(timestamp_from_number(int64_t{253402300800}, s));
  CHECK(timestamp_from_number(int64_t{253402300799}, s)->value
        == 253402300799000);
  CHECK_FALSE(timestamp_from_number(std::numeric_limits<int64_t>::max(), s));
  CHECK_FALSE(timestamp_from_number(std::numeric_limits<int64_t>::min(), s));
  CHECK_FALSE(timestamp_from_number(std::numeric_limits<int64_t>::max(), ms));
  CHECK_FALSE(timestamp_from_number(std::numeric_limits<int64_t>::min(), us));
  CHECK_FALSE(timestamp_from_number(1e300, automatic));
}

TEST_CASE("numbers follow the JSON grammar", "[event_time]") {
  for (auto bad :
       {"", "-", "+1", "01", "-01", "1.", ".5", "1e", "1e+", "1E-", "0x10",
        "1 ", " 1", "1,5", "1.5.5", "NaN", "Infinity", "1_000", "١٢٣"}) {
    INFO(bad);
    CHECK(read_decimal_timestamp(bad, ms).error == timestamp_error::invalid);
  }
  CHECK(number("1E+3", s) == 1'000'000);
  CHECK(number("1e-3", s) == 1);
  CHECK(number("0e5", s) == 0);
  CHECK(number("00000", s) == refused);
}

TEST_CASE("strings holding numbers follow the number rules", "[event_time]") {
  CHECK(str("1768917185123") == example_ms);
  CHECK(str("1768917185") == 1768917185000);
  CHECK(str("1768917185123456") == example_ms);
  CHECK(str("1768917185.123") == example_ms);
  CHECK(str("-1.5", ms) == -2);
  CHECK(str("1768917185", ms) == 1768917185);
  CHECK(read_string_timestamp("1e400", ms).error
        == timestamp_error::out_of_range);
  CHECK(str(" 1768917185") == refused);
  CHECK(str("1768917185 ") == refused);
  CHECK(str("") == refused);
}

TEST_CASE("RFC 3339 and ISO-8601 date-times", "[event_time]") {
  CHECK(str("2026-01-20T13:53:05Z") == 1768917185000);
  CHECK(str("2026-01-20T13:53:05.123Z") == example_ms);
  CHECK(str("2026-01-20t13:53:05.123z") == example_ms);
  CHECK(str("2026-01-20 13:53:05") == 1768917185000);
  CHECK(str("2026-01-20T13:53:05") == 1768917185000);
  CHECK(str("2026-01-20 13:53:05.123") == example_ms);
  // Offsets: local time minus the offset is UTC.
  CHECK(str("2026-01-20T13:53:05.123+02:00") == 1768909985123);
  CHECK(str("2026-01-20T13:53:05.123+0200") == 1768909985123);
  CHECK(str("2026-01-20T15:53:05.123+02:00") == example_ms);
  CHECK(str("2026-01-20T08:23:05.123-05:30") == example_ms);
  CHECK(str("2026-01-20T08:23:05.123-0530") == example_ms);
  CHECK(str("2026-01-20T13:53:05.123+00:00") == example_ms);
  CHECK(str("2026-01-20T13:53:05.123-00:00") == example_ms);
  CHECK(str("1970-01-01T00:00:00+23:59") == -86'340'000);
  CHECK(str("1970-01-01T00:00:00-05:30") == 19'800'000);
  // Fractions of any length, rounded down.
  CHECK(str("2026-01-20T13:53:05.1Z") == 1768917185100);
  CHECK(str("2026-01-20T13:53:05.12Z") == 1768917185120);
  CHECK(str("2026-01-20T13:53:05.1239Z") == example_ms);
  CHECK(str("2026-01-20T13:53:05.123999999999Z") == example_ms);
  CHECK(str("2026-01-20T13:53:05.000Z") == 1768917185000);
  CHECK(str("1969-12-31T23:59:59.9999Z") == -1);
  CHECK(str("1969-12-31T23:59:59Z") == -1000);
  // Calendar.
  CHECK(str("2024-02-29T00:00:00Z") == 1709164800000);
  CHECK(str("2000-02-29T12:00:00Z") == 951825600000);
  CHECK(str("1900-01-01T00:00:00Z") == -2208988800000);
  CHECK(str("0001-01-01T00:00:00Z") == -62135596800000);
  CHECK(str("0000-01-01T00:00:00Z") == min_record_time.value);
  CHECK(str("9999-12-31T23:59:59.999Z") == max_record_time.value);
  CHECK(str("2016-12-31T23:59:59Z") == 1483228799000);
}

TEST_CASE("a leap second is floored to :59.999", "[event_time]") {
  CHECK(str("2016-12-31T23:59:60Z") == 1483228799999);
  CHECK(str("2016-12-31T23:59:60.5Z") == 1483228799999);
  CHECK(str("2016-12-31T23:59:61Z") == refused);
}

TEST_CASE("impossible or malformed date-times are refused", "[event_time]") {
  for (auto bad : {
           "2026-02-30T00:00:00Z",      // Feb 30
           "2025-02-29T00:00:00Z",      // not a leap year
           "1900-02-29T00:00:00Z",      // century, not a leap year
           "2026-04-31T00:00:00Z",      // April has 30 days
           "2026-00-10T00:00:00Z",      // month 0
           "2026-13-10T00:00:00Z",      // month 13
           "2026-01-00T00:00:00Z",      // day 0
           "2026-01-32T00:00:00Z",      // day 32
           "2026-01-20T24:00:00Z",      // hour 24
           "2026-01-20T13:60:00Z",      // minute 60
           "2026-01-20T13:53:05+24:00", // offset hour 24
           "2026-01-20T13:53:05+02:60", // offset minute 60
           "2026-01-20T13:53:05+02",    // offset without minutes
           "2026-01-20T13:53:05+2:00",  // one-digit offset hour
           "2026-01-20T13:53:05+02:0",  // one-digit offset minute
           "2026-01-20T13:53:05+02:000",
           "2026-01-20T13:53:05ZZ",
           "2026-01-20T13:53:05 Z",    // space before the zone
           "2026-01-20T13:53:05.Z",    // dot without digits
           "2026-01-20T13:53:05,123Z", // comma fraction
           "2026-01-20T13:53Z",        // no seconds
           "2026-01-20",               // date only
           "2026-01-20T",              //
           "2026-1-20T13:53:05Z",      // one-digit month
           "26-01-20T13:53:05Z",       // two-digit year
           "+2026-01-20T13:53:05Z",    // expanded year
           "2026/01/20 13:53:05",      // slashes
           "2026-01-20_13:53:05",      // other separator
           "2026-01-20T13:53:05Z ",    // trailing space
           " 2026-01-20T13:53:05Z",    // leading space
           "2026-01-20T13:53:05UTC",   // zone name
           "Tue, 20 Jan 2026 13:53:05 GMT",
           "now",
           "",
       }) {
    INFO(bad);
    CHECK(read_string_timestamp(bad, automatic).error
          == timestamp_error::invalid);
  }
  // Valid form, but the offset moves it out of year 0000.
  CHECK(read_string_timestamp("0000-01-01T00:00:00+01:00", automatic).error
        == timestamp_error::out_of_range);
  CHECK(read_string_timestamp("9999-12-31T23:59:59-01:00", automatic).error
        == timestamp_error::out_of_range);
}

TEST_CASE("days_from_civil", "[event_time]") {
  CHECK(days_from_civil(1970, 1, 1) == 0);
  CHECK(days_from_civil(1969, 12, 31) == -1);
  CHECK(days_from_civil(2000, 3, 1) == 11017);
  CHECK(days_from_civil(0, 1, 1) == -719528);
}

TEST_CASE("ISO formatting always shows milliseconds and Z", "[event_time]") {
  CHECK(format_iso_utc(event_time{1768917180000})
        == "2026-01-20T13:53:00.000Z");
  CHECK(format_iso_utc(event_time{example_ms}) == "2026-01-20T13:53:05.123Z");
  CHECK(format_iso_utc(event_time{0}) == "1970-01-01T00:00:00.000Z");
  CHECK(format_iso_utc(event_time{-1}) == "1969-12-31T23:59:59.999Z");
  CHECK(format_iso_utc(event_time{-1000}) == "1969-12-31T23:59:59.000Z");
  CHECK(format_iso_utc(event_time{-2208988800000})
        == "1900-01-01T00:00:00.000Z");
  CHECK(format_iso_utc(event_time{1709164800000})
        == "2024-02-29T00:00:00.000Z");
  CHECK(format_iso_utc(min_record_time) == "0000-01-01T00:00:00.000Z");
  CHECK(format_iso_utc(max_record_time) == "9999-12-31T23:59:59.999Z");
  // The sentinels print too (a saturated window end, say).
  CHECK(format_iso_utc(max_event_time) == "+292278994-08-17T07:12:55.807Z");
  CHECK(format_iso_utc(min_event_time) == "-292275055-05-16T16:47:04.192Z");
  CHECK(format_iso_utc(event_time{min_record_time.value - 1})
        == "-0001-12-31T23:59:59.999Z");
}

TEST_CASE("console formatting has seconds precision", "[event_time]") {
  CHECK(format_console_time(event_time{1768917180000})
        == "2026-01-20 13:53:00");
  CHECK(format_console_time(event_time{1768917190000})
        == "2026-01-20 13:53:10");
  CHECK(format_console_time(event_time{example_ms}) == "2026-01-20 13:53:05");
  CHECK(format_console_time(event_time{-1}) == "1969-12-31 23:59:59");
  CHECK(format_console_time(event_time{-86'400'000}) == "1969-12-31 00:00:00");
}

TEST_CASE("parse and format round-trip", "[event_time]") {
  // Every 7919th second over 0000-9999 plus odd milliseconds, both ways.
  for (int64_t t = min_record_time.value; t <= max_record_time.value;
       t += 7'919'000'000'017) {
    auto text = format_iso_utc(event_time{t});
    INFO(text);
    CHECK(str(text) == t);
  }
}
