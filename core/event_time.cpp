#include "core/event_time.hpp"

#include <charconv>
#include <cmath>

namespace crashwatch {

namespace {

constexpr int64_t ms_per_day = 86'400'000;

constexpr bool is_digit(char c) {
  return c >= '0' && c <= '9';
}

/// Rounds toward minus infinity, unlike `/`.
constexpr int64_t floor_div(int64_t a, int64_t b) {
  auto q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// The unit of a value whose decimal magnitude is floor(log10(|v|)).
timestamp_unit resolve_unit(timestamp_unit unit, int64_t magnitude) {
  if (unit != timestamp_unit::automatic)
    return unit;
  if (magnitude >= 14)
    return timestamp_unit::microseconds;
  if (magnitude >= 11)
    return timestamp_unit::milliseconds;
  return timestamp_unit::seconds;
}

/// Power of ten that turns a value in `unit` into milliseconds.
int64_t ms_shift(timestamp_unit unit) {
  switch (unit) {
  case timestamp_unit::seconds:
    return 3;
  case timestamp_unit::microseconds:
    return -3;
  default:
    return 0;
  }
}

timestamp_result in_range(int64_t ms) {
  if (ms < min_record_time.value || ms > max_record_time.value)
    return {event_time{}, timestamp_error::out_of_range};
  return {event_time{ms}, timestamp_error::none};
}

constexpr timestamp_result invalid{event_time{}, timestamp_error::invalid};

// Only the first 19 significant digits of a number can reach an in-range
// result (max_record_time has 15 digits); for the rest it is enough to know
// how many there are and whether any is nonzero (that decides the floor of a
// negative value).
constexpr int64_t kept_digits = 19;

/// A decimal number as D * 10^exponent, D an integer of `count` significant
/// digits of which the first `kept_digits` are in `digits`.
struct decimal {
  bool negative = false;
  char digits[kept_digits] = {};
  int64_t count = 0;
  bool dropped_nonzero = false;
  int64_t exponent = 0;

  void push(char d) {
    if (count == 0 && d == '0')
      return; // leading zero: not significant
    if (count < kept_digits)
      digits[count] = d;
    else if (d != '0')
      dropped_nonzero = true;
    ++count;
  }
};

/// Reads RFC 8259 number text; false when `text` is anything else.
bool read_decimal(std::string_view text, decimal& out) {
  const char* p = text.data();
  const char* end = p + text.size();
  if (p != end && *p == '-') {
    out.negative = true;
    ++p;
  }
  if (p == end)
    return false;
  if (*p == '0') {
    ++p;
  } else if (is_digit(*p)) {
    while (p != end && is_digit(*p))
      out.push(*p++);
  } else {
    return false;
  }
  int64_t fraction_digits = 0;
  if (p != end && *p == '.') {
    ++p;
    if (p == end || !is_digit(*p))
      return false;
    while (p != end && is_digit(*p)) {
      out.push(*p++);
      ++fraction_digits;
    }
  }
  int64_t exponent = 0;
  if (p != end && (*p == 'e' || *p == 'E')) {
    ++p;
    bool negative_exponent = false;
    if (p != end && (*p == '+' || *p == '-'))
      negative_exponent = *p++ == '-';
    if (p == end || !is_digit(*p))
      return false;
    // Saturate: any exponent beyond 1e15 already means "out of range" (or
    // "rounds to 0 / -1"), and saturating keeps the sums below from
    // overflowing.
    while (p != end && is_digit(*p)) {
      if (exponent < 1'000'000'000'000'000)
        exponent = exponent * 10 + (*p - '0');
      ++p;
    }
    if (negative_exponent)
      exponent = -exponent;
  }
  if (p != end)
    return false;
  out.exponent = exponent - fraction_digits;
  return true;
}

/// floor(value in `unit` as ms) of a decimal, exactly.
timestamp_result decimal_to_ms(const decimal& num, timestamp_unit unit) {
  if (num.count == 0)
    return {event_time{0}, timestamp_error::none};
  auto magnitude = num.count + num.exponent - 1;
  auto shift = num.exponent + ms_shift(resolve_unit(unit, magnitude));
  // Number of digits before the decimal point of the value in ms.
  auto integer_digits = num.count + shift;
  if (integer_digits > kept_digits)
    return {event_time{}, timestamp_error::out_of_range};
  uint64_t integer = 0;
  bool fraction_nonzero = num.dropped_nonzero;
  for (int64_t i = 0; i < std::min(num.count, kept_digits); ++i) {
    if (i < integer_digits)
      integer = integer * 10 + static_cast<uint64_t>(num.digits[i] - '0');
    else if (num.digits[i] != '0')
      fraction_nonzero = true;
  }
  for (int64_t i = num.count; i < integer_digits; ++i)
    integer *= 10; // trailing zeros of D * 10^shift
  if (!num.negative) {
    if (integer > static_cast<uint64_t>(max_record_time.value))
      return {event_time{}, timestamp_error::out_of_range};
    return {event_time{static_cast<int64_t>(integer)}, timestamp_error::none};
  }
  auto magnitude_ms = integer + (fraction_nonzero ? 1 : 0);
  if (magnitude_ms > static_cast<uint64_t>(-min_record_time.value))
    return {event_time{}, timestamp_error::out_of_range};
  return {event_time{-static_cast<int64_t>(magnitude_ms)},
          timestamp_error::none};
}

bool is_leap_year(int64_t y) {
  return y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
}

unsigned days_in_month(int64_t y, unsigned m) {
  static constexpr unsigned days[]
      = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && is_leap_year(y) ? 29 : days[m - 1];
}

/// Reads `n` digits at text[pos]; false when there are fewer.
bool read_digits(std::string_view text, size_t pos, size_t n, int& out) {
  if (pos + n > text.size())
    return false;
  out = 0;
  for (size_t i = pos; i < pos + n; ++i) {
    if (!is_digit(text[i]))
      return false;
    out = out * 10 + (text[i] - '0');
  }
  return true;
}

timestamp_result read_date_time(std::string_view s) {
  int year, month, day, hour, minute, second;
  if (!read_digits(s, 0, 4, year) || s.size() < 19 || s[4] != '-'
      || !read_digits(s, 5, 2, month) || s[7] != '-'
      || !read_digits(s, 8, 2, day)
      || (s[10] != 'T' && s[10] != 't' && s[10] != ' ')
      || !read_digits(s, 11, 2, hour) || s[13] != ':'
      || !read_digits(s, 14, 2, minute) || s[16] != ':'
      || !read_digits(s, 17, 2, second))
    return invalid;
  size_t i = 19;
  int64_t fraction_ms = 0;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (i == s.size() || !is_digit(s[i]))
      return invalid;
    int64_t scale = 100;
    for (; i < s.size() && is_digit(s[i]); ++i, scale /= 10)
      fraction_ms += (s[i] - '0') * scale; // scale hits 0 after 3 digits
  }
  int64_t offset_minutes = 0;
  if (i < s.size()) {
    if (s[i] == 'Z' || s[i] == 'z') {
      ++i;
    } else if (s[i] == '+' || s[i] == '-') {
      int sign = s[i] == '-' ? -1 : 1;
      ++i;
      int offset_hour, offset_minute;
      bool colon = i + 5 == s.size() && s[i + 2] == ':';
      if ((!colon && i + 4 != s.size()) || !read_digits(s, i, 2, offset_hour)
          || !read_digits(s, i + (colon ? 3 : 2), 2, offset_minute)
          || offset_hour > 23 || offset_minute > 59)
        return invalid;
      offset_minutes = sign * (offset_hour * 60 + offset_minute);
      i = s.size();
    }
  }
  if (i != s.size())
    return invalid;
  if (month < 1 || month > 12 || day < 1
      || day > static_cast<int>(days_in_month(year, month)) || hour > 23
      || minute > 59 || second > 60)
    return invalid;
  if (second == 60) {
    second = 59;
    fraction_ms = 999;
  }
  auto ms = days_from_civil(year, month, day) * ms_per_day
            + ((hour * 60 + minute) * 60 + second) * int64_t{1000} + fraction_ms
            - offset_minutes * 60'000;
  return in_range(ms);
}

struct civil_date {
  int64_t year;
  unsigned month;
  unsigned day;
};

/// Howard Hinnant's civil_from_days: the inverse of days_from_civil().
civil_date civil_from_days(int64_t z) {
  z += 719468;
  const int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  return {static_cast<int64_t>(yoe) + era * 400 + (m <= 2), m, d};
}

void append_two(std::string& out, unsigned v) {
  out += static_cast<char>('0' + v / 10);
  out += static_cast<char>('0' + v % 10);
}

/// "YYYY-MM-DD?HH:MM:SS" with `separator` between date and time; returns the
/// milliseconds within the second.
unsigned append_date_time(std::string& out, event_time t, char separator) {
  auto days = floor_div(t.value, ms_per_day);
  // In [0, ms_per_day), also before 1970; not t - days * ms_per_day, which
  // overflows for min_event_time.
  auto rest = t.value % ms_per_day;
  auto in_day = static_cast<unsigned>(rest < 0 ? rest + ms_per_day : rest);
  auto date = civil_from_days(days);
  if (date.year >= 0 && date.year <= 9999) {
    auto y = static_cast<unsigned>(date.year);
    append_two(out, y / 100);
    append_two(out, y % 100);
  } else {
    out += date.year < 0 ? '-' : '+';
    auto digits = std::to_string(date.year < 0 ? -date.year : date.year);
    if (digits.size() < 4)
      out.append(4 - digits.size(), '0');
    out += digits;
  }
  out += '-';
  append_two(out, date.month);
  out += '-';
  append_two(out, date.day);
  out += separator;
  auto seconds = in_day / 1000;
  append_two(out, seconds / 3600);
  out += ':';
  append_two(out, seconds / 60 % 60);
  out += ':';
  append_two(out, seconds % 60);
  return in_day % 1000;
}

} // namespace

int64_t days_from_civil(int64_t y, unsigned m, unsigned d) {
  y -= m <= 2;
  const int64_t era = (y >= 0 ? y : y - 399) / 400;
  const auto yoe = static_cast<unsigned>(y - era * 400);
  const unsigned doy = (153 * (m > 2 ? m - 3 : m + 9) + 2) / 5 + d - 1;
  const unsigned doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + static_cast<int64_t>(doe) - 719468;
}

timestamp_result read_decimal_timestamp(std::string_view text,
                                        timestamp_unit unit) {
  // The common case, an integer of up to 18 digits, without the digit
  // bookkeeping below: it is on the hot path of every record.
  if (!text.empty() && text.size() <= 19) {
    size_t i = text[0] == '-' ? 1 : 0;
    if (i < text.size() && text.size() - i <= 18
        && (text[i] != '0' || text.size() - i == 1)) {
      int64_t v = 0;
      for (; i < text.size() && is_digit(text[i]); ++i)
        v = v * 10 + (text[i] - '0');
      if (i == text.size()) {
        return read_integer_timestamp(text[0] == '-' ? -v : v, unit);
      }
    }
  }
  decimal num;
  if (!read_decimal(text, num))
    return invalid;
  return decimal_to_ms(num, unit);
}

timestamp_result read_string_timestamp(std::string_view text,
                                       timestamp_unit unit) {
  auto result = read_decimal_timestamp(text, unit);
  if (result.error != timestamp_error::invalid)
    return result;
  return read_date_time(text);
}

std::optional<event_time> timestamp_from_number(int64_t v,
                                                timestamp_unit unit) {
  auto result = read_integer_timestamp(v, unit);
  if (!result)
    return std::nullopt;
  return result.time;
}

std::optional<event_time> timestamp_from_number(double v, timestamp_unit unit) {
  if (!std::isfinite(v))
    return std::nullopt;
  char buf[64];
  auto [end, ec] = std::to_chars(buf, buf + sizeof(buf), v);
  if (ec != std::errc{})
    return std::nullopt;
  auto result = read_decimal_timestamp(std::string_view(buf, end - buf), unit);
  if (!result)
    return std::nullopt;
  return result.time;
}

std::optional<event_time> timestamp_from_string(std::string_view text,
                                                timestamp_unit unit) {
  auto result = read_string_timestamp(text, unit);
  if (!result)
    return std::nullopt;
  return result.time;
}

std::string format_iso_utc(event_time t) {
  std::string out;
  out.reserve(24);
  auto ms = append_date_time(out, t, 'T');
  out += '.';
  out += static_cast<char>('0' + ms / 100);
  append_two(out, ms % 100);
  out += 'Z';
  return out;
}

std::string format_console_time(event_time t) {
  std::string out;
  out.reserve(19);
  append_date_time(out, t, ' ');
  return out;
}

} // namespace crashwatch
