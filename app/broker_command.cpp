// `crashwatch broker`: an embedded Kafka broker (librdkafka's mock cluster)
// for development, demos and tests. Prints one line with its address, then
// serves until SIGINT or SIGTERM; SIGUSR1/SIGUSR2 take its brokers down/up.
// --listen/--advertise (with --port) make it reachable from other hosts.
#include <csignal>
#include <cstdio>
#include <iostream>
#include <memory>
#include <pthread.h>
#include <string>

#include "app/cli_options.hpp"
#include "app/commands.hpp"
#include "cluster/node_address.hpp"
#include "core/error.hpp"
#include "io/embedded_broker.hpp"

namespace crashwatch {

void add_broker_options(CLI::App& cmd, embedded_broker_options& opts) {
  add_integer(cmd, "--port", opts.port, 1, 65535,
              "fixed ports: broker i at HOST:P+i-1, broker 1's is the "
              "bootstrap address (default: the mock's ephemeral ports on "
              "127.0.0.1)",
              "P")
      ->default_str("");
  add_text(cmd, "--listen", opts.listen, "HOST",
           "address the fixed ports are bound on; 0.0.0.0 = every interface "
           "(needs --port)",
           not_empty_check("needs an address"))
      ->default_str(opts.listen);
  add_text(cmd, "--advertise", opts.advertise, "HOST",
           "host name or address clients are told to connect to (needs "
           "--port; default: the --listen address)",
           not_empty_check("needs a host name or address"));
  add_integer(cmd, "--partitions", opts.partitions, 1, 10000,
              "partitions of the topic");
  add_text(cmd, "--topic", opts.topic, "NAME", "topic to create",
           not_empty_check("needs a topic name"));
  add_integer(cmd, "--brokers", opts.brokers, 1, 100, "brokers in the cluster");
  add_texts(cmd, "--leaderless-topic", opts.leaderless_topics, "NAME",
            "also create topic NAME (1 partition) without a leader: whatever "
            "is produced to it times out (failure tests); repeatable",
            not_empty_check("needs a topic name"));
}

void validate_broker_options(const CLI::App& cmd,
                             embedded_broker_options& opts) {
  bool listen = cmd.count("--listen") > 0;
  bool advertise = cmd.count("--advertise") > 0;
  if (opts.port == 0 && (listen || advertise))
    throw usage_error(std::string{listen ? "--listen" : "--advertise"}
                      + " needs --port (without it, the brokers are only on "
                        "the mock's ephemeral ports on 127.0.0.1)");
  if (!advertise && is_wildcard_host(opts.listen))
    throw usage_error("--advertise is required with --listen " + opts.listen
                      + " (clients need a host name or address that reaches "
                        "this broker)");
  if (opts.port != 0 && opts.port + opts.brokers - 1 > 65535)
    throw usage_error("--port " + std::to_string(opts.port) + " with --brokers "
                      + std::to_string(opts.brokers) + " needs ports up to "
                      + std::to_string(opts.port + opts.brokers - 1)
                      + " (at most 65535)");
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
    std::cerr << "crashwatch broker: brokers 1.." << opts.brokers << " on "
              << opts.listen << ":" << opts.port << ".."
              << opts.port + opts.brokers - 1 << ", advertised as "
              << (*broker)->advertised_host() << "; mock brokers at "
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
      "  crashwatch-broker: HOST:PORT topic TOPIC, N partitions\n"
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
  * with --port P, broker i is served at P+i-1 by a forwarder that rewrites
    the broker addresses in the metadata clients receive to ADVERTISE:P+i-1;
    without --port, the brokers are on ephemeral ports on 127.0.0.1 only

Reachable from other hosts or containers (docker compose service "broker"):
  crashwatch broker --port 9092 --listen 0.0.0.0 --advertise broker
(clients use --brokers broker:9092; with --brokers N, ports 9092..9092+N-1
must be reachable too). See docs/BROKER.md.)");
  auto opts = std::make_shared<embedded_broker_options>();
  add_broker_options(cmd, *opts);
  return [&cmd, opts] {
    validate_broker_options(cmd, *opts);
    return execute_broker(*opts);
  };
}

} // namespace crashwatch
