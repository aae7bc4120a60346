#include "cluster/node_actor.hpp"

#include <algorithm>
#include <chrono>
#include <memory>

#include <caf/io/middleman_actor.hpp>

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

/// Longest a local actor may take to hand over its part of a checkpoint
/// (as actors/checkpoint_coordinator.cpp).
constexpr auto part_timeout = std::chrono::minutes(10);

caf::error node_error(self_ptr self, const std::string& what) {
  return make_error(ec::input_error,
                    "node " + self->state.node_id + ": " + what);
}

/// Stops every local actor of the current epoch.
void stop_local(self_ptr self) {
  auto& st = self->state;
  for (auto& a : st.shards)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  for (auto& a : st.readers)
    self->send_exit(a, caf::exit_reason::user_shutdown);
  st.shards.clear();
  st.readers.clear();
  ++st.generation;
}

/// A new epoch: the actors of an older one go.
void enter_epoch(self_ptr self, uint64_t epoch) {
  if (epoch != self->state.epoch)
    stop_local(self);
  self->state.epoch = epoch;
}

/// The journal at the state of checkpoint `resume` (opened at the first
/// assignment), or none without a data dir.
caf::error recover(self_ptr self, int64_t window_ms, checkpoint_id resume) {
  auto& st = self->state;
  if (st.data_dir.empty()) {
    if (resume.value > 0)
      return node_error(self, "the job resumes from checkpoint "
                                  + std::to_string(resume.value)
                                  + ", but this node has no --data-dir");
    return caf::none;
  }
  if (st.log == nullptr) {
    auto log = node_journal::open(st.data_dir, window_ms, st.job, st.node_id);
    if (!log)
      return std::move(log.error());
    st.log = std::move(*log);
  }
  auto now = st.log->recover(resume);
  if (!now)
    return std::move(now.error());
  if (*now != resume)
    return make_error(ec::journal_mismatch,
                      "node " + st.node_id + ": its journal " + st.log->path()
                          + " holds checkpoint " + std::to_string(now->value)
                          + ", the job resumes from checkpoint "
                          + std::to_string(resume.value)
                          + " (not the data dir it ran with?)");
  return caf::none;
}

/// Where shard `id` starts in an epoch resuming from `a.resume`.
caf::expected<shard_restore>
shard_start(self_ptr self, const shard_assignment& a, shard_id id) {
  shard_restore restore;
  restore.marks = a.marks;
  if (a.resume.value == 0)
    return restore;
  auto& log = *self->state.log;
  auto marks = log.shard_marks();
  if (!marks)
    return std::move(marks.error());
  auto mark = std::find_if(marks->begin(), marks->end(),
                           [id](auto& m) { return m.first == id; });
  if (mark == marks->end())
    return node_error(self, "its journal " + log.path() + " has no shard "
                                + std::to_string(id.value) + " at checkpoint "
                                + std::to_string(a.resume.value));
  restore.emitted_through = mark->second;
  if (auto err = log.load_shard(id, restore.counts))
    return err;
  return restore;
}

/// Where the reader of partition `i` of `a` starts.
caf::expected<reader_snapshot>
reader_start(self_ptr self, const reader_assignment& a, size_t i) {
  auto& plan = a.partitions[i];
  auto& start = a.starts.at(i);
  if (a.resume.value == 0) {
    reader_snapshot fresh;
    fresh.partition = plan.id;
    fresh.next_offset = record_offset{start.offset < 0 ? 0 : start.offset};
    fresh.stats.partition = plan.id;
    return fresh;
  }
  auto& log = *self->state.log;
  auto readers = log.readers();
  if (!readers)
    return std::move(readers.error());
  auto r = std::find_if(readers->begin(), readers->end(),
                        [&](auto& x) { return x.partition == plan.id; });
  if (r == readers->end())
    return node_error(self, "its journal " + log.path()
                                + " has no reader of partition "
                                + std::to_string(plan.id.value));
  if (r->next_offset.value != start.offset)
    return node_error(self, "its journal " + log.path() + " has partition "
                                + std::to_string(plan.id.value) + " at offset "
                                + std::to_string(r->next_offset.value)
                                + ", the coordinator's checkpoint at "
                                + std::to_string(start.offset));
  return *r;
}

/// Opens the partitions of `a` and spawns their readers.
caf::expected<std::vector<partition_reader_actor>>
spawn_readers(self_ptr self, const reader_assignment& a,
              const std::vector<shard_actor>& shards,
              const alert_sink_actor& sink) {
  if (auto err = recover(self, a.config.window_ms, a.resume))
    return err;
  std::vector<partition_reader_actor> readers;
  auto sources = open_partitions(a.kafka, a.partitions, a.starts);
  if (!sources)
    return node_error(self, render(sources.error()));
  for (size_t i = 0; i < a.partitions.size(); ++i) {
    auto start = reader_start(self, a, i);
    if (!start)
      return std::move(start.error());
    auto reader = spawn_reader(self->system(), a.config,
                               reader_plan{*start, std::move((*sources)[i])},
                               shards, sink, blocking_actors::detached);
    self->state.readers.push_back(reader);
    readers.push_back(std::move(reader));
  }
  return readers;
}

/// Phase one of checkpoint `id`: every local part, staged, then answered.
caf::result<node_part> prepare(self_ptr self, uint64_t epoch,
                               checkpoint_id id) {
  auto& st = self->state;
  if (epoch != st.epoch)
    return node_error(self, "checkpoint " + std::to_string(id.value)
                                + " of epoch " + std::to_string(epoch)
                                + ", but this node is in epoch "
                                + std::to_string(st.epoch));
  if (st.log == nullptr)
    return node_error(self, "asked for checkpoint " + std::to_string(id.value)
                                + ", but it has no --data-dir");
  struct collector {
    node_part part;
    size_t missing = 0;
    bool failed = false;
  };
  auto c = std::make_shared<collector>();
  auto generation = st.generation;
  c->part.id = id;
  c->missing = st.shards.size() + st.readers.size();
  auto rp = self->make_response_promise<node_part>();
  auto complete = [self, c, rp, epoch, generation]() mutable {
    if (--c->missing > 0 || c->failed)
      return;
    // This epoch's actors were stopped meanwhile: the part is not wanted.
    if (self->state.generation != generation) {
      rp.deliver(make_error(ec::input_error,
                            "epoch " + std::to_string(epoch) + " stopped"));
      return;
    }
    auto& part = c->part;
    std::sort(part.readers.begin(), part.readers.end(),
              [](auto& a, auto& b) { return a.partition < b.partition; });
    std::sort(part.shards.begin(), part.shards.end(),
              [](auto& a, auto& b) { return a.shard < b.shard; });
    if (auto err = self->state.log->stage(part)) {
      rp.deliver(std::move(err));
      return;
    }
    // The changed counts stay here: the coordinator needs the rest.
    for (auto& shard : part.shards)
      shard.changed.clear();
    rp.deliver(std::move(part));
  };
  auto fail = [self, c, rp, id](caf::error& err) mutable {
    if (c->failed)
      return;
    c->failed = true;
    rp.deliver(node_error(self, "checkpoint " + std::to_string(id.value) + ": "
                                    + render(err)));
  };
  if (c->missing == 0) {
    ++c->missing;
    complete();
    return rp;
  }
  // Shards first: their request is then queued before the barriers of the
  // local readers (the others' may come first: snapshot_handoff copes).
  for (auto& shard : st.shards)
    self->request(shard, part_timeout, atom::checkpoint_v, id)
        .then(
            [c, complete](shard_snapshot& s) mutable {
              c->part.shards.push_back(std::move(s));
              complete();
            },
            fail);
  for (auto& reader : st.readers)
    self->request(reader, part_timeout, atom::checkpoint_v, id)
        .then(
            [c, complete](reader_snapshot& r) mutable {
              c->part.readers.push_back(std::move(r));
              complete();
            },
            fail);
  return rp;
}

} // namespace

node_actor::behavior_type
cluster_node(node_actor::stateful_pointer<node_state> self, std::string node_id,
             std::string data_dir, caf::io::middleman_actor transport) {
  self->state.node_id = std::move(node_id);
  self->state.data_dir = std::move(data_dir);
  self->state.transport = std::move(transport);
  self->set_down_handler([self](caf::down_msg& down) {
    // Lost the coordinator: this epoch's actors go; the node stays, and
    // its main thread joins again (the coordinator comes back, restarted).
    if (down.source != self->state.door)
      return;
    stop_local(self);
    self->state.door = nullptr;
  });
  return {
      [self](shard_assignment& a,
             alert_sink_actor& sink) -> caf::result<std::vector<shard_actor>> {
        enter_epoch(self, a.epoch);
        if (auto err = recover(self, a.config.window_ms, a.resume))
          return err;
        std::vector<shard_actor> shards;
        for (auto id : a.shards) {
          auto start = shard_start(self, a, id);
          if (!start)
            return std::move(start.error());
          auto shard = spawn_shard(self->system(), a.config, a.partitions, id,
                                   std::move(*start), sink);
          self->state.shards.push_back(shard);
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
        auto mm = self->state.transport;
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
                    rp.deliver(node_error(self, "cannot reach peer "
                                                    + to_string(peer) + ": "
                                                    + render(err)));
                  });
        return rp;
      },
      [self](stop_epoch& stop) -> caf::result<atom::done> {
        // Epoch 0 stops nothing: the coordinator asks it to see who is
        // still there.
        if (stop.epoch != 0 && stop.epoch >= self->state.epoch)
          stop_local(self);
        // The answer first: an actor that quits in a handler sends no
        // result.
        auto rp = self->make_response_promise<atom::done>();
        rp.deliver(atom::done_v);
        if (stop.leave)
          self->quit();
        return rp;
      },
      [self](atom::checkpoint, uint64_t epoch, checkpoint_id id) {
        return prepare(self, epoch, id);
      },
      [self](atom::commit, uint64_t epoch, checkpoint_id id) {
        auto& st = self->state;
        if (epoch != st.epoch || st.log == nullptr)
          return; // a stale word: a newer epoch recovers on its own
        if (auto err = st.log->commit(id)) {
          stop_local(self);
          self->quit(std::move(err));
        }
      },
      [self](atom::joined, caf::actor& door, std::string& job) {
        if (self->state.door)
          self->demonitor(self->state.door);
        self->state.door = door;
        self->state.job = std::move(job);
        self->monitor(door);
      },
  };
}

} // namespace crashwatch
