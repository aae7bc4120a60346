// How a run ends on the terminal: its summary line or its error, and the
// exit status (0 done, 1 runtime failure, 2 a journal of other settings,
// 130 stopped by a signal). Shared by `run` and a cluster's coordinator.
#pragma once

#include <chrono>
#include <string>

#include <caf/expected.hpp>

#include "app/local_pipeline.hpp"

namespace crashwatch {

/// Prints what `outcome` says to stderr ("crashwatch run: ..." for an
/// error, `who` being "run" or "node c1") and returns the exit status.
int report_run(const std::string& who,
               const caf::expected<pipeline_outcome>& outcome,
               std::chrono::steady_clock::time_point started);

} // namespace crashwatch
