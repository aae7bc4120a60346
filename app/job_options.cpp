#include "app/job_options.hpp"

#include <CLI/CLI.hpp>

#include "app/option_values.hpp"
#include "app/text_list.hpp"
#include "core/duration.hpp"

namespace crashwatch {

namespace {

std::string flag(bool on) {
  return on ? "true" : "false";
}

std::string numbers(const std::vector<int32_t>& xs) {
  std::vector<std::string> items;
  for (auto x : xs)
    items.push_back(std::to_string(x));
  return join_list(items, ",");
}

std::string
properties(const std::vector<std::pair<std::string, std::string>>& xs) {
  std::vector<std::string> items;
  for (auto& [key, value] : xs)
    items.push_back(key + "=" + value);
  return join_list(items, ",");
}

std::string outputs(const run_options& o) {
  std::vector<std::string> items;
  if (o.text_output)
    items.emplace_back(name_of(output_format_names, o.format));
  if (!o.alert_table.empty())
    items.push_back("sqlite:" + o.alert_table);
  return join_list(items, ",");
}

} // namespace

option_values job_option_values(const run_options& o) {
  auto& p = o.pipeline;
  auto& k = o.kafka;
  return {
      {"--input", join_list(o.inputs, ",")},
      {"--brokers", k.brokers},
      {"--topic", k.topic},
      {"--partitions", numbers(k.partitions)},
      {"--from", std::string{name_of(from_names, k.from_earliest)}},
      {"--group", k.group},
      {"--exit-at-end", flag(k.exit_at_end)},
      {"--on-data-loss",
       std::string{name_of(on_data_loss_names, k.fail_on_data_loss)}},
      {"-X", properties(k.properties)},
      {"--max-record-bytes", std::to_string(k.max_record_bytes)},
      {"--alerts-topic", o.alerts_topic},
      {"--window", format_duration_ms(p.window_ms)},
      {"--watermark-delay", format_duration_ms(p.watermark_delay_ms)},
      {"--threshold", std::to_string(p.threshold)},
      {"--idle-timeout", format_duration_ms(p.idle_timeout_ms)},
      {"--emit", std::string{name_of(emit_names, p.emit_early)}},
      {"--shards", std::to_string(p.shards)},
      {"--timestamp-unit",
       std::string{name_of(timestamp_unit_names, p.filter.unit)}},
      {"--max-future",
       p.max_future_ms > 0 ? format_duration_ms(p.max_future_ms) : ""},
      {"--keyword", p.filter.keyword},
      {"--severity", join_list(p.filter.severities, ",")},
      {"--output", outputs(o)},
      {"--output-file", o.output_file},
      {"--late-output", o.late_output},
      {"--dead-letter", o.dead_letter},
      {"--checkpoint-interval", format_duration_ms(o.checkpoint_interval_ms)},
  };
}

option_values given_job_options(const CLI::App& cmd, const run_options& opts) {
  option_values given;
  for (auto& [option, value] : job_option_values(opts))
    if (cmd.count(option) > 0)
      given.emplace_back(option, value);
  return given;
}

std::string value_of_option(const option_values& values,
                            const std::string& option) {
  for (auto& [name, value] : values)
    if (name == option)
      return value;
  return {};
}

} // namespace crashwatch
