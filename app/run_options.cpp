#include "app/run_options.hpp"

#include <cstdlib>
#include <sstream>

#include "app/cli_args.hpp"
#include "core/error.hpp"
#include "io/kafka_config.hpp"

namespace crashwatch {

const char* const run_usage
    = R"(usage: crashwatch run --input FILE|- [--input FILE ...] [options]

input (each file is one partition; - reads stdin):
  --input FILE|-            JSON Lines file; repeat for more partitions
or Kafka (one partition reader per partition):
  --brokers HOST:PORT       bootstrap servers (comma-separated)
  --topic logs              topic to read
  --partitions 0,2          only these partitions (default: all)
  --from earliest|latest    where to start (default latest)
  --group ID                consumer group name (default crashwatch)
  --exit-at-end             stop at the end offsets seen at start, flush, exit
  --on-data-loss fail|warn  offsets gone from the broker: stop (default) or
                            report, count and continue
  -X key=value              any librdkafka property (repeatable)
  --alerts-topic NAME       also produce alerts to this Kafka topic
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
  --output sqlite:PATH      also keep alerts in table `alerts` of this SQLite
                            database (repeat --output for both)
  --output-file PATH        append alerts here (default stdout)
  --late-output PATH        late records, JSON Lines (default stderr)
  --dead-letter PATH        malformed records, JSON Lines (default stderr)
durable state (docs/DURABILITY.md):
  --data-dir DIR            checkpoint journal; a restart with the same command
                            and DIR resumes exactly where the last checkpoint
                            was, output files cut back to it
  --checkpoint-interval 1s  how often a checkpoint is taken
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
  // Options that mean something only with --brokers.
  std::vector<std::string> kafka_only;
  bool text_format_given = false;
  bool interval_given = false;
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
      auto v = in.value();
      if (v.rfind("sqlite:", 0) == 0) {
        if (!opts.alert_table.empty())
          in.fail("sqlite: given twice (one alert table)");
        opts.alert_table = v.substr(7);
        if (opts.alert_table.empty())
          in.fail("sqlite: needs a path (sqlite:alerts.db)");
      } else {
        if (text_format_given)
          in.fail("give console or jsonl once (add sqlite:PATH for the "
                  "alert table)");
        text_format_given = true;
        if (v != "console" && v != "jsonl")
          in.fail("'" + v + "' is not one of console, jsonl, sqlite:PATH");
        opts.format
            = v == "jsonl" ? alert_format::jsonl : alert_format::console;
      }
    } else if (opt == "--output-file") {
      opts.output_file = in.value();
    } else if (opt == "--late-output") {
      opts.late_output = in.value();
    } else if (opt == "--dead-letter") {
      opts.dead_letter = in.value();
    } else if (opt == "--brokers") {
      opts.kafka.brokers = in.value();
      if (opts.kafka.brokers.empty())
        in.fail("give host:port of at least one Kafka broker");
    } else if (opt == "--topic") {
      opts.kafka.topic = in.value();
      kafka_only.push_back(opt);
      if (opts.kafka.topic.empty())
        in.fail("the topic name must not be empty");
    } else if (opt == "--group") {
      opts.kafka.group = in.value();
      kafka_only.push_back(opt);
      if (opts.kafka.group.empty())
        in.fail("the group name must not be empty");
    } else if (opt == "--partitions") {
      kafka_only.push_back(opt);
      for (auto& item : split_list(in.value())) {
        char* end = nullptr;
        auto v = std::strtol(item.c_str(), &end, 10);
        if (item.empty() || *end != '\0' || v < 0 || v > 1'000'000)
          in.fail("'" + item + "' is not a partition number (use 0,2)");
        opts.kafka.partitions.push_back(static_cast<int32_t>(v));
      }
      if (opts.kafka.partitions.empty())
        in.fail("at least one partition is needed");
    } else if (opt == "--from") {
      kafka_only.push_back(opt);
      opts.kafka.from_earliest
          = in.choice({"earliest", "latest"}) == "earliest";
    } else if (opt == "--exit-at-end") {
      kafka_only.push_back(opt);
      opts.kafka.exit_at_end = true;
    } else if (opt == "--on-data-loss") {
      kafka_only.push_back(opt);
      opts.kafka.fail_on_data_loss = in.choice({"fail", "warn"}) == "fail";
    } else if (opt == "-X") {
      kafka_only.push_back(opt);
      auto prop = parse_kafka_setting(in.value());
      if (!prop)
        throw usage_error(render(prop.error()));
      opts.kafka.properties.push_back(std::move(*prop));
    } else if (opt == "--alerts-topic") {
      opts.alerts_topic = in.value();
      if (opts.alerts_topic.empty())
        in.fail("the topic name must not be empty");
    } else if (opt == "--data-dir") {
      opts.data_dir = in.value();
      if (opts.data_dir.empty())
        in.fail("the directory name must not be empty");
    } else if (opt == "--checkpoint-interval") {
      opts.checkpoint_interval_ms = in.duration_ms(1);
      interval_given = true;
    } else {
      in.unknown("run");
    }
  }
  bool kafka = !opts.kafka.brokers.empty();
  if (kafka && !opts.inputs.empty())
    throw usage_error("--input and --brokers exclude each other (read files "
                      "or Kafka)");
  if (!kafka && !kafka_only.empty())
    throw usage_error(kafka_only.front() + " needs --brokers");
  if (!kafka && opts.inputs.empty())
    throw usage_error("--input or --brokers is required (a JSON Lines file, "
                      "- for stdin, or Kafka brokers)");
  if (!opts.alerts_topic.empty() && !kafka)
    throw usage_error("--alerts-topic needs --brokers (the Kafka cluster to "
                      "produce to)");
  int stdin_inputs = 0;
  for (auto& i : opts.inputs)
    stdin_inputs += i == "-" ? 1 : 0;
  if (stdin_inputs > 1)
    throw usage_error("--input: stdin (-) can be read only once");
  opts.text_output = text_format_given || opts.alert_table.empty();
  if (!opts.text_output && !opts.output_file.empty())
    throw usage_error("--output-file needs --output console or jsonl (alerts "
                      "go only to the sqlite: table now)");
  if (interval_given && opts.data_dir.empty())
    throw usage_error("--checkpoint-interval needs --data-dir (where "
                      "checkpoints are kept)");
  if (!opts.data_dir.empty() && stdin_inputs > 0)
    throw usage_error("--data-dir: stdin (-) cannot be read again after a "
                      "restart; give files or Kafka");
  return opts;
}

} // namespace crashwatch
