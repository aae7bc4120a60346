#include "cluster/cluster_wiring.hpp"

#include <algorithm>
#include <chrono>
#include <set>

#include <caf/typed_event_based_actor.hpp>

#include "actors/checkpoint_coordinator.hpp"
#include "actors/forget_on_exit.hpp"
#include "core/error.hpp"

namespace crashwatch {

namespace {

/// Longest a node may take to spawn its part: readers open their sources
/// first, and Kafka metadata and watermark queries may take seconds.
constexpr auto spawn_timeout = std::chrono::seconds(60);

/// Longest a node may take to stop its actors.
constexpr auto stop_timeout = std::chrono::seconds(5);

const joined_node* find_node(const std::vector<joined_node>& nodes,
                             const std::string& id) {
  for (auto& n : nodes)
    if (n.info.node_id == id)
      return &n;
  return nullptr;
}

/// The ids in `ids` (by index) that equal `node`, as shard ids.
std::vector<shard_id> shards_of(const cluster_assignment& a,
                                const std::string& node) {
  std::vector<shard_id> result;
  for (uint32_t s = 0; s < a.shard_nodes.size(); ++s)
    if (a.shard_nodes[s] == node)
      result.push_back(shard_id{s});
  return result;
}

/// Asks `node` to spawn `shards`; their handles go to `all` by id.
caf::error remote_shards(caf::scoped_actor& self, const cluster_plan& plan,
                         const joined_node& node,
                         const std::vector<partition_id>& partitions,
                         const std::vector<shard_id>& shards,
                         const alert_sink_actor& sink,
                         std::vector<shard_actor>& all) {
  caf::error result;
  shard_assignment a{plan.epoch, plan.config, partitions,
                     shards,     plan.resume, plan.marks};
  self->request(node.actor, spawn_timeout, std::move(a), sink)
      .receive(
          [&](std::vector<shard_actor>& handles) {
            if (handles.size() != shards.size()) {
              result = make_error(ec::config_error,
                                  "node " + node.info.node_id + " spawned "
                                      + std::to_string(handles.size())
                                      + " of its shards");
              return;
            }
            for (size_t i = 0; i < shards.size(); ++i)
              all[shards[i].value] = std::move(handles[i]);
          },
          [&](caf::error& err) { result = std::move(err); });
  return result;
}

/// The addresses of the nodes that host shards, but `reader` and the
/// coordinator (already connected to everyone).
std::vector<node_address> shard_peers(const cluster_plan& plan,
                                      const std::vector<joined_node>& nodes,
                                      const std::string& reader) {
  std::vector<node_address> peers;
  for (auto& id : plan.assignment.shard_nodes) {
    if (id == reader || id == plan.coordinator)
      continue;
    auto* n = find_node(nodes, id);
    if (n != nullptr && std::none_of(peers.begin(), peers.end(), [&](auto& p) {
          return p.host == n->info.address.host
                 && p.port == n->info.address.port;
        }))
      peers.push_back(n->info.address);
  }
  return peers;
}

} // namespace

caf::expected<pipeline_actors>
wire_cluster(caf::actor_system& sys, caf::scoped_actor& self, cluster_plan plan,
             const std::vector<joined_node>& nodes, caf::actor waiter) {
  pipeline_actors actors;
  auto fail = [&](caf::error err) -> caf::expected<pipeline_actors> {
    for (auto& a : actors.all())
      if (a)
        self->send_exit(a, caf::exit_reason::user_shutdown);
    stop_nodes(self, nodes, plan.epoch, false);
    return err;
  };
  std::vector<partition_id> partitions;
  for (auto& p : plan.partitions)
    partitions.push_back(p.id);
  actors.sink
      = spawn_sink(sys, plan.config, partitions, std::move(plan.outputs),
                   std::move(plan.sink_start), std::move(waiter),
                   blocking_actors::detached, plan.telemetry);
  // Shards: the coordinator's own, then every aggregator node's.
  actors.shards.resize(plan.config.shards);
  std::vector<shard_actor> local_shards;
  for (auto s : shards_of(plan.assignment, plan.coordinator)) {
    actors.shards[s.value]
        = spawn_shard(sys, plan.config, partitions, s,
                      std::move(plan.local_shards.at(s.value)), actors.sink);
    local_shards.push_back(actors.shards[s.value]);
  }
  for (auto& node : nodes) {
    auto mine = shards_of(plan.assignment, node.info.node_id);
    if (mine.empty())
      continue;
    if (auto err = remote_shards(self, plan, node, partitions, mine,
                                 actors.sink, actors.shards))
      return fail(std::move(err));
  }
  // Readers: the coordinator's own, then every reader node's.
  for (size_t i = 0; i < plan.partitions.size(); ++i) {
    if (plan.assignment.partition_nodes[i] != plan.coordinator)
      continue;
    auto& source = plan.local_sources.at(i);
    actors.readers.push_back(
        spawn_reader(sys, plan.config,
                     reader_plan{plan.reader_starts.at(i), std::move(source)},
                     actors.shards, actors.sink, blocking_actors::detached));
  }
  std::vector<partition_reader_actor> local_readers = actors.readers;
  for (auto& node : nodes) {
    reader_assignment a;
    a.epoch = plan.epoch;
    a.config = plan.config;
    a.kafka = plan.kafka;
    for (size_t i = 0; i < plan.partitions.size(); ++i)
      if (plan.assignment.partition_nodes[i] == node.info.node_id) {
        a.partitions.push_back(plan.partitions[i]);
        a.starts.push_back(plan.starts[i]);
      }
    if (a.partitions.empty())
      continue;
    a.resume = plan.resume;
    a.peers = shard_peers(plan, nodes, node.info.node_id);
    caf::error err;
    self->request(node.actor, spawn_timeout, std::move(a), actors.shards,
                  actors.sink)
        .receive(
            [&](std::vector<partition_reader_actor>& readers) {
              for (auto& r : readers)
                actors.readers.push_back(std::move(r));
            },
            [&](caf::error& e) { err = std::move(e); });
    if (err)
      return fail(std::move(err));
  }
  // Checkpoints: the coordinator's own actors hand their parts to it, every
  // other node that hosts any stages its part and answers for it.
  if (plan.log != nullptr) {
    std::vector<node_actor> with_parts;
    for (auto& node : nodes) {
      auto& id = node.info.node_id;
      auto hosts = [&id](const std::vector<std::string>& where) {
        return std::find(where.begin(), where.end(), id) != where.end();
      };
      if (hosts(plan.assignment.shard_nodes)
          || hosts(plan.assignment.partition_nodes))
        with_parts.push_back(node.actor);
    }
    actors.coordinator = sys.spawn<caf::detached>(
        checkpoint_coordinator, std::move(plan.log), plan.next_checkpoint,
        std::move(local_readers), std::move(local_shards), actors.sink,
        plan.checkpoint_interval, std::move(with_parts), plan.epoch);
    forget_on_exit(sys, actors.coordinator);
  }
  return actors;
}

void stop_nodes(caf::scoped_actor& self, const std::vector<joined_node>& nodes,
                uint64_t epoch, bool leave) {
  if (!leave) {
    for (auto& node : nodes)
      self->request(node.actor, stop_timeout, stop_epoch{epoch, false})
          .receive([](atom::done) {}, [](caf::error&) {});
    return;
  }
  // A node that leaves exits at once, perhaps before its answer is on the
  // wire: wait for the node actors to go instead (or their connection).
  std::set<caf::actor_addr> staying;
  for (auto& node : nodes) {
    self->monitor(node.actor);
    staying.insert(node.actor.address());
    self->send(node.actor, stop_epoch{epoch, true});
  }
  auto deadline = std::chrono::steady_clock::now() + stop_timeout;
  while (!staying.empty() && std::chrono::steady_clock::now() < deadline)
    self->receive([&](caf::down_msg& down) { staying.erase(down.source); },
                  [](atom::done) {},
                  caf::after(stop_timeout) >> [&] { staying.clear(); });
}

} // namespace crashwatch
