// Questions to a Kafka cluster that have to be answered before reading:
// which partitions a topic has, and which offsets a partition holds. Each
// call uses a short-lived client of its own and gives up after `timeout`
// with one line for people, never hangs.
#pragma once

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include <librdkafka/rdkafka.h>

#include "io/kafka_config.hpp"

namespace crashwatch {

/// The offsets a partition holds: `low` is the first one still stored,
/// `high` the one the next message will get (low == high: empty).
struct kafka_watermarks {
  /// First offset still stored.
  int64_t low = 0;
  /// Offset of the next message to be written.
  int64_t high = 0;
};

/// Renders a timeout for error texts: "10s", "1500ms".
std::string describe_timeout(std::chrono::milliseconds timeout);

/// The partition ids of `topic`, sorted. Errors (ec::input_error unless a
/// property is bad): "cannot reach Kafka at B within 10s: ...", "topic 'x'
/// does not exist at B".
caf::expected<std::vector<int32_t>>
list_partitions(const std::string& brokers, const std::string& topic,
                const std::vector<kafka_property>& properties = {},
                std::chrono::milliseconds timeout = std::chrono::seconds{10});

/// The same question asked through an existing client handle `rk`
/// (`brokers` only names the cluster in errors).
caf::expected<std::vector<int32_t>>
list_partitions(rd_kafka_t* rk, const std::string& brokers,
                const std::string& topic, std::chrono::milliseconds timeout);

/// Low and high watermark of one partition, asked of its leader.
caf::expected<kafka_watermarks>
query_watermarks(const std::string& brokers, const std::string& topic,
                 int32_t partition,
                 const std::vector<kafka_property>& properties = {},
                 std::chrono::milliseconds timeout = std::chrono::seconds{10});

/// The same question asked through an existing client handle `rk`.
caf::expected<kafka_watermarks>
query_watermarks(rd_kafka_t* rk, const std::string& brokers,
                 const std::string& topic, int32_t partition,
                 std::chrono::milliseconds timeout);

} // namespace crashwatch
