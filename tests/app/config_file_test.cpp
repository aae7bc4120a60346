#include <catch2/catch.hpp>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "app/run_options.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/usage_error_of.hpp"

using namespace crashwatch;

namespace {

/// `run --config FILE args...` with FILE holding `content`.
struct config_run {
  test::temp_dir dir{"config_file_test"};
  std::string path;

  explicit config_run(const std::string& content)
      : path(dir.file("run.conf", content)) {}

  run_options parse(std::vector<std::string> args = {}) const {
    args.insert(args.begin(), {"--config", path});
    return parse_run_options(std::move(args));
  }

  std::string error(std::vector<std::string> args = {}) const {
    return test::usage_error_of(
        [this](std::vector<std::string> a) { return parse(std::move(a)); },
        std::move(args));
  }
};

} // namespace

TEST_CASE("a config file gives options as the command line does",
          "[config_file]") {
  config_run run{R"(# a job
input = ["a.jsonl", "b.jsonl"]
window = 5s          # trailing comments too
watermark-delay = 1m
threshold = 4
severity = High,Critical,Fatal
emit = early
timestamp-unit = ms
output = ["jsonl", "sqlite:alerts.db"]
output-file = alerts.jsonl
late-output = late.jsonl
dead-letter = "dead letter.jsonl"
keyword = "app crash"
data-dir = state
checkpoint-interval = 250ms
)"};
  auto opts = run.parse();
  CHECK(opts.inputs == std::vector<std::string>{"a.jsonl", "b.jsonl"});
  CHECK(opts.pipeline.window_ms == 5'000);
  CHECK(opts.pipeline.watermark_delay_ms == 60'000);
  CHECK(opts.pipeline.threshold == 4);
  CHECK(opts.pipeline.filter.severities
        == std::vector<std::string>{"High", "Critical", "Fatal"});
  CHECK(opts.pipeline.emit_early);
  CHECK(opts.pipeline.filter.unit == timestamp_unit::milliseconds);
  CHECK(opts.format == alert_format::jsonl);
  CHECK(opts.text_output);
  CHECK(opts.alert_table == "alerts.db");
  CHECK(opts.output_file == "alerts.jsonl");
  CHECK(opts.late_output == "late.jsonl");
  CHECK(opts.dead_letter == "dead letter.jsonl");
  CHECK(opts.pipeline.filter.keyword == "app crash");
  CHECK(opts.data_dir == "state");
  CHECK(opts.checkpoint_interval_ms == 250);
}

TEST_CASE("config file: Kafka options, flags, -X and comma lists",
          "[config_file]") {
  config_run run{R"(brokers = a:9092,b:9092
topic = app-logs
partitions = [0, 2]
from = earliest
exit-at-end = true
on-data-loss = warn
X = ["fetch.wait.max.ms=10", "client.id=a=b"]
)"};
  auto opts = run.parse();
  CHECK(opts.kafka.brokers == "a:9092,b:9092");
  CHECK(opts.kafka.topic == "app-logs");
  CHECK(opts.kafka.partitions == std::vector<int32_t>{0, 2});
  CHECK(opts.kafka.from_earliest);
  CHECK(opts.kafka.exit_at_end);
  CHECK_FALSE(opts.kafka.fail_on_data_loss);
  REQUIRE(opts.kafka.properties.size() == 2);
  CHECK(opts.kafka.properties[0].first == "fetch.wait.max.ms");
  CHECK(opts.kafka.properties[1].second == "a=b");
  // A flag alone on its line is true; `= false` is false.
  CHECK(config_run{"brokers = b:1\nexit-at-end\n"}.parse().kafka.exit_at_end);
  CHECK_FALSE(config_run{"brokers = b:1\nexit-at-end = false\n"}
                  .parse()
                  .kafka.exit_at_end);
}

TEST_CASE("the command line wins over the config file", "[config_file]") {
  config_run run{R"(input = ["a.jsonl", "b.jsonl"]
threshold = 4
window = 5s
)"};
  auto opts = run.parse({"--threshold", "7", "--input", "c.jsonl"});
  CHECK(opts.pipeline.threshold == 7);
  // A list on the command line replaces the file's list.
  CHECK(opts.inputs == std::vector<std::string>{"c.jsonl"});
  CHECK(opts.pipeline.window_ms == 5'000);
  // Before or after --config: the same.
  CHECK(parse_run_options({"--threshold", "9", "--config", run.path})
            .pipeline.threshold
        == 9);
}

TEST_CASE("checks that span options see the file's values", "[config_file]") {
  CHECK(config_run{"input = a.jsonl\ntopic = t\n"}.error()
        == "--topic needs --brokers");
  CHECK(config_run{"input = a.jsonl\n"}.error({"--brokers", "b:1"})
        == "--input and --brokers exclude each other (read files or Kafka)");
  CHECK(config_run{"input = [\"-\", \"-\"]\n"}.error()
        == "--input: stdin (-) can be read only once");
}

TEST_CASE("config file mistakes name the file and the key", "[config_file]") {
  config_run unknown{"input = a.jsonl\nfrob = 1\n"};
  CHECK(unknown.error()
        == "--config " + unknown.path + ": unknown option 'frob'");
  config_run bad_value{"input = a.jsonl\nwindow = 10\n"};
  CHECK(bad_value.error()
        == "--config " + bad_value.path
               + ": --window: '10' is not a duration (use a number with ms, s, "
                 "m or h, like 10s)");
  config_run twice{"window = 1s\ninput = a.jsonl\nwindow = 2s\n"};
  CHECK(twice.error()
        == "--config " + twice.path + ": 'window' is set twice (give it once)");
  config_run section{"[run]\nwindow = 1s\n"};
  CHECK(section.error()
        == "--config " + section.path
               + ": sections like [run] are not supported (one `option = "
                 "value` a line)");
  config_run spaces{"input = a.jsonl\nkeyword = app crash\n"};
  CHECK(spaces.error()
        == "--config " + spaces.path
               + ": 'keyword' takes one value, not 2 (quote a value with "
                 "spaces or commas: keyword = \"a b\")");
  config_run flag{"brokers = b:1\nexit-at-end = [true, false]\n"};
  CHECK(flag.error()
        == "--config " + flag.path
               + ": 'exit-at-end' is a flag: give true or false");
  config_run empty{"input = []\n"};
  CHECK(empty.error() == "--config " + empty.path + ": --input needs a value");
  config_run help{"help = true\n"};
  CHECK(help.error() == "--config " + help.path + ": unknown option 'help'");
  config_run nested{"config = other.conf\n"};
  CHECK(nested.error()
        == "--config " + nested.path + ": unknown option 'config'");
  // A mistake on the command line is reported as such.
  CHECK(config_run{"input = a.jsonl\n"}.error({"--window", "10"})
        == "--window: '10' is not a duration (use a number with ms, s, m or "
           "h, like 10s)");
}

TEST_CASE("a missing config file is an error", "[config_file]") {
  test::temp_dir dir{"config_file_test"};
  auto missing = dir.path + "/no-such.conf";
  try {
    parse_run_options({"--config", missing, "--input", "a"});
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()}
          == "--config " + missing
                 + ": cannot open it: No such file or directory");
  }
  try {
    parse_run_options({"--config", dir.path, "--input", "a"});
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()}
          == "--config " + dir.path + ": is a directory, not a file");
  }
  try {
    parse_run_options({"--input", "a", "--config"});
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()} == "--config needs a value");
  }
}

TEST_CASE("every command reads a config file", "[config_file]") {
  test::temp_dir dir{"config_file_test"};
  auto gen = parse_command_options<generate_options>(
      "generate",
      {"--config",
       dir.file("g.conf", "output-file = -\nrecords = 10\nseed = 7\n"
                          "out-of-order = 2s\nstart = 2026-01-01T00:00:00Z\n"),
       "--seed", "8"},
      add_generate_options, validate_generate_options);
  CHECK(gen.output_file == "-");
  CHECK(gen.records == 10);
  CHECK(gen.lines.seed == 8);
  CHECK(gen.lines.out_of_order_ms == 2'000);
  CHECK(gen.lines.start_ms == 1'767'225'600'000);
  auto broker = parse_command_options<embedded_broker_options>(
      "broker",
      {"--config", dir.file("b.conf", "port = 9092\npartitions = 8\n")},
      add_broker_options);
  CHECK(broker.port == 9092);
  CHECK(broker.partitions == 8);
  auto demo = parse_command_options<demo_options>(
      "demo", {"--config", dir.file("d.conf", "rate = 50\ndir = out\n")},
      add_demo_options);
  CHECK(demo.rate == 50);
  CHECK(demo.dir == "out");
}
