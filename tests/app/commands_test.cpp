// The command lines of generate, broker and demo (run's: run_options_test).
#include <catch2/catch.hpp>

#include "app/cli.hpp"
#include "app/commands.hpp"
#include "core/wall_clock.hpp"
#include "tests/support/usage_error_of.hpp"

using namespace crashwatch;

namespace {

generate_options generate(std::vector<std::string> args) {
  return parse_command_options<generate_options>("generate", std::move(args),
                                                 add_generate_options,
                                                 validate_generate_options);
}

embedded_broker_options broker(std::vector<std::string> args) {
  return parse_command_options<embedded_broker_options>(
      "broker", std::move(args), add_broker_options, validate_broker_options);
}

demo_options demo(std::vector<std::string> args) {
  return parse_command_options<demo_options>("demo", std::move(args),
                                             add_demo_options);
}

template <class Parse>
std::string error_of(Parse parse, std::vector<std::string> args) {
  return test::usage_error_of(parse, std::move(args));
}

} // namespace

TEST_CASE("generate to a file", "[generate_options]") {
  auto plain = generate({"--output-file", "-"});
  CHECK(plain.output_file == "-");
  CHECK(plain.records == 1'000'000);
  CHECK(plain.lines.seed == 1);
  CHECK(plain.lines.start_ms == default_generator_start_ms);
  CHECK(plain.kafka.brokers.empty());
  auto opts
      = generate({"--output-file", "x.jsonl", "--records", "500", "--users",
                  "20", "--seed", "9", "--start", "1768917185123",
                  "--events-per-second", "250.5", "--late-fraction", "0.25",
                  "--out-of-order", "1500", "--malformed-fraction", "0.01"});
  CHECK(opts.records == 500);
  CHECK(opts.lines.users == 20);
  CHECK(opts.lines.seed == 9);
  CHECK(opts.lines.start_ms == 1'768'917'185'123);
  CHECK(opts.lines.events_per_second == 250.5);
  CHECK(opts.lines.late_fraction == 0.25);
  CHECK(opts.lines.out_of_order_ms == 1'500);
  CHECK(opts.lines.malformed_fraction == 0.01);
  CHECK(generate({"--output-file", "-", "--out-of-order", "2s"})
            .lines.out_of_order_ms
        == 2'000);
  CHECK(generate({"--output-file", "-", "--start", "2026-01-20T13:53:05Z"})
            .lines.start_ms
        == 1'768'917'185'000);
}

TEST_CASE("generate to Kafka", "[generate_options]") {
  auto before = wall_clock_ms();
  auto opts = generate({"--brokers", "127.0.0.1:9092", "--rate", "5000/s",
                        "--duration", "10m", "--topic", "t", "--partition", "3",
                        "-X", "linger.ms=5"});
  CHECK(opts.kafka.brokers == "127.0.0.1:9092");
  CHECK(opts.kafka.rate == 5000);
  CHECK(opts.kafka.duration_ms == 600'000);
  CHECK(opts.kafka.topic == "t");
  CHECK(opts.kafka.partition == 3);
  REQUIRE(opts.kafka.properties.size() == 1);
  CHECK(opts.kafka.properties[0].first == "linger.ms");
  // No limit unless --records is given; event time follows the clock at
  // the rate; no blank lines.
  CHECK(opts.kafka.records == -1);
  CHECK(opts.lines.start_ms >= before);
  CHECK(opts.lines.events_per_second == 5000);
  CHECK(opts.lines.blank_fraction == 0);
  auto limited = generate({"--brokers", "b:1", "--records", "7", "--start",
                           "1000", "--events-per-second", "3"});
  CHECK(limited.kafka.records == 7);
  CHECK(limited.lines.start_ms == 1'000);
  CHECK(limited.lines.events_per_second == 3);
  // --rate 0: unpaced, the fixed default start (reproducible).
  auto unpaced = generate({"--brokers", "b:1", "--rate", "0"});
  CHECK(unpaced.kafka.rate == 0);
  CHECK(unpaced.lines.start_ms == default_generator_start_ms);
}

TEST_CASE("bad generate options name the option", "[generate_options]") {
  CHECK(error_of(generate, {})
        == "--output-file is required (a file name, "
           "or - for stdout)");
  CHECK(error_of(generate, {"--output-file", "x", "--brokers", "b:1"})
        == "--output-file and --brokers exclude each other");
  CHECK(error_of(generate, {"--output-file", "x", "--rate", "5"})
        == "--topic, --rate, --duration, --partition and -X need --brokers");
  CHECK(error_of(generate, {"--output-file", ""})
        == "--output-file: needs a file name or '-'");
  CHECK(error_of(generate, {"--brokers", "b:1", "--rate", "fast"})
        == "--rate: 'fast' is not a rate (records per second, 0 to "
           "100000000, like 5000 or 5000/s)");
  CHECK(error_of(generate, {"--output-file", "-", "--start", "yesterday"})
        == "--start: 'yesterday' is no time (use ISO-8601 like "
           "2026-01-20T13:53:00Z or epoch milliseconds)");
  CHECK(error_of(generate, {"--output-file", "-", "--out-of-order", "-1"})
        == "--out-of-order: '-1' is not a number of ms or a duration like 2s");
  CHECK(error_of(generate, {"--output-file", "-", "--late-fraction", "2"})
        == "--late-fraction: '2' is out of range (0 to 1)");
  CHECK(error_of(generate, {"--output-file", "-", "--records", "-5"})
        == "--records: '-5' is out of range (0 to 1099511627776)");
  CHECK(error_of(generate, {"--output-file", "-", "--seed", "1", "--seed", "2"})
        == "--seed given 2 times (give it once)");
  CHECK(error_of(generate, {"--brokers", "b:1", "-X", "novalue"})
        == "-X novalue: expected key=value (a librdkafka property)");
  CHECK(error_of(generate, {"--output-file", "-", "--frob"})
        == "unknown option --frob for 'generate'");
}

TEST_CASE("broker options", "[broker_options]") {
  auto plain = broker({});
  CHECK(plain.port == 0);
  CHECK(plain.partitions == 4);
  CHECK(plain.topic == "logs");
  CHECK(plain.brokers == 1);
  auto opts = broker({"--port", "9092", "--partitions", "8", "--topic", "t",
                      "--brokers", "3"});
  CHECK(opts.port == 9092);
  CHECK(opts.partitions == 8);
  CHECK(opts.topic == "t");
  CHECK(opts.brokers == 3);
  CHECK(error_of(broker, {"--port", "0"})
        == "--port: '0' is out of range (1 to 65535)");
  CHECK(error_of(broker, {"--port", "70000"})
        == "--port: '70000' is out of range (1 to 65535)");
  CHECK(error_of(broker, {"--topic", ""}) == "--topic: needs a topic name");
  CHECK(error_of(broker, {"--partitions"}) == "--partitions needs a value");
  CHECK(error_of(broker, {"extra"})
        == "unexpected argument 'extra' (options start with --)");
}

TEST_CASE("broker --listen and --advertise", "[broker_options]") {
  auto plain = broker({"--port", "9092"});
  CHECK(plain.listen == "127.0.0.1");
  CHECK(plain.advertise.empty());
  auto opts = broker({"--port", "9092", "--listen", "0.0.0.0", "--advertise",
                      "broker", "--partitions", "3"});
  CHECK(opts.listen == "0.0.0.0");
  CHECK(opts.advertise == "broker");
  auto local = broker({"--port", "9092", "--listen", "10.0.0.5"});
  CHECK(local.listen == "10.0.0.5");
  CHECK(local.advertise.empty()); // the --listen host is advertised
  CHECK(error_of(broker, {"--listen", "0.0.0.0", "--advertise", "b"})
        == "--listen needs --port (without it, the brokers are only on the "
           "mock's ephemeral ports on 127.0.0.1)");
  CHECK(error_of(broker, {"--advertise", "b"})
        == "--advertise needs --port (without it, the brokers are only on the "
           "mock's ephemeral ports on 127.0.0.1)");
  CHECK(error_of(broker, {"--port", "9092", "--listen", "0.0.0.0"})
        == "--advertise is required with --listen 0.0.0.0 (clients need a "
           "host name or address that reaches this broker)");
  CHECK(error_of(broker, {"--port", "65535", "--brokers", "2"})
        == "--port 65535 with --brokers 2 needs ports up to 65536 (at most "
           "65535)");
  CHECK(error_of(broker, {"--port", "9092", "--advertise", ""})
        == "--advertise: needs a host name or address");
  CHECK(error_of(broker, {"--port", "9092", "--listen"})
        == "--listen needs a value");
}

TEST_CASE("demo options", "[demo_options]") {
  auto plain = demo({});
  CHECK(plain.rate == 2000);
  CHECK(plain.partitions == 4);
  CHECK(plain.port == 0);
  CHECK(plain.dir.empty());
  auto opts = demo(
      {"--rate", "100", "--partitions", "2", "--port", "9999", "--dir", "d"});
  CHECK(opts.rate == 100);
  CHECK(opts.partitions == 2);
  CHECK(opts.port == 9999);
  CHECK(opts.dir == "d");
  CHECK(error_of(demo, {"--rate", "0"})
        == "--rate: '0' is out of range (1 to 10000000)");
  CHECK(error_of(demo, {"--partitions", "65"})
        == "--partitions: '65' is out of range (1 to 64)");
  CHECK(error_of(demo, {"--records", "5"})
        == "unknown option --records for 'demo'");
}
