#include "generator/log_generator.hpp"

#include <cmath>
#include <cstring>
#include <stdexcept>

namespace crashwatch {

namespace {

// --- what the records say ----------------------------------------------------

/// A piece of text with its length, so that copying needs no strlen.
struct text {
  const char* data;
  size_t size;
};

template <size_t N>
constexpr text lit(const char (&s)[N]) {
  return text{s, N - 1};
}

/// Crash messages in mixed case, as different apps log them.
constexpr text crash_contents[] = {
    lit("App crash detected"),
    lit("Application CRASHED"),
    lit("Crash report uploaded"),
    lit("fatal: app Crash"),
    lit("Native crash in libgfx.so (SIGSEGV)"),
};

/// Everything else an app logs. "fatal: out of memory" is no crash, but it
/// is found by `--keyword fatal`.
constexpr text other_contents[] = {
    lit("User login successful"),
    lit("Payment processed"),
    lit("Cache miss for key session:42"),
    lit("Request timeout after 3000 ms"),
    lit("Disk usage at 85%"),
    lit("fatal: out of memory"),
    lit("Retrying connection to db-1"),
    lit("Config reloaded"),
    lit("Slow query detected (1200 ms)"),
    lit("User logged out"),
    lit("Image upload completed"),
    lit("Background sync finished"),
};

constexpr text severities[]
    = {lit("Low"), lit("Medium"), lit("High"), lit("Critical")};
constexpr text statuses[] = {lit("INFO"), lit("WARN"), lit("ERROR")};

/// Share of records with a crash message, over 2^16.
constexpr uint64_t crash_share_16 = 3277; // 5.0%

/// Severity of crash records, cumulative over 2^16: Low 10%, Medium 20%,
/// High 35%, Critical 35% (70% of the crashes match the default filter).
constexpr uint64_t crash_severity_cdf[] = {6554, 19661, 42598, 65536};

/// Severity of other records: Low 45%, Medium 35%, High 15%, Critical 5%.
constexpr uint64_t other_severity_cdf[] = {29491, 52429, 62259, 65536};

/// Status: crash records are ERROR (85%) or WARN; others INFO 70%, WARN 20%,
/// ERROR 10%.
constexpr uint64_t crash_status_cdf[] = {0, 9830, 65536};
constexpr uint64_t other_status_cdf[] = {45875, 58982, 65536};

/// Index of the first cumulative bound above `r` (r < 2^16).
template <size_t N>
size_t pick(const uint64_t (&cdf)[N], uint64_t r) {
  size_t i = 0;
  while (i + 1 < N && r >= cdf[i])
    ++i;
  return i;
}

/// 2^64 * fraction, saturating: the threshold for chance().
uint64_t threshold_of(double fraction) {
  if (fraction <= 0)
    return 0;
  if (fraction >= 1)
    return UINT64_MAX;
  return static_cast<uint64_t>(std::ldexp(fraction, 64));
}

/// Spreads a seed over the 256-bit xoshiro state (splitmix64, as its authors
/// recommend).
uint64_t splitmix64(uint64_t& x) {
  uint64_t z = (x += 0x9E3779B97F4A7C15ull);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
  return z ^ (z >> 31);
}

uint64_t rotl(uint64_t x, int k) {
  return (x << k) | (x >> (64 - k));
}

// --- writing by hand
// -----------------------------------------------------------

/// Appends text at p and returns the new end.
inline char* put(char* p, text t) {
  std::memcpy(p, t.data, t.size);
  return p + t.size;
}

template <size_t N>
inline char* put(char* p, const char (&s)[N]) {
  std::memcpy(p, s, N - 1);
  return p + N - 1;
}

/// Appends the decimal digits of v.
inline char* put_uint(char* p, uint64_t v) {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0)
    *p++ = tmp[--n];
  return p;
}

inline char* put_int(char* p, int64_t v) {
  if (v < 0) {
    *p++ = '-';
    return put_uint(p, 0 - static_cast<uint64_t>(v));
  }
  return put_uint(p, static_cast<uint64_t>(v));
}

/// Appends v with exactly `width` digits (zero-padded).
inline char* put_fixed(char* p, uint64_t v, int width) {
  for (int i = width - 1; i >= 0; --i) {
    p[i] = static_cast<char>('0' + v % 10);
    v /= 10;
  }
  return p + width;
}

int64_t floor_div(int64_t a, int64_t b) {
  auto q = a / b;
  return (a % b != 0 && (a < 0) != (b < 0)) ? q - 1 : q;
}

/// Year, month, day of a day count since 1970-01-01 (H. Hinnant's
/// civil_from_days).
void civil_from_days(int64_t z, int64_t& y, unsigned& m, unsigned& d) {
  z += 719468;
  const int64_t era = floor_div(z, 146097);
  const auto doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  d = doy - (153 * mp + 2) / 5 + 1;
  m = mp < 10 ? mp + 3 : mp - 9;
  y = static_cast<int64_t>(yoe) + era * 400 + (m <= 2);
}

/// Appends `ms` as "YYYY-MM-DD<sep>hh:mm:ss[.mmm]", shifted by `offset_min`
/// minutes (the caller writes the zone).
char* put_iso(char* p, int64_t ms, int offset_min, char sep, bool fraction) {
  ms += static_cast<int64_t>(offset_min) * 60000;
  auto days = floor_div(ms, 86400000);
  auto in_day = ms - days * 86400000;
  int64_t y;
  unsigned mo, d;
  civil_from_days(days, y, mo, d);
  p = put_fixed(p, static_cast<uint64_t>(y), 4);
  *p++ = '-';
  p = put_fixed(p, mo, 2);
  *p++ = '-';
  p = put_fixed(p, d, 2);
  *p++ = sep;
  p = put_fixed(p, static_cast<uint64_t>(in_day / 3600000), 2);
  *p++ = ':';
  p = put_fixed(p, static_cast<uint64_t>(in_day / 60000 % 60), 2);
  *p++ = ':';
  p = put_fixed(p, static_cast<uint64_t>(in_day / 1000 % 60), 2);
  if (fraction) {
    *p++ = '.';
    p = put_fixed(p, static_cast<uint64_t>(in_day % 1000), 3);
  }
  return p;
}

/// Appends `ms` in seconds with six decimals, `micros` (1..999) below the
/// millisecond, so that rounding down to ms is never a matter of floating
/// point error: 1768917185123 -> "1768917185.123457".
char* put_seconds_fraction(char* p, int64_t ms, uint64_t micros) {
  auto secs = floor_div(ms, 1000);
  p = put_int(p, secs);
  *p++ = '.';
  p = put_fixed(p, static_cast<uint64_t>(ms - secs * 1000), 3);
  return put_fixed(p, micros, 3);
}

/// The ways a well-formed record can look other than the usual one.
enum class variant : uint8_t {
  iso_z,             // "2026-01-20T13:53:05.123Z"
  iso_offset,        // "2026-01-20T14:53:05.123+01:00"
  iso_space,         // "2026-01-20 13:53:05.123" (no zone: UTC)
  iso_whole_seconds, // "2026-01-20T13:53:05Z"
  ms_string,         // "1768917185123"
  seconds_fraction,  // 1768917185.123457
  seconds_string,    // "1768917185.123457"
  micros,            // 1768917185123457
  exponent,          // 1.768917185123e12
  whole_seconds,     // 1768917185
  reordered,         // other field order, extra (nested) fields
  compact,           // no spaces
  escaped,           // c\u0072ash, user\u005f1361, quotes, UTF-8
  near_miss,         // severity "high", "CRITICAL", " High": no match
  no_content,        // content null / number / missing: no match
  no_user_other,     // a non-matching record without user_id: fine
  count
};

/// Fields of one record before they are written.
struct fields {
  int64_t time_ms;
  text status;
  text severity;
  text content;
  uint64_t user;
  uint32_t ip;
};

/// Appends "10.a.b.c" for an address packed as a << 16 | b << 8 | c.
inline char* put_ip(char* p, uint32_t ip) {
  p = put(p, "10.");
  p = put_uint(p, ip >> 16);
  *p++ = '.';
  p = put_uint(p, (ip >> 8) & 0xff);
  *p++ = '.';
  return put_uint(p, ip & 0xff);
}

/// Appends `"user_N"`, the JSON string of user number `user` (from 0).
inline char* put_user(char* p, uint64_t user) {
  p = put(p, "\"user_");
  p = put_uint(p, 1000 + user);
  *p++ = '"';
  return p;
}

/// What goes after a key and between fields: a space after each in the
/// usual form, none in the compact variant.
struct separators {
  text colon;
  text comma;
};

constexpr separators spaced{lit(": "), lit(", ")};
constexpr separators compact{lit(":"), lit(",")};

/// Appends `, "key": "value"` (with the separators `s`).
inline char* put_string_field(char* p, const separators& s, text key,
                              text value) {
  p = put(p, s.comma);
  *p++ = '"';
  p = put(p, key);
  *p++ = '"';
  p = put(p, s.colon);
  *p++ = '"';
  p = put(p, value);
  *p++ = '"';
  return p;
}

/// Appends a record in the usual field order (SPEC.md's example) with `ts`
/// as the timestamp's JSON text.
char* put_usual_record(char* p, const fields& f, text ts, const separators& s) {
  p = put(p, "{\"timestamp\"");
  p = put(p, s.colon);
  p = put(p, ts);
  p = put_string_field(p, s, lit("status"), f.status);
  p = put_string_field(p, s, lit("severity"), f.severity);
  p = put(p, s.comma);
  p = put(p, "\"source_ip\"");
  p = put(p, s.colon);
  *p++ = '"';
  p = put_ip(p, f.ip);
  *p++ = '"';
  p = put(p, s.comma);
  p = put(p, "\"user_id\"");
  p = put(p, s.colon);
  p = put_user(p, f.user);
  p = put_string_field(p, s, lit("content"), f.content);
  *p++ = '}';
  return p;
}

} // namespace

log_generator::log_generator(generator_options options) : options_(options) {
  if (options_.users < 1)
    throw std::invalid_argument("users must be at least 1");
  if (!(options_.events_per_second > 0)
      || !std::isfinite(options_.events_per_second))
    throw std::invalid_argument("events per second must be positive");
  if (options_.out_of_order_ms < 0)
    throw std::invalid_argument("out-of-order must not be negative");
  for (double f : {options_.late_fraction, options_.malformed_fraction,
                   options_.blank_fraction, options_.variant_fraction})
    if (!(f >= 0 && f <= 1))
      throw std::invalid_argument("fractions must be within [0, 1]");
  ms_per_line_ = 1000.0 / options_.events_per_second;
  late_threshold_ = threshold_of(options_.late_fraction);
  malformed_threshold_ = threshold_of(options_.malformed_fraction);
  blank_threshold_ = threshold_of(options_.blank_fraction);
  variant_threshold_ = threshold_of(options_.variant_fraction);
  uint64_t x = options_.seed;
  for (auto& s : state_)
    s = splitmix64(x);
  // Addresses depend on the seed too, but never on the order of records.
  user_ips_.reserve(static_cast<size_t>(options_.users));
  for (int64_t u = 0; u < options_.users; ++u) {
    auto r = splitmix64(x);
    user_ips_.push_back(static_cast<uint32_t>(
        ((r & 0x3) << 16) | (((r >> 8) & 0xff) << 8) | (1 + (r >> 16) % 254)));
  }
}

uint64_t log_generator::next_random() {
  const uint64_t result = rotl(state_[1] * 5, 7) * 9;
  const uint64_t t = state_[1] << 17;
  state_[2] ^= state_[0];
  state_[3] ^= state_[1];
  state_[1] ^= state_[2];
  state_[0] ^= state_[3];
  state_[2] ^= t;
  state_[3] = rotl(state_[3], 45);
  return result;
}

uint64_t log_generator::below(uint64_t n) {
  // Lemire's multiply-shift: unbiased enough for test data, and fast.
  return static_cast<uint64_t>(
      (static_cast<unsigned __int128>(next_random()) * n) >> 64);
}

int64_t log_generator::clock_ms() const {
  return options_.start_ms
         + static_cast<int64_t>(
             std::floor(static_cast<double>(index_) * ms_per_line_));
}

generated_kind log_generator::append_next(std::string& out) {
  auto base = clock_ms();
  ++index_;
  if (blank_threshold_ != 0 && chance(blank_threshold_))
    return generated_kind::blank;
  bool late = late_threshold_ != 0 && chance(late_threshold_);
  auto time
      = late ? base - 35000 - static_cast<int64_t>(below(85001))
             : base
                   - static_cast<int64_t>(below(
                       static_cast<uint64_t>(options_.out_of_order_ms) + 1));
  if (malformed_threshold_ != 0 && chance(malformed_threshold_)) {
    out.append(line_, write_malformed(time));
    return generated_kind::malformed;
  }
  bool variant = variant_threshold_ != 0 && chance(variant_threshold_);
  out.append(line_, write_record(time, variant));
  return late ? generated_kind::late_record : generated_kind::record;
}

size_t log_generator::write_record(int64_t time_ms, bool variant_form) {
  auto r = next_random();
  fields f;
  f.time_ms = time_ms;
  f.user = below(static_cast<uint64_t>(options_.users));
  f.ip = user_ips_[f.user];
  bool crash = (r & 0xffff) < crash_share_16;
  auto sev_r = (r >> 16) & 0xffff;
  auto status_r = (r >> 32) & 0xffff;
  auto content_r = r >> 48;
  if (crash) {
    f.content = crash_contents[content_r % std::size(crash_contents)];
    f.severity = severities[pick(crash_severity_cdf, sev_r)];
    f.status = statuses[pick(crash_status_cdf, status_r)];
  } else {
    f.content = other_contents[content_r % std::size(other_contents)];
    f.severity = severities[pick(other_severity_cdf, sev_r)];
    f.status = statuses[pick(other_status_cdf, status_r)];
  }
  char* p = line_;
  if (!variant_form) {
    char ts[24];
    text ts_text{ts, static_cast<size_t>(put_int(ts, f.time_ms) - ts)};
    return static_cast<size_t>(put_usual_record(p, f, ts_text, spaced) - line_);
  }
  // A rarer form: decided by a second draw so the usual path stays short.
  auto v = static_cast<variant>(below(static_cast<uint64_t>(variant::count)));
  auto micros = 1 + below(999);
  // The timestamp value, in the form the variant asks for.
  char ts[64];
  char* t = ts;
  switch (v) {
  case variant::iso_z:
    *t++ = '"';
    t = put_iso(t, f.time_ms, 0, 'T', true);
    t = put(t, "Z\"");
    break;
  case variant::iso_offset: {
    // Whole and half-hour zones on both sides of UTC.
    static constexpr int offsets[] = {60, 120, -300, 330, -570, 0};
    int off = offsets[below(std::size(offsets))];
    *t++ = '"';
    t = put_iso(t, f.time_ms, off, 'T', true);
    int a = off < 0 ? -off : off;
    *t++ = off < 0 ? '-' : '+';
    t = put_fixed(t, static_cast<uint64_t>(a / 60), 2);
    *t++ = ':';
    t = put_fixed(t, static_cast<uint64_t>(a % 60), 2);
    *t++ = '"';
    break;
  }
  case variant::iso_space:
    *t++ = '"';
    t = put_iso(t, f.time_ms, 0, ' ', true);
    *t++ = '"';
    break;
  case variant::iso_whole_seconds:
    *t++ = '"';
    t = put_iso(t, f.time_ms, 0, 'T', false);
    t = put(t, "Z\"");
    break;
  case variant::ms_string:
    *t++ = '"';
    t = put_int(t, f.time_ms);
    *t++ = '"';
    break;
  case variant::seconds_fraction:
    t = put_seconds_fraction(t, f.time_ms, micros);
    break;
  case variant::seconds_string:
    *t++ = '"';
    t = put_seconds_fraction(t, f.time_ms, micros);
    *t++ = '"';
    break;
  case variant::micros:
    t = put_int(t, f.time_ms * 1000 + static_cast<int64_t>(micros));
    break;
  case variant::exponent: {
    // d.dddddddddddde12 for a 13-digit time: exact in binary floating point
    // because the value is a whole number below 2^53.
    char digits[24];
    char* e = put_int(digits, f.time_ms);
    auto n = e - digits;
    if (f.time_ms > 0 && n > 1) {
      *t++ = digits[0];
      *t++ = '.';
      std::memcpy(t, digits + 1, static_cast<size_t>(n - 1));
      t += n - 1;
      *t++ = 'e';
      t = put_uint(t, static_cast<uint64_t>(n - 1));
    } else {
      t = put_int(t, f.time_ms);
    }
    break;
  }
  case variant::whole_seconds:
    t = put_int(t, floor_div(f.time_ms, 1000));
    break;
  default:
    t = put_int(t, f.time_ms);
    break;
  }
  text ts_text{ts, static_cast<size_t>(t - ts)};
  switch (v) {
  case variant::reordered:
    p = put(p, "{\"user_id\": ");
    p = put_user(p, f.user);
    p = put(p, ", \"content\": \"");
    p = put(p, f.content);
    p = put(p, "\", \"app\": {\"name\": \"shop\", \"version\": \"4.2.");
    p = put_uint(p, f.user % 7);
    p = put(p, "\", \"tags\": [\"timestamp\", 1, null]}, \"severity\": \"");
    p = put(p, f.severity);
    p = put(p, "\", \"timestamp\": ");
    p = put(p, ts_text);
    p = put(p, ", \"status\": \"");
    p = put(p, f.status);
    p = put(p, "\", \"source_ip\": \"");
    p = put_ip(p, f.ip);
    p = put(p, "\", \"latency_ms\": 12.5e0}");
    return static_cast<size_t>(p - line_);
  case variant::compact:
    return static_cast<size_t>(put_usual_record(p, f, ts_text, compact)
                               - line_);
  case variant::escaped: {
    p = put(p, "{\"timestamp\": ");
    p = put(p, ts_text);
    p = put(p, ", \"status\": \"");
    p = put(p, f.status);
    p = put(p, "\", \"severity\": \"");
    p = put(p, f.severity);
    // "user\u005f1361" is user_1361 once unescaped.
    p = put(p, "\", \"user_id\": \"user\\u005f");
    p = put_uint(p, 1000 + f.user);
    p = put(p, "\", \"content\": \"");
    switch (below(3)) {
    case 0: // crash spelled with an escape: still a crash
      p = put(p, crash ? lit("App c\\u0072ash detected")
                       : lit("Upload \\\"done\\\" \\\\ ok"));
      break;
    case 1: // UTF-8 around the message
      p = put(p, "\xE2\x9A\xA0 ");
      p = put(p, f.content);
      p = put(p, " \xE2\x80\x94 Ger\xC3\xA4t 7");
      break;
    default: // quotes, a tab and a newline escaped
      p = put(p, "\\\"");
      p = put(p, f.content);
      p = put(p, "\\\"\\t(see \\/var\\/log)\\n");
      break;
    }
    p = put(p, "\", \"source_ip\": \"");
    p = put_ip(p, f.ip);
    p = put(p, "\"}");
    return static_cast<size_t>(p - line_);
  }
  default:
    break;
  }
  // The usual field order, with a variant timestamp or a twist in a field.
  p = put(p, "{\"timestamp\": ");
  p = put(p, ts_text);
  p = put(p, ", \"status\": \"");
  p = put(p, f.status);
  if (v == variant::near_miss) {
    static constexpr text near[] = {lit("high"), lit("CRITICAL"), lit(" High"),
                                    lit("Critical "), lit("HIGH")};
    p = put(p, "\", \"severity\": \"");
    p = put(p, near[below(std::size(near))]);
    p = put(p, "\"");
  } else if (v == variant::no_content && below(2) == 0) {
    p = put(p, "\", \"severity\": 4");
  } else {
    p = put(p, "\", \"severity\": \"");
    p = put(p, f.severity);
    p = put(p, "\"");
  }
  p = put(p, ", \"source_ip\": \"");
  p = put_ip(p, f.ip);
  p = put(p, "\"");
  if (v != variant::no_user_other || crash) {
    p = put(p, ", \"user_id\": ");
    p = put_user(p, f.user);
  }
  if (v == variant::no_content) {
    static constexpr text none[]
        = {lit(", \"content\": null"), lit(", \"content\": 42"), lit(""),
           lit(", \"content\": [\"crash\"]")};
    p = put(p, none[below(std::size(none))]);
  } else {
    p = put(p, ", \"content\": \"");
    p = put(p, v == variant::no_user_other && !crash ? lit("Heartbeat")
                                                     : f.content);
    p = put(p, "\"");
  }
  *p++ = '}';
  return static_cast<size_t>(p - line_);
}

size_t log_generator::write_malformed(int64_t time_ms) {
  last_malformed_ = static_cast<malformed_kind>(below(malformed_kind_count));
  char* p = line_;
  auto user = 1000 + below(static_cast<uint64_t>(options_.users));
  switch (last_malformed_) {
  case malformed_kind::truncated: {
    // A valid line cut anywhere after its first byte and before its last,
    // never inside a UTF-8 sequence: invalid JSON, never blank.
    auto n = write_record(time_ms, false);
    auto cut = 1 + below(n - 2);
    while (cut > 1 && (static_cast<unsigned char>(line_[cut]) & 0xC0) == 0x80)
      --cut;
    return cut;
  }
  case malformed_kind::array:
    p = put(p, "[");
    p = put_int(p, time_ms);
    p = put(p, ", \"ERROR\", \"Critical\", \"10.0.0.1\", \"user_");
    p = put_uint(p, user);
    p = put(p, "\", \"App crash detected\"]");
    break;
  case malformed_kind::scalar:
    if (below(2) == 0) {
      p = put(p, "\"App crash detected for user_");
      p = put_uint(p, user);
      p = put(p, "\"");
    } else {
      p = put_int(p, time_ms);
    }
    break;
  case malformed_kind::bad_timestamp_string: {
    static constexpr text bad[] = {lit("\"yesterday\""),
                                   lit("\"\""),
                                   lit("\"2026-02-30T10:00:00Z\""),
                                   lit("\"1768917185123ms\""),
                                   lit("\"2026-01-20T25:10:00Z\""),
                                   lit("\"12:30:00\"")};
    p = put(p, "{\"timestamp\": ");
    p = put(p, bad[below(std::size(bad))]);
    p = put(p, ", \"status\": \"ERROR\", \"severity\": \"High\", "
               "\"user_id\": \"user_");
    p = put_uint(p, user);
    p = put(p, "\", \"content\": \"App crash detected\"}");
    break;
  }
  case malformed_kind::bad_timestamp_type: {
    static constexpr text bad[]
        = {lit("null"), lit("true"), lit("false"),
           lit("{\"ms\": 1768917185123}"), lit("[1768917185123]")};
    p = put(p, "{\"timestamp\": ");
    p = put(p, bad[below(std::size(bad))]);
    p = put(p, ", \"status\": \"INFO\", \"severity\": \"Low\", "
               "\"user_id\": \"user_");
    p = put_uint(p, user);
    p = put(p, "\", \"content\": \"Config reloaded\"}");
    break;
  }
  case malformed_kind::missing_timestamp:
    p = put(p, "{\"ts\": ");
    p = put_int(p, time_ms);
    p = put(p, ", \"status\": \"ERROR\", \"severity\": \"Critical\", "
               "\"user_id\": \"user_");
    p = put_uint(p, user);
    p = put(p, "\", \"content\": \"Application CRASHED\"}");
    break;
  case malformed_kind::nan_timestamp: {
    static constexpr text bad[]
        = {lit("NaN"), lit("Infinity"), lit("-Infinity")};
    p = put(p, "{\"timestamp\": ");
    p = put(p, bad[below(std::size(bad))]);
    p = put(p, ", \"status\": \"WARN\", \"severity\": \"Medium\", "
               "\"user_id\": \"user_");
    p = put_uint(p, user);
    p = put(p, "\", \"content\": \"Payment processed\"}");
    break;
  }
  case malformed_kind::crash_without_user: {
    static constexpr text bad_user[]
        = {lit(""), lit(", \"user_id\": \"\""), lit(", \"user_id\": null"),
           lit(", \"user_id\": 1361")};
    p = put(p, "{\"timestamp\": ");
    p = put_int(p, time_ms);
    p = put(p, ", \"status\": \"ERROR\", \"severity\": \"Critical\", "
               "\"source_ip\": \"10.0.3.9\"");
    p = put(p, bad_user[below(std::size(bad_user))]);
    p = put(p, ", \"content\": \"fatal: app Crash\"}");
    break;
  }
  }
  return static_cast<size_t>(p - line_);
}

} // namespace crashwatch
