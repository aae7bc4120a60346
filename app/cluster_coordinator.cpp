#include "app/cluster_coordinator.hpp"

#include <algorithm>
#include <chrono>
#include <iostream>
#include <thread>

#include <caf/actor_system.hpp>
#include <caf/actor_system_config.hpp>
#include <caf/scoped_actor.hpp>

#include "app/cluster_start.hpp"
#include "app/local_pipeline.hpp"
#include "app/node_transport.hpp"
#include "app/pipeline_inputs.hpp"
#include "app/pipeline_outputs.hpp"
#include "app/process_exit.hpp"
#include "app/run_report.hpp"
#include "app/run_telemetry.hpp"
#include "app/run_wait.hpp"
#include "app/stop_signals.hpp"
#include "cluster/cluster_config.hpp"
#include "cluster/cluster_wiring.hpp"
#include "cluster/door.hpp"
#include "cluster/node_address.hpp"
#include "core/error.hpp"
#include "core/wall_clock.hpp"
#include "messages/actor_system_config.hpp"

namespace crashwatch {

namespace {

/// How often the stop flag is looked at while waiting for nodes.
constexpr auto stop_poll = std::chrono::milliseconds(20);

/// How long a coordinator restarted after its job's end tells nodes that
/// join again that the job is over (at least --node-timeout): they retry
/// every 2 s at most.
constexpr int64_t job_over_grace_ms = 5'000;

/// How often the door is asked whether every node is in.
constexpr auto ready_poll = std::chrono::milliseconds(50);

/// The nodes of the job, once every expected one is in; an error when
/// stopped meanwhile.
caf::expected<std::vector<joined_node>>
await_nodes(caf::scoped_actor& self, const cluster_door_actor& door,
            std::chrono::steady_clock::time_point deadline
            = std::chrono::steady_clock::time_point::max()) {
  for (;;) {
    if (stop_requested())
      return make_error(ec::interrupted, "interrupted while waiting for nodes");
    if (std::chrono::steady_clock::now() >= deadline)
      return make_error(ec::interrupted, "not every node came");
    caf::expected<std::vector<joined_node>> result = caf::error{};
    bool answered = false;
    self->request(door, std::chrono::seconds(5), atom::ready_v)
        .receive(
            [&](std::vector<join_request>& requests,
                std::vector<node_actor>& actors) {
              std::vector<joined_node> nodes;
              for (size_t i = 0; i < requests.size(); ++i)
                nodes.push_back({std::move(requests[i]), std::move(actors[i])});
              result = std::move(nodes);
              answered = true;
            },
            [](caf::error&) {});
    if (answered)
      return result;
    std::this_thread::sleep_for(ready_poll);
  }
}

/// A failure an epoch recovers from: a node (or its connection) is gone, or
/// its actors stopped because it lost this coordinator. Anything else (bad
/// input, an output that cannot be written, a journal of another job) ends
/// the job.
bool node_lost(const caf::error& err) {
  return err == caf::exit_reason::remote_link_unreachable
         || err == caf::exit_reason::user_shutdown
         || err == caf::sec::request_receiver_down
         || err == caf::sec::request_timeout
         || err == caf::sec::remote_linking_failed;
}

/// The nodes of `nodes` that are gone: their actor is no longer reachable
/// (asked with a short deadline).
std::vector<joined_node> missing_nodes(caf::scoped_actor& self,
                                       const std::vector<joined_node>& nodes) {
  std::vector<joined_node> missing;
  for (auto& n : nodes) {
    bool alive = false;
    self->request(n.actor, std::chrono::milliseconds(250), stop_epoch{0, false})
        .receive([&](atom::done) { alive = true; }, [](caf::error&) {});
    if (!alive)
      missing.push_back(n);
  }
  return missing;
}

/// "a1 (10.0.0.2:7001), a2 (...)", for the log.
std::string describe(const std::vector<joined_node>& nodes) {
  std::string text;
  for (auto& n : nodes)
    text += (text.empty() ? "" : ", ") + n.info.node_id + " ("
            + to_string(n.info.address) + ")";
  return text;
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

/// Opens what the coordinator writes: every output, cut back to the
/// checkpoint resumed from.
caf::expected<sink_outputs> open_cluster_outputs(const node_options& opts,
                                                 const run_start& start) {
  auto outputs = open_outputs(opts.job);
  if (!outputs)
    return std::move(outputs.error());
  if (auto& restored = start.restored) {
    std::vector<std::string> uncut;
    if (auto err = cut_back_outputs(*outputs, restored->sink.outputs, uncut))
      return err;
    for (auto& name : uncut)
      std::cerr << "crashwatch node " << opts.node_id << ": " << name
                << " cannot be cut back: what it showed after checkpoint "
                << restored->id.value << " is shown again\n";
  }
  return outputs;
}

/// The door nodes join through.
door_rules rules_of(const node_options& opts, const cluster_start& start,
                    const std::vector<partition_plan>& plans) {
  auto& job = opts.job;
  door_rules rules;
  rules.coordinator = opts.node_id;
  rules.expected = opts.expect_nodes;
  rules.node_timeout_ms = opts.node_timeout_ms;
  rules.job_options = job_option_values(job);
  rules.kafka = !job.kafka.brokers.empty();
  for (auto& p : plans)
    if (!p.node.empty())
      rules.named_readers.push_back(p.node);
  rules.shards = job.pipeline.shards;
  rules.job = start.job_id;
  rules.durable = !job.data_dir.empty();
  return rules;
}

/// Where other nodes (and `crashwatch inspect` on them) reach this
/// coordinator's /status: its --metrics, with --advertise's host for a
/// wildcard one.
std::string telemetry_address(const node_options& opts, uint16_t port) {
  auto& host = opts.job.metrics_host;
  return (is_wildcard_host(host) ? opts.advertise.host : host) + ":"
         + std::to_string(port);
}

/// The plan of an epoch starting from `start` (the coordinator's journal
/// state) with `assignment`: its own shards and readers from its journal,
/// the other nodes' from theirs.
caf::expected<cluster_plan> plan_epoch(const node_options& opts,
                                       cluster_start& start,
                                       const std::vector<partition_plan>& plans,
                                       const cluster_assignment& assignment,
                                       sink_outputs outputs) {
  auto& job = opts.job;
  auto& base = start.base;
  cluster_plan plan;
  plan.coordinator = opts.node_id;
  plan.config = job.pipeline;
  plan.kafka = job.kafka;
  plan.partitions = plans;
  plan.starts = base.starts;
  plan.resume = base.restored ? base.restored->id : checkpoint_id{0};
  plan.marks = partition_marks(base, job.pipeline);
  plan.assignment = assignment;
  plan.local_sources.resize(plans.size());
  plan.reader_starts.resize(plans.size());
  // This node's partitions, opened at once.
  std::vector<size_t> local;
  std::vector<partition_plan> local_plans;
  std::vector<partition_start> local_starts;
  for (size_t i = 0; i < plans.size(); ++i)
    if (assignment.partition_nodes[i] == opts.node_id) {
      local.push_back(i);
      local_plans.push_back(plans[i]);
      local_starts.push_back(base.starts[i]);
    }
  auto sources = open_partitions(job.kafka, local_plans, local_starts);
  if (!sources)
    return std::move(sources.error());
  for (size_t k = 0; k < local.size(); ++k) {
    auto i = local[k];
    auto& source = (*sources)[k];
    if (base.restored) {
      plan.reader_starts[i] = base.restored->readers[i];
    } else {
      auto& fresh = plan.reader_starts[i];
      fresh.partition = plans[i].id;
      fresh.next_offset = source->resume_offset();
      fresh.stats.partition = fresh.partition;
    }
    plan.local_sources[i] = std::move(source);
  }
  plan.local_shards.resize(job.pipeline.shards);
  for (uint32_t s = 0; s < job.pipeline.shards; ++s) {
    if (assignment.shard_nodes[s] != opts.node_id)
      continue;
    auto restore = shard_start(base, job, shard_id{s});
    if (!restore)
      return std::move(restore.error());
    plan.local_shards[s] = std::move(*restore);
  }
  plan.outputs = std::move(outputs);
  plan.sink_start = sink_start(base);
  if (base.log != nullptr) {
    plan.log = std::move(base.log);
    plan.next_checkpoint = checkpoint_id{plan.resume.value + 1};
    plan.checkpoint_interval
        = std::chrono::milliseconds{job.checkpoint_interval_ms};
  }
  return plan;
}

/// The whole job: epochs until it completes, fails or is stopped. An epoch
/// that loses a node (with `--data-dir`) stops; the next one starts from
/// the newest committed checkpoint once every node is back.
caf::expected<pipeline_outcome> coordinate(caf::actor_system& sys,
                                           const node_options& opts) {
  auto& job = opts.job;
  auto who = "crashwatch node " + opts.node_id + ": ";
  auto plans = plan_partitions(job);
  if (!plans)
    return std::move(plans.error());
  auto start = open_cluster_start(opts, *plans);
  if (!start)
    return std::move(start.error());
  auto over = start->base.already_complete;
  if (over && opts.expect_nodes == 0)
    return completed_outcome(*start->base.restored);
  caf::scoped_actor self{sys};
  auto telemetry
      = start_telemetry(sys, job, {"node", opts.node_id, {"coordinator"}, 0},
                        *plans, "crashwatch node " + opts.node_id);
  if (!telemetry)
    return std::move(telemetry.error());
  auto rules = rules_of(opts, *start, *plans);
  rules.over = over;
  if (*telemetry)
    rules.metrics = telemetry_address(opts, (*telemetry)->server->port());
  auto door = sys.spawn(cluster_door, std::move(rules));
  cluster_transport transport{sys, transport_settings_of(opts)};
  auto port = transport.publish(door, opts.listen);
  if (!port) {
    self->send_exit(door, caf::exit_reason::user_shutdown);
    return make_error(ec::config_error, "--listen " + to_string(opts.listen)
                                            + ": " + render(port.error()));
  }
  if (over) {
    // Nodes that lost this coordinator before it restarted join again:
    // they are told the job is over. Those that saw its end do not come.
    auto grace = std::chrono::milliseconds(
        std::max<int64_t>(job_over_grace_ms, opts.node_timeout_ms));
    std::cerr << who << "telling nodes that join within " << grace.count()
              << " ms that the job is over\n";
    await_nodes(self, door, std::chrono::steady_clock::now() + grace);
    transport.unpublish(door, *port);
    self->send_exit(door, caf::exit_reason::user_shutdown);
    return completed_outcome(*start->base.restored);
  }
  // Tells the telemetry actor (if any) who is in the cluster now: the
  // coordinator first, then the nodes, `missing` ones down; the assignment
  // of the epoch (kept while an epoch waits for missing nodes).
  cluster_report last;
  auto report_cluster = [&](uint64_t e, const std::vector<joined_node>& in,
                            const std::vector<joined_node>& missing,
                            const cluster_assignment* assignment) {
    if (!*telemetry)
      return;
    cluster_report r;
    r.coordinator = opts.node_id;
    r.epoch = e;
    r.nodes.push_back(
        {opts.node_id, opts.roles, to_string(opts.advertise), true});
    for (auto& n : in) {
      bool gone = std::any_of(missing.begin(), missing.end(), [&](auto& m) {
        return m.info.node_id == n.info.node_id;
      });
      r.nodes.push_back(
          {n.info.node_id, n.info.roles, to_string(n.info.address), !gone});
    }
    if (assignment != nullptr) {
      for (size_t i = 0; i < assignment->partition_nodes.size(); ++i)
        r.partition_nodes.emplace_back((*plans)[i].id.value,
                                       assignment->partition_nodes[i]);
      for (size_t i = 0; i < assignment->shard_nodes.size(); ++i)
        r.shard_nodes.emplace_back(static_cast<uint32_t>(i),
                                   assignment->shard_nodes[i]);
    } else {
      // The epoch stopped: its assignment stays, its actors are gone.
      r.partition_nodes = last.partition_nodes;
      r.shard_nodes = last.shard_nodes;
      r.running = false;
    }
    last = r;
    caf::anon_send((*telemetry)->actor, std::move(r));
  };
  std::cerr << who << "coordinator of job " << start->job_id << ": "
            << plans->size() << " partitions and " << job.pipeline.shards
            << " shards, listening on " << opts.listen.host << ":" << *port
            << "; waiting for " << opts.expect_nodes << " nodes\n";
  std::vector<joined_node> nodes;
  uint64_t epoch = 0;
  // Ends the job: every node leaves, the door closes.
  auto leave = [&](caf::expected<pipeline_outcome> result) {
    stop_nodes(self, nodes, epoch, true);
    transport.unpublish(door, *port);
    self->send_exit(door, caf::exit_reason::user_shutdown);
    return result;
  };
  bool first = true;
  pipeline_outcome outcome;
  for (;;) {
    if (!first) {
      // The journal's state and the outputs of the newest committed
      // checkpoint, read again after the last epoch's actors are gone.
      start = open_cluster_start(opts, *plans);
      if (!start)
        return leave(std::move(start.error()));
    }
    if (first && start->base.restored)
      for (auto& r : start->base.restored->readers)
        outcome.resumed_records += r.stats.records;
    auto outputs = open_cluster_outputs(opts, start->base);
    if (!outputs)
      return leave(std::move(outputs.error()));
    if (first)
      if (auto err = commit_cluster_start(*start, job, *plans, *outputs))
        return leave(std::move(err));
    first = false;
    auto joined = await_nodes(self, door);
    if (!joined)
      return leave(std::move(joined.error()));
    // The door may not have seen yet that a node it counts is gone (its
    // down comes to the door, not here): every node must answer first, or
    // the epoch would wait on a dead node until the wiring times out.
    while (!missing_nodes(self, *joined).empty()) {
      joined = await_nodes(self, door);
      if (!joined)
        return leave(std::move(joined.error()));
    }
    nodes = std::move(*joined);
    // Epochs only grow, also across restarts of the coordinator: a word of
    // an older epoch is known for stale everywhere.
    epoch = std::max<uint64_t>(epoch + 1, wall_clock_ms());
    std::vector<cluster_member> members;
    for (auto& n : nodes)
      members.push_back({n.info.node_id, n.info.roles});
    auto assignment = assign_cluster({opts.node_id, opts.roles}, members,
                                     job.pipeline.shards, *plans);
    if (!assignment)
      return leave(std::move(assignment.error()));
    auto planned = std::chrono::steady_clock::now();
    auto plan
        = plan_epoch(opts, *start, *plans, *assignment, std::move(*outputs));
    if (!plan)
      return leave(std::move(plan.error()));
    plan->epoch = epoch;
    if (*telemetry)
      plan->telemetry = caf::actor_cast<caf::actor>((*telemetry)->actor);
    std::cerr << who << "epoch " << epoch << " from checkpoint "
              << plan->resume.value << ": " << describe(*assignment, *plans)
              << '\n';
    report_cluster(epoch, nodes, {}, &*assignment);
    auto resume = plan->resume;
    auto actors
        = wire_cluster(sys, self, std::move(*plan), nodes, caf::actor{self});
    // From a checkpoint: every node rebuilt its part from its journal
    // before it answered the wiring.
    if (actors && resume.value > 0 && *telemetry)
      caf::anon_send(
          (*telemetry)->actor,
          restore_report{resume, wall_clock_ms(), microseconds_since(planned)});
    caf::error failure;
    if (!actors) {
      failure = std::move(actors.error());
    } else {
      std::optional<pipeline_summary> so_far;
      auto summary = wait_for_pipeline(self, *actors, job.data_dir, &so_far);
      if (summary) {
        outcome.summary = std::move(*summary);
        return leave(std::move(outcome));
      }
      failure = std::move(summary.error());
      if (so_far) {
        outcome.summary = std::move(*so_far);
        outcome.stopped = std::move(failure);
        return leave(std::move(outcome));
      }
    }
    if (job.data_dir.empty() || !node_lost(failure))
      return leave(std::move(failure));
    // Every node still there stops this epoch's actors (the next epoch's
    // assignments would stop them too: they come after this, in order).
    for (auto& n : nodes)
      self->send(n.actor, stop_epoch{epoch, false});
    auto missing = missing_nodes(self, nodes);
    report_cluster(epoch, nodes, missing, nullptr);
    std::cerr << who << "epoch " << epoch << " stopped (" << render(failure)
              << ")"
              << (missing.empty() ? "" : "; missing: " + describe(missing))
              << "; waiting for every node, then on from the newest "
                 "committed checkpoint\n";
  }
}

} // namespace

int run_cluster_coordinator(const node_options& opts) {
  caf::actor_system_config cfg;
  configure_actor_system(cfg);
  configure_cluster(cfg, std::chrono::milliseconds{opts.node_timeout_ms},
                    opts.tls);
  caf::actor_system sys{cfg};
  auto started = std::chrono::steady_clock::now();
  install_stop_signals();
  leave_process(
      report_run("node " + opts.node_id, coordinate(sys, opts), started));
}

} // namespace crashwatch
