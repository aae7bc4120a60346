// The fast path's walkers over a flat JSON object: one record line whose
// members are all scalars (strings without escapes, numbers, literals). They
// validate every byte they accept and refuse everything else, leaving it to
// the reference parser (see json_scan.hpp for why refusing is always safe).
//
// Both walkers store each member's value at values[slot(key, key_size)], so
// the caller decides which members it keeps (slot 0 collecting the rest), and
// a later duplicate key overwrites an earlier one: the last one wins.
#pragma once

#include <cstddef>
#include <cstdint>
#include <utility>

#include "core/json_scan.hpp"

namespace crashwatch::json_scan {

/// What a walker made of a line.
enum class scan_result {
  /// The line is a valid JSON object and `values` holds its members.
  object,
  /// The line is not plain (escapes, control or non-ASCII bytes): try the
  /// general walker.
  not_plain,
  /// The fast path cannot vouch for the line: the reference path decides.
  refused,
};

/// The literal `word` (true, false or null) at s[p]: a value of `type`, and
/// p moved past it; false when the text there is something else.
template <size_t N>
inline bool scan_literal(const char* s, const char* end, size_t& p,
                         const char (&word)[N], raw_value::type_t type,
                         raw_value& value) {
  if (!starts_with(s + p, end, word, N - 1))
    return false;
  value.type = type;
  p += N - 1;
  return true;
}

/// Reads the scalar value at s[p] into `value` and moves `p` past it: a
/// literal or number here, a string by `scan_string` (each walker finds the
/// ends of strings its own way). Objects and arrays are refused.
template <class ScanString>
CRASHWATCH_HOT bool scan_value(const char* s, const char* end, size_t& p,
                               raw_value& value, ScanString&& scan_string) {
  switch (s[p]) {
  case '"':
    return scan_string(value);
  case 't':
    return scan_literal(s, end, p, "true", raw_value::boolean, value);
  case 'f':
    return scan_literal(s, end, p, "false", raw_value::boolean, value);
  case 'n':
    return scan_literal(s, end, p, "null", raw_value::null, value);
  default: {
    // '{', '[' and anything invalid end up here and are refused.
    const char* number_end = scan_number(s + p, end);
    if (number_end == nullptr)
      return false;
    value = {raw_value::number, s + p, number_end};
    p = static_cast<size_t>(number_end - s);
    return true;
  }
  }
}

/// Reads the value of member `key` at s[p] (strings by the walker's
/// `scan_string(p, begin, end)`) into the member's slot of `values`, and
/// moves `p` past it; false when it is no scalar. Of duplicate keys the last
/// one wins.
template <class Slot, class ScanString>
CRASHWATCH_HOT bool scan_member_value(const char* s, const char* end, size_t& p,
                                      std::pair<const char*, const char*> key,
                                      raw_value* values, Slot& slot,
                                      ScanString& scan_string) {
  raw_value value;
  if (!scan_value(s, end, p, value, [&](raw_value& v) {
        v.type = raw_value::string;
        return scan_string(p, v.begin, v.end);
      }))
    return false;
  values[slot(key.first, static_cast<size_t>(key.second - key.first))] = value;
  return true;
}

#if defined(__SSE2__)
/// The fastest walker: a plain line s[0, n) with '{' at 0 and '}' at n - 1,
/// 16 <= n <= max_indexed_line. The quote index gives every string's end
/// without looking at its bytes; the closing '}' stops every whitespace and
/// number scan, so those need no bounds checks. Whitespace here can only be
/// ' ': a tab or newline makes the line not plain. `avx512`: index with
/// index_plain_line_avx512() (only when cpu_has_avx512bw()).
template <class Slot>
scan_result scan_indexed(const char* s, size_t n, raw_value* values,
                         Slot&& slot, bool avx512 = false) {
  uint64_t quotes[quote_index_words];
#if defined(__x86_64__) && defined(__GNUC__)
  bool plain = avx512 ? index_plain_line_avx512(s, n, quotes)
                      : index_plain_line(s, n, quotes);
#else
  bool plain = index_plain_line(s, n, quotes);
#endif
  if (!plain)
    return scan_result::not_plain;
  quote_cursor cursor{quotes};
  const char* end = s + n;
  // The string at s[p]: every quote before p has been handed out (other
  // scans stop at a quote), so the next two are its own.
  auto scan_string = [&](size_t& p, const char*& begin, const char*& stop) {
    if (cursor.next() != p)
      return false;
    auto close = cursor.next();
    if (close >= n) // the sentinel: no closing quote
      return false;
    begin = s + p + 1;
    stop = s + close;
    p = close + 1;
    return true;
  };
  size_t p = 1;
  while (s[p] == ' ')
    ++p;
  if (p == n - 1)
    return scan_result::object; // {}
  for (;;) {
    const char *key, *key_end;
    if (s[p] != '"' || !scan_string(p, key, key_end))
      return scan_result::refused;
    while (s[p] == ' ')
      ++p;
    if (s[p] != ':')
      return scan_result::refused;
    ++p;
    while (s[p] == ' ')
      ++p;
    if (!scan_member_value(s, end, p, {key, key_end}, values, slot,
                           scan_string))
      return scan_result::refused;
    while (s[p] == ' ')
      ++p;
    if (s[p] == ',') {
      ++p;
      while (s[p] == ' ')
        ++p;
      continue;
    }
    return s[p] == '}' && p == n - 1 ? scan_result::object
                                     : scan_result::refused;
  }
}
#endif

/// The general walker: any JSON whitespace, strings with non-ASCII (UTF-8
/// checked byte by byte); still no escapes and no nesting. s[0] is '{' and
/// `end` follows the last non-whitespace byte.
template <class Slot>
scan_result scan_general(const char* s, const char* end, raw_value* values,
                         Slot&& slot) {
  auto n = static_cast<size_t>(end - s);
  auto skip = [&](size_t p) {
    return static_cast<size_t>(skip_space(s + p, end) - s);
  };
  auto scan_string = [&](size_t& p, const char*& begin, const char*& stop) {
    const char* close = scan_plain_string(s + p + 1, end);
    if (close == nullptr)
      return false;
    begin = s + p + 1;
    stop = close;
    p = static_cast<size_t>(close - s) + 1;
    return true;
  };
  size_t p = skip(1);
  if (p == n)
    return scan_result::refused;
  if (s[p] == '}')
    return p == n - 1 ? scan_result::object : scan_result::refused;
  for (;;) {
    const char *key, *key_end;
    if (s[p] != '"' || !scan_string(p, key, key_end))
      return scan_result::refused;
    p = skip(p);
    if (p == n || s[p] != ':')
      return scan_result::refused;
    p = skip(p + 1);
    if (p == n)
      return scan_result::refused;
    if (!scan_member_value(s, end, p, {key, key_end}, values, slot,
                           scan_string))
      return scan_result::refused;
    p = skip(p);
    if (p == n)
      return scan_result::refused;
    if (s[p] == ',') {
      p = skip(p + 1);
      if (p == n)
        return scan_result::refused;
      continue;
    }
    return s[p] == '}' && p == n - 1 ? scan_result::object
                                     : scan_result::refused;
  }
}

} // namespace crashwatch::json_scan
