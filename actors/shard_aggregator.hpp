// A shard aggregator: owns the (window, user) counts of the users hashed to
// it, follows every partition's watermark (which arrives FIFO behind that
// partition's data), and fires the windows the global watermark has passed.
// Checkpoints: once barrier N came from every partition, its counts reflect
// exactly the records before the barriers; it answers the coordinator's
// `(checkpoint, N)` with the counts changed since checkpoint N-1 and
// forwards barrier N to the sink. Batches of a partition that already sent
// barrier N wait (unacknowledged, so that partition's reader soon pauses)
// until the others' barriers are in.
#pragma once

#include <optional>
#include <unordered_map>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/snapshot_handoff.hpp"
#include "core/barrier_aligner.hpp"
#include "core/global_watermark.hpp"
#include "core/pipeline_config.hpp"
#include "core/window_counts.hpp"
#include "messages/actors.hpp"

namespace crashwatch {

/// A message of a partition that must wait for barrier alignment.
struct held_shard_message {
  /// A batch, or (when empty) the next checkpoint's barrier.
  std::optional<partition_batch> batch;
  /// The batch's pending ack.
  caf::typed_response_promise<atom::ack, shard_id> ack;
  partition_barrier barrier;
};

/// The state of one shard.
struct shard_aggregator_state {
  static constexpr const char* name = "shard_aggregator";

  shard_id id;
  pipeline_config config;
  std::optional<window_counts> counts;
  std::optional<global_watermark> watermarks;
  alert_sink_actor sink;
  /// Partition id -> input index of the aligner.
  std::unordered_map<int32_t, size_t> inputs;
  std::optional<barrier_aligner<held_shard_message>> aligner;
  /// This actor's part of the checkpoint being taken, to the coordinator.
  snapshot_handoff<shard_snapshot> handoff;
  /// Telemetry: batches handled, time spent on them, the last report.
  uint64_t batches = 0;
  uint64_t busy_ns = 0;
  caf::actor_clock::time_point last_report;
};

/// Spawns with: the shard's id, the pipeline settings, the ids of the input
/// partitions, the sink and where to start (a default shard_restore for a
/// fresh start; after a restart, the checkpoint's state). Every argument is
/// a serializable value (messages/type_ids.hpp), so a shard can be spawned
/// from a plan that crossed nodes. Runs until its owner stops it.
shard_actor::behavior_type
shard_aggregator(shard_actor::stateful_pointer<shard_aggregator_state> self,
                 shard_id id, pipeline_config config,
                 std::vector<partition_id> partitions, alert_sink_actor sink,
                 shard_restore restore);

} // namespace crashwatch
