// The actor-system settings of a cluster node, on top of
// configure_actor_system(): CAF's middleman (remote actors over TCP, BASP)
// with heartbeats, so that a peer that hangs or is cut off is noticed, not
// only one that died. Every node must use the same --node-timeout: a
// timeout on one side without heartbeats on the other makes healthy idle
// connections flap (docs/CAF-REMOTE facts in docs/CLUSTER.md).
#pragma once

#include <chrono>

#include <caf/fwd.hpp>

#include "cluster/tls_files.hpp"

namespace crashwatch {

/// `--node-timeout` default: a peer silent this long is taken for gone.
constexpr auto default_node_timeout = std::chrono::seconds(5);

/// Loads the middleman; heartbeats every node_timeout / 5, a connection
/// silent for node_timeout is closed (its actors' monitors fire). With
/// `tls` enabled, loads CAF's OpenSSL module with it (cluster/transport
/// then makes every connection TLS).
void configure_cluster(caf::actor_system_config& cfg,
                       std::chrono::milliseconds node_timeout,
                       const tls_files& tls);

} // namespace crashwatch
