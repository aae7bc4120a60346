#include "app/run_options.hpp"

#include <sstream>

#include "app/cli_args.hpp"

namespace crashwatch {

const char* const run_usage = R"(usage: crashwatch run --input FILE|- [--input FILE ...] [options]

input (each file is one partition; - reads stdin):
  --input FILE|-            JSON Lines file; repeat for more partitions
options:
  --window 10s              tumbling window size (ms, s, m, h)
  --watermark-delay 30s     how far each partition's watermark trails its
                            largest event time
  --threshold 2             alert when a user has more crashes than this
  --idle-timeout 60s        a partition quiet this long stops holding back
                            the global watermark
  --emit final|early        early: also alert when a count first crosses
  --shards 2                number of shard aggregators
  --timestamp-unit auto|s|ms|us
  --keyword crash           content must contain this (ASCII case ignored)
  --severity High,Critical  severity must be one of these (exact)
  --output console|jsonl    alert format (default console)
  --output-file PATH        append alerts here (default stdout)
  --late-output PATH        late records, JSON Lines (default stderr)
  --dead-letter PATH        malformed records, JSON Lines (default stderr)
)";

namespace {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in{text};
  std::string item;
  while (std::getline(in, item, ','))
    items.push_back(item);
  return items;
}

} // namespace

run_options parse_run_options(std::vector<std::string> args) {
  run_options opts;
  auto& p = opts.pipeline;
  cli_args in{std::move(args)};
  while (!in.done()) {
    auto opt = in.next_option();
    if (opt == "--input") {
      opts.inputs.push_back(in.value());
      if (opts.inputs.back().empty())
        in.fail("empty file name");
    } else if (opt == "--window") {
      p.window_ms = in.duration_ms(1);
    } else if (opt == "--watermark-delay") {
      p.watermark_delay_ms = in.duration_ms(0);
    } else if (opt == "--threshold") {
      p.threshold = static_cast<uint64_t>(in.integer(0, 1'000'000'000));
    } else if (opt == "--idle-timeout") {
      p.idle_timeout_ms = in.duration_ms(1);
    } else if (opt == "--emit") {
      p.emit_early = in.choice({"final", "early"}) == "early";
    } else if (opt == "--shards") {
      p.shards = static_cast<uint32_t>(in.integer(1, 1024));
    } else if (opt == "--timestamp-unit") {
      auto unit = in.choice({"auto", "s", "ms", "us"});
      p.filter.unit = unit == "s"    ? timestamp_unit::seconds
                      : unit == "ms" ? timestamp_unit::milliseconds
                      : unit == "us" ? timestamp_unit::microseconds
                                     : timestamp_unit::automatic;
    } else if (opt == "--keyword") {
      p.filter.keyword = in.value();
      if (p.filter.keyword.empty())
        in.fail("the keyword must not be empty");
    } else if (opt == "--severity") {
      p.filter.severities = split_list(in.value());
      for (auto& s : p.filter.severities)
        if (s.empty())
          in.fail("empty severity in the list (use High,Critical)");
      if (p.filter.severities.empty())
        in.fail("at least one severity is needed");
    } else if (opt == "--output") {
      opts.format = in.choice({"console", "jsonl"}) == "jsonl"
                      ? alert_format::jsonl
                      : alert_format::console;
    } else if (opt == "--output-file") {
      opts.output_file = in.value();
    } else if (opt == "--late-output") {
      opts.late_output = in.value();
    } else if (opt == "--dead-letter") {
      opts.dead_letter = in.value();
    } else if (opt == "--brokers" || opt == "--topic" || opt == "--group"
               || opt == "--exit-at-end" || opt == "--data-dir") {
      throw usage_error(opt + ": not available in this version yet (Kafka "
                              "input and durable state are being built)");
    } else {
      in.unknown("run");
    }
  }
  if (opts.inputs.empty())
    throw usage_error("--input is required (a JSON Lines file, or - for "
                      "stdin)");
  int stdin_inputs = 0;
  for (auto& i : opts.inputs)
    stdin_inputs += i == "-" ? 1 : 0;
  if (stdin_inputs > 1)
    throw usage_error("--input: stdin (-) can be read only once");
  return opts;
}

} // namespace crashwatch
