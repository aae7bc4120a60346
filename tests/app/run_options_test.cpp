#include <catch2/catch.hpp>

#include "app/cli.hpp"
#include "app/run_options.hpp"

using namespace crashwatch;

namespace {

std::string error_of(std::vector<std::string> args) {
  try {
    parse_run_options(std::move(args));
  } catch (const usage_error& e) {
    return e.what();
  }
  return "no error";
}

} // namespace

TEST_CASE("run options take SPEC.md's defaults", "[run_options]") {
  auto opts = parse_run_options({"--input", "a.jsonl"});
  CHECK(opts.inputs == std::vector<std::string>{"a.jsonl"});
  CHECK(opts.pipeline.window_ms == 10'000);
  CHECK(opts.pipeline.watermark_delay_ms == 30'000);
  CHECK(opts.pipeline.threshold == 2);
  CHECK(opts.pipeline.idle_timeout_ms == 60'000);
  CHECK_FALSE(opts.pipeline.emit_early);
  CHECK(opts.format == alert_format::console);
  CHECK(opts.pipeline.filter.keyword == "crash");
  CHECK(opts.pipeline.filter.severities
        == std::vector<std::string>{"High", "Critical"});
}

TEST_CASE("run options parse every value", "[run_options]") {
  auto opts = parse_run_options({"--input",
                                 "a",
                                 "--input=-",
                                 "--window",
                                 "5s",
                                 "--watermark-delay=0s",
                                 "--threshold",
                                 "7",
                                 "--idle-timeout",
                                 "250ms",
                                 "--emit",
                                 "early",
                                 "--shards",
                                 "8",
                                 "--timestamp-unit",
                                 "us",
                                 "--keyword",
                                 "fatal",
                                 "--severity",
                                 "Critical",
                                 "--output",
                                 "jsonl",
                                 "--output-file",
                                 "o",
                                 "--late-output",
                                 "l",
                                 "--dead-letter",
                                 "d"});
  CHECK(opts.inputs == std::vector<std::string>{"a", "-"});
  CHECK(opts.pipeline.window_ms == 5'000);
  CHECK(opts.pipeline.watermark_delay_ms == 0);
  CHECK(opts.pipeline.threshold == 7);
  CHECK(opts.pipeline.idle_timeout_ms == 250);
  CHECK(opts.pipeline.emit_early);
  CHECK(opts.pipeline.shards == 8);
  CHECK(opts.pipeline.filter.unit == timestamp_unit::microseconds);
  CHECK(opts.pipeline.filter.keyword == "fatal");
  CHECK(opts.pipeline.filter.severities
        == std::vector<std::string>{"Critical"});
  CHECK(opts.format == alert_format::jsonl);
  CHECK(opts.output_file == "o");
  CHECK(opts.late_output == "l");
  CHECK(opts.dead_letter == "d");
}

TEST_CASE("bad run options name the option", "[run_options]") {
  CHECK(error_of({}).find("--input") != std::string::npos);
  CHECK(error_of({"--input", "a", "--window", "0s"}).rfind("--window", 0) == 0);
  CHECK(error_of({"--input", "a", "--window", "10"}).rfind("--window", 0) == 0);
  CHECK(error_of({"--input", "a", "--threshold", "-1"}).rfind("--threshold", 0)
        == 0);
  CHECK(error_of({"--input", "a", "--shards", "0"}).rfind("--shards", 0) == 0);
  CHECK(error_of({"--input", "a", "--emit", "sometimes"}).rfind("--emit", 0)
        == 0);
  CHECK(error_of({"--input", "a", "--severity", "High,,Critical"})
            .rfind("--severity", 0)
        == 0);
  CHECK(error_of({"--input", "a", "--window"}) == "--window needs a value");
  CHECK(error_of({"--input", "a", "--frobnicate"})
        == "unknown option --frobnicate for 'run'");
  CHECK(error_of({"--input", "-", "--input", "-"}).find("stdin")
        != std::string::npos);
}

TEST_CASE("Kafka options", "[run_options]") {
  auto opts = parse_run_options(
      {"--brokers", "127.0.0.1:9092", "--topic", "app-logs", "--partitions",
       "0,2", "--from", "earliest", "--group", "ops", "--exit-at-end",
       "--on-data-loss", "warn", "-X", "fetch.wait.max.ms=10", "-X",
       "client.id=a=b", "--alerts-topic", "alerts"});
  CHECK(opts.inputs.empty());
  CHECK(opts.kafka.brokers == "127.0.0.1:9092");
  CHECK(opts.kafka.topic == "app-logs");
  CHECK(opts.kafka.partitions == std::vector<int32_t>{0, 2});
  CHECK(opts.kafka.from_earliest);
  CHECK(opts.kafka.group == "ops");
  CHECK(opts.kafka.exit_at_end);
  CHECK_FALSE(opts.kafka.fail_on_data_loss);
  REQUIRE(opts.kafka.properties.size() == 2);
  CHECK(opts.kafka.properties[1].first == "client.id");
  CHECK(opts.kafka.properties[1].second == "a=b");
  CHECK(opts.alerts_topic == "alerts");
  // Defaults: latest, fail on data loss, topic logs.
  auto plain = parse_run_options({"--brokers", "b:1"});
  CHECK_FALSE(plain.kafka.from_earliest);
  CHECK(plain.kafka.fail_on_data_loss);
  CHECK(plain.kafka.topic == "logs");
}

TEST_CASE("bad Kafka options name the option", "[run_options]") {
  CHECK(error_of({"--input", "a", "--brokers", "b:1"}).find("exclude")
        != std::string::npos);
  CHECK(error_of({"--input", "a", "--exit-at-end"})
        == "--exit-at-end needs --brokers");
  CHECK(error_of({"--input", "a", "--alerts-topic", "t"})
            .rfind("--alerts-topic", 0)
        == 0);
  CHECK(error_of({"--brokers", "b:1", "--partitions", "0,x"})
            .rfind("--partitions", 0)
        == 0);
  CHECK(error_of({"--brokers", "b:1", "--from", "middle"}).rfind("--from", 0)
        == 0);
  CHECK(error_of({"--brokers", "b:1", "-X", "novalue"}).rfind("-X", 0) == 0);
  CHECK(error_of({"--brokers", "b:1", "--on-data-loss", "ignore"})
            .rfind("--on-data-loss", 0)
        == 0);
}

TEST_CASE("durable state options", "[run_options]") {
  auto opts = parse_run_options(
      {"--input", "a", "--data-dir", "d", "--checkpoint-interval", "250ms"});
  CHECK(opts.data_dir == "d");
  CHECK(opts.checkpoint_interval_ms == 250);
  CHECK(parse_run_options({"--input", "a", "--data-dir", "d"})
            .checkpoint_interval_ms
        == 1'000);
  CHECK(error_of({"--input", "a", "--checkpoint-interval", "1s"})
            .find("--checkpoint-interval needs --data-dir")
        != std::string::npos);
  CHECK(error_of({"--input", "-", "--data-dir", "d"}).find("stdin")
        != std::string::npos);
  CHECK(error_of({"--input", "a", "--data-dir", ""}).rfind("--data-dir", 0)
        == 0);
  CHECK(error_of(
            {"--input", "a", "--data-dir", "d", "--checkpoint-interval", "0s"})
            .rfind("--checkpoint-interval", 0)
        == 0);
}

TEST_CASE("output options take a text format and an alert table",
          "[run_options]") {
  auto both = parse_run_options(
      {"--input", "a", "--output", "jsonl", "--output", "sqlite:alerts.db"});
  CHECK(both.format == alert_format::jsonl);
  CHECK(both.text_output);
  CHECK(both.alert_table == "alerts.db");
  auto table_only
      = parse_run_options({"--input", "a", "--output", "sqlite:x.db"});
  CHECK_FALSE(table_only.text_output);
  CHECK(parse_run_options({"--input", "a"}).text_output);
  CHECK(error_of({"--input", "a", "--output", "sqlite:"}).rfind("--output", 0)
        == 0);
  CHECK(error_of({"--input", "a", "--output", "jsonl", "--output", "console"})
            .rfind("--output", 0)
        == 0);
  CHECK(
      error_of({"--input", "a", "--output", "sqlite:x", "--output", "sqlite:y"})
          .rfind("--output", 0)
      == 0);
  CHECK(error_of({"--input", "a", "--output", "csv"}).find("'csv'")
        != std::string::npos);
  CHECK(error_of({"--input", "a", "--output", "sqlite:x", "--output-file", "f"})
            .find("--output-file needs --output console or jsonl")
        != std::string::npos);
}
