// One line on stderr per kind of refusal and peer host: a peer that sends
// garbage, announces a huge message, cuts a message short, fails the TLS
// handshake or floods the cluster port is refused every time, but named
// once, so that a flood cannot flood the log. Every refusal is counted.
// Shared by the connections of a node (cluster/guarded_scribe, the
// transport's doorman), which run on CAF's multiplexer thread, and the
// connecting middleman actor: thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <utility>

namespace crashwatch {

class refusal_log {
 public:
  using sink = std::function<void(const std::string& line)>;

  /// Lines start with `prefix` ("crashwatch node a1: ") and go to `out`
  /// (stderr when empty). At most `max_named` (host, kind) pairs are
  /// named; after that, one line says that further ones are not.
  explicit refusal_log(std::string prefix, sink out = {},
                       size_t max_named = 100);

  /// The connection from or to `peer` ("10.0.0.5:51234") is refused for
  /// `why`; `kind` groups refusals for the once-per-host rule ("oversized",
  /// "tls certificate verify failed", "flood", ...).
  void refuse(const std::string& peer, const std::string& kind,
              const std::string& why);

  /// Connections refused so far.
  uint64_t refused() const;

 private:
  std::string prefix_;
  sink out_;
  size_t max_named_;
  mutable std::mutex mtx_;
  std::set<std::pair<std::string, std::string>> named_;
  bool capped_ = false;
  uint64_t refused_ = 0;
};

/// "10.0.0.5" of "10.0.0.5:51234" ("::1" of "[::1]:51234").
std::string host_of_peer(const std::string& peer);

} // namespace crashwatch
