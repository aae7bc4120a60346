// Telemetry reports (docs/TELEMETRY.md): readers, shards and the checkpoint
// coordinator tell the sink how they are doing, at most about once a second
// (counted per chunk or batch, never per record); the sink forwards them,
// with its own, to the process's telemetry actor when --metrics is on. Any
// report may cross the network (a cluster's readers and shards report to
// the coordinator's sink).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "core/global_watermark.hpp"
#include "core/types.hpp"
#include "messages/partition_stats.hpp"

namespace crashwatch {

/// A reader's counters and position.
struct reader_report {
  partition_stats stats;
  /// The partition's watermark (min_event_time: nothing yet).
  event_time watermark = min_event_time;
  /// The next offset to read, and the partition's end when known (Kafka's
  /// high watermark; -1 unknown).
  int64_t next_offset = 0;
  int64_t end_offset = -1;
  partition_state state = partition_state::active;
  /// Shards that have no credit left: the reader waits for them.
  uint32_t credits_waiting = 0;
  /// Batches sent, and wall time spent on the chunks that had records
  /// (reading, parsing and routing them; empty polls, which mostly wait,
  /// are not counted).
  uint64_t batches = 0;
  uint64_t busy_ns = 0;
  /// Messages waiting in the reader's mailbox when it reported.
  uint64_t mailbox = 0;
  /// Where the reader runs (--node-id; "" in one process).
  std::string node;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reader_report& x) {
  return f(caf::meta::type_name("reader_report"), x.stats, x.watermark,
           x.next_offset, x.end_offset, x.state, x.credits_waiting, x.batches,
           x.busy_ns, x.mailbox, x.node);
}

/// A shard's load and state.
struct shard_report {
  shard_id shard;
  uint64_t open_windows = 0;
  uint64_t open_keys = 0;
  /// Batches handled, and wall time spent handling them.
  uint64_t batches = 0;
  uint64_t busy_ns = 0;
  /// Messages waiting in its mailbox when it reported.
  uint64_t mailbox = 0;
  std::string node;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_report& x) {
  return f(caf::meta::type_name("shard_report"), x.shard, x.open_windows,
           x.open_keys, x.batches, x.busy_ns, x.mailbox, x.node);
}

/// The sink's load, sent with its counters and latest alerts: messages
/// handled and wall time spent handling them (timed per message: it
/// handles batches and reports, never single records), and its mailbox.
struct sink_report {
  uint64_t messages = 0;
  uint64_t busy_ns = 0;
  /// Messages waiting in its mailbox when it reported.
  uint64_t mailbox = 0;
  /// `--alerts-topic`: alerts not yet confirmed by the broker.
  uint64_t alerts_in_flight = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sink_report& x) {
  return f(caf::meta::type_name("sink_report"), x.messages, x.busy_ns,
           x.mailbox, x.alerts_in_flight);
}

/// A committed checkpoint.
struct checkpoint_report {
  checkpoint_id id;
  /// Wall clock, ms since the epoch.
  int64_t started_ms = 0;
  int64_t committed_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, checkpoint_report& x) {
  return f(caf::meta::type_name("checkpoint_report"), x.id, x.started_ms,
           x.committed_ms);
}

/// A restore from a committed checkpoint: a run resumed from its
/// --data-dir, or a cluster's epoch started from the newest checkpoint
/// (every node's state rebuilt from its journal and wired).
struct restore_report {
  checkpoint_id from;
  /// When it was done (wall clock, ms since the epoch), and how long it
  /// took.
  int64_t finished_ms = 0;
  uint64_t duration_us = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, restore_report& x) {
  return f(caf::meta::type_name("restore_report"), x.from, x.finished_ms,
           x.duration_us);
}

/// One node of a cluster, as the coordinator sees it.
struct cluster_node_report {
  std::string node_id;
  /// node_role bits.
  uint8_t roles = 0;
  /// Where it is reached (--advertise).
  std::string address;
  bool up = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_node_report& x) {
  return f(caf::meta::type_name("cluster_node_report"), x.node_id, x.roles,
           x.address, x.up);
}

/// The coordinator's view of its cluster: sent to its telemetry actor when
/// an epoch starts or stops.
struct cluster_report {
  std::string coordinator;
  uint64_t epoch = 0;
  std::vector<cluster_node_report> nodes;
  /// Partition id -> node reading it; shard id -> node hosting it.
  std::vector<std::pair<int32_t, std::string>> partition_nodes;
  std::vector<std::pair<uint32_t, std::string>> shard_nodes;
  /// The epoch runs (false: it stopped and waits for missing nodes).
  bool running = true;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, cluster_report& x) {
  return f(caf::meta::type_name("cluster_report"), x.coordinator, x.epoch,
           x.nodes, x.partition_nodes, x.shard_nodes, x.running);
}

/// A node that serves a coordinator, as the node sees it: sent to its own
/// telemetry actor when it joins or loses the coordinator, so that its
/// /status names the coordinator (`crashwatch inspect` follows it there).
struct membership_report {
  /// The coordinator's --node-id ("" until the first join).
  std::string coordinator;
  /// Where the node joins it (`--join`, HOST:PORT).
  std::string join_address;
  /// Where the coordinator serves /status (HOST:PORT; "" without
  /// --metrics).
  std::string coordinator_metrics;
  /// Joined now (false while joining, again or for the first time).
  bool connected = false;
  /// When `connected` last changed (wall clock, ms since the epoch).
  int64_t since_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, membership_report& x) {
  return f(caf::meta::type_name("membership_report"), x.coordinator,
           x.join_address, x.coordinator_metrics, x.connected, x.since_ms);
}

} // namespace crashwatch
