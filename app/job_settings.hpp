// The settings of a run that a checkpoint journal is bound to: those that
// shape its results (window, watermark delay, threshold, filter, emit mode,
// shards), what it reads and where it writes. A restart with other values
// would mix two computations in one state and one output, so the journal
// refuses it. Options that do not change results (--idle-timeout,
// --checkpoint-interval, -X, --group, --exit-at-end, --from) may change.
#pragma once

#include <vector>

#include "app/pipeline_inputs.hpp"
#include "app/run_options.hpp"
#include "persistence/journal.hpp"

namespace crashwatch {

/// The job settings of `opts` reading `partitions`, in a fixed order, with
/// values as people write them ("--window", "10s").
job_settings make_job_settings(const run_options& opts,
                               const std::vector<partition_plan>& partitions);

} // namespace crashwatch
