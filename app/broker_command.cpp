// `crashwatch broker`: an embedded Kafka broker (librdkafka's mock cluster)
// for development, demos and tests. Prints one line with its address, then
// serves until SIGINT or SIGTERM; SIGUSR1/SIGUSR2 take its brokers down/up.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <pthread.h>
#include <string>

#include "app/cli_args.hpp"
#include "app/commands.hpp"
#include "core/error.hpp"
#include "io/embedded_broker.hpp"

namespace crashwatch {

namespace {

constexpr const char* broker_usage = R"(usage: crashwatch broker [options]

Runs an embedded Kafka broker for development, demos and tests, and prints
one line on stdout:
  crashwatch-broker: 127.0.0.1:PORT topic TOPIC, N partitions
(the second word is the address for --brokers). Runs until SIGINT/SIGTERM.

options:
  --port P         bootstrap port on 127.0.0.1 (default: an ephemeral port)
  --partitions N   partitions of the topic (default 4)
  --topic NAME     topic to create (default logs)
  --brokers N      brokers in the cluster (default 1)

signals (failure injection):
  SIGUSR1          take all brokers down (connections closed and refused)
  SIGUSR2          bring them back up

This is librdkafka's mock cluster, NOT a real Kafka broker:
  * messages are kept in memory only; nothing survives the process
  * each partition keeps at most 5 MiB or 100000 message batches; older
    batches are dropped silently beyond that (consumers that fall behind
    lose data: offsets jump forward)
  * one process, no replication, no security, no retention settings
  * with --port, clients bootstrap through a forwarder on that port and then
    connect to the brokers' own ephemeral ports (also on 127.0.0.1)
See docs/BROKER.md.
)";

} // namespace

int broker_command(std::vector<std::string> args) {
  for (auto& a : args)
    if (a == "--help" || a == "-h") {
      std::cout << broker_usage;
      return 0;
    }
  embedded_broker_options opts;
  cli_args cli{std::move(args)};
  while (!cli.done()) {
    auto opt = cli.next_option();
    if (opt == "--port")
      opts.port = static_cast<uint16_t>(cli.integer(1, 65535));
    else if (opt == "--partitions")
      opts.partitions = static_cast<int>(cli.integer(1, 10000));
    else if (opt == "--topic") {
      opts.topic = cli.value();
      if (opts.topic.empty())
        cli.fail("needs a topic name");
    } else if (opt == "--brokers")
      opts.brokers = static_cast<int>(cli.integer(1, 100));
    else
      cli.unknown("broker");
  }
  // Block the signals before librdkafka starts its threads, so they inherit
  // the mask and only sigwait() below ever sees them.
  sigset_t signals;
  sigemptyset(&signals);
  for (int s : {SIGINT, SIGTERM, SIGUSR1, SIGUSR2, SIGPIPE})
    sigaddset(&signals, s);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);
  auto broker = embedded_broker::start(opts);
  if (!broker) {
    std::cerr << "crashwatch broker: " << render(broker.error()) << '\n';
    return 1;
  }
  // The address is the second word: scripts read it with awk '{print $2}'.
  std::cout << "crashwatch-broker: " << (*broker)->bootstraps() << " topic "
            << opts.topic << ", " << opts.partitions << " partitions"
            << std::endl;
  if (opts.port != 0)
    std::cerr << "crashwatch broker: mock brokers at "
              << (*broker)->mock_bootstraps() << '\n';
  for (;;) {
    int sig = 0;
    if (sigwait(&signals, &sig) != 0)
      continue;
    if (sig == SIGUSR1) {
      if (auto err = (*broker)->set_down())
        std::cerr << "crashwatch broker: " << render(err) << '\n';
      else
        std::cerr << "crashwatch broker: SIGUSR1: all brokers down\n";
    } else if (sig == SIGUSR2) {
      if (auto err = (*broker)->set_up())
        std::cerr << "crashwatch broker: " << render(err) << '\n';
      else
        std::cerr << "crashwatch broker: SIGUSR2: all brokers up\n";
    } else if (sig == SIGINT || sig == SIGTERM) {
      std::cerr << "crashwatch broker: "
                << (sig == SIGINT ? "SIGINT" : "SIGTERM") << ": stopping\n";
      break;
    }
  }
  broker->reset();
  return 0;
}

} // namespace crashwatch
