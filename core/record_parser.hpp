// The record rules of SPEC.md ("Records") on the hot path: every input line
// and Kafka message goes through record_parser::parse() once.
//
// Two paths, one answer (docs/parser.md):
// * a hand-written fast path takes the common shape, a flat object whose
//   strings have no escapes, and validates every byte of it as it goes;
// * anything else (escapes, nested values, errors of any kind) goes to
//   reference_record_parser, which is Boost.JSON and has the last word.
// The fast path only ever answers for lines it has fully validated, so the
// result never depends on which path ran; tests check that on 200k+ lines.
//
// Rules where SPEC.md is silent:
// * Duplicate keys: the last one wins (as in JavaScript and Python), for
//   every field; `{"timestamp": 1, "timestamp": null}` has no timestamp.
// * Blank means only JSON whitespace (space, tab, CR, LF), or nothing.
// * The checks run in this order, the first failure is the reason: JSON,
//   object, timestamp, then (for matching records only) user_id.
// * Timestamp forms, exact rounding and the accepted range (years 0000 to
//   9999): core/event_time.hpp. Reasons: core/malformed_reason.hpp.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/malformed_reason.hpp"
#include "core/record.hpp"
#include "core/reference_record_parser.hpp"

namespace crashwatch {

namespace json_scan {
struct raw_value;
} // namespace json_scan

/// Turns one record (a line without its '\n', or a Kafka message value) into
/// a parsed_record. Not thread-safe: one parser per reader.
class record_parser {
 public:
  /// Which SIMD instructions the fast path may use: `best` picks AVX-512BW
  /// at run time when the CPU has it; `baseline` keeps to the build's
  /// target (SSE2), for tests of that path on any machine.
  enum class simd_level { best, baseline };

  /// A parser for the filter options `config`.
  explicit record_parser(filter_config config,
                         simd_level simd = simd_level::best);

  /// Whether the fast path indexes lines with AVX-512BW.
  bool uses_avx512() const { return avx512_; }

  /// Applies the record rules to `line`, which may end with '\r' and needs no
  /// padding. `user_id` points into `line` or into this parser's buffer: valid
  /// while `line` is and until the next call.
  parsed_record parse(std::string_view line) {
    parsed_record result;
    if (parse_fast(line, result))
      return result;
    ++fallbacks_;
    return reference_.parse(line);
  }

  /// The fast path alone: true and `out` set when it could decide, false when
  /// the line needs the reference path (then `out` is unspecified).
  bool parse_fast(std::string_view line, parsed_record& out) const;

  /// The reference path alone (for tests and benchmarks).
  parsed_record parse_reference(std::string_view line) {
    return reference_.parse(line);
  }

  /// How many parse() calls went to the reference path so far.
  uint64_t fallbacks() const { return fallbacks_; }

  /// The filter options this parser applies.
  const filter_config& config() const { return config_; }

 private:
  // The record rules applied to the members a walker found (indexed by the
  // field ids of record_parser.cpp).
  void classify(const json_scan::raw_value* values, parsed_record& out) const;
  // Whether [begin, end) is exactly one of the severities.
  bool is_severe(const char* begin, const char* end) const;
  // Whether [begin, end) contains keyword_, ignoring ASCII case.
  bool contains_keyword(const char* begin, const char* end) const;

  filter_config config_;
  /// config_.keyword in ASCII lower case.
  std::string keyword_;
  reference_record_parser reference_;
  uint64_t fallbacks_ = 0;
  /// Index plain lines with AVX-512BW (see simd_level).
  bool avx512_ = false;
};

} // namespace crashwatch
