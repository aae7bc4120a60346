#include "app/cluster_coordinator.hpp"

#include <chrono>
#include <iostream>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/io/middleman.hpp>
#include <caf/scoped_actor.hpp>

#include "app/pipeline_inputs.hpp"
#include "app/pipeline_outputs.hpp"
#include "app/process_exit.hpp"
#include "app/run_report.hpp"
#include "app/run_wait.hpp"
#include "app/stop_signals.hpp"
#include "cluster/cluster_config.hpp"
#include "cluster/cluster_wiring.hpp"
#include "cluster/door.hpp"
#include "cluster/node_address.hpp"
#include "core/error.hpp"
#include "messages/actor_system_config.hpp"

namespace crashwatch {

namespace {

/// How often the stop flag is looked at while waiting for nodes.
constexpr auto stop_poll = std::chrono::milliseconds(20);

/// The nodes that joined, once all expected have; an error when stopped.
caf::expected<std::vector<joined_node>> await_nodes(caf::scoped_actor& self) {
  caf::expected<std::vector<joined_node>> result = caf::error{};
  bool waiting = true;
  while (waiting)
    self->receive(
        [&](atom::ready, std::vector<join_request>& requests,
            std::vector<node_actor>& actors) {
          std::vector<joined_node> nodes;
          for (size_t i = 0; i < requests.size(); ++i)
            nodes.push_back({std::move(requests[i]), std::move(actors[i])});
          result = std::move(nodes);
          waiting = false;
        },
        caf::after(stop_poll) >>
            [&] {
              if (stop_requested()) {
                result = make_error(ec::interrupted,
                                    "interrupted while waiting for nodes");
                waiting = false;
              }
            });
  return result;
}

/// Where each partition goes and each shard lives, for the log.
std::string describe(const cluster_assignment& a,
                     const std::vector<partition_plan>& partitions) {
  std::string text = "shards";
  for (size_t s = 0; s < a.shard_nodes.size(); ++s)
    text += " " + std::to_string(s) + ":" + a.shard_nodes[s];
  text += "; partitions";
  for (size_t i = 0; i < partitions.size(); ++i)
    text += " " + std::to_string(partitions[i].id.value) + ":"
            + a.partition_nodes[i];
  return text;
}

/// The whole job once the cluster is up; its outcome.
caf::expected<pipeline_outcome> coordinate(caf::actor_system& sys,
                                           const node_options& opts) {
  auto& job = opts.job;
  auto who = "crashwatch node " + opts.node_id + ": ";
  auto plans = plan_partitions(job);
  if (!plans)
    return std::move(plans.error());
  auto outputs = open_outputs(job);
  if (!outputs)
    return std::move(outputs.error());
  caf::scoped_actor self{sys};
  door_rules rules;
  rules.coordinator = opts.node_id;
  rules.expected = opts.expect_nodes;
  rules.node_timeout_ms = opts.node_timeout_ms;
  rules.job_options = job_option_values(job);
  rules.kafka = !job.kafka.brokers.empty();
  for (auto& p : *plans)
    if (!p.node.empty())
      rules.named_readers.push_back(p.node);
  rules.shards = job.pipeline.shards;
  auto door = sys.spawn(cluster_door, rules, caf::actor{self});
  auto listen_host
      = is_wildcard_host(opts.listen.host) ? nullptr : opts.listen.host.c_str();
  auto port
      = sys.middleman().publish(door, opts.listen.port, listen_host, true);
  if (!port) {
    self->send_exit(door, caf::exit_reason::user_shutdown);
    return make_error(ec::config_error, "--listen " + to_string(opts.listen)
                                            + ": " + render(port.error()));
  }
  std::cerr << who << "coordinator of " << plans->size() << " partitions and "
            << job.pipeline.shards << " shards, listening on "
            << opts.listen.host << ":" << *port << "; waiting for "
            << opts.expect_nodes << " nodes\n";
  auto nodes = await_nodes(self);
  if (!nodes) {
    self->send_exit(door, caf::exit_reason::user_shutdown);
    return std::move(nodes.error());
  }
  std::vector<cluster_member> members;
  for (auto& n : *nodes)
    members.push_back({n.info.node_id, n.info.roles});
  auto assignment = assign_cluster({opts.node_id, opts.roles}, members,
                                   job.pipeline.shards, *plans);
  if (!assignment) {
    stop_nodes(self, *nodes, 1, true);
    return std::move(assignment.error());
  }
  cluster_plan plan;
  plan.coordinator = opts.node_id;
  plan.config = job.pipeline;
  plan.kafka = job.kafka;
  plan.partitions = *plans;
  plan.starts.resize(plans->size());
  plan.assignment = *assignment;
  plan.local_sources.resize(plans->size());
  for (size_t i = 0; i < plans->size(); ++i) {
    if (assignment->partition_nodes[i] != opts.node_id)
      continue;
    auto source = open_partition(job.kafka, (*plans)[i], plan.starts[i]);
    if (!source) {
      stop_nodes(self, *nodes, 1, true);
      return std::move(source.error());
    }
    plan.local_sources[i] = std::move(*source);
  }
  plan.outputs = std::move(*outputs);
  std::cerr << who << "epoch 1: " << describe(*assignment, *plans) << '\n';
  auto actors
      = wire_cluster(sys, self, std::move(plan), *nodes, caf::actor{self});
  if (!actors) {
    stop_nodes(self, *nodes, 1, true);
    return std::move(actors.error());
  }
  auto summary = wait_for_pipeline(self, *actors, job.data_dir);
  // The job is over (or failed): every node leaves.
  stop_nodes(self, *nodes, 1, true);
  sys.middleman().unpublish(door, *port);
  self->send_exit(door, caf::exit_reason::user_shutdown);
  if (!summary)
    return std::move(summary.error());
  pipeline_outcome outcome;
  outcome.summary = std::move(*summary);
  return outcome;
}

} // namespace

int run_cluster_coordinator(const node_options& opts) {
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  configure_cluster(cfg, std::chrono::milliseconds{opts.node_timeout_ms});
  caf::actor_system sys{cfg};
  auto started = std::chrono::steady_clock::now();
  install_stop_signals();
  leave_process(
      report_run("node " + opts.node_id, coordinate(sys, opts), started));
}

} // namespace crashwatch
