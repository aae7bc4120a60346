// A development Kafka broker inside the crashwatch process: librdkafka's mock
// cluster, which speaks the real Kafka protocol to real clients (kcat,
// librdkafka, Java clients that stick to the common APIs).
//
// It is not a real broker: messages live in memory only, a partition keeps
// at most about 5 MiB / 100,000 message sets and drops its oldest ones beyond
// that, nothing survives the process, there is no replication that matters
// and no security. See docs/BROKER.md.
//
// librdkafka 2.0.2's mock binds ephemeral ports on 127.0.0.1 and names them
// in the metadata it sends; its API cannot change that. With a port P, mock
// broker i (1..N) is served at LISTEN:P+i-1 by a forwarder
// (io/kafka_forwarder.hpp) that relays to the mock broker's own address and
// rewrites the Metadata and FindCoordinator responses to name
// ADVERTISE:P+j-1 instead of the mock's addresses
// (io/kafka_wire_rewrite.hpp), so clients on other hosts reach every broker
// through the forwarders. With fixed ports, the topic's partition p is led
// by broker p % N + 1 (the mock's own choice is random).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>

namespace crashwatch {

/// What the embedded broker serves.
struct embedded_broker_options {
  /// First fixed port: broker i is served at listen:port+i-1 (broker 1's is
  /// the bootstrap address); 0 = the mock's own ephemeral addresses.
  uint16_t port = 0;
  /// The address the fixed ports are bound on ("0.0.0.0": every interface).
  std::string listen = "127.0.0.1";
  /// The host clients are told to connect to; "" = `listen`.
  std::string advertise;
  /// Number of mock brokers in the cluster.
  int brokers = 1;
  /// Topic created at start.
  std::string topic = "logs";
  /// Partitions of `topic`.
  int partitions = 4;
  /// Topics created with one partition that has no leader, for failure
  /// tests: a producer's messages to them wait for a leader until they time
  /// out (as when the topic's broker is unreachable).
  std::vector<std::string> leaderless_topics;
};

class kafka_forwarder;

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

  /// The address clients bootstrap from: "ADVERTISE:P" with a port, else
  /// the mock's own comma-separated broker list.
  std::string bootstraps() const;

  /// The mock brokers' own addresses (what the mock's metadata names).
  std::string mock_bootstraps() const;

  /// The host named in the metadata clients receive through the fixed
  /// ports: `advertise`, or `listen` when that is empty.
  std::string advertised_host() const;

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
  caf::error start_forwarders();
  caf::error spread_leaders();

  embedded_broker_options options_;
  /// The client handle that owns the mock cluster (required by the mock API).
  rd_kafka_t* owner_ = nullptr;
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  /// One per mock broker, with a port.
  std::vector<std::unique_ptr<kafka_forwarder>> forwarders_;
};

} // namespace crashwatch
