// What a kafka_source reads from librdkafka's statistics (the JSON document
// its stats_cb gets every statistics.interval.ms; fields in librdkafka's
// STATISTICS.md) about the one partition it reads: the partition's offsets
// on the broker, and whether its leader is reachable. Pure: text in, figures
// out, so that it is tested without a broker.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace crashwatch {

/// One partition's figures from a statistics document; -1 (false) for
/// anything absent, malformed or not known to librdkafka yet (it writes
/// -1001 for an offset it has not learned).
struct kafka_partition_figures {
  /// The partition's high watermark on its leader: the offset the next
  /// message produced will get (topics.T.partitions.P.hi_offset).
  int64_t hi_offset = -1;
  /// The last stable offset (ls_offset): below it, every transaction is
  /// decided; the same as hi_offset without transactions.
  int64_t ls_offset = -1;
  /// librdkafka's own lag (consumer_lag): the end minus the offset last
  /// committed to the group, which crashwatch commits only once a second.
  int64_t consumer_lag = -1;
  /// The broker id of the partition's leader.
  int64_t leader = -1;
  /// The leader's connection state is "UP" (brokers.*.state).
  bool leader_up = false;
};

/// The figures of `topic`/`partition` in librdkafka statistics text `json`.
/// Never fails: text that is not such a document gives the defaults.
kafka_partition_figures kafka_partition_stats(std::string_view json,
                                              const std::string& topic,
                                              int32_t partition);

} // namespace crashwatch
