// Step 4 of a run (open -> plan -> wire -> wait): waits for the wired
// pipeline to end, and stops it. With a data dir, the end is marked by a
// final checkpoint (a restart of the same command has nothing to do), and a
// stop signal by a last checkpoint (a restart continues from there).
#pragma once

#include <optional>

#include <string>

#include <caf/expected.hpp>
#include <caf/scoped_actor.hpp>

#include "actors/pipeline_wiring.hpp"
#include "messages/partition_stats.hpp"

namespace crashwatch {

/// Waits as `self` (the waiter given to wire_pipeline) until the sink
/// reports that every input ended and every output is written, an actor
/// fails (its error), or SIGINT/SIGTERM arrives (ec::interrupted). Tells
/// every actor to exit before it returns. `data_dir` only names the data
/// dir in messages. After a stop signal, `so_far` (when given) receives
/// the counters up to the stop, for the summary line.
caf::expected<pipeline_summary>
wait_for_pipeline(caf::scoped_actor& self, const pipeline_actors& actors,
                  const std::string& data_dir,
                  std::optional<pipeline_summary>* so_far = nullptr);

} // namespace crashwatch
