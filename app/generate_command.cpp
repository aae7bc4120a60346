// `crashwatch generate`: the command line of the load generator
// (generator/): realistic log records as JSON Lines to a file or stdout, or
// produced to Kafka at a steady rate; and its summary lines.
#include <cstdio>
#include <cstdlib>
#include <iostream>
#include <limits>
#include <memory>
#include <optional>
#include <string>

#include "app/cli_options.hpp"
#include "app/commands.hpp"
#include "app/stop_signals.hpp"
#include "core/duration.hpp"
#include "core/error.hpp"
#include "core/event_time.hpp"
#include "core/wall_clock.hpp"
#include "generator/generate_file.hpp"

namespace crashwatch {

namespace {

/// Options that mean something only with --brokers.
const char* const kafka_only_options[]
    = {"--topic", "--rate", "--duration", "--partition", "-X"};

/// `generate --brokers`: 0 on success, 1 when the broker is unreachable or a
/// delivery fails, 130 after SIGINT/SIGTERM.
int generate_to_kafka(const generator_options& gen_opts,
                      const kafka_load_options& opts) {
  install_stop_signals();
  auto result = produce_kafka_load(gen_opts, opts, stop_requested);
  if (!result) {
    std::cerr << "crashwatch generate: " << render(result.error()) << '\n';
    return 1;
  }
  auto& r = *result;
  char text[512];
  std::snprintf(
      text, sizeof text,
      "crashwatch generate: produced %llu records (%llu late, %llu "
      "malformed) to topic %s at %s in %.3f s: %.0f records/s (target %s), "
      "%llu delivered, %llu failed",
      static_cast<unsigned long long>(r.sent),
      static_cast<unsigned long long>(r.counts.late),
      static_cast<unsigned long long>(r.counts.malformed), opts.topic.c_str(),
      opts.brokers.c_str(), r.seconds,
      r.produced_for > 0 ? static_cast<double>(r.sent) / r.produced_for : 0.0,
      opts.rate > 0
          ? (std::to_string(static_cast<int64_t>(opts.rate)) + "/s").c_str()
          : "unpaced",
      static_cast<unsigned long long>(r.delivered),
      static_cast<unsigned long long>(r.failed));
  std::cerr << text << '\n';
  if (r.failure) {
    std::cerr << "crashwatch generate: " << render(r.failure) << '\n';
    return 1;
  }
  // 130 = 128 + SIGINT, as `run` reports a stop by Ctrl-C.
  return r.interrupted ? 130 : 0;
}

/// `generate --output-file`.
int generate_to_file(const generate_options& opts) {
  auto done = write_generated_file(opts.lines, opts.records, opts.output_file);
  if (!done) {
    std::cerr << "crashwatch generate: " << render(done.error()) << '\n';
    return 1;
  }
  char line[256 + 4096];
  std::snprintf(line, sizeof line,
                "crashwatch generate: wrote %lld records (%llu late, %llu "
                "malformed, %llu blank) to %s in %.3f s (%.2f M lines/s)",
                static_cast<long long>(opts.records),
                static_cast<unsigned long long>(done->counts.late),
                static_cast<unsigned long long>(done->counts.malformed),
                static_cast<unsigned long long>(done->counts.blank),
                opts.output_file == "-" ? "stdout" : opts.output_file.c_str(),
                done->seconds,
                done->seconds > 0
                    ? static_cast<double>(opts.records) / done->seconds / 1e6
                    : 0.0);
  std::cerr << line << '\n';
  return 0;
}

std::string check_start(std::string& text) {
  // The record rules' own reader: epoch milliseconds or ISO-8601.
  auto start = timestamp_from_string(text, timestamp_unit::milliseconds);
  if (!start)
    return "'" + text
           + "' is no time (use ISO-8601 like 2026-01-20T13:53:00Z or epoch "
             "milliseconds)";
  text = std::to_string(start->value);
  return {};
}

std::string check_out_of_order(std::string& text) {
  std::optional<int64_t> ms;
  if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos
      && text.size() < 13)
    ms = std::stoll(text);
  else
    ms = parse_duration_ms(text);
  if (!ms)
    return "'" + text + "' is not a number of ms or a duration like 2s";
  text = std::to_string(*ms);
  return {};
}

std::string check_rate(std::string& text) {
  auto number = text;
  if (number.size() > 2 && number.compare(number.size() - 2, 2, "/s") == 0)
    number.resize(number.size() - 2);
  char* end = nullptr;
  auto v = std::strtod(number.c_str(), &end);
  if (number.empty() || *end != '\0' || !(v >= 0 && v <= 1e8))
    return "'" + text
           + "' is not a rate (records per second, 0 to 100000000, like 5000 "
             "or 5000/s)";
  char exact[64];
  std::snprintf(exact, sizeof exact, "%.17g", v);
  text = exact;
  return {};
}

} // namespace

void add_generate_options(CLI::App& cmd, generate_options& opts) {
  auto& lines = opts.lines;
  auto& kafka = opts.kafka;
  cmd.option_defaults()->group("Records");
  add_text(cmd, "--output-file", opts.output_file, "FILE|-",
           "where to write ('-' for stdout); replaced if it exists",
           not_empty_check("needs a file name or '-'"));
  add_integer(cmd, "--records", opts.records, 0, int64_t{1} << 40,
              "lines to write (with --brokers: no limit unless given; "
              "--duration decides)");
  add_integer(cmd, "--users", lines.users, 1, 10'000'000,
              "users user_1000 .. user_(1000+U-1)", "U");
  add_integer(cmd, "--seed", lines.seed, 0, std::numeric_limits<int64_t>::max(),
              "PRNG seed; same seed, same lines", "S");
  add_checked(cmd, "--start", lines.start_ms, "TIME",
              "event time of the first record: ISO-8601 or epoch ms (with "
              "--brokers and a rate: now)",
              check_start, "2026-01-20T13:53:00Z");
  add_number(cmd, "--events-per-second", lines.events_per_second, 0.001, 1e9,
             "records per second of event time (with --brokers and a rate: "
             "the rate)",
             "R");
  add_number(cmd, "--late-fraction", lines.late_fraction, 0, 1,
             "share of records 35-120 s behind the clock", "F");
  add_checked(cmd, "--out-of-order", lines.out_of_order_ms, "MS|DURATION",
              "largest backwards jitter, ms or a duration like 2s",
              check_out_of_order, std::to_string(lines.out_of_order_ms));
  add_number(cmd, "--malformed-fraction", lines.malformed_fraction, 0, 1,
             "share of malformed lines", "F");

  cmd.option_defaults()->group("Kafka (instead of --output-file)");
  add_comma_list(cmd, "--brokers", "HOST:PORT[,...]",
                 "bootstrap servers, e.g. the address printed by 'crashwatch "
                 "broker'",
                 not_empty_check("needs HOST:PORT"),
                 [&kafka](const std::string& text) { kafka.brokers = text; });
  add_text(cmd, "--topic", kafka.topic, "NAME", "topic to produce to",
           not_empty_check("needs a topic name"));
  add_checked(cmd, "--rate", kafka.rate, "N|N/s",
              "records per second, paced evenly (0 = as fast as possible)",
              check_rate, format_number(kafka.rate));
  add_duration(cmd, "--duration", kafka.duration_ms, 1,
               "stop after this, or after --records, whichever comes first");
  add_integer(cmd, "--partition", kafka.partition, 0, 1'000'000,
              "produce everything to this partition (default: by key)", "P")
      ->default_str("");
  add_kafka_settings(
      cmd, kafka.properties,
      "librdkafka producer property, e.g. -X message.timeout.ms=5000 "
      "(repeatable)");
  cmd.option_defaults()->group("Options");
}

void use_kafka_load_defaults(generate_options& opts, bool start_given,
                             bool events_per_second_given) {
  // A blank Kafka message means nothing; file readers skip blank lines.
  opts.lines.blank_fraction = 0;
  if (opts.kafka.rate > 0) {
    // A load generator: event time runs with the wall clock.
    if (!start_given)
      opts.lines.start_ms = wall_clock_ms();
    if (!events_per_second_given)
      opts.lines.events_per_second = opts.kafka.rate;
  }
}

void validate_generate_options(const CLI::App& cmd, generate_options& opts) {
  if (!opts.kafka.brokers.empty()) {
    if (cmd.count("--output-file") > 0)
      throw usage_error("--output-file and --brokers exclude each other");
    if (cmd.count("--records") > 0)
      opts.kafka.records = opts.records;
    use_kafka_load_defaults(opts, cmd.count("--start") > 0,
                            cmd.count("--events-per-second") > 0);
    return;
  }
  for (auto* name : kafka_only_options)
    if (cmd.count(name) > 0)
      throw usage_error("--topic, --rate, --duration, --partition and -X "
                        "need --brokers");
  if (cmd.count("--output-file") == 0)
    throw usage_error("--output-file is required (a file name, or - for "
                      "stdout)");
}

int execute_generate(const generate_options& opts) {
  return opts.kafka.brokers.empty() ? generate_to_file(opts)
                                    : generate_to_kafka(opts.lines, opts.kafka);
}

command_action setup_generate_command(CLI::App& cmd) {
  cmd.description(
      "write realistic log records (for demos, tests and benchmarks)\n\n"
      "Writes JSON Lines log records like a real app fleet's, to a file, or "
      "as Kafka messages keyed by user_id to a topic (a load generator).");
  cmd.footer(
      "With --brokers and a rate, event time follows the wall clock (--start "
      "defaults to now and --events-per-second to the rate); with --rate 0 it "
      "starts at the fixed default, so a run is reproducible. No blank lines "
      "are produced. Progress goes to stderr every 5 s; the exit status is 1 "
      "when the broker cannot be reached or any message is not delivered (the "
      "first failure is named), 130 after SIGINT/SIGTERM (what was produced "
      "is still flushed).");
  auto opts = std::make_shared<generate_options>();
  add_generate_options(cmd, *opts);
  return [&cmd, opts] {
    validate_generate_options(cmd, *opts);
    return execute_generate(*opts);
  };
}

} // namespace crashwatch
