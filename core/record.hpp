// What the record rules of SPEC.md ("Records") make of one input line or one
// Kafka message value, and the options those rules take.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "core/types.hpp"

namespace crashwatch {

/// How a numeric `timestamp` is read (`--timestamp-unit`).
enum class timestamp_unit : uint8_t {
  /// |v| >= 1e14: microseconds, >= 1e11: milliseconds, else seconds.
  automatic,
  seconds,
  milliseconds,
  microseconds,
};

/// The options of the record filter (`--keyword`, `--severity`,
/// `--timestamp-unit`).
struct filter_config {
  /// A record matches when its `content` contains this, ignoring ASCII case.
  std::string keyword = "crash";
  /// ... and its `severity` is exactly one of these (case-sensitive).
  std::vector<std::string> severities = {"High", "Critical"};
  /// How numeric timestamps are read.
  timestamp_unit unit = timestamp_unit::automatic;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, filter_config& x) {
  return f(caf::meta::type_name("filter_config"), x.keyword, x.severities,
           x.unit);
}

/// What a record turned out to be.
enum class record_kind : uint8_t {
  /// An empty or whitespace-only line: skipped silently.
  blank,
  /// Breaks a record rule; goes to the dead-letter output with `reason`.
  malformed,
  /// A well-formed record that does not match: only advances the watermark.
  other,
  /// A well-formed matching record: counted for `user_id` in its window.
  crash,
};

/// The result of parsing one record.
struct parsed_record {
  record_kind kind = record_kind::blank;
  /// The record's event time; valid for `other` and `crash`.
  event_time time;
  /// The unescaped `user_id`; valid for `crash` only. Points into the parsed
  /// line or into the parser's own buffer: valid until the next parse().
  std::string_view user_id;
  /// Why the record is malformed (static text, e.g. "invalid JSON"); valid for
  /// `malformed` only.
  const char* reason = nullptr;
};

/// A malformed result with `reason` (one of core/malformed_reason.hpp).
inline parsed_record malformed_record(const char* reason) {
  parsed_record r;
  r.kind = record_kind::malformed;
  r.reason = reason;
  return r;
}

/// ASCII-only lower case: the keyword rule folds A-Z and nothing else.
constexpr char ascii_lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

} // namespace crashwatch
