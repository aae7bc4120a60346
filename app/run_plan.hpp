// Step 2 of a run (open -> plan -> wire -> wait): turns what was opened
// into the wiring's plan: every reader with its source and start, every
// shard's start (its counts loaded from the journal after a restart), the
// sink's outputs and start, and the journal for the checkpoint coordinator.
#pragma once

#include <caf/expected.hpp>

#include "actors/pipeline_wiring.hpp"
#include "app/run_open.hpp"
#include "app/run_options.hpp"

namespace crashwatch {

/// The plan of a run; takes the sources, outputs and journal of `run`.
caf::expected<pipeline_plan> plan_run(opened_run& run, const run_options& opts);

} // namespace crashwatch
