// `crashwatch node`: one node of a cluster (docs/CLUSTER.md).
#include <memory>

#include "app/cluster_coordinator.hpp"
#include "app/cluster_member.hpp"
#include "app/commands.hpp"
#include "app/node_options.hpp"
#include "app/pipeline_inputs.hpp"

namespace crashwatch {

int execute_node(const node_options& opts) {
  if ((opts.roles & coordinator_role) == 0)
    return run_cluster_member(opts);
  // A coordinator that expects no other node hosts every role itself:
  // exactly `run`, with --data-dir and all.
  if (opts.expect_nodes == 0) {
    for (auto& input : opts.job.inputs)
      if (node_input(input))
        throw usage_error("--input " + input
                          + ": names a node, but --expect-nodes is 0 (no "
                            "node will join)");
    return execute_run(opts.job);
  }
  return run_cluster_coordinator(opts);
}

command_action setup_node_command(CLI::App& cmd) {
  cmd.description(
      "one node of a cluster: the coordinator owns the job (the options of "
      "run), aggregator nodes host shards, reader nodes read partitions\n\n"
      "The coordinator waits for --expect-nodes other nodes to --join it, "
      "spreads the shards over the aggregator nodes and the Kafka partitions "
      "over the reader nodes (files: read by the coordinator, or by the node "
      "NODE named --input node://NODE/PATH), and writes every output.");
  cmd.footer("docs/CLUSTER.md: roles, addresses, what happens when a node "
             "fails. Exit status: 0 the job is done, 1 runtime failure (a node "
             "lost, the coordinator unreachable), 2 bad options or refused by "
             "the coordinator, 130 stopped by Ctrl-C or SIGTERM.");
  auto opts = std::make_shared<node_options>();
  add_node_options(cmd, *opts);
  return [&cmd, opts] {
    validate_node_options(cmd, *opts);
    return execute_node(*opts);
  };
}

} // namespace crashwatch
