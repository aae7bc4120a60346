#include "cluster/node_actor.hpp"

#include <chrono>
#include <memory>

#include <caf/io/middleman.hpp>
#include <caf/io/middleman_actor.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/pipeline_wiring.hpp"
#include "cluster/node_address.hpp"
#include "core/error.hpp"
#include "io/partition_open.hpp"

namespace crashwatch {

namespace {

using self_ptr = node_actor::stateful_pointer<node_state>;

/// Longest a connection to a peer node may take (a peer that accepts TCP
/// but never answers would otherwise hold the middleman for minutes).
constexpr auto peer_connect_timeout = std::chrono::seconds(10);

/// Stops every local actor of the current epoch.
void stop_local(self_ptr self) {
  for (auto& a : self->state.local)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  self->state.local.clear();
}

/// A new epoch: the actors of an older one go.
void enter_epoch(self_ptr self, uint64_t epoch) {
  if (epoch != self->state.epoch)
    stop_local(self);
  self->state.epoch = epoch;
}

/// Opens the partitions of `a` and spawns their readers.
caf::expected<std::vector<partition_reader_actor>>
spawn_readers(self_ptr self, const reader_assignment& a,
              const std::vector<shard_actor>& shards,
              const alert_sink_actor& sink) {
  std::vector<partition_reader_actor> readers;
  for (size_t i = 0; i < a.partitions.size(); ++i) {
    auto& plan = a.partitions[i];
    auto source = open_partition(a.kafka, plan, a.starts.at(i));
    if (!source)
      return make_error(ec::input_error, "node " + self->state.node_id + ": "
                                             + render(source.error()));
    reader_snapshot start;
    start.partition = plan.id;
    start.next_offset = (*source)->resume_offset();
    start.stats.partition = plan.id;
    auto reader = spawn_reader(self->system(), a.config,
                               reader_plan{start, std::move(*source)}, shards,
                               sink, blocking_actors::detached);
    self->state.local.push_back(caf::actor_cast<caf::actor>(reader));
    readers.push_back(std::move(reader));
  }
  return readers;
}

} // namespace

node_actor::behavior_type
cluster_node(node_actor::stateful_pointer<node_state> self,
             std::string node_id) {
  self->state.node_id = std::move(node_id);
  self->set_down_handler([self](caf::down_msg& down) {
    if (down.source != self->state.door)
      return;
    stop_local(self);
    self->quit(make_error(
        ec::input_error,
        "lost the coordinator ("
            + (down.reason ? render(down.reason) : std::string{"it left"})
            + ")"));
  });
  return {
      [self](shard_assignment& a,
             alert_sink_actor& sink) -> std::vector<shard_actor> {
        enter_epoch(self, a.epoch);
        std::vector<shard_actor> shards;
        for (auto id : a.shards) {
          auto shard = spawn_shard(self->system(), a.config, a.partitions, id,
                                   shard_restore{}, sink);
          self->state.local.push_back(caf::actor_cast<caf::actor>(shard));
          shards.push_back(std::move(shard));
        }
        return shards;
      },
      [self](reader_assignment& a, std::vector<shard_actor>& shards,
             alert_sink_actor& sink)
          -> caf::result<std::vector<partition_reader_actor>> {
        enter_epoch(self, a.epoch);
        auto rp = self->make_response_promise<
            std::vector<partition_reader_actor>>();
        // Connect to every peer first, then read: a handle of a peer's
        // actor then routes over the direct connection.
        auto pending = std::make_shared<size_t>(a.peers.size());
        auto failed = std::make_shared<bool>(false);
        auto start = [self, rp, a, shards, sink]() mutable {
          auto readers = spawn_readers(self, a, shards, sink);
          if (readers)
            rp.deliver(std::move(*readers));
          else
            rp.deliver(std::move(readers.error()));
        };
        if (a.peers.empty()) {
          start();
          return rp;
        }
        auto mm = self->system().middleman().actor_handle();
        for (auto& peer : a.peers)
          self->request(mm, peer_connect_timeout, caf::connect_atom_v,
                        peer.host, peer.port)
              .then(
                  [pending, failed, start](const caf::node_id&,
                                           caf::strong_actor_ptr&,
                                           std::set<std::string>&) mutable {
                    if (--*pending == 0 && !*failed)
                      start();
                  },
                  [self, rp, failed, peer](caf::error& err) mutable {
                    if (*failed)
                      return;
                    *failed = true;
                    rp.deliver(make_error(
                        ec::input_error,
                        "node " + self->state.node_id + " cannot reach peer "
                            + to_string(peer) + ": " + render(err)));
                  });
        return rp;
      },
      [self](stop_epoch& stop) -> caf::result<atom::done> {
        if (stop.epoch >= self->state.epoch)
          stop_local(self);
        // The answer first: an actor that quits in a handler sends no
        // result.
        auto rp = self->make_response_promise<atom::done>();
        rp.deliver(atom::done_v);
        if (stop.leave)
          self->quit();
        return rp;
      },
      [self](atom::joined, caf::actor& door) {
        self->state.door = door;
        self->monitor(door);
      },
  };
}

} // namespace crashwatch
