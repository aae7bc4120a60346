#include "cluster/transport.hpp"

#include <unistd.h>

#include <deque>
#include <utility>

#include <caf/io/basp_broker.hpp>
#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor_impl.hpp>
#include <caf/io/network/doorman_impl.hpp>
#include <caf/io/network/interfaces.hpp>
#include <caf/openssl/session.hpp>
#include <caf/scoped_actor.hpp>

#include "cluster/guarded_scribe.hpp"
#include "cluster/node_address.hpp"
#include "cluster/transport_policies.hpp"
#include "core/error.hpp"

namespace crashwatch {

namespace {

using caf::io::network::default_multiplexer;
using caf::io::network::native_socket;
using clock_type = std::chrono::steady_clock;

/// What every connection of the transport shares.
struct transport_core {
  caf::actor_system& sys;
  transport_settings settings;
  std::shared_ptr<refusal_log> log;

  /// A guarded scribe on `fd` (nullptr when no TLS session can be made).
  caf::io::scribe_ptr make_scribe(default_multiplexer& mpx, native_socket fd,
                                  connection_side side) const {
    caf::io::network::nonblocking(fd, true);
    if (!settings.tls.enabled()) {
      return caf::make_counted<guarded_scribe<plain_policy>>(
          mpx, fd, side, settings.limits, log);
    }
    auto session = caf::openssl::make_session(
        sys, fd, side == connection_side::accepted);
    if (!session) {
      auto why = take_openssl_errors();
      if (why.empty())
        why = "the peer closed the connection";
      log->refuse(peer_of(fd), "tls " + why,
                  "TLS handshake failed: " + why + tls_hint(why));
      return nullptr;
    }
    return caf::make_counted<guarded_scribe<tls_policy>>(
        mpx, fd, side, settings.limits, log, std::move(session));
  }
};

/// The listening socket: hands each accepted connection to the broker as a
/// guarded scribe, unless there are too many.
class guarded_doorman final : public caf::io::network::doorman_impl {
 public:
  guarded_doorman(default_multiplexer& mpx, native_socket fd,
                  std::shared_ptr<const transport_core> core)
      : caf::io::network::doorman_impl(mpx, fd), core_(std::move(core)) {}

  bool new_connection() override {
    if (detached())
      return false;
    auto& mpx = acceptor_.backend();
    auto fd = acceptor_.accepted_socket();
    auto& s = core_->settings;
    auto pending = sweep();
    if (pending >= s.max_pending || open_.size() >= s.max_connections) {
      core_->log->refuse(
          peer_of(fd), "flood",
          pending >= s.max_pending
              ? std::to_string(pending)
                    + " connections have not completed their handshake "
                      "(a flood?): this one is closed at once"
              : std::to_string(open_.size())
                    + " cluster connections are open (a flood?): this one "
                      "is closed at once");
      ::close(fd);
      return false;
    }
    auto scribe = core_->make_scribe(mpx, fd, connection_side::accepted);
    if (!scribe) {
      ::close(fd);
      return false;
    }
    open_.push_back({clock_type::now(), scribe});
    auto hdl = scribe->hdl();
    parent()->add_scribe(std::move(scribe));
    return doorman::new_connection(&mpx, hdl);
  }

 private:
  struct accepted {
    clock_type::time_point at;
    caf::io::scribe_ptr scribe;

    guarded_connection& connection() const {
      return dynamic_cast<guarded_connection&>(*scribe);
    }
  };

  /// Forgets closed connections and closes those whose handshake is
  /// overdue; the number still waiting for their handshake.
  size_t sweep() {
    auto now = clock_type::now();
    auto& s = core_->settings;
    size_t pending = 0;
    for (auto i = open_.begin(); i != open_.end();) {
      auto& conn = i->connection();
      if (!conn.closed() && !conn.established()) {
        if (now - i->at < s.handshake_timeout) {
          ++pending;
        } else {
          conn.refuse("handshake",
                      "no handshake within "
                          + std::to_string(s.handshake_timeout.count())
                          + " ms");
        }
      }
      if (conn.closed())
        i = open_.erase(i);
      else
        ++i;
    }
    return pending;
  }

  std::shared_ptr<const transport_core> core_;
  std::deque<accepted> open_;
};

/// CAF's middleman actor, making guarded connections.
class guarded_middleman final : public caf::io::middleman_actor_impl {
 public:
  guarded_middleman(caf::actor_config& cfg, caf::actor broker,
                    std::shared_ptr<const transport_core> core)
      : caf::io::middleman_actor_impl(cfg, std::move(broker)),
        core_(std::move(core)) {}

  const char* name() const override { return "crashwatch_middleman"; }

 protected:
  caf::expected<caf::io::scribe_ptr> connect(const std::string& host,
                                             uint16_t port) override {
    auto fd = caf::io::network::new_tcp_connection(host, port);
    if (!fd)
      return std::move(fd.error());
    auto scribe = core_->make_scribe(mpx(), *fd, connection_side::connected);
    if (!scribe) {
      ::close(*fd);
      return make_error(ec::input_error, "TLS handshake with " + host + ":"
                                             + std::to_string(port)
                                             + " failed");
    }
    return scribe;
  }

  caf::expected<caf::io::doorman_ptr> open(uint16_t port, const char* addr,
                                           bool reuse) override {
    auto fd = caf::io::network::new_tcp_acceptor_impl(port, addr, reuse);
    if (!fd)
      return std::move(fd.error());
    return caf::make_counted<guarded_doorman>(mpx(), *fd, core_);
  }

 private:
  default_multiplexer& mpx() {
    return static_cast<default_multiplexer&>(system().middleman().backend());
  }

  std::shared_ptr<const transport_core> core_;
};

} // namespace

std::string peer_of(native_socket fd) {
  auto addr = caf::io::network::remote_addr_of_fd(fd);
  auto port = caf::io::network::remote_port_of_fd(fd);
  if (!addr)
    return {};
  auto host = addr->find(':') != std::string::npos ? "[" + *addr + "]" : *addr;
  return port ? host + ":" + std::to_string(*port) : host;
}

cluster_transport::cluster_transport(caf::actor_system& sys,
                                     transport_settings settings)
    : sys_(sys), log_(std::make_shared<refusal_log>(settings.log_prefix,
                                                    settings.log_sink)) {
  auto core = std::make_shared<const transport_core>(
      transport_core{sys, std::move(settings), log_});
  auto broker
      = sys.middleman().named_broker<caf::io::basp_broker>(caf::atom("BASP"));
  handle_ = sys.spawn<guarded_middleman, caf::detached + caf::hidden>(
      std::move(broker), std::move(core));
}

cluster_transport::~cluster_transport() {
  caf::scoped_actor self{sys_, true};
  self->send_exit(handle_, caf::exit_reason::kill);
  self->wait_for(handle_);
}

caf::expected<uint16_t> cluster_transport::publish(caf::strong_actor_ptr whom,
                                                   std::set<std::string> sigs,
                                                   const node_address& listen) {
  caf::scoped_actor self{sys_};
  caf::expected<uint16_t> result = caf::error{};
  auto host = is_wildcard_host(listen.host) ? std::string{} : listen.host;
  self->request(handle_, caf::infinite, caf::publish_atom_v, listen.port,
                std::move(whom), std::move(sigs), std::move(host), true)
      .receive([&](uint16_t port) { result = port; },
               [&](caf::error& err) { result = std::move(err); });
  return result;
}

void cluster_transport::unpublish(caf::actor_addr whom, uint16_t port) {
  caf::scoped_actor self{sys_};
  self->request(handle_, caf::infinite, caf::unpublish_atom_v, std::move(whom),
                port)
      .receive([] {}, [](caf::error&) {});
}

} // namespace crashwatch
