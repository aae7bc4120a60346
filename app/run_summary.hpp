// The one line `crashwatch run` prints on stderr when it is done.
#pragma once

#include <string>

#include "messages/partition_stats.hpp"

namespace crashwatch {

/// e.g. "crashwatch: 2 partitions, 10000000 records (512000 crashes, 1200
/// late, 40 malformed, 0 blank), 14211 alerts in 1.21 s (8.26 M records/s)".
/// The counts cover the whole run; after a restart from a checkpoint that
/// had read `resumed_records` records, time and rate are this process's:
/// "...; this process: 2000000 records in 0.25 s (8.00 M records/s)".
std::string format_run_summary(const pipeline_summary& summary, double seconds,
                               uint64_t resumed_records = 0);

/// The counts alone, for a run that had completed before: "crashwatch: 2
/// partitions, 10000000 records (...), 14211 alerts".
std::string format_run_counts(const pipeline_summary& summary);

} // namespace crashwatch
