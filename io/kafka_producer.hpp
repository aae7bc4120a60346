// A Kafka producer (librdkafka) whose every delivery is accounted for: each
// message is either confirmed by the broker (delivered) or reported as a
// failure naming its topic, partition and librdkafka's reason. Nothing is
// dropped silently.
//
// Batch use (the generator, the alert sink):
//   for (auto& a : batch)
//     if (auto err = producer->produce(topic, key(a), value(a))) ...;
//   if (auto err = producer->flush(std::chrono::seconds{30})) ...;
//   // no error: every message of the batch is confirmed by the broker
//
// Not thread-safe: one thread produces, polls and flushes (delivery reports
// run inside produce(), poll() and flush() on that thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include <librdkafka/rdkafka.h>

#include "io/kafka_config.hpp"

namespace crashwatch {

/// One message the broker did not confirm.
struct delivery_failure {
  /// Topic of the message.
  std::string topic;
  /// Partition it was meant for (-1 when none was assigned yet).
  int32_t partition = -1;
  /// Its key.
  std::string key;
  /// librdkafka's reason, e.g. "Local: Message timed out".
  std::string reason;
};

/// A connected librdkafka producer with delivery accounting.
class kafka_producer {
 public:
  /// Creates a producer for `brokers` ("host:port[,host:port]") with extra
  /// librdkafka `properties` (applied last, so they override the defaults),
  /// then waits up to `connect_timeout` for the cluster's metadata, so that
  /// an unreachable broker fails here with a clear message.
  static caf::expected<std::unique_ptr<kafka_producer>>
  open(const std::string& brokers,
       const std::vector<kafka_property>& properties = {},
       std::chrono::milliseconds connect_timeout = std::chrono::seconds{10});

  /// Flushes what is still in flight (up to 10 s) and closes the producer.
  ~kafka_producer();

  kafka_producer(const kafka_producer&) = delete;
  kafka_producer& operator=(const kafka_producer&) = delete;

  /// Enqueues one message (copied). `partition` is RD_KAFKA_PARTITION_UA to
  /// let the key pick it (librdkafka's default consistent_random: CRC32 of
  /// the key, not Java's murmur2; an empty `key` is sent as no key and lands
  /// on a random partition). Override with -X partitioner=murmur2_random. When
  /// the local queue is full it serves delivery reports and retries, so it may
  /// block while the broker is slow or down; fails only for errors that no
  /// retry can fix (unknown partition, message too large, ...).
  caf::error produce(std::string_view topic, std::string_view key,
                     std::string_view value,
                     int32_t partition = RD_KAFKA_PARTITION_UA);

  /// Serves delivery reports, waiting up to `timeout_ms` for one.
  void poll(int timeout_ms = 0);

  /// Waits until every message produced so far is delivered or failed.
  /// Returns an error when the timeout expires first, or when a message
  /// failed since the previous flush(); the error names the first failure's
  /// topic, partition and reason and the number of failures (all of them
  /// are in failures()).
  caf::error flush(std::chrono::milliseconds timeout);

  /// Partitions of `topic` per the broker's metadata; an error when the topic
  /// does not exist or the broker does not answer within `timeout`.
  caf::expected<int32_t> partition_count(const std::string& topic,
                                         std::chrono::milliseconds timeout
                                         = std::chrono::seconds{10});

  /// Messages handed to librdkafka.
  uint64_t produced() const { return produced_; }

  /// Messages the broker confirmed.
  uint64_t delivered() const { return delivered_; }

  /// Messages that failed for good.
  uint64_t failed() const { return failed_; }

  /// Messages neither delivered nor failed yet.
  uint64_t in_flight() const { return produced_ - delivered_ - failed_; }

  /// The failures so far (the first max_kept_failures of them).
  const std::vector<delivery_failure>& failures() const { return failures_; }

  /// How many failures failures() keeps, to bound memory when a broker is
  /// gone and millions of messages time out.
  static constexpr size_t max_kept_failures = 100;

  /// The bootstrap list it was opened with.
  const std::string& brokers() const { return brokers_; }

 private:
  kafka_producer() = default;

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg,
                          void* opaque);

  std::string brokers_;
  rd_kafka_t* rk_ = nullptr;
  uint64_t produced_ = 0;
  uint64_t delivered_ = 0;
  uint64_t failed_ = 0;
  /// failed_ at the last flush(): flush() reports failures after it.
  uint64_t failed_at_flush_ = 0;
  std::vector<delivery_failure> failures_;
};

} // namespace crashwatch
