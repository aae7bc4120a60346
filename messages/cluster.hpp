// The cluster's protocol (docs/CLUSTER.md). A node joins the coordinator's
// door with a join_request; once the expected nodes are in, the coordinator
// starts an epoch: it tells each aggregator node which shards to host
// (shard_assignment) and each reader node which partitions to read
// (reader_assignment), wiring them to the sink it hosts; stop_epoch ends
// an epoch (and the job). Every assignment carries its epoch.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "core/input_settings.hpp"
#include "core/pipeline_config.hpp"
#include "core/types.hpp"
#include "messages/checkpoint.hpp"

namespace crashwatch {

/// The version of this protocol: a node of another version is refused at
/// join. Raise it whenever a message of the cluster changes.
constexpr uint32_t cluster_protocol_version = 2;

/// What a node does (`--role`), as bits of node_roles::bits.
enum node_role : uint8_t {
  /// Owns the job: options, partitions, checkpoints, the sink, the outputs.
  coordinator_role = 1,
  /// Hosts shard aggregators.
  aggregator_role = 2,
  /// Hosts partition readers.
  reader_role = 4,
};

/// The names of node_role bits ("coordinator", "aggregator", "reader"),
/// coordinator first.
std::vector<std::string> role_names_of(uint8_t roles);

/// Where other nodes reach a node (`--advertise`, else `--listen`).
struct node_address {
  std::string host;
  uint16_t port = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_address& x) {
  return f(caf::meta::type_name("node_address"), x.host, x.port);
}

/// Node -> coordinator: let me in (with the node's actor in the same
/// message).
struct join_request {
  /// cluster_protocol_version of the joining binary.
  uint32_t protocol_version = 0;
  /// `--node-id`: stable across restarts of the node.
  std::string node_id;
  /// node_role bits.
  uint8_t roles = 0;
  /// Where the node's actor is published.
  node_address address;
  /// `--node-timeout` in ms: heartbeats only work when every node has the
  /// same.
  int64_t node_timeout_ms = 0;
  /// The job options the node was started with, as (option, value) in
  /// canonical text: one that differs from the coordinator's is refused.
  std::vector<std::pair<std::string, std::string>> job_options;
  /// The node has a `--data-dir` (a job with checkpoints needs one on every
  /// node).
  bool data_dir = false;
  /// The job and node its data dir's journal belongs to ("" for a new one).
  std::string journal_job;
  std::string journal_node;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, join_request& x) {
  return f(caf::meta::type_name("join_request"), x.protocol_version, x.node_id,
           x.roles, x.address, x.node_timeout_ms, x.job_options, x.data_dir,
           x.journal_job, x.journal_node);
}

/// Coordinator -> node: you are in.
struct join_reply {
  /// The coordinator's `--node-id`.
  std::string coordinator;
  /// The job's id: a node's journal is bound to it.
  std::string job;
  /// Nodes the job waits for (`--expect-nodes`), and how many have joined.
  uint32_t expected = 0;
  uint32_t joined = 0;
  /// The job had completed already (a coordinator restarted after its
  /// end): the node has nothing to do and exits 0.
  bool over = false;
  /// Where the coordinator serves /status (`--metrics`, as HOST:PORT; ""
  /// without): a node's own /status names it, for `crashwatch inspect`.
  std::string metrics;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, join_reply& x) {
  return f(caf::meta::type_name("join_reply"), x.coordinator, x.job, x.expected,
           x.joined, x.over, x.metrics);
}

/// Coordinator -> aggregator node: host these shards in epoch `epoch`.
struct shard_assignment {
  uint64_t epoch = 0;
  pipeline_config config;
  /// Every partition of the job (a shard follows all of them).
  std::vector<partition_id> partitions;
  /// The shards this node hosts.
  std::vector<shard_id> shards;
  /// The committed checkpoint the epoch starts from: the node rebuilds its
  /// shards from its own journal's state of it (0: no state yet).
  checkpoint_id resume;
  /// Every partition's watermark and state at `resume`.
  std::vector<partition_mark> marks;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_assignment& x) {
  return f(caf::meta::type_name("shard_assignment"), x.epoch, x.config,
           x.partitions, x.shards, x.resume, x.marks);
}

/// Coordinator -> reader node: read these partitions in epoch `epoch`.
struct reader_assignment {
  uint64_t epoch = 0;
  pipeline_config config;
  /// How to reach Kafka (no brokers: the partitions are files).
  kafka_input_options kafka;
  /// The partitions this node reads, and where each starts: the offset of
  /// checkpoint `resume` (checked against the node's own journal), and the
  /// `--exit-at-end` offset.
  std::vector<partition_plan> partitions;
  std::vector<partition_start> starts;
  /// The committed checkpoint the epoch starts from (0: no state yet).
  checkpoint_id resume;
  /// The nodes hosting shards: connected to directly before reading, so
  /// that batches go straight to them, not through the coordinator.
  std::vector<node_address> peers;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reader_assignment& x) {
  return f(caf::meta::type_name("reader_assignment"), x.epoch, x.config,
           x.kafka, x.partitions, x.starts, x.resume, x.peers);
}

/// Coordinator -> node: stop every actor of `epoch`; `leave` = the job is
/// over, the node exits.
struct stop_epoch {
  uint64_t epoch = 0;
  bool leave = false;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, stop_epoch& x) {
  return f(caf::meta::type_name("stop_epoch"), x.epoch, x.leave);
}

} // namespace crashwatch
