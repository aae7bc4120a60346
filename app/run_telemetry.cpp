#include "app/run_telemetry.hpp"

#include <iostream>

#include <caf/send.hpp>

#include "core/wall_clock.hpp"

namespace crashwatch {

run_telemetry::~run_telemetry() {
  server.reset();
  caf::anon_send_exit(actor, caf::exit_reason::user_shutdown);
}

caf::expected<std::unique_ptr<run_telemetry>> start_telemetry(
    caf::actor_system& sys, const run_options& opts, process_identity identity,
    const std::vector<partition_plan>& partitions, const std::string& who) {
  if (opts.metrics_host.empty())
    return std::unique_ptr<run_telemetry>{};
  telemetry_state initial;
  identity.started_at_ms = wall_clock_ms();
  initial.process = std::move(identity);
  for (auto& p : partitions)
    initial.sources[p.id.value] = p.source;
  initial.durable = !opts.data_dir.empty();
  auto t = std::make_unique<run_telemetry>();
  t->actor = sys.spawn(telemetry, std::move(initial));
  auto server
      = http_server::start(sys, t->actor, opts.metrics_host, opts.metrics_port);
  if (!server)
    return std::move(server.error());
  t->server = std::move(*server);
  std::cerr << who << ": metrics, status and the live page on http://"
            << opts.metrics_host << ":" << t->server->port() << "/\n";
  return t;
}

} // namespace crashwatch
