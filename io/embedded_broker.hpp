// A development Kafka broker inside the crashwatch process: librdkafka's mock
// cluster, which speaks the real Kafka protocol to real clients (kcat,
// librdkafka, Java clients that stick to the common APIs).
//
// It is not a real broker: messages live in memory only, a partition keeps
// at most about 5 MiB / 100,000 message sets and drops its oldest ones beyond
// that, nothing survives the process, there is no replication that matters
// and no security. See docs/BROKER.md.
//
// librdkafka 2.0.2's mock binds ephemeral ports. To offer a fixed port, a
// small TCP forwarder listens on 127.0.0.1:P and relays each connection to
// the first mock broker. Clients only bootstrap through it: the metadata they
// receive names the mock brokers' own addresses, which they then connect to
// directly.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include <caf/expected.hpp>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace crashwatch {

/// What the embedded broker serves.
struct embedded_broker_options {
  /// Fixed port on 127.0.0.1 for bootstrapping; 0 = the mock's own ephemeral
  /// address.
  uint16_t port = 0;
  /// Number of mock brokers in the cluster.
  int brokers = 1;
  /// Topic created at start.
  std::string topic = "logs";
  /// Partitions of `topic`.
  int partitions = 4;
};

class tcp_forwarder;

/// A running mock Kafka cluster with one topic; stopped by the destructor.
class embedded_broker {
 public:
  /// Starts the cluster, creates the topic and, with a port, the forwarder.
  /// Fails with a clear message when the port is taken or the mock cannot
  /// start.
  static caf::expected<std::unique_ptr<embedded_broker>>
  start(const embedded_broker_options& options);

  ~embedded_broker();

  embedded_broker(const embedded_broker&) = delete;
  embedded_broker& operator=(const embedded_broker&) = delete;

  /// The address clients bootstrap from: "127.0.0.1:P" with a port, else the
  /// mock's own comma-separated broker list.
  std::string bootstraps() const;

  /// The mock brokers' own addresses (what metadata hands to clients).
  std::string mock_bootstraps() const;

  /// Creates another topic (also used by tests).
  caf::error create_topic(const std::string& topic, int partitions);

  /// Takes every broker down: connections are closed and refused until
  /// set_up(). For failure-injection tests and demos.
  caf::error set_down();

  /// Brings every broker back up.
  caf::error set_up();

  /// The mock cluster itself, for fault injection beyond set_down()
  /// (rd_kafka_mock_topic_set_error, rd_kafka_mock_broker_set_rtt, ...).
  rd_kafka_mock_cluster_t* mock() const { return cluster_; }

  /// The options it was started with.
  const embedded_broker_options& options() const { return options_; }

 private:
  embedded_broker() = default;

  caf::error set_all(bool up);

  embedded_broker_options options_;
  /// The client handle that owns the mock cluster (required by the mock API).
  rd_kafka_t* owner_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::unique_ptr<tcp_forwarder> forwarder_;
};

} // namespace crashwatch
