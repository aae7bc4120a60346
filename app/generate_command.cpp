// `crashwatch generate`: writes realistic log records as JSON Lines to a file
// or stdout, fast enough to make benchmark inputs (10 M lines) in seconds,
// or produces them to Kafka at a steady rate (a load generator).
#include <algorithm>
#include <cerrno>
#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <iostream>
#include <limits>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <unistd.h>

#include "app/cli_args.hpp"
#include "app/commands.hpp"
#include "app/stop_signals.hpp"
#include "core/duration.hpp"
#include "core/error.hpp"
#include "core/event_time.hpp"
#include "core/wall_clock.hpp"
#include "generator/generate_file.hpp"
#include "generator/kafka_load.hpp"
#include "io/kafka_config.hpp"

namespace crashwatch {

namespace {

constexpr const char* generate_usage
    = R"(usage: crashwatch generate --output-file FILE|- [options]
       crashwatch generate --brokers HOST:PORT [--topic logs] [--rate N]
                           [--duration 60s] [--records N] [options]

Writes JSON Lines log records like a real app fleet's load generator, to a
file, or as Kafka messages (keyed by user_id) to a topic.

options:
  --output-file FILE     where to write ('-' for stdout); replaced if it exists
  --records N            lines to write (default 1000000; with --brokers: no
                         limit, --duration decides)
  --users U              users user_1000 .. user_(1000+U-1) (default 1000)
  --seed S               PRNG seed; same seed, same lines (default 1)
  --start TIME           event time of the first record: ISO-8601
                         (2026-01-20T13:53:00Z) or epoch ms
                         (default 2026-01-20T13:53:00Z)
  --events-per-second R  records per second of event time (default 1000)
  --late-fraction F      share of records 35-120 s behind the clock
                         (default 0.001)
  --out-of-order MS      largest backwards jitter, ms or a duration like 2s
                         (default 2000)
  --malformed-fraction F share of malformed lines (default 0)

Kafka (instead of --output-file):
  --brokers HOST:PORT    bootstrap servers, e.g. the address printed by
                         'crashwatch broker'
  --topic NAME           topic to produce to (default logs)
  --rate N               records per second, paced evenly (also N/s;
                         default 1000; 0 = as fast as possible)
  --duration D           stop after D (default 60s), or after --records,
                         whichever comes first
  --partition P          produce everything to partition P (default: by key)
  -X key=value           librdkafka producer property (repeatable), e.g.
                         -X message.timeout.ms=5000
  With a rate, event time follows the wall clock (--start defaults to now and
  --events-per-second to the rate); with --rate 0 it starts at the fixed
  default, so a run is reproducible. No blank lines are produced. Progress
  goes to stderr every 5 s; the exit status is 1 when the broker cannot be
  reached or any message is not delivered (the first failure is named),
  130 after SIGINT/SIGTERM (what was produced is still flushed).
)";

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

} // namespace

int generate_command(std::vector<std::string> args) {
  for (auto& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << generate_usage;
      return 0;
    }
  generator_options opts;
  int64_t records = 1'000'000;
  bool has_records = false;
  std::string output;
  bool has_output = false;
  kafka_load_options kafka;
  bool has_start = false;
  bool has_events_per_second = false;
  bool has_kafka_only = false;
  cli_args cli{std::move(args)};
  while (!cli.done()) {
    auto opt = cli.next_option();
    if (opt == "--output-file") {
      output = cli.value();
      if (output.empty())
        cli.fail("needs a file name or '-'");
      has_output = true;
    } else if (opt == "--records") {
      records = cli.integer(0, int64_t{1} << 40);
      has_records = true;
    } else if (opt == "--users") {
      opts.users = cli.integer(1, 10'000'000);
    } else if (opt == "--seed") {
      opts.seed = static_cast<uint64_t>(
          cli.integer(0, std::numeric_limits<int64_t>::max()));
    } else if (opt == "--start") {
      auto text = cli.value();
      // The record rules' own reader: epoch milliseconds or ISO-8601.
      auto start = timestamp_from_string(text, timestamp_unit::milliseconds);
      if (!start)
        cli.fail("'" + text
                 + "' is no time (use ISO-8601 like 2026-01-20T13:53:00Z "
                   "or epoch milliseconds)");
      opts.start_ms = start->value;
      has_start = true;
    } else if (opt == "--events-per-second") {
      opts.events_per_second = cli.number(0.001, 1e9);
      has_events_per_second = true;
    } else if (opt == "--late-fraction") {
      opts.late_fraction = cli.number(0, 1);
    } else if (opt == "--malformed-fraction") {
      opts.malformed_fraction = cli.number(0, 1);
    } else if (opt == "--out-of-order") {
      auto text = cli.value();
      std::optional<int64_t> ms;
      if (!text.empty()
          && text.find_first_not_of("0123456789") == std::string::npos
          && text.size() < 13)
        ms = std::stoll(text);
      else
        ms = parse_duration_ms(text);
      if (!ms)
        cli.fail("'" + text + "' is not a number of ms or a duration like 2s");
      opts.out_of_order_ms = *ms;
    } else if (opt == "--brokers") {
      kafka.brokers = cli.value();
      if (kafka.brokers.empty())
        cli.fail("needs HOST:PORT");
    } else if (opt == "--topic") {
      kafka.topic = cli.value();
      if (kafka.topic.empty())
        cli.fail("needs a topic name");
      has_kafka_only = true;
    } else if (opt == "--rate") {
      auto text = cli.value();
      auto number = text;
      if (number.size() > 2 && number.compare(number.size() - 2, 2, "/s") == 0)
        number.resize(number.size() - 2);
      char* end = nullptr;
      auto v = std::strtod(number.c_str(), &end);
      if (number.empty() || *end != '\0' || !(v >= 0 && v <= 1e8))
        cli.fail("'" + text
                 + "' is not a rate (records per second, 0 to "
                   "100000000, like 5000 or 5000/s)");
      kafka.rate = v;
      has_kafka_only = true;
    } else if (opt == "--duration") {
      kafka.duration_ms = cli.duration_ms(1);
      has_kafka_only = true;
    } else if (opt == "--partition") {
      kafka.partition = static_cast<int32_t>(cli.integer(0, 1'000'000));
      has_kafka_only = true;
    } else if (opt == "-X") {
      auto prop = parse_kafka_setting(cli.value());
      if (!prop)
        throw usage_error(render(prop.error()));
      kafka.properties.push_back(std::move(*prop));
      has_kafka_only = true;
    } else {
      cli.unknown("generate");
    }
  }
  if (!kafka.brokers.empty()) {
    if (has_output)
      throw usage_error("--output-file and --brokers exclude each other");
    if (has_records)
      kafka.records = records;
    // A blank Kafka message means nothing; file readers skip blank lines.
    opts.blank_fraction = 0;
    if (kafka.rate > 0) {
      // A load generator: event time runs with the wall clock.
      if (!has_start)
        opts.start_ms = wall_clock_ms();
      if (!has_events_per_second)
        opts.events_per_second = kafka.rate;
    }
    return generate_to_kafka(opts, kafka);
  }
  if (has_kafka_only)
    throw usage_error("--topic, --rate, --duration, --partition and -X need "
                      "--brokers");
  if (!has_output)
    throw usage_error("--output-file is required (a file name, or - for "
                      "stdout)");
  auto done = write_generated_file(opts, records, output);
  if (!done) {
    std::cerr << "crashwatch generate: " << render(done.error()) << '\n';
    return 1;
  }
  char line[256 + 4096];
  std::snprintf(line, sizeof line,
                "crashwatch generate: wrote %lld records (%llu late, %llu "
                "malformed, %llu blank) to %s in %.3f s (%.2f M lines/s)",
                static_cast<long long>(records),
                static_cast<unsigned long long>(done->counts.late),
                static_cast<unsigned long long>(done->counts.malformed),
                static_cast<unsigned long long>(done->counts.blank),
                output == "-" ? "stdout" : output.c_str(), done->seconds,
                done->seconds > 0
                    ? static_cast<double>(records) / done->seconds / 1e6
                    : 0.0);
  std::cerr << line << '\n';
  return 0;
}

} // namespace crashwatch
