// `--tls-cert`, `--tls-key`, `--tls-ca` of `crashwatch node`: the node's
// certificate (PEM, may hold its chain), its private key (PEM, not
// encrypted) and the CA that signs every node's certificate. With them,
// every cluster connection is TLS and both ends show a certificate the CA
// signed (CAF's OpenSSL module does the handshake, cluster/transport uses
// it). check_tls_files() finds what would otherwise only fail at the first
// connection, deep in the multiplexer: a missing or unreadable file, a key
// that does not belong to the certificate, a certificate the CA did not
// sign or that has expired.
#pragma once

#include <string>

#include <caf/fwd.hpp>

namespace crashwatch {

struct tls_files {
  std::string cert;
  std::string key;
  std::string ca;

  bool enabled() const { return !cert.empty(); }
};

/// "" when the files make a working TLS identity, else one line naming
/// the file and what is wrong with it.
std::string check_tls_files(const tls_files& files);

/// Loads CAF's OpenSSL module with `files` (nothing when not enabled).
/// Before the actor system is made from `cfg`.
void configure_tls(caf::actor_system_config& cfg, const tls_files& files);

} // namespace crashwatch
