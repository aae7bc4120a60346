// Where a run starts: afresh, or (with `--data-dir`) from the newest complete
// checkpoint of its journal. Opening the data dir checks that the journal
// belongs to this run's settings; a new data dir gets its journal and
// checkpoint 0 (the state before the first record) before anything is read
// or written, so that even a crash before the first periodic checkpoint
// restarts cleanly (output files cut back to their size at the start).
#pragma once

#include <memory>
#include <optional>
#include <vector>

#include <caf/expected.hpp>

#include "app/pipeline_inputs.hpp"
#include "app/run_options.hpp"
#include "io/sink_outputs.hpp"
#include "messages/checkpoint.hpp"
#include "persistence/journal.hpp"

namespace crashwatch {

/// The start of a run.
struct run_start {
  /// The data dir's journal; null without --data-dir.
  std::unique_ptr<journal> log;
  /// The checkpoint resumed from (or, when already_complete, the final
  /// one); none for a fresh start.
  std::optional<restored_checkpoint> restored;
  /// Per partition (in plan order): where its source opens.
  std::vector<partition_start> starts;
  /// The journal's run had completed: there is nothing to do.
  bool already_complete = false;
  /// The settings the journal is (or will be) bound to.
  job_settings settings;
};

/// Opens the data dir of `opts` (if any), checks its settings and reads
/// where to resume. Prints one line to stderr saying which.
caf::expected<run_start>
open_run_start(const run_options& opts,
               const std::vector<partition_plan>& plans,
               const std::string& who = "run", job_settings extra = {});

/// For a new data dir: writes the journal with checkpoint 0 (readers at the
/// sources' start, empty shards, outputs at their current size). For a
/// resumed one: fixes end offsets not fixed yet (a first `--exit-at-end`).
caf::error
commit_run_start(run_start& start, const run_options& opts,
                 const std::vector<partition_plan>& plans,
                 const std::vector<std::unique_ptr<record_source>>& sources,
                 const sink_outputs& outputs);

/// Where reader `i` starts: the checkpoint's part, or a fresh one at its
/// source's position.
reader_snapshot reader_start(const run_start& start, const partition_plan& plan,
                             size_t i, const record_source& source);

/// Every partition's watermark and state at the restored checkpoint (none
/// for a fresh start): what every shard follows.
std::vector<partition_mark> partition_marks(const run_start& start,
                                            const pipeline_config& config);

/// Where shard `shard` starts: empty for a fresh start, else the restored
/// checkpoint's state with its counts loaded from the journal.
caf::expected<shard_restore>
shard_start(const run_start& start, const run_options& opts, shard_id shard);

/// Where the sink starts: empty for a fresh start, else the restored
/// checkpoint's part.
sink_snapshot sink_start(const run_start& start);

} // namespace crashwatch
