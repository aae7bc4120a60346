// `crashwatch demo`: the whole product in one command, like the Spark set-up
// it replaces: an embedded Kafka broker (topic `logs`, 4 partitions), a load
// generator producing realistic records at a steady rate, and the pipeline
// reading every partition, printing alert tables as windows complete.
// Ctrl-C stops all three cleanly.
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <string>
#include <thread>

#include <unistd.h>

#include "app/cli_args.hpp"
#include "app/commands.hpp"
#include "app/stop_signals.hpp"
#include "core/error.hpp"
#include "io/embedded_broker.hpp"

namespace crashwatch {

namespace {

constexpr const char* demo_usage
    = R"(usage: crashwatch demo [--rate N] [--partitions 4] [--port P] [--dir DIR]

Starts an embedded Kafka broker (topic logs), a load generator producing N
records/s (default 2000) with wall-clock event times, and the pipeline reading
all partitions with a 10 s watermark delay (so the first alerts appear about
20 s after start), printing alerts as Spark-like console tables. Late and
malformed records go to files in DIR (default: a new folder under $TMPDIR or
/tmp). Ctrl-C stops everything.
)";

} // namespace

int demo_command(std::vector<std::string> args) {
  std::string rate = "2000";
  int64_t partitions = 4;
  int64_t port = 0;
  std::string dir;
  cli_args in{std::move(args)};
  while (!in.done()) {
    auto opt = in.next_option();
    if (opt == "--rate")
      rate = std::to_string(in.integer(1, 10'000'000));
    else if (opt == "--partitions")
      partitions = in.integer(1, 64);
    else if (opt == "--port")
      port = in.integer(0, 65535);
    else if (opt == "--dir")
      dir = in.value();
    else if (opt == "--help" || opt == "-h") {
      std::cout << demo_usage;
      return 0;
    } else
      in.unknown("demo");
  }
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
  broker_opts.port = static_cast<uint16_t>(port);
  broker_opts.partitions = static_cast<int>(partitions);
  auto broker = embedded_broker::start(broker_opts);
  if (!broker) {
    std::cerr << "crashwatch demo: " << render(broker.error()) << '\n';
    return 1;
  }
  auto address = (*broker)->bootstraps();
  std::cerr << "demo: embedded Kafka broker at " << address << ", topic logs, "
            << partitions << " partitions\n"
            << "demo: generator: crashwatch generate --brokers " << address
            << " --rate " << rate << "\n"
            << "demo: pipeline:  crashwatch run --brokers " << address
            << " --from earliest --watermark-delay 10s --late-output " << dir
            << "/late.jsonl --dead-letter " << dir << "/dead-letter.jsonl\n"
            << "demo: alerts appear as windows complete; Ctrl-C stops\n";
  // The generator stops on the same Ctrl-C (it watches stop_requested()).
  int generator_rc = 0;
  std::thread generator{[&] {
    generator_rc = generate_command(
        {"--brokers", address, "--rate", rate, "--duration", "24h"});
  }};
  auto rc = run_command({"--brokers", address, "--from", "earliest",
                         "--watermark-delay", "10s", "--late-output",
                         dir + "/late.jsonl", "--dead-letter",
                         dir + "/dead-letter.jsonl"});
  if (rc != 130 && !stop_requested()) {
    // The pipeline failed on its own: stop the generator too.
    std::raise(SIGTERM);
  }
  generator.join();
  if (rc == 130)
    return generator_rc == 0 || generator_rc == 130 ? 0 : generator_rc;
  return rc != 0 ? rc : generator_rc;
}

} // namespace crashwatch
