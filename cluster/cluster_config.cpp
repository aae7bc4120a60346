#include "cluster/cluster_config.hpp"

#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/timespan.hpp>

namespace crashwatch {

void configure_cluster(caf::actor_system_config& cfg,
                       std::chrono::milliseconds node_timeout,
                       const tls_files& tls) {
  cfg.load<caf::io::middleman>();
  configure_tls(cfg, tls);
  // Measured with CAF 0.17.6 (heartbeat 500 ms, timeout 2 s): a cut link is
  // noticed after 2.0-2.3 s, so about the timeout plus one heartbeat.
  cfg.set("middleman.heartbeat-interval",
          caf::timespan{
              std::chrono::duration_cast<caf::timespan>(node_timeout / 5)});
  cfg.set(
      "middleman.connection-timeout",
      caf::timespan{std::chrono::duration_cast<caf::timespan>(node_timeout)});
}

} // namespace crashwatch
