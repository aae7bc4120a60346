// A small reader for `--flag value` / `--flag=value` command lines, shared by
// every subcommand. Every mistake becomes a usage_error whose message is the
// one line printed to the user before exiting with status 2.
#pragma once

#include <cstdint>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace crashwatch {

/// A bad option or value; what() is one line naming the option.
struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

/// Walks the arguments of one subcommand.
class cli_args {
 public:
  /// `args` are the subcommand's arguments (without program and subcommand).
  explicit cli_args(std::vector<std::string> args);

  /// True when all arguments are consumed.
  bool done() const { return pos_ >= args_.size(); }

  /// Returns the next option ("--window"), splitting "--window=10s" so that
  /// value() returns "10s". Throws usage_error for a bare word ("foo").
  std::string next_option();

  /// The value of the option last returned by next_option().
  /// Throws usage_error("--window needs a value") when there is none.
  std::string value();

  /// value(), parsed as a duration with unit (ms, s, m, h), in milliseconds,
  /// and at least `min_ms`.
  int64_t duration_ms(int64_t min_ms);

  /// value(), parsed as an integer within [min, max].
  int64_t integer(int64_t min, int64_t max);

  /// value(), parsed as a decimal number within [min, max].
  double number(double min, double max);

  /// value(), which must be one of `choices`.
  std::string choice(const std::vector<std::string>& choices);

  /// Throws usage_error("unknown option --foo for 'run'").
  [[noreturn]] void unknown(std::string_view subcommand) const;

  /// Throws usage_error("--<current option>: <what>").
  [[noreturn]] void fail(const std::string& what) const;

 private:
  std::vector<std::string> args_;
  size_t pos_ = 0;
  std::string option_;
  std::string inline_value_;
  bool has_inline_value_ = false;
};

} // namespace crashwatch
