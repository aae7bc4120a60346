// The options of `crashwatch run` (SPEC.md, "Command line"), declared on a
// CLI11 command and checked: every mistake is a usage_error naming the
// option. `node` takes the same job options (add_run_options).
#pragma once

#include <string>
#include <vector>

#include "core/input_settings.hpp"
#include "core/pipeline_config.hpp"
#include "io/alert_format.hpp"

namespace CLI {
class App;
} // namespace CLI

namespace crashwatch {

/// Everything `crashwatch run` was told.
struct run_options {
  pipeline_config pipeline;
  /// `--input`: files, "-" for stdin; each one partition, in this order.
  std::vector<std::string> inputs;
  /// `--output console|jsonl`.
  alert_format format = alert_format::console;
  /// False when alerts go only to the alert table (`--output sqlite:PATH`
  /// without a text format).
  bool text_output = true;
  /// `--output sqlite:PATH`: alerts also kept in table `alerts` of PATH.
  std::string alert_table;
  /// `--output-file`: appended to; empty = stdout.
  std::string output_file;
  /// `--late-output`: empty = stderr.
  std::string late_output;
  /// `--dead-letter`: empty = stderr.
  std::string dead_letter;
  /// Kafka input, when `--brokers` is given.
  kafka_input_options kafka;
  /// `--alerts-topic`: also produce every alert to this Kafka topic.
  std::string alerts_topic;
  /// `--data-dir`: durable state (checkpoint journal); empty = none.
  std::string data_dir;
  /// `--checkpoint-interval`.
  int64_t checkpoint_interval_ms = defaults::checkpoint_interval_ms;
  /// `--metrics HOST:PORT`: telemetry over HTTP (docs/TELEMETRY.md); empty
  /// host = off. A process option, not a job option.
  std::string metrics_host;
  uint16_t metrics_port = 0;
};

/// Declares run's options on `cmd` (in help groups: input, Kafka, job,
/// outputs, durable state), bound to `opts`. Each value is checked on its
/// own while parsing; what spans options is validate_run_options().
void add_run_options(CLI::App& cmd, run_options& opts);

/// `--metrics HOST:PORT` into `host` and `port` (run, node and demo).
void add_metrics_option(CLI::App& cmd, std::string& host, uint16_t& port);

/// After parsing: the checks that span options (`--input and --brokers
/// exclude each other`, `--topic needs --brokers`, stdin only once, ...).
/// Throws usage_error.
void validate_run_options(const CLI::App& cmd, run_options& opts);

/// Parses the arguments of `run` (after "run") as main() does, then
/// validates them: for tests. Throws usage_error.
run_options parse_run_options(std::vector<std::string> args);

} // namespace crashwatch
