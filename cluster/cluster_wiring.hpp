// The coordinator wires an epoch across the cluster: it spawns the sink (and
// whatever the assignment gives the coordinator itself), asks each
// aggregator node to spawn its shards, then each reader node to open its
// partitions and spawn their readers, wired to every shard and the sink.
// The result is one pipeline_actors, local and remote handles alike, which
// app/run_wait waits on as for a run in one process: monitors fire when a
// remote actor, or the node under it, is gone.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/pipeline_wiring.hpp"
#include "cluster/assignment.hpp"
#include "messages/actors.hpp"

namespace crashwatch {

/// A node that joined the job, and its actor.
struct joined_node {
  join_request info;
  node_actor actor;
};

/// What the coordinator wires for one epoch.
struct cluster_plan {
  uint64_t epoch = 1;
  /// The coordinator's `--node-id`.
  std::string coordinator;
  pipeline_config config;
  kafka_input_options kafka;
  /// Every partition of the job, and where each starts.
  std::vector<partition_plan> partitions;
  std::vector<partition_start> starts;
  /// The committed checkpoint the epoch starts from (0: the job's start),
  /// and every partition's watermark and state then.
  checkpoint_id resume;
  std::vector<partition_mark> marks;
  /// Who does what.
  cluster_assignment assignment;
  /// By partition: the sources of those the coordinator reads (opened),
  /// null for the others, and where their readers start.
  std::vector<std::unique_ptr<record_source>> local_sources;
  std::vector<reader_snapshot> reader_starts;
  /// By shard id: the start of the coordinator's own shards (the others'
  /// are rebuilt by their nodes from their journals).
  std::vector<shard_restore> local_shards;
  /// The sink's outputs and start.
  sink_outputs outputs;
  sink_snapshot sink_start;
  /// With a data dir: the coordinator's journal, the id of the next
  /// checkpoint and the interval; without: null (no checkpoints).
  std::unique_ptr<journal> log;
  checkpoint_id next_checkpoint;
  std::chrono::milliseconds checkpoint_interval{1000};
  /// The coordinator's telemetry actor (--metrics), or null.
  caf::actor telemetry;
};

/// Spawns and connects every actor of `plan` in the cluster, as `self`
/// (whose requests wait at most a minute per node). `waiter` is told
/// `(done, pipeline_summary)` by the sink. On an error, what was spawned is
/// stopped again.
caf::expected<pipeline_actors>
wire_cluster(caf::actor_system& sys, caf::scoped_actor& self, cluster_plan plan,
             const std::vector<joined_node>& nodes, caf::actor waiter);

/// Tells every node that the epoch is over (`leave`: so is the job), and
/// waits (at most a few seconds) until they said so (or, leaving, are gone).
void stop_nodes(caf::scoped_actor& self, const std::vector<joined_node>& nodes,
                uint64_t epoch, bool leave);

} // namespace crashwatch
