#include "app/cli_options.hpp"

#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>

#include "app/text_list.hpp"
#include "core/duration.hpp"
#include "core/error.hpp"
#include "io/kafka_config.hpp"

namespace crashwatch {

CLI::Validator option_value(const std::string& option, value_check check,
                            const std::string& name) {
  auto validate = [option, check](std::string& text) -> std::string {
    // A following option is no value, but "-" (stdin) and "--" are. CLI11
    // reports a value missing at the end with this same error, so both read
    // "--window needs a value" (describe_parse_error).
    if (text.size() > 2 && text.compare(0, 2, "--") == 0)
      throw CLI::ArgumentMismatch::TypedAtLeast(option, 1, "VALUE");
    return check ? check(text) : std::string{};
  };
  // No description: the placeholder in --help is the option's type name.
  return CLI::Validator{validate, std::string{}, name};
}

bool takes_comma_list(CLI::Option& op) {
  try {
    op.get_validator(comma_list_validator);
    return true;
  } catch (const CLI::OptionNotFound&) {
    return false;
  }
}

std::string format_number(double number) {
  char text[64];
  std::snprintf(text, sizeof text, "%g", number);
  return text;
}

value_check duration_check(int64_t min_ms) {
  return [min_ms](std::string& text) -> std::string {
    auto ms = parse_duration_ms(text);
    if (!ms)
      return "'" + text
             + "' is not a duration (use a number with ms, s, m or h, like "
               "10s)";
    if (*ms < min_ms)
      return "'" + text + "' is too small (at least "
             + format_duration_ms(min_ms) + ")";
    text = std::to_string(*ms);
    return {};
  };
}

value_check integer_check(int64_t min, int64_t max) {
  return [min, max](std::string& text) -> std::string {
    errno = 0;
    char* end = nullptr;
    auto v = std::strtoll(text.c_str(), &end, 10);
    if (text.empty() || *end != '\0' || errno == ERANGE)
      return "'" + text + "' is not an integer";
    if (v < min || v > max)
      return "'" + text + "' is out of range (" + std::to_string(min) + " to "
             + std::to_string(max) + ")";
    // Plain decimal: CLI11 would read "010" as octal.
    text = std::to_string(v);
    return {};
  };
}

value_check number_check(double min, double max) {
  return [min, max](std::string& text) -> std::string {
    char* end = nullptr;
    auto v = std::strtod(text.c_str(), &end);
    if (text.empty() || *end != '\0' || !std::isfinite(v))
      return "'" + text + "' is not a number";
    if (v < min || v > max)
      return "'" + text + "' is out of range (" + format_number(min) + " to "
             + format_number(max) + ")";
    char exact[64];
    std::snprintf(exact, sizeof exact, "%.17g", v);
    text = exact;
    return {};
  };
}

value_check not_empty_check(std::string problem) {
  return [problem](std::string& text) -> std::string {
    return text.empty() ? problem : std::string{};
  };
}

CLI::Option* add_duration(CLI::App& cmd, const std::string& name, int64_t& ms,
                          int64_t min_ms, const std::string& help) {
  return add_checked(cmd, name, ms, "DURATION", help, duration_check(min_ms),
                     format_duration_ms(ms));
}

CLI::Option* add_number(CLI::App& cmd, const std::string& name, double& target,
                        double min, double max, const std::string& help,
                        const std::string& type) {
  return add_checked(cmd, name, target, type, help, number_check(min, max),
                     format_number(target));
}

CLI::Option* add_text(CLI::App& cmd, const std::string& name,
                      std::string& target, const std::string& type,
                      const std::string& help, value_check check) {
  return add_checked(cmd, name, target, type, help, std::move(check), target);
}

CLI::Option* add_texts(CLI::App& cmd, const std::string& name,
                       std::vector<std::string>& target,
                       const std::string& type, const std::string& help,
                       value_check check) {
  auto* op = cmd.add_option(name, target, help);
  op->type_name(type);
  op->transform(option_value(name, std::move(check)));
  // One value per occurrence: `--input a b` leaves "b" as a stray word.
  op->allow_extra_args(false);
  return op;
}

CLI::Option* add_comma_list(CLI::App& cmd, const std::string& name,
                            const std::string& type, const std::string& help,
                            value_check check,
                            std::function<void(const std::string&)> store) {
  auto* op = cmd.add_option_function<std::string>(name, std::move(store), help);
  op->type_name(type);
  op->transform(option_value(name, std::move(check), comma_list_validator));
  return op;
}

CLI::Option*
add_kafka_settings(CLI::App& cmd,
                   std::vector<std::pair<std::string, std::string>>& target,
                   const std::string& help) {
  auto* op = cmd.add_option_function<std::vector<std::string>>(
      "-X",
      [&target](const std::vector<std::string>& settings) {
        for (auto& text : settings) {
          auto prop = parse_kafka_setting(text);
          if (!prop)
            // "-X novalue: expected key=value (...)": names -X already.
            throw CLI::ValidationError(render(prop.error()));
          target.push_back(std::move(*prop));
        }
      },
      help);
  op->type_name("KEY=VALUE");
  op->transform(option_value("-X"));
  op->allow_extra_args(false);
  return op;
}

} // namespace crashwatch
