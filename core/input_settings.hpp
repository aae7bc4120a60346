// What a job reads: the Kafka settings (`--brokers` and friends) and the
// partitions, each planned once (which partition, what it is) and then
// opened where it starts. Serializable: a cluster's coordinator plans the
// partitions and hands them to the reader nodes that open them.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "core/types.hpp"

namespace crashwatch {

/// Where and how to read Kafka (`--brokers` and friends).
struct kafka_input_options {
  /// `--brokers`: bootstrap servers, host:port[,host:port...]; empty = files.
  std::string brokers;
  /// `--topic`.
  std::string topic = "logs";
  /// `--group`: consumer group the readers commit their read positions to
  /// (for lag monitoring; never read back).
  std::string group = "crashwatch";
  /// `--partitions 0,2`: the partitions to read; empty = all of the topic.
  std::vector<int32_t> partitions;
  /// `--from earliest|latest` (default latest, like Spark's startingOffsets).
  bool from_earliest = false;
  /// `--exit-at-end`: stop each partition at the end offset seen at start.
  bool exit_at_end = false;
  /// `--on-data-loss fail|warn`.
  bool fail_on_data_loss = true;
  /// `-X key=value`: librdkafka properties, in order.
  std::vector<std::pair<std::string, std::string>> properties;
  /// `--max-record-bytes` (files and Kafka alike): a longer record is a
  /// dead letter with its length and first bytes; a file's reader never
  /// holds more than this of one line (plus one chunk).
  uint64_t max_record_bytes = uint64_t{1} << 20;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, kafka_input_options& x) {
  return f(caf::meta::type_name("kafka_input_options"), x.brokers, x.topic,
           x.group, x.partitions, x.from_earliest, x.exit_at_end,
           x.fail_on_data_loss, x.properties, x.max_record_bytes);
}

/// One partition to read.
struct partition_plan {
  partition_id id;
  /// What it is, stable across restarts: "file /abs/path", "stdin" or
  /// "kafka topic/N".
  std::string source;
  /// Files: the path to open (on the node that reads it).
  std::string path;
  /// In a cluster, a file named for a node (`--input node://ID/path`): that
  /// node reads it; "" = the coordinator's file (or a Kafka partition, read
  /// by any reader node).
  std::string node;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_plan& x) {
  return f(caf::meta::type_name("partition_plan"), x.id, x.source, x.path,
           x.node);
}

/// Where to open a partition.
struct partition_start {
  /// Resume at this record offset (a checkpoint's); -1 = start as the
  /// settings say (file start, or Kafka --from).
  int64_t offset = -1;
  /// With --exit-at-end: the end offset fixed at the first start; -1 = the
  /// high watermark now.
  int64_t end_offset = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_start& x) {
  return f(caf::meta::type_name("partition_start"), x.offset, x.end_offset);
}

} // namespace crashwatch
