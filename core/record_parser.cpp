#include "core/record_parser.hpp"

#include <cstring>

#include "core/event_time.hpp"
#include "core/flat_object_scan.hpp"
#include "core/json_scan.hpp"

namespace crashwatch {

namespace {

using namespace json_scan;

/// The members of a record the rules look at; `ignored` collects the rest.
enum field_id { ignored, timestamp, content, severity, user_id, field_count };

CRASHWATCH_HOT field_id identify(const char* key, size_t size) {
  // Dispatch on the length first: most keys of a record fail right there.
  switch (size) {
  case 7:
    if (std::memcmp(key, "content", 7) == 0)
      return content;
    if (std::memcmp(key, "user_id", 7) == 0)
      return user_id;
    return ignored;
  case 8:
    return std::memcmp(key, "severity", 8) == 0 ? severity : ignored;
  case 9:
    return std::memcmp(key, "timestamp", 9) == 0 ? timestamp : ignored;
  default:
    return ignored;
  }
}

} // namespace

record_parser::record_parser(filter_config config, simd_level simd)
    : config_(config), reference_(std::move(config)) {
#if defined(__x86_64__) && defined(__GNUC__)
  avx512_ = simd == simd_level::best && cpu_has_avx512bw();
#endif
  for (char c : config_.keyword)
    keyword_ += ascii_lower(c);
}

bool record_parser::is_severe(const char* begin, const char* end) const {
  auto size = static_cast<size_t>(end - begin);
  for (auto& s : config_.severities) {
    if (s.size() != size)
      continue;
    // By hand: severities are a few bytes, a call to memcmp costs more.
    size_t i = 0;
    while (i < size && s[i] == begin[i])
      ++i;
    if (i == size)
      return true;
  }
  return false;
}

bool record_parser::contains_keyword(const char* begin, const char* end) const {
  const size_t k = keyword_.size();
  if (k == 0)
    return true;
  if (static_cast<size_t>(end - begin) < k)
    return false;
  const char* const last = end - k; // the last place the keyword can start
  auto matches_at = [&](const char* p) {
    for (size_t j = 0; j < k; ++j)
      if (ascii_lower(p[j]) != keyword_[j])
        return false;
    return true;
  };
  // Candidates by the first byte with bit 5 forced on (which folds ASCII
  // case, and may also pair e.g. '@' with '`'), then an exact check.
  const char first = static_cast<char>(keyword_[0] | 0x20);
  const char* p = begin;
#if defined(__SSE2__)
  const __m128i fold = _mm_set1_epi8(0x20);
  const __m128i want = _mm_set1_epi8(first);
  // 16 starts at a time; the load stays inside the content because the
  // keyword's remaining k - 1 >= 0 bytes follow the 16th start.
  for (; last - p >= 15; p += 16) {
    __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    auto mask = static_cast<unsigned>(
        _mm_movemask_epi8(_mm_cmpeq_epi8(_mm_or_si128(v, fold), want)));
    for (; mask != 0; mask &= mask - 1)
      if (matches_at(p + __builtin_ctz(mask)))
        return true;
  }
#endif
  for (; p <= last; ++p)
    if (static_cast<char>(*p | 0x20) == first && matches_at(p))
      return true;
  return false;
}

bool record_parser::parse_fast(std::string_view line,
                               parsed_record& out) const {
  // Whitespace around a JSON text never changes whether it is valid, so trim
  // it first (this also drops the '\r' of CRLF lines).
  const char* s = line.data();
  const char* end = s + line.size();
  s = skip_space(s, end);
  while (end != s && is_space(end[-1]))
    --end;
  if (s == end) {
    out = parsed_record{}; // blank
    return true;
  }
  auto n = static_cast<size_t>(end - s);
  if (s[0] != '{' || end[-1] != '}')
    return false;
  raw_value values[field_count];
  // A lambda rather than the function itself, so that it is inlined.
  auto slot = [](const char* key, size_t size) { return identify(key, size); };
  auto result = scan_result::not_plain;
#if defined(__SSE2__)
  if (n >= 16 && n <= max_indexed_line)
    result = scan_indexed(s, n, values, slot, avx512_);
#endif
  if (result == scan_result::not_plain)
    result = scan_general(s, end, values, slot);
  if (result != scan_result::object)
    return false;
  classify(values, out);
  return true;
}

void record_parser::classify(const raw_value* values,
                             parsed_record& out) const {
  // The line is valid JSON, an object, and we know its members: from here on
  // the fast path decides, with the same rules as the reference path.
  const auto& ts = values[timestamp];
  timestamp_result time;
  int64_t integer;
  switch (ts.type) {
  case raw_value::number:
    // Integers (epoch ms, s, us) without the general decimal reader.
    if (read_small_integer(ts.begin, ts.end, integer)) {
      time = read_integer_timestamp(integer, config_.unit);
    } else {
      time = read_decimal_timestamp(ts.text(), config_.unit);
    }
    break;
  case raw_value::string:
    time = read_string_timestamp(ts.text(), config_.unit);
    break;
  case raw_value::boolean:
    out = malformed_record(malformed_reason::timestamp_not_number_or_string);
    return;
  default:
    out = malformed_record(malformed_reason::missing_timestamp);
    return;
  }
  if (!time) {
    out = malformed_record(time.error == timestamp_error::out_of_range
                               ? malformed_reason::timestamp_out_of_range
                               : malformed_reason::invalid_timestamp);
    return;
  }
  out = parsed_record{};
  out.kind = record_kind::other;
  out.time = time.time;
  // Severity first: an exact compare of a few bytes rules out most records
  // before the keyword search.
  const auto& sev = values[severity];
  const auto& text = values[content];
  if (sev.type == raw_value::string && is_severe(sev.begin, sev.end)
      && text.type == raw_value::string
      && contains_keyword(text.begin, text.end)) {
    const auto& uid = values[user_id];
    if (uid.type != raw_value::string || uid.begin == uid.end) {
      out = malformed_record(malformed_reason::missing_user_id);
      return;
    }
    out.kind = record_kind::crash;
    out.user_id = uid.text();
  }
}

} // namespace crashwatch
