// `crashwatch demo`: the whole product in one command, like the Spark set-up
// it replaces: an embedded Kafka broker (topic `logs`, 4 partitions), a load
// generator producing realistic records at a steady rate, and the pipeline
// reading every partition, printing alert tables as windows complete.
// Ctrl-C stops all three cleanly.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <unistd.h>

#include "app/cli_options.hpp"
#include "app/commands.hpp"
#include "app/run_options.hpp"
#include "app/stop_signals.hpp"
#include "core/error.hpp"
#include "io/embedded_broker.hpp"

namespace crashwatch {

void add_demo_options(CLI::App& cmd, demo_options& opts) {
  add_integer(cmd, "--rate", opts.rate, 1, 10'000'000,
              "records per second the generator produces");
  add_integer(cmd, "--partitions", opts.partitions, 1, 64,
              "partitions of topic logs");
  add_integer(cmd, "--port", opts.port, 0, 65535,
              "the broker's bootstrap port on 127.0.0.1; 0 = an ephemeral "
              "port",
              "P");
  add_text(cmd, "--dir", opts.dir, "DIR",
           "late and malformed records go to DIR/late.jsonl and "
           "DIR/dead-letter.jsonl (default: a new folder under $TMPDIR or "
           "/tmp)");
  add_metrics_option(cmd, opts.metrics_host, opts.metrics_port);
}

int execute_demo(const demo_options& opts) {
  auto dir = opts.dir;
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern
        = std::string{tmp ? tmp : "/tmp"} + "/crashwatch-demo-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "crashwatch demo: cannot create a folder under "
                << (tmp ? tmp : "/tmp") << '\n';
      return 1;
    }
    dir = pattern;
  }
  install_stop_signals();
  embedded_broker_options broker_opts;
  broker_opts.port = opts.port;
  broker_opts.partitions = opts.partitions;
  auto broker = embedded_broker::start(broker_opts);
  if (!broker) {
    std::cerr << "crashwatch demo: " << render(broker.error()) << '\n';
    return 1;
  }
  auto address = (*broker)->bootstraps();
  // What `crashwatch generate --brokers ADDRESS --rate RATE --duration 24h`
  // would do.
  generate_options gen;
  gen.kafka.brokers = address;
  gen.kafka.rate = static_cast<double>(opts.rate);
  gen.kafka.duration_ms = 24 * 3600 * 1000;
  use_kafka_load_defaults(gen, false, false);
  // What `crashwatch run` with the options printed below would do.
  run_options run;
  run.kafka.brokers = address;
  run.kafka.from_earliest = true;
  run.pipeline.watermark_delay_ms = 10'000;
  run.late_output = dir + "/late.jsonl";
  run.dead_letter = dir + "/dead-letter.jsonl";
  run.metrics_host = opts.metrics_host;
  run.metrics_port = opts.metrics_port;
  auto metrics = opts.metrics_host.empty()
                     ? std::string{}
                     : " --metrics " + opts.metrics_host + ":"
                           + std::to_string(opts.metrics_port);
  std::cerr << "demo: embedded Kafka broker at " << address << ", topic logs, "
            << opts.partitions << " partitions\n"
            << "demo: generator: crashwatch generate --brokers " << address
            << " --rate " << opts.rate << "\n"
            << "demo: pipeline:  crashwatch run --brokers " << address
            << " --from earliest --watermark-delay 10s --late-output "
            << run.late_output << " --dead-letter " << run.dead_letter
            << metrics << '\n'
            << "demo: alerts appear as windows complete; Ctrl-C stops\n";
  // The generator stops on the same Ctrl-C (it watches stop_requested()).
  int generator_rc = 0;
  std::thread generator{[&] { generator_rc = execute_generate(gen); }};
  auto rc = execute_run(run);
  if (rc != 130 && !stop_requested()) {
    // The pipeline failed on its own: stop the generator too.
    std::raise(SIGTERM);
  }
  generator.join();
  if (rc == 130)
    return generator_rc == 0 || generator_rc == 130 ? 0 : generator_rc;
  return rc != 0 ? rc : generator_rc;
}

command_action setup_demo_command(CLI::App& cmd) {
  cmd.description(
      "generate sample records and run the pipeline on them\n\n"
      "Starts an embedded Kafka broker (topic logs), a load generator "
      "producing --rate records/s with wall-clock event times, and the "
      "pipeline reading all partitions with a 10 s watermark delay (so the "
      "first alerts appear about 20 s after start), printing alerts as "
      "Spark-like console tables. Late and malformed records go to files in "
      "--dir. Ctrl-C stops everything.");
  auto opts = std::make_shared<demo_options>();
  add_demo_options(cmd, *opts);
  return [opts] { return execute_demo(*opts); };
}

} // namespace crashwatch
