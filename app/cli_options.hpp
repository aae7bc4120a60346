// Declaring options on a CLI11 command the crashwatch way. Every option with
// a value gets ONE validator (option_value) that
//   * treats a following option as a missing value: CLI11 would take
//     `--output-file --window` as a file named "--window"; here it is
//     "--output-file needs a value" ("-" and "--" stay values);
//   * checks the value's TEXT before CLI11 converts it (CLI11 turns "-1"
//     into 18446744073709551615 for a uint64_t) with crashwatch's messages
//     ("'10' is not a duration ..."), and rewrites it to the plain decimal
//     form that CLI11 then converts into the variable ("10s" -> "10000").
// Values from a --config file go through the same validators.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>

#include "app/option_values.hpp"

namespace crashwatch {

/// Checks one value's text: returns "" or the problem ("'10' is not a
/// duration (...)"), which CLI11 reports as "--window: <problem>". May
/// rewrite `text` to the canonical form CLI11 converts.
using value_check = std::function<std::string(std::string& text)>;

/// The validator of option `option`: a value starting with "--" (and longer)
/// is a missing value, then `check` (if any). A validator `name`d
/// comma_list_validator marks an option whose value is a comma-separated
/// list (config_file.cpp joins a file's array for it).
CLI::Validator option_value(const std::string& option, value_check check = {},
                            const std::string& name = {});

/// The validator name of options whose one value is a comma-separated list
/// (`--severity High,Critical`, `--partitions 0,2`, `--brokers a:1,b:2`).
inline constexpr const char* comma_list_validator = "comma-list";

/// True when `op` was declared with a comma_list_validator.
bool takes_comma_list(CLI::Option& op);

// --- checks ------------------------------------------------------------------

/// A duration with unit (ms, s, m, h) of at least `min_ms`; becomes ms.
value_check duration_check(int64_t min_ms);
/// A decimal integer in [min, max].
value_check integer_check(int64_t min, int64_t max);
/// A decimal number in [min, max].
value_check number_check(double min, double max);
/// Anything but "": `problem` otherwise.
value_check not_empty_check(std::string problem);
/// One of the table's words.
template <class T, size_t N>
value_check choice_check(const named_value<T> (&table)[N]) {
  return [&table](std::string& text) -> std::string {
    if (value_of(table, text))
      return {};
    return "'" + text + "' is not one of " + names_of(table);
  };
}

/// `number` as people write it: 0.001, 1e+09.
std::string format_number(double number);

// --- options -----------------------------------------------------------------
// Each adds `name` ("--window", or "-X") to `cmd` with `help`, shows the
// variable's current value as the default (when there is one), and returns
// the option for more settings. `type` is the placeholder shown in --help.

/// Any value CLI11 converts into `target`, checked and rewritten by `check`
/// first; `shown_default` is the default --help shows ("" = none).
template <class T>
CLI::Option* add_checked(CLI::App& cmd, const std::string& name, T& target,
                         const std::string& type, const std::string& help,
                         value_check check,
                         const std::string& shown_default = {}) {
  auto* op = cmd.add_option(name, target, help);
  op->type_name(type);
  op->transform(option_value(name, std::move(check)));
  if (!shown_default.empty())
    op->default_str(shown_default);
  return op;
}

/// A duration, kept in milliseconds, at least `min_ms`.
CLI::Option* add_duration(CLI::App& cmd, const std::string& name, int64_t& ms,
                          int64_t min_ms, const std::string& help);

/// A decimal integer in [min, max], into any integer variable.
template <class Int>
CLI::Option* add_integer(CLI::App& cmd, const std::string& name, Int& target,
                         int64_t min, int64_t max, const std::string& help,
                         const std::string& type = "N") {
  return add_checked(cmd, name, target, type, help, integer_check(min, max),
                     std::to_string(target));
}

/// A decimal number in [min, max].
CLI::Option* add_number(CLI::App& cmd, const std::string& name, double& target,
                        double min, double max, const std::string& help,
                        const std::string& type = "X");

/// A text; `check` (if any) checks it.
CLI::Option* add_text(CLI::App& cmd, const std::string& name,
                      std::string& target, const std::string& type,
                      const std::string& help, value_check check = {});

/// A repeatable text, one value per occurrence (`--input a --input b`);
/// `check` checks each.
CLI::Option* add_texts(CLI::App& cmd, const std::string& name,
                       std::vector<std::string>& target,
                       const std::string& type, const std::string& help,
                       value_check check = {});

/// A value from a word table: `--emit final|early`.
template <class T, size_t N>
CLI::Option* add_choice(CLI::App& cmd, const std::string& name, T& target,
                        const named_value<T> (&table)[N],
                        const std::string& help) {
  auto* op = cmd.add_option_function<std::string>(
      name,
      [&target, &table](const std::string& text) {
        // The validator let only the table's words through.
        target = *value_of(table, text);
      },
      help);
  op->type_name(names_of(table));
  op->transform(option_value(name, choice_check(table)));
  op->default_str(std::string{name_of(table, target)});
  return op;
}

/// A comma-separated list (`--severity High,Critical`): `check` checks the
/// whole text, `store` converts the checked text into the variable.
CLI::Option* add_comma_list(CLI::App& cmd, const std::string& name,
                            const std::string& type, const std::string& help,
                            value_check check,
                            std::function<void(const std::string&)> store);

/// `-X key=value`, repeatable: librdkafka properties, in order.
CLI::Option*
add_kafka_settings(CLI::App& cmd,
                   std::vector<std::pair<std::string, std::string>>& target,
                   const std::string& help);

} // namespace crashwatch
