// `crashwatch broker`: an embedded Kafka broker (librdkafka's mock cluster)
// for development, demos and tests. Prints one line with its address, then
// serves until SIGINT or SIGTERM; SIGUSR1/SIGUSR2 take its brokers down/up.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <pthread.h>
#include <string>

#include "app/cli_options.hpp"
#include "app/commands.hpp"
#include "core/error.hpp"
#include "io/embedded_broker.hpp"

namespace crashwatch {

void add_broker_options(CLI::App& cmd, embedded_broker_options& opts) {
  add_integer(cmd, "--port", opts.port, 1, 65535,
              "bootstrap port on 127.0.0.1 (default: an ephemeral port)", "P")
      ->default_str("");
  add_integer(cmd, "--partitions", opts.partitions, 1, 10000,
              "partitions of the topic");
  add_text(cmd, "--topic", opts.topic, "NAME", "topic to create",
           not_empty_check("needs a topic name"));
  add_integer(cmd, "--brokers", opts.brokers, 1, 100, "brokers in the cluster");
}

int execute_broker(const embedded_broker_options& opts) {
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

command_action setup_broker_command(CLI::App& cmd) {
  cmd.description(
      "an embedded Kafka broker for development and tests\n\n"
      "Runs an embedded Kafka broker and prints one line on stdout:\n"
      "  crashwatch-broker: 127.0.0.1:PORT topic TOPIC, N partitions\n"
      "(the second word is the address for --brokers). Runs until "
      "SIGINT/SIGTERM.");
  cmd.footer(R"(Signals (failure injection):
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
See docs/BROKER.md.)");
  auto opts = std::make_shared<embedded_broker_options>();
  add_broker_options(cmd, *opts);
  return [opts] { return execute_broker(*opts); };
}

} // namespace crashwatch
