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
// Streaming use without ever waiting (the alert sink): try_produce() hands a
// message over or says the local queue is full; poll(0) serves delivery
// reports; confirmed_through() and take_failures() tell what became of them.
//
// Not thread-safe: one thread at a time produces, polls and flushes
// (delivery reports run inside produce(), try_produce(), poll() and flush()
// on that thread).
#pragma once

#include <chrono>
#include <cstdint>
#include <deque>
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

/// Where the message was meant to go: "topic alerts partition 3", or
/// "topic alerts partition (unassigned)".
std::string destination_of(const delivery_failure& f);

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

  /// Like produce(), but never waits: false when librdkafka's local queue is
  /// full (queue.buffering.max.messages; nothing was done, try again after
  /// poll()), true when the message is accounted for: it has the next
  /// sequence number (produced()) and will be delivered or failed. A message
  /// librdkafka refuses for good (unknown partition, too large, ...) counts
  /// as failed at once, with its reason in take_failures().
  bool try_produce(std::string_view topic, std::string_view key,
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

  /// Every message with a sequence number up to this one (1 = the first
  /// message produced) is delivered or failed.
  uint64_t confirmed_through() const { return settled_base_ - 1; }

  /// The failures so far (the first max_kept_failures of them).
  const std::vector<delivery_failure>& failures() const { return failures_; }

  /// The failures since the previous call (at most max_kept_failures of
  /// them; failed() counts them all).
  std::vector<delivery_failure> take_failures();

  /// Drops what waits in librdkafka's queues (each message counts as failed,
  /// reason "Local: Purged in queue"), so that closing does not wait for a
  /// broker that is gone. For a run that stops anyway.
  void purge();

  /// How many failures failures() keeps, to bound memory when a broker is
  /// gone and millions of messages time out.
  static constexpr size_t max_kept_failures = 100;

  /// The bootstrap list it was opened with.
  const std::string& brokers() const { return brokers_; }

 private:
  kafka_producer() = default;

  static void on_delivery(rd_kafka_t*, const rd_kafka_message_t* msg,
                          void* opaque);

  rd_kafka_resp_err_t producev(const std::string& topic, std::string_view key,
                               std::string_view value, int32_t partition);

  /// Records the outcome of message `seq` (a failure when `failure`).
  void settle(uint64_t seq, delivery_failure* failure);

  std::string brokers_;
  rd_kafka_t* rk_ = nullptr;
  uint64_t produced_ = 0;
  uint64_t delivered_ = 0;
  uint64_t failed_ = 0;
  /// failed_ at the last flush(): flush() reports failures after it.
  uint64_t failed_at_flush_ = 0;
  std::vector<delivery_failure> failures_;
  /// Failures not yet taken by take_failures().
  std::vector<delivery_failure> untaken_;
  /// Delivery reports come in any order across partitions: settled_[i] says
  /// whether message settled_base_ + i has its outcome; the front is popped
  /// while settled, so confirmed_through() is settled_base_ - 1.
  std::deque<bool> settled_;
  uint64_t settled_base_ = 1;
};

} // namespace crashwatch
