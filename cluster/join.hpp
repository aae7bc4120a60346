// A node joins its coordinator (`--join HOST:PORT`): connect to the door
// the coordinator published there, retrying with backoff while it is not up
// yet (nodes may start in any order), then ask to join. Runs on the node's
// main thread; every wait is bounded (CAF's own connect has no timeout).
#pragma once

#include <chrono>
#include <functional>

#include <caf/actor_system.hpp>
#include <caf/expected.hpp>
#include <caf/io/middleman_actor.hpp>

#include "messages/actors.hpp"

namespace crashwatch {

/// A node in its cluster: the coordinator's door and its answer.
struct cluster_membership {
  cluster_door_actor door;
  join_reply reply;
};

/// Connects to `coordinator` through `transport` (cluster/transport) (retrying:
/// 100 ms, doubling up to 2 s, until `budget` has passed) and asks to join with
/// `request` and the node's actor. Returns the door and its answer, or an
/// error: ec::input_error when the coordinator cannot be reached within the
/// budget (naming it and the last reason), ec::config_error when it refuses the
/// node or is no crashwatch coordinator, ec::interrupted when `stop()` turns
/// true.
caf::expected<cluster_membership>
join_cluster(caf::actor_system& sys, const caf::io::middleman_actor& transport,
             const node_address& coordinator, const join_request& request,
             const node_actor& node, std::chrono::milliseconds budget,
             const std::function<bool()>& stop);

} // namespace crashwatch
