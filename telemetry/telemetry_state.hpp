// What a process's telemetry actor knows (docs/TELEMETRY.md): the latest
// report of every reader and shard, the recent checkpoints, the sink's
// counters and latest alerts. Rendered as /status (status_json) and
// /metrics (metrics_text); pure data, for tests.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "core/alert.hpp"
#include "messages/cluster.hpp"
#include "messages/partition_stats.hpp"
#include "messages/telemetry.hpp"

namespace crashwatch {

/// Who this process is.
struct process_identity {
  /// "run", "node", "demo".
  std::string command;
  /// --node-id ("" for run).
  std::string node_id;
  std::vector<std::string> roles;
  int64_t started_at_ms = 0;
};

struct telemetry_state {
  process_identity process;
  /// Partition id -> where it is read from (a file, topic/partition).
  std::map<int32_t, std::string> sources;
  std::map<int32_t, reader_report> readers;
  std::map<uint32_t, shard_report> shards;
  /// The newest committed checkpoints, oldest first (at most 30).
  std::deque<checkpoint_report> checkpoints;
  /// The job keeps checkpoints (--data-dir).
  bool durable = false;
  /// The sink's counters, latest alerts and load (zero until it reported).
  pipeline_summary sink;
  std::vector<alert> latest_alerts;
  sink_report sink_load;
  /// On a cluster's coordinator: its nodes, epoch and assignment.
  std::optional<cluster_report> cluster;
  /// The latest restore from a checkpoint, if any.
  std::optional<restore_report> restore;
  /// On a cluster's other nodes: whom the node joined.
  std::optional<membership_report> membership;
  /// Every checkpoint's duration, as a histogram: counts per bucket (the
  /// last one: above every bound), their sum in seconds.
  std::vector<double> checkpoint_counts
      = std::vector<double>(checkpoint_buckets().size() + 1, 0.0);
  double checkpoint_seconds = 0;

  /// The histogram's upper bounds, in seconds.
  static const std::vector<double>& checkpoint_buckets();
};

/// Keeps `report` as the newest checkpoint (and at most 30).
void add_checkpoint(telemetry_state& st, const checkpoint_report& report);

/// The global watermark: the smallest of the partitions' that have not
/// ended (min_event_time while one has seen nothing).
event_time global_watermark_of(const telemetry_state& st);

} // namespace crashwatch
