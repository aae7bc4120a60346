// A record's event time from its `timestamp` field (SPEC.md, "Records"), and
// the two ways event times are printed (alerts, console table).
//
// Decisions where SPEC.md is silent:
// * Numbers are converted from their decimal text, exactly: "1768917185.123"
//   seconds is 1768917185123 ms (a double would give ...122.9999 and floor it
//   to ...122). Doubles handed in from C++ are first written in their shortest
//   round-trip decimal form, so they behave like the text they came from.
// * The accepted range is what a 4-digit RFC 3339 year can express,
//   0000-01-01T00:00:00.000Z to 9999-12-31T23:59:59.999Z. Wider values are
//   "out of range": they are surely not log times, and the margin keeps the
//   watermark arithmetic downstream (t - delay, window ends) far from int64
//   overflow and from the min/max_event_time sentinels.
// * A leap second (seconds field 60) is floored to :59.999 of that minute, the
//   last millisecond the epoch scale can express before it.
#pragma once

#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>

#include "core/record.hpp"
#include "core/types.hpp"

namespace crashwatch {

/// The earliest event time a record may carry: 0000-01-01T00:00:00.000Z.
constexpr event_time min_record_time{-62167219200000};

/// The latest event time a record may carry: 9999-12-31T23:59:59.999Z.
constexpr event_time max_record_time{253402300799999};

/// Why a timestamp was refused.
enum class timestamp_error : uint8_t {
  /// Accepted.
  none,
  /// Not a decimal number nor a date-time of the accepted forms.
  invalid,
  /// Well-formed, but outside [min_record_time, max_record_time].
  out_of_range,
};

/// A timestamp conversion: `time` is valid when `error` is `none`.
struct timestamp_result {
  /// Milliseconds since the epoch, rounded down.
  event_time time;
  /// Why the timestamp was refused, or `none`.
  timestamp_error error = timestamp_error::none;

  /// True when the timestamp was accepted.
  explicit operator bool() const { return error == timestamp_error::none; }
};

/// Converts the text of a JSON number (RFC 8259 grammar: `-?(0|[1-9]\d*)
/// (\.\d+)?([eE][+-]?\d+)?`, nothing around it) holding an epoch time in
/// `unit` (auto: |v| >= 1e14 us, >= 1e11 ms, else s) to milliseconds, exactly,
/// rounded down (also below zero: -1.5 ms is -2 ms).
timestamp_result read_decimal_timestamp(std::string_view text,
                                        timestamp_unit unit);

/// Converts the text of a JSON string `timestamp` (already unescaped): a
/// decimal number as in read_decimal_timestamp(), or a date-time
/// `YYYY-MM-DD[T|t| ]HH:MM:SS[.fraction][Z|z|+HH:MM|-HH:MM|+HHMM|-HHMM]`
/// (no zone: UTC; fraction of any length, rounded down to ms). Nothing else:
/// no surrounding spaces, no date without time, no time without seconds.
timestamp_result read_string_timestamp(std::string_view text,
                                       timestamp_unit unit);

/// An integral epoch time in `unit` as milliseconds (rounded down from
/// microseconds). Inline: it runs once for nearly every record.
inline timestamp_result read_integer_timestamp(int64_t v, timestamp_unit unit) {
  // The unit by comparisons, not |v|: -v overflows for INT64_MIN.
  if (unit == timestamp_unit::automatic)
    unit = (v >= 100'000'000'000'000 || v <= -100'000'000'000'000)
               ? timestamp_unit::microseconds
           : (v >= 100'000'000'000 || v <= -100'000'000'000)
               ? timestamp_unit::milliseconds
               : timestamp_unit::seconds;
  int64_t ms = v;
  if (unit == timestamp_unit::seconds) {
    // Guard before multiplying: anything this large is out of range.
    if (v > max_record_time.value / 1000 || v < min_record_time.value / 1000)
      return {event_time{}, timestamp_error::out_of_range};
    ms = v * 1000;
  } else if (unit == timestamp_unit::microseconds) {
    ms = v / 1000 - (v % 1000 < 0 ? 1 : 0); // floor, also below zero
  }
  if (ms < min_record_time.value || ms > max_record_time.value)
    return {event_time{}, timestamp_error::out_of_range};
  return {event_time{ms}, timestamp_error::none};
}

/// A numeric epoch time in `unit` as milliseconds; nullopt when out of range.
std::optional<event_time> timestamp_from_number(int64_t value,
                                                timestamp_unit unit);

/// A numeric epoch time in `unit` as milliseconds, rounded down; the double is
/// read as its shortest decimal form (1768917185.123 s -> ...185123 ms).
/// nullopt when out of range, NaN or infinite.
std::optional<event_time> timestamp_from_number(double value,
                                                timestamp_unit unit);

/// Any other integer type (int, unsigned, uint64_t, ...): as for int64_t.
template <
    class Int,
    class = std::enable_if_t<
        std::is_integral_v<
            Int> && !std::is_same_v<Int, bool> && !std::is_same_v<Int, int64_t>>>
std::optional<event_time> timestamp_from_number(Int value,
                                                timestamp_unit unit) {
  if constexpr (std::is_unsigned_v<Int>) {
    if (value > static_cast<std::make_unsigned_t<int64_t>>(
            std::numeric_limits<int64_t>::max()))
      return std::nullopt;
  }
  return timestamp_from_number(static_cast<int64_t>(value), unit);
}

/// The string form of read_string_timestamp(); nullopt when refused.
std::optional<event_time> timestamp_from_string(std::string_view text,
                                                timestamp_unit unit);

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's
/// days_from_civil); `month` 1-12, `day` 1-31, not checked.
int64_t days_from_civil(int64_t year, unsigned month, unsigned day);

/// "2026-01-20T13:53:00.000Z": always milliseconds, always UTC. Any event
/// time prints, also the sentinels: years outside 0000-9999 get a sign and
/// as many digits as they need ("-0001-...", "+292278994-...").
std::string format_iso_utc(event_time t);

/// "2026-01-20 13:53:00": seconds precision, rounded down, UTC; the time
/// format of the Spark-like console table.
std::string format_console_time(event_time t);

} // namespace crashwatch
