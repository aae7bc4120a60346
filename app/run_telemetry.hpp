// `--metrics HOST:PORT` for a process (docs/TELEMETRY.md): spawns the
// telemetry actor and starts the HTTP server, which stay until the object
// goes. Prints where on stderr.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "app/run_options.hpp"
#include "core/input_settings.hpp"
#include "telemetry/http_server.hpp"
#include "telemetry/telemetry_actor.hpp"

namespace crashwatch {

struct run_telemetry {
  telemetry_actor actor;
  std::unique_ptr<http_server> server;

  ~run_telemetry();
};

/// Null when `opts` has no --metrics; an error when the port cannot be
/// had. `who` prefixes the stderr line ("crashwatch", "crashwatch node c").
caf::expected<std::unique_ptr<run_telemetry>> start_telemetry(
    caf::actor_system& sys, const run_options& opts, process_identity identity,
    const std::vector<partition_plan>& partitions, const std::string& who);

} // namespace crashwatch
