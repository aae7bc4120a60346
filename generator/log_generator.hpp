// Realistic application log records, one JSON object per line, for demos,
// tests and benchmarks (`crashwatch generate` to a file, and its Kafka load
// generator, generator/kafka_load).
//
// Pure and deterministic: the same options (seed included) give the same
// lines, byte for byte, on every run and platform (integer arithmetic and a
// fixed PRNG only). No I/O: each call appends one line to the caller's buffer.
//
// What the lines look like, by default:
//   {"timestamp": 1768917185123, "status": "ERROR", "severity": "Critical",
//    "source_ip": "10.0.4.17", "user_id": "user_1361",
//    "content": "App crash detected"}
// * Users user_1000 .. user_(1000+users-1), drawn uniformly.
// * Event time advances by 1000 / events_per_second ms per line from `start`,
//   minus a uniform jitter of [0, out_of_order] ms (records arrive a bit out
//   of order, never ahead of the generator's clock).
// * About 5% of the records carry a crash message, 70% of those with severity
//   High or Critical: 3.5% of all records match the default filter. With the
//   defaults (1000 users, 1000 records per second, 10 s windows) a (window,
//   user) pair then has Poisson(0.35) crashes: about 30% of pairs have a
//   crash, and about 1.9% of those exceed 2 crashes (about 5,500 alerts per
//   10 M records).
// * `late_fraction` of the lines are 35-120 s older than the clock: behind
//   a 30 s watermark (late if they match) once their window ended 30 s before
//   the partition's largest timestamp, which is so for all of them from
//   40 s on and for some between 35 and 40 s (a boundary mix).
// * About 1% of the records use another valid timestamp form (ISO-8601 with Z
//   or an offset or no zone, numeric strings, seconds with a fraction,
//   microseconds, an exponent) and about 2% another field order or extra
//   fields; some carry JSON escapes (`c\u0072ash`) or near-miss severities
//   (`high`, `CRITICAL`) that must not match.
// * `malformed_fraction` of the lines are malformed records of several kinds
//   (see `malformed_kind`). Fractional seconds are always written with
//   microseconds that are not a whole millisecond, so that rounding down to
//   milliseconds cannot depend on floating-point error.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace crashwatch {

/// 2026-01-20T13:53:00Z, the default start of event time.
constexpr int64_t default_generator_start_ms = 1'768'917'180'000;

/// What the generator writes.
struct generator_options {
  /// PRNG seed; the same seed gives the same lines.
  uint64_t seed = 1;
  /// Number of distinct users, user_1000 .. user_(1000+users-1).
  int64_t users = 1000;
  /// Event time of the first line, ms since the epoch.
  int64_t start_ms = default_generator_start_ms;
  /// Lines per second of event time.
  double events_per_second = 1000;
  /// Share of lines whose timestamp is 35-120 s behind the clock.
  double late_fraction = 0.001;
  /// Largest backwards jitter of a line's timestamp, in ms.
  int64_t out_of_order_ms = 2000;
  /// Share of malformed lines.
  double malformed_fraction = 0;
  /// Share of blank lines (skipped silently by readers of files).
  double blank_fraction = 0.00002;
  /// Share of well-formed records written in another valid form (timestamp
  /// form, field order, extra fields, escapes, near-miss severities).
  double variant_fraction = 0.03;
};

/// What one generated line is.
enum class generated_kind : uint8_t {
  /// A well-formed record with the clock's time (minus jitter).
  record,
  /// A well-formed record 35-120 s behind the clock.
  late_record,
  /// A malformed record (see malformed_kind).
  malformed,
  /// An empty line.
  blank,
};

/// How many lines of each special kind a generator wrote (for summaries).
struct generated_counts {
  uint64_t late = 0;
  uint64_t malformed = 0;
  uint64_t blank = 0;

  /// Counts one line of kind `kind`.
  void add(generated_kind kind) {
    late += kind == generated_kind::late_record ? 1 : 0;
    malformed += kind == generated_kind::malformed ? 1 : 0;
    blank += kind == generated_kind::blank ? 1 : 0;
  }
};

/// The kinds of malformed lines, drawn uniformly.
enum class malformed_kind : uint8_t {
  /// A valid record cut short: invalid JSON.
  truncated,
  /// A JSON array instead of an object.
  array,
  /// A bare JSON string or number instead of an object.
  scalar,
  /// `timestamp` is a string that is no time ("yesterday", "2026-02-30...").
  bad_timestamp_string,
  /// `timestamp` is null, a boolean or an object.
  bad_timestamp_type,
  /// No `timestamp` field.
  missing_timestamp,
  /// `timestamp: NaN`: not JSON.
  nan_timestamp,
  /// A matching crash record whose user_id is missing, empty, null or a
  /// number.
  crash_without_user,
};

/// Number of malformed_kind values.
constexpr int malformed_kind_count = 8;

/// Makes one log line at a time.
class log_generator {
 public:
  /// Throws std::invalid_argument when users < 1, events_per_second <= 0 or a
  /// fraction is outside [0, 1].
  explicit log_generator(generator_options options);

  /// Appends the next line, without newline, to `out` and tells what it is.
  generated_kind append_next(std::string& out);

  /// Lines made so far.
  uint64_t lines() const { return index_; }

  /// Event time of the generator's clock for the next line (before jitter).
  int64_t clock_ms() const;

  /// Kind of the last malformed line (valid after append_next() returned
  /// `malformed`).
  malformed_kind last_malformed_kind() const { return last_malformed_; }

 private:
  /// The next 64 random bits (xoshiro256**).
  uint64_t next_random();

  /// A uniform integer in [0, n).
  uint64_t below(uint64_t n);

  /// True with probability given as a threshold over 2^64.
  bool chance(uint64_t threshold) { return next_random() < threshold; }

  /// Writes a well-formed record at `time_ms` into line_ and returns its
  /// length; `variant` picks one of the other valid forms.
  size_t write_record(int64_t time_ms, bool variant);

  /// Writes a malformed line into line_ and returns its length.
  size_t write_malformed(int64_t time_ms);

  generator_options options_;
  double ms_per_line_;
  uint64_t late_threshold_;
  uint64_t malformed_threshold_;
  uint64_t blank_threshold_;
  uint64_t variant_threshold_;
  uint64_t state_[4];
  uint64_t index_ = 0;
  malformed_kind last_malformed_ = malformed_kind::truncated;
  /// Each user's address 10.a.b.c, packed as a << 16 | b << 8 | c: a user
  /// keeps its address.
  std::vector<uint32_t> user_ips_;
  /// One line is built here, then appended to the caller's buffer in one go.
  char line_[1024];
};

} // namespace crashwatch
