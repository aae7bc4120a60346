#include <filesystem>

#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "app/cli.hpp"
#include "app/run_options.hpp"
#include "tests/support/temp_dir.hpp"
#include "tests/support/usage_error_of.hpp"

using namespace crashwatch;

namespace {

std::string error_of(std::vector<std::string> args) {
  return test::usage_error_of(parse_run_options, std::move(args));
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

TEST_CASE("run option messages are exact", "[run_options]") {
  CHECK(error_of({"--input", "a", "--window", "10"})
        == "--window: '10' is not a duration (use a number with ms, s, m or "
           "h, like 10s)");
  CHECK(error_of({"--input", "a", "--window", "0s"})
        == "--window: '0s' is too small (at least 1ms)");
  // CLI11 would convert "-1" into 18446744073709551615: the text is checked.
  CHECK(error_of({"--input", "a", "--threshold", "-1"})
        == "--threshold: '-1' is out of range (0 to 1000000000)");
  CHECK(error_of({"--input", "a", "--threshold", "2x"})
        == "--threshold: '2x' is not an integer");
  CHECK(error_of({"--input", "a", "--emit", "sometimes"})
        == "--emit: 'sometimes' is not one of final|early");
  CHECK(error_of({"--input", "a", "--timestamp-unit", "days"})
        == "--timestamp-unit: 'days' is not one of auto|s|ms|us");
  CHECK(error_of({"--input", "a", "--output", "csv"})
        == "--output: 'csv' is not one of console, jsonl, sqlite:PATH");
  CHECK(error_of({"--input", ""}) == "--input: empty file name");
  CHECK(error_of({"--input", "a", "--keyword", ""})
        == "--keyword: the keyword must not be empty");
  CHECK(error_of({"--input", "a", "--severity", ""})
        == "--severity: at least one severity is needed");
  CHECK(error_of({"--input", "a", "--input", "b", "--brokers", "b:1"})
        == "--input and --brokers exclude each other (read files or Kafka)");
  CHECK(error_of({"--input", "a", "--topic", "t"})
        == "--topic needs --brokers");
  CHECK(error_of({"--input", "-", "--input", "-"})
        == "--input: stdin (-) can be read only once");
}

TEST_CASE("a following option is no value, but - is", "[run_options]") {
  CHECK(error_of({"--input", "a", "--output-file", "--window", "5s"})
        == "--output-file needs a value");
  CHECK(error_of({"--input", "a", "--threshold", "--window", "10s"})
        == "--threshold needs a value");
  CHECK(error_of({"--input", "--window", "10s"}) == "--input needs a value");
  CHECK(error_of({"--input", "a", "--window="}) == "--window needs a value");
  CHECK(parse_run_options({"--input", "-"}).inputs
        == std::vector<std::string>{"-"});
  CHECK(parse_run_options({"--input", "a", "--output-file", "-"}).output_file
        == "-");
}

TEST_CASE("a single-value option is given once", "[run_options]") {
  CHECK(error_of({"--input", "a", "--window", "5s", "--window", "6s"})
        == "--window given 2 times (give it once)");
  CHECK(error_of({"--input", "a", "--keyword", "x", "--keyword=y"})
        == "--keyword given 2 times (give it once)");
  // Repeatable: --input, -X, --output (a format and a table).
  CHECK(parse_run_options({"--input", "a", "--input", "b", "--input", "c"})
            .inputs.size()
        == 3);
}

TEST_CASE("unknown options and stray words are named", "[run_options]") {
  CHECK(error_of({"--input", "a", "--frobnicate=3"})
        == "unknown option --frobnicate for 'run'");
  CHECK(error_of({"--input", "a", "-q"}) == "unknown option -q for 'run'");
  CHECK(error_of({"--input", "a", "foo"})
        == "unexpected argument 'foo' (options start with --)");
  // One value per --input: a second word is stray, as before.
  CHECK(error_of({"--input", "a", "b"})
        == "unexpected argument 'b' (options start with --)");
  CHECK(error_of({"--input", "a", "--window", "5s", "6s"})
        == "unexpected argument '6s' (options start with --)");
  // The first one is reported, in command-line order.
  CHECK(error_of({"--input", "a", "--zzz", "--aaa"})
        == "unknown option --zzz for 'run'");
}

TEST_CASE("numbers are read as decimal text", "[run_options]") {
  // CLI11 alone would read "010" as octal 8.
  CHECK(parse_run_options({"--input", "a", "--threshold", "010"})
            .pipeline.threshold
        == 10);
  CHECK(
      parse_run_options({"--input", "a", "--window", "1.5s"}).pipeline.window_ms
      == 1'500);
  CHECK(parse_run_options({"--input", "a", "--idle-timeout", "2m"})
            .pipeline.idle_timeout_ms
        == 120'000);
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

TEST_CASE("outputs on one file are refused, naming both options",
          "[run_options]") {
  test::temp_dir dir;
  auto in = dir.file("in.jsonl", "{}\n");
  auto out = dir.path + "/out";
  CHECK(error_of({"--input", in, "--output-file", out, "--dead-letter", out,
                  "--late-output", dir.path + "/late"})
        == "--output-file and --dead-letter name the same file ('" + out
               + "'): give each output its own file");
  CHECK(error_of(
            {"--input", in, "--late-output", out, "--output", "sqlite:" + out})
        == "--late-output and --output sqlite: name the same file ('" + out
               + "'): give each output its own file");
  // The same file under another name: a symlink, or a path through "..".
  auto link = dir.path + "/link";
  std::filesystem::create_symlink(in, link);
  CHECK(error_of({"--input", in, "--dead-letter", link})
        == "--input and --dead-letter name the same file ('" + in + "' and '"
               + link + "'): an output must not overwrite an input");
  CHECK(error_of({"--input", in, "--output-file", dir.path + "/sub/../out",
                  "--late-output", out})
            .find("name the same file")
        != std::string::npos);
  CHECK(error_of({"--input", in, "--data-dir", dir.path + "/dd", "--output",
                  "sqlite:" + dir.path + "/dd/journal.db"})
            .rfind("--output sqlite: and --data-dir name the same file", 0)
        == 0);
}

TEST_CASE("outputs may share /dev/null and stdout, inputs a file",
          "[run_options]") {
  test::temp_dir dir;
  auto in = dir.file("in.jsonl", "{}\n");
  auto opts = parse_run_options({"--input", in, "--input", in, "--output-file",
                                 "/dev/null", "--dead-letter", "/dev/null",
                                 "--late-output", "/dev/null"});
  CHECK(opts.inputs.size() == 2);
  CHECK(opts.dead_letter == "/dev/null");
  CHECK_NOTHROW(parse_run_options({"--input", in, "--output-file", "-"}));
}

TEST_CASE("a data dir refuses inputs that cannot be read again",
          "[run_options]") {
  test::temp_dir dir;
  auto fifo = dir.path + "/fifo";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  CHECK(error_of({"--input", fifo, "--data-dir", dir.path + "/dd"})
        == "--input " + fifo
               + " is a named pipe: --data-dir resumes by reading inputs "
                 "again from an offset, which needs regular files (or Kafka)");
  CHECK(error_of({"--input", "/dev/zero", "--data-dir", dir.path + "/dd"})
            .find("is a device")
        != std::string::npos);
  // Without --data-dir a pipe is read once, as stdin is.
  CHECK(parse_run_options({"--input", fifo}).inputs.front() == fifo);
}

TEST_CASE("the alerts topic is not the topic read", "[run_options]") {
  CHECK(error_of({"--brokers", "b:1", "--alerts-topic", "logs"})
        == "--alerts-topic logs is the topic read (--topic): alerts would "
           "come back as malformed records; name another topic");
  CHECK(error_of({"--brokers", "b:1", "--topic", "in", "--alerts-topic", "in"})
            .rfind("--alerts-topic in is the topic read", 0)
        == 0);
  CHECK(parse_run_options({"--brokers", "b:1", "--alerts-topic", "alerts"})
            .alerts_topic
        == "alerts");
}

TEST_CASE("the far-future guard is off unless given", "[run_options]") {
  CHECK(parse_run_options({"--input", "a"}).pipeline.max_future_ms == 0);
  CHECK(parse_run_options({"--input", "a", "--max-future", "1h"})
            .pipeline.max_future_ms
        == 3'600'000);
  CHECK(error_of({"--input", "a", "--max-future", "10"})
            .rfind("--max-future: '10' is not a duration", 0)
        == 0);
}
