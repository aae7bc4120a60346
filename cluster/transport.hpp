// How a node makes its cluster connections: its own instance of CAF's
// middleman actor (the one that publishes actors and connects to peers),
// whose connections are cluster/guarded_scribes and whose listening socket
// refuses floods. Every cluster connection of a node goes through it (the
// door, the node actor, joining, peers), never through CAF's default
// middleman actor, so every connection is checked, and with --tls-cert,
// --tls-key and --tls-ca every connection is TLS with certificates on both
// sides (CAF's OpenSSL module, libcaf_openssl): a peer whose certificate is
// not signed by the CA, or that has none, is refused.
//
// On the listening side, an accepted connection must complete its BASP
// handshake within `handshake_timeout`; at most `max_pending` may be
// waiting for it and `max_connections` be open at once: more are closed at
// once and named in the log (a flood cannot exhaust the node's file
// descriptors or memory, and real peers still get in once it is over).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/io/middleman_actor.hpp>

#include "cluster/frame_guard.hpp"
#include "cluster/refusal_log.hpp"
#include "cluster/tls_files.hpp"
#include "messages/cluster.hpp"

namespace crashwatch {

struct transport_settings {
  tls_files tls;
  frame_limits limits;
  /// Accepted connections that have not completed their handshake: more
  /// are refused.
  size_t max_pending = 64;
  /// Accepted connections open at once: more are refused.
  size_t max_connections = 512;
  /// An accepted connection without a complete handshake after this long
  /// is closed (when the next connection arrives).
  std::chrono::milliseconds handshake_timeout{10'000};
  /// Starts every log line ("crashwatch node a1: ").
  std::string log_prefix;
  /// Where refusals are logged (stderr when empty; tests capture them).
  refusal_log::sink log_sink;
};

class cluster_transport {
 public:
  /// Spawns the middleman actor on `sys`, which configure_cluster() set up
  /// (with the same TLS files).
  cluster_transport(caf::actor_system& sys, transport_settings settings);

  /// Stops the middleman actor and waits for it.
  ~cluster_transport();

  cluster_transport(const cluster_transport&) = delete;
  cluster_transport& operator=(const cluster_transport&) = delete;

  /// Where to send `connect_atom` (and what else CAF's middleman actor
  /// answers).
  const caf::io::middleman_actor& handle() const { return handle_; }

  /// Publishes `whom` at `listen` (a wildcard host: every interface); the
  /// port bound (the one the OS picked for port 0).
  template <class Handle>
  caf::expected<uint16_t> publish(const Handle& whom,
                                  const node_address& listen) {
    return publish(caf::actor_cast<caf::strong_actor_ptr>(whom),
                   sys_.message_types<Handle>(), listen);
  }

  /// Closes the port `whom` is published at.
  template <class Handle>
  void unpublish(const Handle& whom, uint16_t port) {
    unpublish(caf::actor_cast<caf::actor_addr>(whom), port);
  }

  /// The connections refused so far, and their log.
  const refusal_log& refusals() const { return *log_; }

 private:
  caf::expected<uint16_t> publish(caf::strong_actor_ptr whom,
                                  std::set<std::string> sigs,
                                  const node_address& listen);
  void unpublish(caf::actor_addr whom, uint16_t port);

  caf::actor_system& sys_;
  std::shared_ptr<refusal_log> log_;
  caf::io::middleman_actor handle_;
};

} // namespace crashwatch
