#include "cluster/assignment.hpp"

#include <algorithm>

#include "core/error.hpp"
#include "messages/cluster.hpp"

namespace crashwatch {

namespace {

/// The ids of the nodes (coordinator included) with `role`, sorted.
std::vector<std::string> with_role(const cluster_member& coordinator,
                                   const std::vector<cluster_member>& nodes,
                                   node_role role) {
  std::vector<std::string> ids;
  if ((coordinator.roles & role) != 0)
    ids.push_back(coordinator.node_id);
  for (auto& n : nodes)
    if ((n.roles & role) != 0)
      ids.push_back(n.node_id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

} // namespace

caf::expected<cluster_assignment>
assign_cluster(const cluster_member& coordinator,
               const std::vector<cluster_member>& nodes, uint32_t shards,
               const std::vector<partition_plan>& partitions) {
  cluster_assignment result;
  auto aggregators = with_role(coordinator, nodes, aggregator_role);
  auto readers = with_role(coordinator, nodes, reader_role);
  for (uint32_t s = 0; s < shards; ++s)
    result.shard_nodes.push_back(aggregators.empty()
                                     ? coordinator.node_id
                                     : aggregators[s % aggregators.size()]);
  size_t next_reader = 0;
  for (auto& p : partitions) {
    if (!p.node.empty()) {
      if (std::find(readers.begin(), readers.end(), p.node) == readers.end())
        return make_error(ec::config_error,
                          "--input " + p.source.substr(5) + ": node '" + p.node
                              + "' is not a reader node of this cluster");
      result.partition_nodes.push_back(p.node);
    } else if (p.source.rfind("kafka ", 0) == 0 && !readers.empty()) {
      result.partition_nodes.push_back(readers[next_reader++ % readers.size()]);
    } else {
      result.partition_nodes.push_back(coordinator.node_id);
    }
  }
  return result;
}

} // namespace crashwatch
