// All roles in one process: readers, shards, the sink and (with --data-dir)
// the checkpoint coordinator wired together on one actor system (what
// `crashwatch run` and `crashwatch demo` do).
#pragma once

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "app/run_options.hpp"
#include "messages/partition_stats.hpp"
#include "persistence/journal.hpp"

namespace crashwatch {

/// What a run did.
struct pipeline_outcome {
  /// Counters over the whole run (every life of a data dir).
  pipeline_summary summary;
  /// The data dir's run had completed before: nothing was read or written.
  bool already_complete = false;
  /// Records read before the checkpoint this process resumed from.
  uint64_t resumed_records = 0;
  /// Set when SIGINT/SIGTERM stopped the run (ec::interrupted, saying
  /// where it stopped); `summary` then counts up to the stop.
  caf::error stopped;
};

/// What a run that had completed before did, from its final checkpoint.
pipeline_outcome completed_outcome(const restored_checkpoint& final);

/// Opens the inputs and outputs of `opts` (resuming from the newest
/// checkpoint of --data-dir), runs the pipeline to the end of every input
/// and returns what it did. Errors (unreadable input, unwritable output, a
/// journal for other settings, a failed actor) come back as caf::error with
/// a message for people.
caf::expected<pipeline_outcome> run_local_pipeline(caf::actor_system& sys,
                                                   const run_options& opts);

} // namespace crashwatch
