#include "app/run_options.hpp"

#include <cstdlib>
#include <filesystem>

#include "app/cli.hpp"
#include "app/cli_options.hpp"
#include "app/option_values.hpp"
#include "app/path_conflicts.hpp"
#include "app/pipeline_inputs.hpp"
#include "app/text_list.hpp"

namespace crashwatch {

namespace {

/// Options that mean something only with --brokers, in declaration order.
const char* const kafka_only_options[] = {
    "--topic",       "--partitions",   "--from", "--group",
    "--exit-at-end", "--on-data-loss", "-X",
};

void add_input_options(CLI::App& cmd, run_options& opts) {
  cmd.option_defaults()->group("Input (each file is one partition)");
  add_texts(cmd, "--input", opts.inputs, "FILE|-",
            "a JSON Lines file; repeat for more partitions; - reads stdin "
            "(once); `crashwatch node`: node://NODE/PATH is a file that "
            "reader node NODE reads",
            not_empty_check("empty file name"));
  add_integer(cmd, "--max-record-bytes", opts.kafka.max_record_bytes, 1,
              uint64_t{1} << 30,
              "a longer record (line or Kafka message) is a dead letter with "
              "its length and first 1024 bytes; files and Kafka");
}

void add_kafka_options(CLI::App& cmd, run_options& opts) {
  auto& kafka = opts.kafka;
  cmd.option_defaults()->group(
      "Kafka input (instead of --input; one partition reader per partition)");
  add_comma_list(cmd, "--brokers", "HOST:PORT[,...]", "bootstrap servers",
                 not_empty_check("give host:port of at least one Kafka broker"),
                 [&kafka](const std::string& text) { kafka.brokers = text; });
  add_text(cmd, "--topic", kafka.topic, "NAME", "topic to read",
           not_empty_check("the topic name must not be empty"));
  add_comma_list(
      cmd, "--partitions", "P[,P...]", "only these partitions; default: all",
      [](std::string& text) -> std::string {
        auto items = split_list(text);
        for (auto& item : items) {
          char* end = nullptr;
          auto v = std::strtol(item.c_str(), &end, 10);
          if (item.empty() || *end != '\0' || v < 0 || v > 1'000'000)
            return "'" + item + "' is not a partition number (use 0,2)";
        }
        return items.empty() ? "at least one partition is needed" : "";
      },
      [&kafka](const std::string& text) {
        kafka.partitions.clear();
        for (auto& item : split_list(text))
          kafka.partitions.push_back(
              static_cast<int32_t>(std::strtol(item.c_str(), nullptr, 10)));
      });
  add_choice(cmd, "--from", kafka.from_earliest, from_names,
             "where to start, like Spark's startingOffsets");
  add_text(cmd, "--group", kafka.group, "ID",
           "consumer group the readers commit their positions to, for "
           "monitoring",
           not_empty_check("the group name must not be empty"));
  cmd.add_flag("--exit-at-end", kafka.exit_at_end,
               "stop at the end offsets seen at start, flush every window, "
               "exit");
  add_choice(cmd, "--on-data-loss", kafka.fail_on_data_loss, on_data_loss_names,
             "offsets gone from the broker: stop (fail), or report, count and "
             "continue (warn)");
  add_kafka_settings(
      cmd, kafka.properties,
      "any librdkafka property, like fetch.wait.max.ms=10; repeatable");
  add_text(cmd, "--alerts-topic", opts.alerts_topic, "NAME",
           "also produce every alert to this Kafka topic",
           not_empty_check("the topic name must not be empty"));
}

void add_job_options(CLI::App& cmd, run_options& opts) {
  auto& p = opts.pipeline;
  cmd.option_defaults()->group("Job");
  add_duration(cmd, "--window", p.window_ms, 1,
               "tumbling window size: a number with ms, s, m or h");
  add_duration(cmd, "--watermark-delay", p.watermark_delay_ms, 0,
               "how far each partition's watermark trails its largest event "
               "time");
  add_integer(cmd, "--threshold", p.threshold, 0, 1'000'000'000,
              "alert when a user has more crashes than this in a window");
  add_duration(cmd, "--idle-timeout", p.idle_timeout_ms, 1,
               "a partition quiet this long stops holding back the global "
               "watermark");
  add_choice(cmd, "--emit", p.emit_early, emit_names,
             "early: also alert when a count first crosses the threshold");
  add_integer(cmd, "--shards", p.shards, 1, 1024,
              "number of shard aggregators, 1 to 1024");
  add_choice(cmd, "--timestamp-unit", p.filter.unit, timestamp_unit_names,
             "unit of numeric timestamps; auto: by their size");
  add_checked(cmd, "--max-future", p.max_future_ms, "DURATION",
              "records dated more than this after the wall clock are "
              "malformed (dead letters); default: no limit",
              duration_check(1));
  add_text(cmd, "--keyword", p.filter.keyword, "TEXT",
           "content must contain this, ignoring ASCII case",
           not_empty_check("the keyword must not be empty"));
  auto* severity = add_comma_list(
      cmd, "--severity", "A[,B...]", "severity must be exactly one of these",
      [](std::string& text) -> std::string {
        auto items = split_list(text);
        for (auto& s : items)
          if (s.empty())
            return "empty severity in the list (use High,Critical)";
        return items.empty() ? "at least one severity is needed" : "";
      },
      [&p](const std::string& text) {
        p.filter.severities = split_list(text);
      });
  severity->default_str("High,Critical");
}

void add_output_options(CLI::App& cmd, run_options& opts) {
  cmd.option_defaults()->group("Outputs");
  auto formats = names_of(output_format_names, ", ");
  auto* output = cmd.add_option_function<std::vector<std::string>>(
      "--output",
      [&opts](const std::vector<std::string>& values) {
        bool text_given = false;
        for (auto& v : values) {
          if (v.rfind("sqlite:", 0) == 0) {
            if (!opts.alert_table.empty())
              throw CLI::ValidationError(
                  "--output", "sqlite: given twice (one alert table)");
            opts.alert_table = v.substr(7);
          } else {
            if (text_given)
              throw CLI::ValidationError("--output",
                                         "give console or jsonl once (add "
                                         "sqlite:PATH for the alert table)");
            text_given = true;
            opts.format = *value_of(output_format_names, v);
          }
        }
        opts.text_output = text_given || opts.alert_table.empty();
      },
      "alert format, default console; sqlite:PATH also (or only) keeps alerts "
      "in table `alerts` of this SQLite database: give --output twice for a "
      "format and a table");
  output->type_name(names_of(output_format_names) + "|sqlite:PATH");
  output->transform(
      option_value("--output", [formats](std::string& text) -> std::string {
        if (text.rfind("sqlite:", 0) == 0)
          return text.size() > 7 ? ""
                                 : "sqlite: needs a path (sqlite:alerts.db)";
        if (value_of(output_format_names, text))
          return {};
        return "'" + text + "' is not one of " + formats + ", sqlite:PATH";
      }));
  output->allow_extra_args(false);
  add_text(cmd, "--output-file", opts.output_file, "PATH",
           "append alerts here; default: stdout");
  add_text(cmd, "--late-output", opts.late_output, "PATH",
           "late records, JSON Lines; default: stderr");
  add_text(cmd, "--dead-letter", opts.dead_letter, "PATH",
           "malformed records, JSON Lines; default: stderr");
}

void add_durable_options(CLI::App& cmd, run_options& opts) {
  cmd.option_defaults()->group("Durable state (docs/DURABILITY.md)");
  add_text(cmd, "--data-dir", opts.data_dir, "DIR",
           "checkpoint journal; a restart with the same command and DIR "
           "resumes exactly where the last checkpoint was, output files cut "
           "back to it",
           not_empty_check("the directory name must not be empty"));
  add_duration(cmd, "--checkpoint-interval", opts.checkpoint_interval_ms, 1,
               "how often a checkpoint is taken; needs --data-dir");
}

void add_telemetry_options(CLI::App& cmd, run_options& opts) {
  cmd.option_defaults()->group("Telemetry (docs/TELEMETRY.md)");
  add_metrics_option(cmd, opts.metrics_host, opts.metrics_port);
}

} // namespace

void add_metrics_option(CLI::App& cmd, std::string& host, uint16_t& port) {
  cmd.add_option_function<std::string>(
         "--metrics",
         [&host, &port](const std::string& text) {
           auto colon = text.rfind(':');
           host = colon == std::string::npos || colon == 0
                      ? "127.0.0.1"
                      : text.substr(0, colon);
           port = static_cast<uint16_t>(std::stoi(
               colon == std::string::npos ? text : text.substr(colon + 1)));
         },
         "serve /metrics (Prometheus), /status (JSON) and a live page at "
         "http://HOST:PORT/ (PORT or :PORT: 127.0.0.1 only; 0.0.0.0:PORT: "
         "every interface; PORT 0: any free port)")
      ->type_name("[HOST:]PORT")
      ->check(option_value("--metrics", [](std::string& text) -> std::string {
        auto colon = text.rfind(':');
        auto port = colon == std::string::npos ? text : text.substr(colon + 1);
        if (port.empty() || port.size() > 5
            || port.find_first_not_of("0123456789") != std::string::npos
            || std::stoi(port) > 65535)
          return colon == std::string::npos
                     ? "'" + text
                           + "' is not [HOST:]PORT (e.g. 9464: 127.0.0.1 only, "
                             "or 0.0.0.0:9464)"
                     : "'" + port + "' is not a port (0 to 65535)";
        return {};
      }));
}

void add_run_options(CLI::App& cmd, run_options& opts) {
  add_input_options(cmd, opts);
  add_kafka_options(cmd, opts);
  add_job_options(cmd, opts);
  add_output_options(cmd, opts);
  add_durable_options(cmd, opts);
  add_telemetry_options(cmd, opts);
  // Options a caller adds after these are in the usual group again.
  cmd.option_defaults()->group("Options");
}

void validate_run_options(const CLI::App& cmd, run_options& opts) {
  bool kafka = !opts.kafka.brokers.empty();
  if (kafka && !opts.inputs.empty())
    throw usage_error("--input and --brokers exclude each other (read files "
                      "or Kafka)");
  if (!kafka)
    for (auto* name : kafka_only_options)
      if (cmd.count(name) > 0)
        throw usage_error(std::string{name} + " needs --brokers");
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
  for (auto& i : opts.inputs)
    if (i.rfind("node://", 0) == 0 && !node_input(i))
      throw usage_error("--input: '" + i
                        + "' is not node://NODE/PATH (a file of cluster node "
                          "NODE, PATH absolute on it)");
  if (!opts.text_output && !opts.output_file.empty())
    throw usage_error("--output-file needs --output console or jsonl (alerts "
                      "go only to the sqlite: table now)");
  if (cmd.count("--checkpoint-interval") > 0 && opts.data_dir.empty())
    throw usage_error("--checkpoint-interval needs --data-dir (where "
                      "checkpoints are kept)");
  if (!opts.data_dir.empty() && stdin_inputs > 0)
    throw usage_error("--data-dir: stdin (-) cannot be read again after a "
                      "restart; give files or Kafka");
  if (!opts.alerts_topic.empty() && opts.alerts_topic == opts.kafka.topic)
    throw usage_error("--alerts-topic " + opts.alerts_topic
                      + " is the topic read (--topic): alerts would come "
                        "back as malformed records; name another topic");
  std::vector<named_path> files;
  std::vector<std::string> local_inputs;
  for (auto& i : opts.inputs)
    if (!node_input(i)) {
      files.push_back({"--input", i, true});
      local_inputs.push_back(i);
    }
  files.push_back({"--output-file", opts.output_file});
  files.push_back({"--late-output", opts.late_output});
  files.push_back({"--dead-letter", opts.dead_letter});
  if (!opts.alert_table.empty())
    files.push_back({"--output sqlite:", opts.alert_table});
  if (!opts.data_dir.empty()) {
    files.push_back(
        {"--data-dir",
         (std::filesystem::path{opts.data_dir} / "journal.db").string()});
    check_rereadable_inputs(local_inputs);
  }
  check_distinct_files(files);
}

run_options parse_run_options(std::vector<std::string> args) {
  return parse_command_options<run_options>(
      "run", std::move(args), add_run_options, validate_run_options);
}

} // namespace crashwatch
