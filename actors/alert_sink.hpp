// The alert sink: merges the shards' fired windows into the output order of
// SPEC.md and writes every output. Alerts of a window are released once every
// shard has emitted through the window's end; all alerts released by one
// message form one console batch. Checkpoints: once barrier N came from
// every reader and every shard, it makes its outputs durable and answers the
// coordinator's `(checkpoint, N)` with their sizes (a restart cuts them back
// there) and its own state. Runs until its owner stops it.
//
// `--alerts-topic` (io/alert_delivery.hpp): alerts go to Kafka without
// waiting for the broker; the sink serves delivery reports on a timer
// (atom::tick, every delivery_poll) while alerts are in flight. Its part of
// a checkpoint is answered only once every alert before the barrier is
// confirmed (or counted as lost with --on-data-loss warn), `done` only once
// every alert is, and a stop (exit message) waits for them too.
#pragma once

#include <deque>
#include <optional>
#include <utility>
#include <variant>
#include <vector>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "actors/snapshot_handoff.hpp"
#include "core/barrier_aligner.hpp"
#include "io/sink_outputs.hpp"
#include "messages/actors.hpp"

namespace crashwatch {

/// A message of an input that waits for barrier alignment.
using held_sink_message
    = std::variant<shard_progress, side_batch, partition_stats,
                   partition_barrier, shard_barrier>;

/// The state of the sink.
struct alert_sink_state {
  static constexpr const char* name = "alert_sink";

  sink_outputs outputs;
  /// Per shard: it has emitted every window ending at or before this.
  std::vector<event_time> shard_emitted;
  /// Everything up to here has been written.
  event_time released = min_event_time;
  /// Fired final alerts not yet released.
  std::vector<alert> pending;
  /// Console batch counter, from 0 like Spark's.
  uint64_t next_batch = 0;
  /// The partitions read, by aligner input (readers are inputs 0..P-1,
  /// shards P..P+S-1).
  std::vector<partition_id> partitions;
  std::optional<barrier_aligner<held_sink_message>> aligner;
  /// This actor's part of the checkpoint being taken, to the coordinator.
  snapshot_handoff<sink_snapshot> handoff;
  pipeline_summary summary;
  /// True once `done` went to the waiter.
  bool done = false;
  /// Told `(done, pipeline_summary)` once everything is written.
  caf::actor waiter;
  /// The process's telemetry actor (--metrics), or null: gets every
  /// report, and `(pipeline_summary, latest alerts, sink_report)` at most
  /// once a second.
  caf::actor telemetry;
  std::vector<alert> latest;
  caf::actor_clock::time_point last_report;
  /// Checkpoint parts waiting for the alerts before their barrier to be
  /// confirmed by Kafka: (alert_delivery mark, part), oldest first.
  std::deque<std::pair<uint64_t, sink_snapshot>> unconfirmed;
  /// A delivery tick is scheduled.
  bool ticking = false;
  /// An exit message came while alerts were in flight: quit with this once
  /// they are settled.
  std::optional<caf::error> stopping;
  /// ... or at this time, whatever is still in flight then.
  caf::actor_clock::time_point stop_deadline;
  /// Telemetry: messages handled, and wall time spent handling them.
  uint64_t messages = 0;
  uint64_t busy_ns = 0;
};

/// Spawns with: the outputs (owned from now on), the number of shards, the
/// partitions, the actor to notify at the end and where to start (a default
/// sink_snapshot for a fresh start; after a restart, the checkpoint's sink
/// state) and the telemetry actor (or null). Quits with an error when an
/// output cannot be written.
alert_sink_actor::behavior_type
alert_sink(alert_sink_actor::stateful_pointer<alert_sink_state> self,
           sink_outputs outputs, uint32_t shards,
           std::vector<partition_id> partitions, caf::actor waiter,
           sink_snapshot restore, caf::actor telemetry);

} // namespace crashwatch
