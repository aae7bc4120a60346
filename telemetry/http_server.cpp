#include "telemetry/http_server.hpp"

#include <chrono>
#include <future>

#include <CivetServer.h>
#include <civetweb.h>

#include <caf/scoped_actor.hpp>

#include "core/error.hpp"

namespace crashwatch {

namespace {

/// Longest a request waits for the telemetry actor.
constexpr auto answer_timeout = std::chrono::seconds(2);

/// 200 with `body` (CivetWeb writes the status line and headers, no-cache
/// ones included).
void reply(mg_connection* conn, const char* type, const std::string& body) {
  mg_send_http_ok(conn, type, static_cast<long long>(body.size()));
  mg_write(conn, body.data(), body.size());
}

/// Asks the telemetry actor for `what` and answers with it.
template <class Atom>
class ask_handler : public CivetHandler {
 public:
  ask_handler(caf::actor_system& sys, telemetry_actor telemetry,
              const char* type)
      : sys_(sys), telemetry_(std::move(telemetry)), type_(type) {}

  bool handleGet(CivetServer*, mg_connection* conn) override {
    caf::scoped_actor self{sys_};
    std::string body;
    caf::error failed;
    self->request(telemetry_, answer_timeout, Atom{})
        .receive([&](std::string& text) { body = std::move(text); },
                 [&](caf::error& err) { failed = std::move(err); });
    if (failed)
      mg_send_http_error(conn, 503, "telemetry unavailable: %s\n",
                         render(failed).c_str());
    else
      reply(conn, type_, body);
    return true;
  }

 private:
  caf::actor_system& sys_;
  telemetry_actor telemetry_;
  const char* type_;
};

class page_handler : public CivetHandler {
 public:
  bool handleGet(CivetServer*, mg_connection* conn) override {
    reply(conn, "text/html; charset=utf-8", live_page());
    return true;
  }
};

} // namespace

struct http_server::handlers {
  handlers(caf::actor_system& sys, const telemetry_actor& t)
      : metrics(sys, t, "text/plain; version=0.0.4; charset=utf-8"),
        status(sys, t, "application/json") {}
  ask_handler<atom::metrics> metrics;
  ask_handler<atom::status> status;
  page_handler page;
};

caf::expected<std::unique_ptr<http_server>>
http_server::start(caf::actor_system& sys, telemetry_actor telemetry,
                   const std::string& host, uint16_t port) {
  std::unique_ptr<http_server> s{new http_server};
  s->handlers_ = std::make_unique<handlers>(sys, telemetry);
  auto where = host + ":" + std::to_string(port);
  std::vector<std::string> options{"listening_ports", where, "num_threads",
                                   "2"};
  try {
    s->server_ = std::make_unique<CivetServer>(options);
  } catch (const CivetException& e) {
    return make_error(ec::config_error,
                      "--metrics " + where + ": cannot listen (" + e.what()
                          + "; another process uses the port?)");
  }
  auto ports = s->server_->getListeningPorts();
  s->port_ = ports.empty() ? port : static_cast<uint16_t>(ports.front());
  s->wake_host_ = host == "0.0.0.0" ? "127.0.0.1" : host;
  s->server_->addHandler("/metrics", s->handlers_->metrics);
  s->server_->addHandler("/status", s->handlers_->status);
  s->server_->addHandler("/", s->handlers_->page);
  return s;
}

http_server::~http_server() {
  if (!server_)
    return;
  // CivetWeb's master thread polls its listening sockets for 2 s at a time
  // before it sees the stop flag: connections of our own wake it until it
  // has stopped, so that a run does not end 2 s late.
  // A future, not a flag: the wait ends the moment the server has stopped
  // (a fixed sleep between wake-ups made every run end that much later).
  auto stopped = std::async(std::launch::async, [this] { server_->close(); });
  while (stopped.wait_for(std::chrono::milliseconds(0))
         != std::future_status::ready) {
    char err[128] = {0};
    auto* wake
        = mg_connect_client(wake_host_.c_str(), port_, 0, err, sizeof err);
    if (wake != nullptr)
      mg_close_connection(wake);
    stopped.wait_for(std::chrono::milliseconds(2));
  }
  stopped.get();
}

} // namespace crashwatch
