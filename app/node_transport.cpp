#include "app/node_transport.hpp"

#include <algorithm>
#include <chrono>

namespace crashwatch {

transport_settings transport_settings_of(const node_options& opts) {
  transport_settings s;
  s.tls = opts.tls;
  s.log_prefix = "crashwatch node " + opts.node_id + ": ";
  // A connection that has not shown its handshake after --node-timeout is
  // as silent as a lost node (at least 1 s: a TLS handshake on a busy
  // machine).
  s.handshake_timeout = std::chrono::milliseconds{
      std::max<int64_t>(opts.node_timeout_ms, 1000)};
  return s;
}

} // namespace crashwatch
