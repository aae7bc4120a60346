// Step 1 of a run (open -> plan -> wire -> wait): opens and checks
// everything before any record is read, so that a bad path, a foreign
// journal or an output shorter than its checkpoint fails at once: the
// partitions and their sources, the data dir's journal (resuming from its
// newest checkpoint), the outputs, cut back to that checkpoint.
#pragma once

#include <memory>
#include <vector>

#include <caf/expected.hpp>

#include "app/pipeline_inputs.hpp"
#include "app/run_options.hpp"
#include "app/run_start.hpp"
#include "io/record_source.hpp"
#include "io/sink_outputs.hpp"

namespace crashwatch {

/// Everything a run reads, writes and resumes from, opened.
struct opened_run {
  /// The partitions, in order.
  std::vector<partition_plan> partitions;
  /// Afresh or from a checkpoint; with a data dir, its journal.
  run_start start;
  /// One per partition, each at its start position; empty when the data
  /// dir's run had completed (there is nothing to read).
  std::vector<std::unique_ptr<record_source>> sources;
  /// Every output, cut back to the checkpoint resumed from.
  sink_outputs outputs;
};

/// Opens the inputs, the data dir and the outputs of `opts`. A new data dir
/// gets its checkpoint 0 here (docs/DURABILITY.md). Errors are one line for
/// people.
caf::expected<opened_run> open_run(const run_options& opts);

} // namespace crashwatch
