// Reader -> sink, once at the end of a partition: what the reader counted.
#pragma once

#include <cstdint>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "core/types.hpp"

namespace crashwatch {

/// Counters of one partition reader.
struct partition_stats {
  partition_id partition;
  /// Records read (every non-blank line or message).
  uint64_t records = 0;
  /// Well-formed matching records, counted or late.
  uint64_t crashes = 0;
  /// Matching records the reader found late.
  uint64_t late = 0;
  /// Records sent to the dead-letter output.
  uint64_t malformed = 0;
  /// Blank lines and null messages, skipped.
  uint64_t blank = 0;
  /// Bytes read.
  uint64_t bytes = 0;
  /// Records lost before they could be read (data loss in Kafka, reported
  /// and counted with --on-data-loss warn).
  uint64_t lost = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_stats& x) {
  return f(caf::meta::type_name("partition_stats"), x.partition, x.records,
           x.crashes, x.late, x.malformed, x.blank, x.bytes, x.lost);
}

/// Sink -> whoever waits for the pipeline, at the end: what was done.
struct pipeline_summary {
  std::vector<partition_stats> partitions;
  /// Final alerts written.
  uint64_t alerts = 0;
  /// Early alerts written (`--emit early`).
  uint64_t early_alerts = 0;
  /// Crashes the shards found late (windows already emitted).
  uint64_t late_at_shards = 0;
  /// `--alerts-topic` with `--on-data-loss warn`: alerts the broker did not
  /// take, in this process (not kept in checkpoints).
  uint64_t alerts_undelivered = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pipeline_summary& x) {
  return f(caf::meta::type_name("pipeline_summary"), x.partitions, x.alerts,
           x.early_alerts, x.late_at_shards, x.alerts_undelivered);
}

} // namespace crashwatch
