// The record rules of SPEC.md ("Records") written the most direct way, on
// Boost.JSON's validating parser: slow (about 7 M lines/s) but obviously
// right. record_parser hands it every line its fast path does not take, and
// the tests compare the two on hundreds of thousands of lines.
#pragma once

#include <memory>
#include <string_view>

#include "core/record.hpp"

namespace crashwatch {

/// Parses records with Boost.JSON (strict RFC 8259, UTF-8 checked, at most 64
/// levels of nesting); duplicate keys: the last one wins.
class reference_record_parser {
 public:
  /// A parser for the filter options `config`.
  explicit reference_record_parser(filter_config config);
  ~reference_record_parser();
  /// Movable, so that record_parser is.
  reference_record_parser(reference_record_parser&&) noexcept;
  /// Movable, so that record_parser is.
  reference_record_parser& operator=(reference_record_parser&&) noexcept;

  /// Applies the record rules to `line` (one record, no '\n'); see
  /// record_parser::parse(). `user_id` points into this parser's own buffer,
  /// valid until the next call.
  parsed_record parse(std::string_view line);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

} // namespace crashwatch
