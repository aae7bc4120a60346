// The settings of a node's cluster connections (cluster/transport) from
// its options: TLS files, --node-timeout as the handshake deadline, and
// refusals logged as the node's other lines are ("crashwatch node ID: ...").
#pragma once

#include "app/node_options.hpp"
#include "cluster/transport.hpp"

namespace crashwatch {

transport_settings transport_settings_of(const node_options& opts);

} // namespace crashwatch
