#include "io/embedded_broker.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <condition_variable>
#include <cstring>
#include <fcntl.h>
#include <mutex>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "core/error.hpp"

namespace crashwatch {

namespace {

/// Writes all of `size` bytes; false when the peer is gone.
bool send_all(int fd, const char* data, size_t size) {
  while (size > 0) {
    auto n = ::send(fd, data, size, MSG_NOSIGNAL);
    if (n < 0) {
      if (errno == EINTR)
        continue;
      return false;
    }
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

/// Splits "host:port" (the first entry of a comma-separated list).
bool split_address(const std::string& list, std::string& host, uint16_t& port) {
  auto first = list.substr(0, list.find(','));
  auto colon = first.rfind(':');
  if (colon == std::string::npos)
    return false;
  host = first.substr(0, colon);
  auto p = std::strtol(first.c_str() + colon + 1, nullptr, 10);
  if (p <= 0 || p > 65535)
    return false;
  port = static_cast<uint16_t>(p);
  return true;
}

/// Silences librdkafka's log lines of the handle that owns the mock: it has
/// no bootstrap servers on purpose, and says so at warning level.
void quiet_log(const rd_kafka_t*, int, const char*, const char*) {}

} // namespace

/// Relays each connection accepted on 127.0.0.1:port to one target address,
/// a thread per connection (there are few: clients only bootstrap here).
class tcp_forwarder {
 public:
  /// Binds and listens; the error names the port when it is taken.
  static caf::expected<std::unique_ptr<tcp_forwarder>>
  start(uint16_t port, std::string target_host, uint16_t target_port) {
    std::unique_ptr<tcp_forwarder> fw{new tcp_forwarder};
    fw->target_host_ = std::move(target_host);
    fw->target_port_ = target_port;
    fw->listen_fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fw->listen_fd_ < 0)
      return make_error(ec::config_error, std::string{"cannot create socket: "}
                                              + std::strerror(errno));
    int one = 1;
    // SO_REUSEADDR lets a restarted broker take its port back at once
    // (connections of the last run in TIME_WAIT); a live listener still
    // makes bind() fail with EADDRINUSE.
    ::setsockopt(fw->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (::bind(fw->listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr)
        != 0) {
      auto err = errno;
      return make_error(ec::config_error,
                        "cannot listen on 127.0.0.1:" + std::to_string(port)
                            + ": " + std::strerror(err)
                            + (err == EADDRINUSE
                                   ? " (another process uses the port; pick "
                                     "another --port, or omit it)"
                                   : ""));
    }
    if (::listen(fw->listen_fd_, 64) != 0)
      return make_error(ec::config_error,
                        "cannot listen on 127.0.0.1:" + std::to_string(port)
                            + ": " + std::strerror(errno));
    fw->stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (fw->stop_fd_ < 0)
      return make_error(ec::config_error, std::string{"cannot create eventfd: "}
                                              + std::strerror(errno));
    auto* self = fw.get();
    fw->accept_thread_ = std::thread{[self] { self->accept_loop(); }};
    return fw;
  }

  ~tcp_forwarder() {
    if (stop_fd_ >= 0) {
      uint64_t one = 1;
      [[maybe_unused]] auto n = ::write(stop_fd_, &one, sizeof one);
    }
    if (accept_thread_.joinable())
      accept_thread_.join();
    {
      // Connection threads hold `this`: wait until the last one is gone.
      std::unique_lock<std::mutex> lock{mutex_};
      idle_.wait(lock, [this] { return connections_ == 0; });
    }
    if (listen_fd_ >= 0)
      ::close(listen_fd_);
    if (stop_fd_ >= 0)
      ::close(stop_fd_);
  }

 private:
  tcp_forwarder() = default;

  void accept_loop() {
    for (;;) {
      pollfd fds[2] = {{listen_fd_, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      if (::poll(fds, 2, -1) < 0) {
        if (errno == EINTR)
          continue;
        return;
      }
      if (fds[1].revents != 0)
        return;
      if ((fds[0].revents & POLLIN) == 0)
        continue;
      int client = ::accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
      if (client < 0)
        continue;
      int upstream = connect_upstream();
      if (upstream < 0) {
        // The mock refuses while down: the client sees a closed connection,
        // as it would from a broker that is down.
        ::close(client);
        continue;
      }
      {
        std::lock_guard<std::mutex> guard{mutex_};
        ++connections_;
      }
      std::thread{[this, client, upstream] {
        relay(client, upstream);
        ::close(client);
        ::close(upstream);
        std::lock_guard<std::mutex> guard{mutex_};
        if (--connections_ == 0)
          idle_.notify_all();
      }}.detach();
    }
  }

  int connect_upstream() {
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
      return -1;
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(target_port_);
    if (::inet_pton(AF_INET, target_host_.c_str(), &addr.sin_addr) != 1
        || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr)
               != 0) {
      ::close(fd);
      return -1;
    }
    int one = 1;
    ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    return fd;
  }

  /// Copies both ways until either side closes or the forwarder stops.
  void relay(int a, int b) {
    int one = 1;
    ::setsockopt(a, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
    char buf[64 * 1024];
    for (;;) {
      pollfd fds[3] = {{a, POLLIN, 0}, {b, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
      if (::poll(fds, 3, -1) < 0) {
        if (errno == EINTR)
          continue;
        return;
      }
      if (fds[2].revents != 0)
        return;
      for (int i = 0; i < 2; ++i) {
        if (fds[i].revents == 0)
          continue;
        auto n = ::recv(fds[i].fd, buf, sizeof buf, 0);
        if (n < 0 && errno == EINTR)
          continue;
        if (n <= 0 || !send_all(fds[1 - i].fd, buf, static_cast<size_t>(n)))
          return;
      }
    }
  }

  std::string target_host_;
  uint16_t target_port_ = 0;
  int listen_fd_ = -1;
  /// Readable once the forwarder stops; every thread polls it.
  int stop_fd_ = -1;
  std::thread accept_thread_;
  std::mutex mutex_;
  std::condition_variable idle_;
  int connections_ = 0;
};

caf::expected<std::unique_ptr<embedded_broker>>
embedded_broker::start(const embedded_broker_options& options) {
  if (options.brokers < 1 || options.partitions < 1 || options.topic.empty())
    return make_error(ec::config_error,
                      "embedded broker needs at least one broker, one "
                      "partition and a topic name");
  std::unique_ptr<embedded_broker> broker{new embedded_broker};
  broker->options_ = options;
  char errstr[512];
  auto* conf = rd_kafka_conf_new();
  rd_kafka_conf_set_log_cb(conf, quiet_log);
  broker->owner_ = rd_kafka_new(RD_KAFKA_PRODUCER, conf, errstr, sizeof errstr);
  if (broker->owner_ == nullptr) {
    rd_kafka_conf_destroy(conf);
    return make_error(ec::config_error,
                      std::string{"cannot create the mock cluster's handle: "}
                          + errstr);
  }
  broker->cluster_ = rd_kafka_mock_cluster_new(broker->owner_, options.brokers);
  if (broker->cluster_ == nullptr)
    return make_error(ec::config_error,
                      "cannot start librdkafka's mock cluster (no free "
                      "ephemeral port?)");
  if (auto err = broker->create_topic(options.topic, options.partitions))
    return err;
  if (options.port != 0) {
    std::string host;
    uint16_t port = 0;
    if (!split_address(broker->mock_bootstraps(), host, port))
      return make_error(ec::config_error, "unexpected mock cluster address '"
                                              + broker->mock_bootstraps()
                                              + "'");
    auto fw = tcp_forwarder::start(options.port, host, port);
    if (!fw)
      return std::move(fw.error());
    broker->forwarder_ = std::move(*fw);
  }
  return broker;
}

embedded_broker::~embedded_broker() {
  // The forwarder relays to the mock: stop it first.
  forwarder_.reset();
  if (cluster_ != nullptr)
    rd_kafka_mock_cluster_destroy(cluster_);
  if (owner_ != nullptr)
    rd_kafka_destroy(owner_);
}

std::string embedded_broker::mock_bootstraps() const {
  return rd_kafka_mock_cluster_bootstraps(cluster_);
}

std::string embedded_broker::bootstraps() const {
  if (options_.port != 0)
    return "127.0.0.1:" + std::to_string(options_.port);
  return mock_bootstraps();
}

caf::error embedded_broker::create_topic(const std::string& topic,
                                         int partitions) {
  auto err = rd_kafka_mock_topic_create(cluster_, topic.c_str(), partitions, 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return make_error(ec::config_error,
                      "cannot create topic '" + topic
                          + "' on the mock cluster: " + rd_kafka_err2str(err));
  return caf::none;
}

caf::error embedded_broker::set_all(bool up) {
  // The mock numbers its brokers 1..N.
  for (int32_t id = 1; id <= options_.brokers; ++id) {
    auto err = up ? rd_kafka_mock_broker_set_up(cluster_, id)
                  : rd_kafka_mock_broker_set_down(cluster_, id);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
      return make_error(ec::config_error, "cannot set mock broker "
                                              + std::to_string(id)
                                              + (up ? " up: " : " down: ")
                                              + rd_kafka_err2str(err));
  }
  return caf::none;
}

caf::error embedded_broker::set_down() {
  return set_all(false);
}

caf::error embedded_broker::set_up() {
  return set_all(true);
}

} // namespace crashwatch
