// A process's telemetry actor (--metrics): keeps the latest reports the
// sink forwards (messages/telemetry.hpp) and answers the HTTP server with
// /status (JSON) and /metrics (Prometheus text), rendered on request.
#pragma once

#include <string>
#include <vector>

#include <caf/stateful_actor.hpp>
#include <caf/typed_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/actors.hpp"
#include "telemetry/telemetry_state.hpp"

namespace crashwatch {

using telemetry_actor = caf::typed_actor<
    caf::reacts_to<reader_report>, caf::reacts_to<shard_report>,
    caf::reacts_to<checkpoint_report>, caf::reacts_to<cluster_report>,
    caf::reacts_to<membership_report>, caf::reacts_to<restore_report>,
    // The sink's counters, its latest alerts and its load.
    caf::reacts_to<pipeline_summary, std::vector<alert>, sink_report>,
    caf::replies_to<atom::status>::with<std::string>,
    caf::replies_to<atom::metrics>::with<std::string>>;

struct telemetry_actor_state {
  static constexpr const char* name = "telemetry";
  telemetry_state st;
};

/// Spawns with who the process is, the partitions' sources and whether the
/// job keeps checkpoints.
telemetry_actor::behavior_type
telemetry(telemetry_actor::stateful_pointer<telemetry_actor_state> self,
          telemetry_state initial);

} // namespace crashwatch
