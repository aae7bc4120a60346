// The checkpoint coordinator: every `--checkpoint-interval` it asks every
// shard, the sink and every reader for their part of checkpoint N (shards
// and the sink first, so their request is queued before any barrier N can
// reach them), and once all parts are in writes them to the journal in one
// transaction. One checkpoint at a time: the next starts no earlier than one
// interval after the previous started, and never before it is written
// (Flink's max-concurrent-checkpoints = 1). Runs on its own thread: writing
// a large checkpoint blocks in SQLite, never the pipeline.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_response_promise.hpp>

#include "messages/actors.hpp"
#include "persistence/journal.hpp"

namespace crashwatch {

/// The state of the coordinator.
struct checkpoint_coordinator_state {
  static constexpr const char* name = "checkpoint_coordinator";

  std::unique_ptr<journal> log;
  std::vector<partition_reader_actor> readers;
  std::vector<shard_actor> shards;
  alert_sink_actor sink;
  /// In a cluster: the other nodes that host readers or shards (each
  /// stages its part and gets told when a checkpoint is committed), and the
  /// epoch the checkpoints belong to.
  std::vector<node_actor> nodes;
  uint64_t epoch = 0;
  std::chrono::milliseconds interval{1000};
  /// Id of the next checkpoint to take.
  checkpoint_id next;

  /// The checkpoint being taken, while its parts come in.
  std::optional<checkpoint_record> current;
  size_t parts_missing = 0;
  /// When it started, on the actor system's clock (the one its tick timer
  /// runs on; simulated under CAF's test coordinator).
  caf::actor_clock::time_point current_started;
  /// Requests for a checkpoint "now" (end of input, stop signal) that the
  /// current one does not serve: they get the next one. `final` is true
  /// when one of them said the run is complete.
  std::vector<caf::typed_response_promise<checkpoint_id>> waiting_next;
  bool next_final = false;
  /// Requests served by the current checkpoint.
  std::vector<caf::typed_response_promise<checkpoint_id>> waiting_current;
  /// A periodic tick is scheduled.
  bool tick_scheduled = false;
  /// A checkpoint marked finished was written: no periodic one follows.
  bool run_complete = false;
};

/// Spawns with: the journal (owned from now on; checkpoint `first - 1` is
/// its newest), the local actors whose parts make a checkpoint, the
/// interval, and in a cluster the other nodes with parts (asked for their
/// part, told when it is committed: two phases, docs/CLUSTER.md) and the
/// epoch (none and 0 in one process). Quits with an error when the journal
/// cannot be written or a part does not come.
checkpoint_coordinator_actor::behavior_type checkpoint_coordinator(
    checkpoint_coordinator_actor::stateful_pointer<checkpoint_coordinator_state>
        self,
    std::unique_ptr<journal> log, checkpoint_id first,
    std::vector<partition_reader_actor> readers,
    std::vector<shard_actor> shards, alert_sink_actor sink,
    std::chrono::milliseconds interval, std::vector<node_actor> nodes,
    uint64_t epoch);

} // namespace crashwatch
