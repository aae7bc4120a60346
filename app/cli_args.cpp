#include "app/cli_args.hpp"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "core/duration.hpp"

namespace crashwatch {

cli_args::cli_args(std::vector<std::string> args) : args_(std::move(args)) {}

std::string cli_args::next_option() {
  auto arg = args_.at(pos_++);
  if (arg.size() < 2 || arg[0] != '-' || arg == "--")
    throw usage_error("unexpected argument '" + arg
                      + "' (options start with --)");
  has_inline_value_ = false;
  if (auto eq = arg.find('=');
      eq != std::string::npos && arg.rfind("--", 0) == 0) {
    inline_value_ = arg.substr(eq + 1);
    has_inline_value_ = true;
    arg.resize(eq);
  }
  option_ = arg;
  return arg;
}

std::string cli_args::value() {
  if (has_inline_value_) {
    has_inline_value_ = false;
    return inline_value_;
  }
  // A following option is no value, but "-" (stdin) is.
  if (pos_ >= args_.size()
      || (args_[pos_].rfind("--", 0) == 0 && args_[pos_].size() > 2))
    throw usage_error(option_ + " needs a value");
  return args_[pos_++];
}

int64_t cli_args::duration_ms(int64_t min_ms) {
  auto text = value();
  auto ms = parse_duration_ms(text);
  if (!ms)
    fail("'" + text
         + "' is not a duration (use a number with ms, s, m or h, "
           "like 10s)");
  if (*ms < min_ms)
    fail("'" + text + "' is too small (at least " + format_duration_ms(min_ms)
         + ")");
  return *ms;
}

int64_t cli_args::integer(int64_t min, int64_t max) {
  auto text = value();
  errno = 0;
  char* end = nullptr;
  auto v = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE)
    fail("'" + text + "' is not an integer");
  if (v < min || v > max)
    fail("'" + text + "' is out of range (" + std::to_string(min) + " to "
         + std::to_string(max) + ")");
  return v;
}

double cli_args::number(double min, double max) {
  auto text = value();
  char* end = nullptr;
  auto v = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || !std::isfinite(v))
    fail("'" + text + "' is not a number");
  if (v < min || v > max)
    fail("'" + text + "' is out of range (" + std::to_string(min) + " to "
         + std::to_string(max) + ")");
  return v;
}

std::string cli_args::choice(const std::vector<std::string>& choices) {
  auto text = value();
  std::string list;
  for (auto& c : choices) {
    if (c == text)
      return text;
    list += list.empty() ? c : "|" + c;
  }
  fail("'" + text + "' is not one of " + list);
}

void cli_args::unknown(std::string_view subcommand) const {
  throw usage_error("unknown option " + option_ + " for '"
                    + std::string{subcommand} + "'");
}

void cli_args::fail(const std::string& what) const {
  throw usage_error(option_ + ": " + what);
}

} // namespace crashwatch
