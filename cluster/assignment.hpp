// Which node does what in an epoch: the shards spread evenly over the
// aggregator nodes, the Kafka partitions over the reader nodes, files read
// by the coordinator unless named for a node (`--input node://ID/PATH`).
// Pure: the same nodes and job give the same assignment.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "core/input_settings.hpp"

namespace crashwatch {

/// A node as the assignment sees it.
struct cluster_member {
  std::string node_id;
  /// node_role bits.
  uint8_t roles = 0;
};

/// Who hosts each shard and reads each partition (node ids).
struct cluster_assignment {
  /// By shard id.
  std::vector<std::string> shard_nodes;
  /// By partition, in the plan's order.
  std::vector<std::string> partition_nodes;
};

/// The assignment for the coordinator `coordinator` and the nodes that
/// joined it (`nodes`, without the coordinator):
/// * shard i goes to the i-th aggregator node (round robin, in node-id
///   order; the coordinator takes part when it has the aggregator role),
///   or to the coordinator when there are none;
/// * a Kafka partition (no `node` in its plan) goes round robin to the
///   reader nodes the same way, or to the coordinator when there are none;
///   a file goes to the node it is named for, or to the coordinator.
/// Fails (a config_error) when a file is named for a node that is not a
/// reader node of the cluster.
caf::expected<cluster_assignment>
assign_cluster(const cluster_member& coordinator,
               const std::vector<cluster_member>& nodes, uint32_t shards,
               const std::vector<partition_plan>& partitions);

} // namespace crashwatch
