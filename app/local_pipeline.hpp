// All roles in one process: readers, shards and the sink wired together on
// one actor system (what `crashwatch run` and `crashwatch demo` do).
#pragma once

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>

#include "app/run_options.hpp"
#include "messages/partition_stats.hpp"

namespace crashwatch {

/// The actor system settings crashwatch runs with (message types registered,
/// scheduler sized to the machine).
void configure_actor_system(caf::actor_system_config& cfg);

/// Opens the inputs and outputs of `opts`, runs the pipeline to the end of
/// every input and returns what it did. Errors (unreadable input, unwritable
/// output, a failed actor) come back as caf::error with a message for people.
caf::expected<pipeline_summary> run_local_pipeline(caf::actor_system& sys,
                                                   const run_options& opts);

} // namespace crashwatch
