// Fuzz target: the record parser's fast path against its reference path
// (docs/parser.md, "Two paths, one answer"). Every input is one line; for
// each of three filter configurations and both SIMD levels, whenever the fast
// path decides a line, its outcome (kind, event time, user_id, malformed
// reason) must equal the reference path's, and the two SIMD levels must
// decide the same lines the same way: the comparison of
// tests/core/record_parser_test.cpp ("fast path and reference path agree").
// Any difference aborts with the line. libFuzzer hands over an exactly sized
// heap copy, so reading past the line is an ASan error, as with a Kafka
// payload.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "core/record_parser.hpp"
#include "fuzz_failure.hpp"

using namespace crashwatch;

namespace {

/// The parts of a result that the rules define (as in the unit test).
std::string outcome_of(const parsed_record& r) {
  static const char* kinds[] = {"blank", "malformed", "other", "crash"};
  std::string out = kinds[static_cast<int>(r.kind)];
  if (r.kind == record_kind::other || r.kind == record_kind::crash)
    out += " t=" + std::to_string(r.time.value);
  if (r.kind == record_kind::crash)
    out += " user=" + fuzz::escaped(r.user_id);
  if (r.kind == record_kind::malformed)
    out += std::string{" reason="} + (r.reason ? r.reason : "(null)");
  return out;
}

/// The default options, the unit test's custom ones (mixed-case keyword, an
/// empty severity, milliseconds) and seconds with a keyword of two words.
filter_config config(int i) {
  filter_config c;
  if (i == 1) {
    c.keyword = "CrAsH";
    c.severities = {"High", "Critical", ""};
    c.unit = timestamp_unit::milliseconds;
  } else if (i == 2) {
    c.keyword = "Fatal Error";
    c.severities = {"P1", "sev 2"};
    c.unit = timestamp_unit::seconds;
  }
  return c;
}

struct parsers {
  record_parser best;
  record_parser baseline;
  explicit parsers(int i)
      : best(config(i)),
        baseline(config(i), record_parser::simd_level::baseline) {}
};

void check(parsers& p, std::string_view line, int config_index) {
  auto reference = outcome_of(p.best.parse_reference(line));
  parsed_record fast, narrow;
  bool decided = p.best.parse_fast(line, fast);
  bool narrow_decided = p.baseline.parse_fast(line, narrow);
  auto where = " (filter config " + std::to_string(config_index) + ")";
  if (decided != narrow_decided)
    fuzz::fail(line, "only one SIMD level's fast path decided" + where);
  if (!decided)
    return;
  if (outcome_of(fast) != outcome_of(narrow))
    fuzz::fail(line, "SIMD levels disagree: " + outcome_of(fast) + " vs "
                         + outcome_of(narrow) + where);
  if (outcome_of(fast) != reference)
    fuzz::fail(line, "fast path: " + outcome_of(fast)
                         + ", reference path: " + reference + where);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static parsers all[] = {parsers{0}, parsers{1}, parsers{2}};
  std::string_view line{reinterpret_cast<const char*>(data), size};
  for (int i = 0; i < 3; ++i)
    check(all[i], line, i);
  return 0;
}
