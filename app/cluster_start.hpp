// Where a cluster's job starts (the coordinator): afresh, or with
// `--data-dir` from the newest checkpoint committed in the coordinator's
// journal. The coordinator fixes where every partition starts, also those
// that other nodes read: the offset of the checkpoint it resumes from, or at
// a fresh start the file's beginning or the Kafka offset `--from` names
// (asked of the brokers now, so that the start of the job is written in
// checkpoint 0 before anything is read, whatever node reads it).
#pragma once

#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "app/node_options.hpp"
#include "app/run_start.hpp"

namespace crashwatch {

/// The start of a cluster's job.
struct cluster_start {
  /// The journal, the checkpoint resumed from, every partition's start.
  run_start base;
  /// The job's id: new at a fresh start, else the journal's.
  std::string job_id;
};

/// Opens the coordinator's data dir (if any), checks its settings, and fixes
/// every partition's start. Prints one line to stderr saying which.
caf::expected<cluster_start>
open_cluster_start(const node_options& opts,
                   const std::vector<partition_plan>& plans);

/// For a new data dir: writes the journal with checkpoint 0 (every reader at
/// its start, empty shards, outputs at their current size). For a resumed
/// one: fixes the `--exit-at-end` offsets not fixed yet.
caf::error commit_cluster_start(cluster_start& start, const run_options& job,
                                const std::vector<partition_plan>& plans,
                                const sink_outputs& outputs);

} // namespace crashwatch
