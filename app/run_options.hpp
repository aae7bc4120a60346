// The options of `crashwatch run` (SPEC.md, "Command line"), parsed and
// checked: every mistake is a usage_error naming the option.
#pragma once

#include <string>
#include <vector>

#include "actors/alert_sink.hpp"
#include "core/pipeline_config.hpp"

namespace crashwatch {

/// Everything `crashwatch run` was told.
struct run_options {
  pipeline_config pipeline;
  /// `--input`: files, "-" for stdin; each one partition, in this order.
  std::vector<std::string> inputs;
  /// `--output console|jsonl`.
  alert_format format = alert_format::console;
  /// `--output-file`: appended to; empty = stdout.
  std::string output_file;
  /// `--late-output`: empty = stderr.
  std::string late_output;
  /// `--dead-letter`: empty = stderr.
  std::string dead_letter;
};

/// Parses the arguments of `run`. Throws usage_error.
run_options parse_run_options(std::vector<std::string> args);

/// The option summary printed by `crashwatch run --help`.
extern const char* const run_usage;

} // namespace crashwatch
