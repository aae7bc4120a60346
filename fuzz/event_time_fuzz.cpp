// Fuzz target: event-time parsing (core/event_time.hpp). The input is read as
// a timestamp text in every unit and, when it has 8 bytes or more, its first
// 8 bytes also as an int64 and as a double. Beyond "no crash, no UB", it
// checks what the header promises:
// * an accepted time lies in [min_record_time, max_record_time];
// * a string holding a number reads as that number (read_string_timestamp
//   defers to read_decimal_timestamp for everything that is not invalid);
// * conversions are exact: N seconds is N e3 milliseconds, N microseconds is
//   N e-3 milliseconds, an int64 reads as its decimal text, an integral
//   double below 2^53 as that integer;
// * format_iso_utc() of an accepted time parses back to the same time, and
//   format_console_time() to the same time rounded down to the second;
// * every int64 formats (the sentinels included).
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

#include "core/event_time.hpp"
#include "fuzz_failure.hpp"

using namespace crashwatch;

namespace {

const timestamp_unit units[]
    = {timestamp_unit::automatic, timestamp_unit::seconds,
       timestamp_unit::milliseconds, timestamp_unit::microseconds};

std::string show(const timestamp_result& r) {
  switch (r.error) {
  case timestamp_error::none:
    return std::to_string(r.time.value);
  case timestamp_error::invalid:
    return "invalid";
  default:
    return "out of range";
  }
}

bool same(const timestamp_result& a, const timestamp_result& b) {
  return a.error == b.error
         && (a.error != timestamp_error::none || a.time == b.time);
}

void expect_same(std::string_view input, const timestamp_result& got,
                 const timestamp_result& want, const std::string& what) {
  if (!same(got, want))
    fuzz::fail(input, what + ": got " + show(got) + ", expected " + show(want));
}

/// An accepted time is in range and survives formatting.
void check_accepted(std::string_view input, const timestamp_result& r) {
  if (!r)
    return;
  if (r.time < min_record_time || r.time > max_record_time)
    fuzz::fail(input, "accepted time out of range: " + show(r));
  auto iso = format_iso_utc(r.time);
  expect_same(input, read_string_timestamp(iso, timestamp_unit::automatic), r,
              "format_iso_utc round trip via " + iso);
  int64_t ms = r.time.value;
  int64_t floor_s = ms / 1000 - (ms % 1000 < 0 ? 1 : 0);
  auto console = format_console_time(r.time);
  expect_same(input, read_string_timestamp(console, timestamp_unit::automatic),
              {event_time{floor_s * 1000}, timestamp_error::none},
              "format_console_time round trip via " + console);
}

void check_text(std::string_view text) {
  bool has_exponent = text.find_first_of("eE") != std::string_view::npos;
  for (auto unit : units) {
    auto decimal = read_decimal_timestamp(text, unit);
    auto string = read_string_timestamp(text, unit);
    check_accepted(text, decimal);
    check_accepted(text, string);
    if (decimal.error != timestamp_error::invalid)
      expect_same(text, string, decimal, "string form of a number");
    if (decimal.error == timestamp_error::invalid || has_exponent)
      continue;
    // Exactness: the same number written in milliseconds.
    std::string scaled{text};
    if (unit == timestamp_unit::seconds)
      scaled += "e3";
    else if (unit == timestamp_unit::microseconds)
      scaled += "e-3";
    else
      continue;
    expect_same(text,
                read_decimal_timestamp(scaled, timestamp_unit::milliseconds),
                decimal, "same number in milliseconds: " + scaled);
  }
}

void check_numbers(std::string_view input) {
  int64_t i;
  double d;
  std::memcpy(&i, input.data(), sizeof i);
  std::memcpy(&d, input.data(), sizeof d);
  (void)format_iso_utc(event_time{i});
  (void)format_console_time(event_time{i});
  auto text = std::to_string(i);
  for (auto unit : units) {
    auto integer = read_integer_timestamp(i, unit);
    check_accepted(input, integer);
    expect_same(input, read_decimal_timestamp(text, unit), integer,
                "int64 " + text + " against its text");
    auto from_double = timestamp_from_number(d, unit);
    if (from_double
        && (*from_double < min_record_time || *from_double > max_record_time))
      fuzz::fail(input, "double accepted out of range");
    // An integral double below 2^53 is exactly that integer.
    int64_t small = i % (int64_t{1} << 53);
    auto as_double = timestamp_from_number(static_cast<double>(small), unit);
    auto as_integer = timestamp_from_number(small, unit);
    if (as_double != as_integer)
      fuzz::fail(input, "integral double " + std::to_string(small)
                            + " differs from the integer");
  }
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input{reinterpret_cast<const char*>(data), size};
  check_text(input);
  if (size >= 8)
    check_numbers(input);
  return 0;
}
