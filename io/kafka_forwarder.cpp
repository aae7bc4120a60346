#include "io/kafka_forwarder.hpp"

#include <arpa/inet.h>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>
#include <unordered_map>
#include <utility>

#include "core/error.hpp"
#include "io/kafka_wire_rewrite.hpp"

namespace crashwatch {

namespace {

/// A frame larger than this is taken for garbage: the connection is then
/// relayed byte for byte, unparsed (Kafka's own limit is 100 MiB).
constexpr int32_t max_frame_size = 512 * 1024 * 1024;

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

/// Bytes read from one side, cut into whole frames.
class frame_buffer {
 public:
  void append(const char* data, size_t size) { bytes_.append(data, size); }

  /// The next whole frame (size prefix included); false when incomplete.
  /// Sets `garbage` when the size prefix cannot be a frame's.
  bool next(std::string& frame, bool& garbage) {
    auto available = bytes_.size() - start_;
    if (available < 4)
      return false;
    auto* p = reinterpret_cast<const unsigned char*>(bytes_.data() + start_);
    auto size
        = static_cast<int32_t>((uint32_t{p[0]} << 24) | (uint32_t{p[1]} << 16)
                               | (uint32_t{p[2]} << 8) | p[3]);
    if (size < 0 || size > max_frame_size) {
      garbage = true;
      return false;
    }
    if (available < 4 + static_cast<size_t>(size))
      return false;
    frame.assign(bytes_, start_, 4 + static_cast<size_t>(size));
    start_ += frame.size();
    if (start_ == bytes_.size()) {
      bytes_.clear();
      start_ = 0;
    } else if (start_ > 1024 * 1024) {
      bytes_.erase(0, start_);
      start_ = 0;
    }
    return true;
  }

  /// Whatever is left, unparsed (after garbage).
  std::string rest() {
    auto out = bytes_.substr(start_);
    bytes_.clear();
    start_ = 0;
    return out;
  }

 private:
  std::string bytes_;
  size_t start_ = 0;
};

} // namespace

caf::expected<std::unique_ptr<kafka_forwarder>>
kafka_forwarder::start(const std::string& host, uint16_t port,
                       std::string target_host, uint16_t target_port,
                       kafka_response_filter filter) {
  std::unique_ptr<kafka_forwarder> fw{new kafka_forwarder};
  fw->target_host_ = std::move(target_host);
  fw->target_port_ = target_port;
  fw->filter_ = std::move(filter);
  auto where = host + ":" + std::to_string(port);
  addrinfo hints{};
  hints.ai_family = AF_UNSPEC;
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  auto service = std::to_string(port);
  // "*" (like "0.0.0.0") means every interface.
  auto node = host == "*" ? std::string{"0.0.0.0"} : host;
  if (auto rc = ::getaddrinfo(node.c_str(), service.c_str(), &hints, &found);
      rc != 0)
    return make_error(ec::config_error,
                      "cannot listen on " + where + ": " + ::gai_strerror(rc));
  std::unique_ptr<addrinfo, void (*)(addrinfo*)> guard{found, ::freeaddrinfo};
  fw->listen_fd_ = ::socket(found->ai_family, found->ai_socktype | SOCK_CLOEXEC,
                            found->ai_protocol);
  if (fw->listen_fd_ < 0)
    return make_error(ec::config_error, std::string{"cannot create socket: "}
                                            + std::strerror(errno));
  int one = 1;
  // SO_REUSEADDR lets a restarted broker take its port back at once
  // (connections of the last run in TIME_WAIT); a live listener still
  // makes bind() fail with EADDRINUSE.
  ::setsockopt(fw->listen_fd_, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (::bind(fw->listen_fd_, found->ai_addr, found->ai_addrlen) != 0) {
    auto err = errno;
    return make_error(ec::config_error,
                      "cannot listen on " + where + ": " + std::strerror(err)
                          + (err == EADDRINUSE
                                 ? " (another process uses the port; pick "
                                   "another --port, or omit it)"
                                 : ""));
  }
  if (::listen(fw->listen_fd_, 64) != 0)
    return make_error(ec::config_error, "cannot listen on " + where + ": "
                                            + std::strerror(errno));
  fw->stop_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  if (fw->stop_fd_ < 0)
    return make_error(ec::config_error, std::string{"cannot create eventfd: "}
                                            + std::strerror(errno));
  auto* self = fw.get();
  fw->accept_thread_ = std::thread{[self] { self->accept_loop(); }};
  return fw;
}

kafka_forwarder::~kafka_forwarder() {
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

void kafka_forwarder::accept_loop() {
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

int kafka_forwarder::connect_upstream() {
  int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return -1;
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(target_port_);
  if (::inet_pton(AF_INET, target_host_.c_str(), &addr.sin_addr) != 1
      || ::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    ::close(fd);
    return -1;
  }
  int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  return fd;
}

/// Relays both ways until either side closes or the forwarder stops: whole
/// request frames to the broker (their api key and version noted by
/// correlation id), whole response frames through the filter to the
/// client. A stream that cannot be framed is relayed raw from then on.
void kafka_forwarder::relay(int client, int upstream) {
  int one = 1;
  ::setsockopt(client, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  std::unordered_map<int32_t, std::pair<int16_t, int16_t>> pending;
  frame_buffer requests;
  frame_buffer responses;
  bool raw = false;
  std::string frame;
  char buf[64 * 1024];
  // Sends what `from` holds now to `to`; false when `to` is gone.
  auto drain = [&](bool from_client) {
    auto& in = from_client ? requests : responses;
    int to = from_client ? upstream : client;
    bool garbage = false;
    while (!raw && in.next(frame, garbage)) {
      if (from_client) {
        // Only requests whose responses are filtered are noted: some others
        // get no response at all (Produce with acks=0).
        auto header = read_request_header(frame);
        if (header && names_brokers(header->api_key))
          pending[header->correlation_id]
              = {header->api_key, header->api_version};
      } else if (auto id = read_response_correlation_id(frame)) {
        if (auto it = pending.find(*id); it != pending.end()) {
          auto [key, version] = it->second;
          pending.erase(it);
          frame = filter_(key, version, std::move(frame));
        }
      }
      if (!send_all(to, frame.data(), frame.size()))
        return false;
    }
    if (garbage) {
      raw = true;
      if (!warned_unframed_.exchange(true))
        std::cerr << "crashwatch broker: a connection to " << target_host_
                  << ':' << target_port_
                  << " is not framed like Kafka; relaying it unparsed\n";
    }
    if (raw) {
      // Both sides: nothing is parsed any more.
      for (auto* rest : {&requests, &responses}) {
        auto bytes = rest->rest();
        int dest = rest == &requests ? upstream : client;
        if (!bytes.empty() && !send_all(dest, bytes.data(), bytes.size()))
          return false;
      }
    }
    return true;
  };
  for (;;) {
    pollfd fds[3]
        = {{client, POLLIN, 0}, {upstream, POLLIN, 0}, {stop_fd_, POLLIN, 0}};
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
      if (n <= 0)
        return;
      bool from_client = i == 0;
      if (raw) {
        if (!send_all(fds[1 - i].fd, buf, static_cast<size_t>(n)))
          return;
        continue;
      }
      (from_client ? requests : responses).append(buf, static_cast<size_t>(n));
      if (!drain(from_client))
        return;
    }
  }
}

} // namespace crashwatch
