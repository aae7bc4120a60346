// `crashwatch generate --brokers`: a load generator that produces log
// records to a Kafka topic at a steady rate (token bucket), keyed by
// user_id so that a user's records share a partition.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include <caf/error.hpp>
#include <caf/expected.hpp>

#include "generator/log_generator.hpp"
#include "io/kafka_config.hpp"

namespace crashwatch {

/// Where and how fast to produce.
struct kafka_load_options {
  std::string brokers;
  std::string topic = "logs";
  /// Records per second; 0 = unpaced.
  double rate = 1000;
  int64_t duration_ms = 60'000;
  /// -1 = no limit.
  int64_t records = -1;
  /// -1 = by key (librdkafka's partitioner).
  int32_t partition = -1;
  /// `-X key=value` producer properties, applied last.
  std::vector<kafka_property> properties;
};

/// What produce_kafka_load() did.
struct kafka_load_result {
  uint64_t sent = 0;
  uint64_t delivered = 0;
  uint64_t failed = 0;
  /// Late and malformed records among those sent.
  generated_counts counts;
  /// Wall-clock time in all, and the part spent producing (without the
  /// final flush).
  double seconds = 0;
  double produced_for = 0;
  /// Stopped by `stop_requested`.
  bool interrupted = false;
  /// The first failure after the start (a refused or undelivered message);
  /// the counts above are still what happened.
  caf::error failure;
};

/// Produces the lines of a log_generator with `gen` to `opts.topic` until
/// the duration or record limit is reached or `stop_requested()` returns
/// true, then waits for every delivery. Progress goes to stderr every 5 s.
/// Fails at once (an error naming the cause) when the broker cannot be
/// reached, the topic does not exist or has no such partition.
caf::expected<kafka_load_result>
produce_kafka_load(const generator_options& gen, const kafka_load_options& opts,
                   const std::function<bool()>& stop_requested);

/// The user_id of a generated line, unescaped, or "" when it has none (some
/// malformed lines): the message key. Lines are flat objects written by
/// log_generator: the first `"user_id"` is the field.
std::string generated_user_key(std::string_view line);

} // namespace crashwatch
