// A node of a cluster (`crashwatch node --role aggregator|reader`): hosts
// the shards and partition readers the coordinator assigns to it in each
// epoch, wired to actors on other nodes (the sink on the coordinator, shards
// on aggregator nodes). Before its readers start, a reader node connects to
// every node that hosts shards, so that batches travel straight there and
// not through the coordinator (CAF relays through the node that introduced
// a handle otherwise).
//
// With a `--data-dir`, the node keeps its own journal
// (persistence/node_journal): for checkpoint N it asks its readers and
// shards for their parts and stages them there before answering the
// coordinator (phase one), and applies them once the coordinator says N is
// committed (phase two). An epoch that resumes from checkpoint C rebuilds
// the node's shards from its journal's state of C, and its readers from
// their positions and clocks of C.
//
// Runs on a thread of its own: opening a Kafka source and writing the
// journal block. Quits when told to leave (normal), or when it loses the
// coordinator (an error naming it).
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/actor.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/actors.hpp"
#include "persistence/node_journal.hpp"

namespace crashwatch {

/// The state of a node actor.
struct node_state {
  static constexpr const char* name = "cluster_node";

  /// `--node-id`, for messages and the journal.
  std::string node_id;
  /// `--data-dir` ("" = none: the node takes part in no checkpoint).
  std::string data_dir;
  /// The job joined (from the join reply).
  std::string job;
  /// The node's journal, opened with the first assignment.
  std::unique_ptr<node_journal> log;
  /// The epoch of the actors below.
  uint64_t epoch = 0;
  /// The shards and readers this node hosts now.
  std::vector<shard_actor> shards;
  std::vector<partition_reader_actor> readers;
  /// Grows whenever the actors above are stopped: a checkpoint part asked
  /// of older ones is not staged.
  uint64_t generation = 0;
  /// The coordinator's door, once joined.
  caf::actor door;
  /// The node's middleman actor (cluster/transport): connects to peers.
  caf::io::middleman_actor transport;
};

/// Spawns with the node's id, data dir ("" for none) and middleman actor
/// (cluster_transport::handle()).
node_actor::behavior_type
cluster_node(node_actor::stateful_pointer<node_state> self, std::string node_id,
             std::string data_dir, caf::io::middleman_actor transport);

} // namespace crashwatch
