// Wiring: spawns the actors of a pipeline from a plan and connects them
// (readers -> shards -> sink, the checkpoint coordinator to all of them).
// The plan says which partitions are read, which shards there are and what
// state every actor starts from (fresh, or a checkpoint's); opening inputs,
// outputs and the journal happens before (app/run_open), waiting for the
// end after (app/run_wait). `crashwatch run` wires every actor in one
// process with wire_pipeline(); a node of a cluster spawns its own part
// with the spawn_* functions, given the handles (local or remote) of the
// actors its part sends to.
#pragma once

#include <chrono>
#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/fwd.hpp>

#include "core/pipeline_config.hpp"
#include "io/record_source.hpp"
#include "io/sink_outputs.hpp"
#include "messages/actors.hpp"
#include "persistence/journal.hpp"

namespace crashwatch {

/// One partition reader to spawn.
struct reader_plan {
  /// Where it starts: its partition, its source's position, and (after a
  /// restart) the checkpoint's clock, state and counters.
  reader_snapshot start;
  /// Its source, opened at `start.next_offset`.
  std::unique_ptr<record_source> source;
};

/// Everything the wiring needs.
struct pipeline_plan {
  /// What is computed and how.
  pipeline_config config;
  /// Every partition of the job, in order: shards and the sink follow (and
  /// align checkpoint barriers over) all of them.
  std::vector<partition_id> partitions;
  /// The readers to spawn, one per partition.
  std::vector<reader_plan> readers;
  /// Every shard, by id (config.shards of them): its start.
  std::vector<shard_restore> shards;
  /// The sink's outputs (opened and cut back) and its start.
  sink_outputs outputs;
  sink_snapshot sink_start;
  /// With a data dir: the journal, the id of the next checkpoint and the
  /// interval; without: null (no coordinator is spawned).
  std::unique_ptr<journal> log;
  checkpoint_id next_checkpoint;
  std::chrono::milliseconds checkpoint_interval{1000};
  /// The process's telemetry actor (--metrics), or null.
  caf::actor telemetry;
};

/// The spawned actors.
struct pipeline_actors {
  alert_sink_actor sink;
  /// Index = shard id.
  std::vector<shard_actor> shards;
  /// In the plan's order.
  std::vector<partition_reader_actor> readers;
  /// Null without a journal.
  checkpoint_coordinator_actor coordinator;

  /// Every actor, for monitoring and stopping.
  std::vector<caf::actor> all() const;
};

/// Where the actors that block spawn: the readers (read(), librdkafka
/// polls), the sink (writes, fsync, Kafka deliveries) and the coordinator
/// (SQLite).
enum class blocking_actors {
  /// On threads of their own, so that they never hold a scheduler thread
  /// (what crashwatch runs with).
  detached,
  /// On the scheduler like every other actor: for tests on CAF's
  /// deterministic test coordinator, which cannot run detached actors.
  scheduled,
};

/// Spawns the sink of a job computing `config` over `partitions`, with its
/// outputs and start; `waiter` is told `(done, pipeline_summary)` once every
/// partition has ended and every output is written.
alert_sink_actor spawn_sink(caf::actor_system& sys,
                            const pipeline_config& config,
                            const std::vector<partition_id>& partitions,
                            sink_outputs outputs, sink_snapshot start,
                            caf::actor waiter, blocking_actors mode,
                            caf::actor telemetry = {});

/// Spawns shard `id` from its start, sending to `sink` (local or remote).
shard_actor spawn_shard(caf::actor_system& sys, const pipeline_config& config,
                        const std::vector<partition_id>& partitions,
                        shard_id id, shard_restore start,
                        const alert_sink_actor& sink);

/// Spawns one reader, sending to every shard (`shards`, by id) and `sink`
/// (local or remote).
partition_reader_actor
spawn_reader(caf::actor_system& sys, const pipeline_config& config,
             reader_plan reader, const std::vector<shard_actor>& shards,
             const alert_sink_actor& sink, blocking_actors mode);

/// Spawns every actor of `plan` in this process and connects them; `waiter`
/// is told `(done, pipeline_summary)` by the sink once every input has ended
/// and every output is written. Every actor then runs until it is told to exit.
pipeline_actors wire_pipeline(caf::actor_system& sys, pipeline_plan plan,
                              caf::actor waiter,
                              blocking_actors mode = blocking_actors::detached);

} // namespace crashwatch
