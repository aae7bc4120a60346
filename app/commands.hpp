// The subcommands of the crashwatch binary, one file each
// (app/<name>_command.cpp). A command is a setup function (command_entry):
// it declares the command's options on its CLI11 subcommand, bound to an
// options struct, and returns what runs once the command line is parsed:
// the checks that span options, then the work, returning the exit status
// (0 success, 1 runtime failure, 2 bad options, 130 stopped). Adding a
// command: one such file, and a line in `commands` below.
#pragma once

#include <cstdint>
#include <string>

#include "app/cli.hpp"
#include "app/run_options.hpp"
#include "generator/kafka_load.hpp"
#include "generator/log_generator.hpp"
#include "io/embedded_broker.hpp"

namespace crashwatch {

// --- run: the whole pipeline in one process (app/run_options.hpp) -----------

command_action setup_run_command(CLI::App& cmd);

/// Runs the pipeline with checked options; prints the summary.
int execute_run(const run_options& opts);

// --- generate: realistic log records to a file or Kafka ---------------------

/// Everything `crashwatch generate` was told.
struct generate_options {
  /// What the lines are like: --users, --seed, --start, ...
  generator_options lines;
  /// `--records`: lines to write (with --brokers: a limit only when given).
  int64_t records = 1'000'000;
  /// `--output-file`: a file, or "-" for stdout.
  std::string output_file;
  /// `--brokers` and the other Kafka options.
  kafka_load_options kafka;
};

command_action setup_generate_command(CLI::App& cmd);
void add_generate_options(CLI::App& cmd, generate_options& opts);

/// The checks that span options, and the Kafka defaults. Throws usage_error.
void validate_generate_options(const CLI::App& cmd, generate_options& opts);

/// For `--brokers`: no blank lines (a blank Kafka message means nothing);
/// with a rate, event time follows the wall clock (start now unless
/// `start_given`, events per second = rate unless `events_per_second_given`).
void use_kafka_load_defaults(generate_options& opts, bool start_given,
                             bool events_per_second_given);

/// Writes the file or produces to Kafka; prints the summary line.
int execute_generate(const generate_options& opts);

// --- broker: an embedded development Kafka broker ---------------------------

command_action setup_broker_command(CLI::App& cmd);
void add_broker_options(CLI::App& cmd, embedded_broker_options& opts);
/// --listen/--advertise need --port; a wildcard --listen needs --advertise;
/// the ports must exist. Throws usage_error.
void validate_broker_options(const CLI::App& cmd,
                             embedded_broker_options& opts);

/// Serves until SIGINT/SIGTERM.
int execute_broker(const embedded_broker_options& opts);

// --- demo: broker + generator + pipeline in one process ---------------------

/// Everything `crashwatch demo` was told.
struct demo_options {
  /// `--rate`: records per second produced.
  int64_t rate = 2000;
  /// `--partitions` of topic logs.
  int partitions = 4;
  /// `--port`: the broker's bootstrap port; 0 = ephemeral.
  uint16_t port = 0;
  /// `--dir`: where late and malformed records go; "" = a new folder.
  std::string dir;
  /// `--metrics HOST:PORT`: the pipeline's telemetry and live page.
  std::string metrics_host;
  uint16_t metrics_port = 0;
};

command_action setup_demo_command(CLI::App& cmd);
void add_demo_options(CLI::App& cmd, demo_options& opts);
int execute_demo(const demo_options& opts);

// --- node: one node of a cluster (app/node_options.hpp)
// ------------------------

command_action setup_node_command(CLI::App& cmd);

// --- inspect: a running process or cluster at a glance ----------------------

command_action setup_inspect_command(CLI::App& cmd);

/// Every subcommand, in the order `crashwatch --help` lists them.
inline constexpr command_entry commands[] = {
    {"run", setup_run_command},   {"generate", setup_generate_command},
    {"demo", setup_demo_command}, {"broker", setup_broker_command},
    {"node", setup_node_command}, {"inspect", setup_inspect_command},
};

} // namespace crashwatch
