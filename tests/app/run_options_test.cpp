#include <catch2/catch.hpp>

#include "app/cli_args.hpp"
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
  auto opts = parse_run_options(
    {"--input", "a", "--input=-", "--window", "5s", "--watermark-delay=0s",
     "--threshold", "7", "--idle-timeout", "250ms", "--emit", "early",
     "--shards", "8", "--timestamp-unit", "us", "--keyword", "fatal",
     "--severity", "Critical", "--output", "jsonl", "--output-file", "o",
     "--late-output", "l", "--dead-letter", "d"});
  CHECK(opts.inputs == std::vector<std::string>{"a", "-"});
  CHECK(opts.pipeline.window_ms == 5'000);
  CHECK(opts.pipeline.watermark_delay_ms == 0);
  CHECK(opts.pipeline.threshold == 7);
  CHECK(opts.pipeline.idle_timeout_ms == 250);
  CHECK(opts.pipeline.emit_early);
  CHECK(opts.pipeline.shards == 8);
  CHECK(opts.pipeline.filter.unit == timestamp_unit::microseconds);
  CHECK(opts.pipeline.filter.keyword == "fatal");
  CHECK(opts.pipeline.filter.severities == std::vector<std::string>{"Critical"});
  CHECK(opts.format == alert_format::jsonl);
  CHECK(opts.output_file == "o");
  CHECK(opts.late_output == "l");
  CHECK(opts.dead_letter == "d");
}

TEST_CASE("bad run options name the option", "[run_options]") {
  CHECK(error_of({}).find("--input") != std::string::npos);
  CHECK(error_of({"--input", "a", "--window", "0s"}).rfind("--window", 0)
        == 0);
  CHECK(error_of({"--input", "a", "--window", "10"}).rfind("--window", 0)
        == 0);
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
