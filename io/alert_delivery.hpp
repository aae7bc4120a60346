// `--alerts-topic`: hands alerts to Kafka without ever waiting for the
// broker, so that the alert sink (an actor on one of CAF's few scheduler
// threads) never blocks. Alerts go to librdkafka at once; what its local
// queue cannot take (queue.buffering.max.messages, 100,000 by default: the
// bound on alerts in flight) waits here, up to max_backlog alerts, and is
// retried by service(). The owner calls service() while busy() (the sink
// does so on a timer): it serves the delivery reports with a non-blocking
// poll and applies `--on-data-loss` to every alert the broker did not take:
// `fail` ends with an error naming topic, partition, key and librdkafka's
// reason; `warn` writes that line to `warnings` (the first
// max_warning_lines of them, then only counts) and counts it (undelivered()).
//
// Checkpoints: mark() numbers the alerts sent so far; settled(mark) tells
// when each of them is confirmed or failed, so that a checkpoint is only
// confirmed once the alerts before its barrier are (at-least-once).
//
// Not thread-safe: one thread at a time (the sink's) calls it.
#pragma once

#include <cstddef>
#include <cstdint>
#include <deque>
#include <iosfwd>
#include <memory>
#include <string>
#include <vector>

#include <caf/error.hpp>

#include "core/alert.hpp"
#include "io/kafka_producer.hpp"

namespace crashwatch {

class alert_delivery {
 public:
  /// Alerts kept here while librdkafka's queue is full; beyond that an
  /// alert counts as not delivered (the policy applies).
  static constexpr size_t max_backlog = 100'000;

  /// Failures described on `warnings` with `warn`; later ones only counted.
  static constexpr uint64_t max_warning_lines = 10;

  /// Produces to `topic` with `producer`; `fail_on_loss` is
  /// `--on-data-loss fail`.
  alert_delivery(std::unique_ptr<kafka_producer> producer, std::string topic,
                 bool fail_on_loss, std::ostream& warnings);

  /// Hands `alerts` over (JSON value, key `<window_start_ms>:<user_id>`)
  /// without waiting. An error only with `fail`: an alert was refused or
  /// the backlog overflowed.
  caf::error send(const std::vector<alert>& alerts);

  /// Serves delivery reports (never waits), retries the backlog and applies
  /// the policy to new failures: an error with `fail`.
  caf::error service();

  /// True while an alert waits here or for the broker.
  bool busy() const;

  /// The alerts sent so far, as a mark for settled().
  uint64_t mark() const;

  /// True once every alert sent before mark() returned `m` is confirmed by
  /// the broker or counted as not delivered.
  bool settled(uint64_t m) const;

  /// Alerts that were not delivered (`warn`).
  uint64_t undelivered() const { return undelivered_; }

  /// Alerts waiting: in librdkafka's queue plus here.
  uint64_t in_flight() const;

  /// Drops everything still waiting, for a run that stops with an error (so
  /// that closing does not wait for a broker that is gone).
  void abandon();

  /// A stop that cannot wait any longer: says on `warnings` how many alerts
  /// are still unconfirmed (whatever the policy: they may or may not have
  /// reached the topic), counts them as not delivered, and abandons them.
  void give_up();

  const std::string& topic() const { return topic_; }

  kafka_producer& producer() { return *producer_; }

 private:
  struct message {
    std::string key;
    std::string value;
  };

  /// Moves the backlog into librdkafka as far as its queue takes it.
  void drain_backlog();

  /// One alert not delivered: an error with `fail`, else counted and
  /// (the first few) described.
  caf::error lost(const delivery_failure& f);

  std::unique_ptr<kafka_producer> producer_;
  std::string topic_;
  bool fail_on_loss_;
  std::ostream& warnings_;
  std::deque<message> backlog_;
  /// Alerts that never got into librdkafka (backlog overflow): settled.
  uint64_t dropped_ = 0;
  uint64_t undelivered_ = 0;
  /// producer_->failed() already applied to the policy.
  uint64_t failed_seen_ = 0;
};

} // namespace crashwatch
