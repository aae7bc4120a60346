// A node of a cluster (`crashwatch node --role aggregator|reader`): hosts
// the shards and partition readers the coordinator assigns to it in each
// epoch, wired to actors on other nodes (the sink on the coordinator, shards
// on aggregator nodes). Before its readers start, a reader node connects to
// every node that hosts shards, so that batches travel straight there and
// not through the coordinator (CAF relays through the node that introduced
// a handle otherwise). Runs on a thread of its own: opening a Kafka source
// blocks. Quits when told to leave (normal), or when it loses the
// coordinator (an error naming it).
#pragma once

#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/actors.hpp"

namespace crashwatch {

/// The state of a node actor.
struct node_state {
  static constexpr const char* name = "cluster_node";

  /// `--node-id`, for messages.
  std::string node_id;
  /// The epoch of the actors in `local`.
  uint64_t epoch = 0;
  /// The shards and readers this node hosts now.
  std::vector<caf::actor> local;
  /// The coordinator's door, once joined.
  caf::actor door;
};

/// Spawns with the node's id.
node_actor::behavior_type
cluster_node(node_actor::stateful_pointer<node_state> self,
             std::string node_id);

} // namespace crashwatch
