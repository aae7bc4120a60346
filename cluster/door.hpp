// The coordinator's door (`crashwatch node --role coordinator`): nodes join
// the job here. It refuses, with one line that says why, a node of another
// protocol version, a node id already in the cluster, a node whose
// --node-timeout differs (heartbeats only work when all nodes agree), job
// options that conflict with the coordinator's, and a node whose roles the
// job does not need, a node whose data dir belongs to another job or node.
// The coordinator asks it `(ready)` for the nodes, again and again until
// all expected are in (an error says they are not yet).
// A coordinator restarted after its job completed keeps the door open a
// while to tell nodes that join again that the job is over.
// Once the job first had them all, its nodes are fixed: a node that is lost
// (its actor or its connection went down) may come back with the same
// --node-id, and no other may take its place.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "messages/actors.hpp"

namespace crashwatch {

/// What a joining node is checked against.
struct door_rules {
  /// The coordinator's `--node-id`.
  std::string coordinator;
  /// `--expect-nodes`.
  uint32_t expected = 0;
  /// The coordinator's `--node-timeout`.
  int64_t node_timeout_ms = 0;
  /// Every job option of the coordinator, (option, value) in canonical text.
  std::vector<std::pair<std::string, std::string>> job_options;
  /// Reader nodes are needed for Kafka partitions: any is welcome.
  bool kafka = false;
  /// Nodes named by `--input node://ID/PATH`: they must join as readers.
  std::vector<std::string> named_readers;
  /// `--shards`: more aggregator nodes than shards would host nothing.
  uint32_t shards = 0;
  /// The job's id (a node's journal is bound to it).
  std::string job;
  /// The job keeps checkpoints (`--data-dir`): every node needs a data dir
  /// of its own for its part.
  bool durable = false;
  /// The job had completed before this coordinator started: every node
  /// that joins is told so (and exits); `(ready)` is answered once
  /// `expected` nodes were told.
  bool over = false;
  /// Where the coordinator serves /status (HOST:PORT, "" without
  /// --metrics): told to every node that joins.
  std::string metrics;
};

/// The state of the door.
struct door_state {
  static constexpr const char* name = "cluster_door";

  door_rules rules;
  /// The nodes in the job now, and their actors.
  std::vector<join_request> joined;
  std::vector<node_actor> nodes;
  /// The nodes of the job once it first had them all: after that, only
  /// these come back (after a failure, with the same --node-id).
  std::vector<std::string> members;
  /// The nodes told that the job is over (rules.over).
  std::vector<std::string> told;
};

/// Why `request` cannot join under `rules`, with `joined` already in and
/// `members` the job's nodes once it first had them all (empty before);
/// "" when it can. Pure, for tests.
std::string join_refusal(const door_rules& rules,
                         const std::vector<join_request>& joined,
                         const std::vector<std::string>& members,
                         const join_request& request);

/// Spawns with the rules.
cluster_door_actor::behavior_type
cluster_door(cluster_door_actor::stateful_pointer<door_state> self,
             door_rules rules);

} // namespace crashwatch
