// The options whose value is one of a few words, each written once as a table
// of text and value: the command line reads them (app/cli_options.hpp),
// job_settings.cpp and the help texts write them. No CLI11 here, so any file
// of app/ may use the tables cheaply.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "core/record.hpp"
#include "io/alert_format.hpp"

namespace crashwatch {

/// One word of an option and the value it stands for.
template <class T>
struct named_value {
  std::string_view name;
  T value;
};

/// `--timestamp-unit`: filter_config::unit.
inline constexpr named_value<timestamp_unit> timestamp_unit_names[] = {
    {"auto", timestamp_unit::automatic},
    {"s", timestamp_unit::seconds},
    {"ms", timestamp_unit::milliseconds},
    {"us", timestamp_unit::microseconds},
};

/// `--emit`: pipeline_config::emit_early.
inline constexpr named_value<bool> emit_names[] = {
    {"final", false},
    {"early", true},
};

/// `--output` text formats: run_options::format (the alert table is
/// `--output sqlite:PATH`, not a word of this table).
inline constexpr named_value<alert_format> output_format_names[] = {
    {"console", alert_format::console},
    {"jsonl", alert_format::jsonl},
};

/// `--from`: kafka_input_options::from_earliest.
inline constexpr named_value<bool> from_names[] = {
    {"earliest", true},
    {"latest", false},
};

/// `--on-data-loss`: kafka_input_options::fail_on_data_loss.
inline constexpr named_value<bool> on_data_loss_names[] = {
    {"fail", true},
    {"warn", false},
};

/// The word for `value` ("" when the table has none).
template <class T, size_t N>
constexpr std::string_view name_of(const named_value<T> (&table)[N], T value) {
  for (auto& entry : table)
    if (entry.value == value)
      return entry.name;
  return {};
}

/// The value of `name`, or nullopt when it is not a word of the table.
template <class T, size_t N>
constexpr std::optional<T> value_of(const named_value<T> (&table)[N],
                                    std::string_view name) {
  for (auto& entry : table)
    if (entry.name == name)
      return entry.value;
  return std::nullopt;
}

/// The words of the table joined by `separator`: "final|early".
template <class T, size_t N>
std::string names_of(const named_value<T> (&table)[N],
                     std::string_view separator = "|") {
  std::string out;
  for (auto& entry : table) {
    if (!out.empty())
      out += separator;
    out += entry.name;
  }
  return out;
}

} // namespace crashwatch
