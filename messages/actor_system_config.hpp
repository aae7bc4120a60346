// The actor-system settings every crashwatch process runs with: the message
// types of messages/type_ids.hpp registered, the scheduler sized and tuned
// for the pipeline. Every node of a cluster must use the same (CAF matches
// message types by name: a type missing on one side arrives as an empty
// message, silently).
#pragma once

#include <caf/fwd.hpp>

namespace crashwatch {

/// Registers crashwatch's message types and sets the scheduler up.
void configure_actor_system(caf::actor_system_config& cfg);

} // namespace crashwatch
