// A TCP forwarder for Kafka connections: listens on HOST:PORT and relays each
// connection to one target (a mock broker on 127.0.0.1), a thread per
// connection, frame by frame. It remembers each request's api key and
// version by correlation id and passes every response through a filter,
// which the embedded broker uses to rewrite the broker addresses that
// Metadata and FindCoordinator responses name (io/kafka_wire_rewrite.hpp).
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <caf/expected.hpp>

namespace crashwatch {

/// Turns a response frame (size prefix included) to a request of
/// (api_key, api_version) into the frame to send to the client. Called for
/// the api keys whose responses name brokers (names_brokers()); other
/// responses are relayed as they come.
using kafka_response_filter = std::function<std::string(
    int16_t api_key, int16_t api_version, std::string frame)>;

/// A listening forwarder; stops (closing every connection) when destroyed.
class kafka_forwarder {
 public:
  /// Binds HOST:PORT ("0.0.0.0" = every interface) and listens; the error
  /// names the address when it is taken.
  static caf::expected<std::unique_ptr<kafka_forwarder>>
  start(const std::string& host, uint16_t port, std::string target_host,
        uint16_t target_port, kafka_response_filter filter);

  ~kafka_forwarder();

  kafka_forwarder(const kafka_forwarder&) = delete;
  kafka_forwarder& operator=(const kafka_forwarder&) = delete;

 private:
  kafka_forwarder() = default;

  void accept_loop();
  int connect_upstream();
  void relay(int client, int upstream);

  std::string target_host_;
  uint16_t target_port_ = 0;
  kafka_response_filter filter_;
  int listen_fd_ = -1;
  /// Readable once the forwarder stops; every thread polls it.
  int stop_fd_ = -1;
  std::thread accept_thread_;
  std::mutex mutex_;
  std::condition_variable idle_;
  int connections_ = 0;
  /// A stream that is not Kafka's framing is reported once.
  std::atomic<bool> warned_unframed_{false};
};

} // namespace crashwatch
