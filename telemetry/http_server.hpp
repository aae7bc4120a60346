// The HTTP side of --metrics HOST:PORT (docs/TELEMETRY.md), on CivetWeb:
//   /metrics  Prometheus text (telemetry/metrics_text, via prometheus-cpp)
//   /status   one JSON document (telemetry/status_json)
//   /         the live page (telemetry/page/index.html, served as is)
// Each request asks the telemetry actor, with a deadline, from CivetWeb's
// own threads; nothing of the pipeline waits for a scrape.
#pragma once

#include <memory>
#include <string>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "telemetry/telemetry_actor.hpp"

class CivetServer;

namespace crashwatch {

class http_server {
 public:
  /// Listens on host:port (port 0: any free one); a clear error when it
  /// cannot.
  static caf::expected<std::unique_ptr<http_server>>
  start(caf::actor_system& sys, telemetry_actor telemetry,
        const std::string& host, uint16_t port);

  ~http_server();

  /// The port it listens on.
  uint16_t port() const { return port_; }

 private:
  struct handlers;
  http_server() = default;
  std::unique_ptr<handlers> handlers_;
  std::unique_ptr<CivetServer> server_;
  uint16_t port_ = 0;
  /// Where the destructor connects to wake CivetWeb's master thread.
  std::string wake_host_;
};

/// The live page (telemetry/page/index.html, embedded at build time).
const std::string& live_page();

} // namespace crashwatch
