#include "actors/checkpoint_coordinator.hpp"

#include <algorithm>

#include <caf/typed_event_based_actor.hpp>

#include "core/error.hpp"
#include "core/wall_clock.hpp"

namespace crashwatch {

namespace {

using self_ptr = checkpoint_coordinator_actor::stateful_pointer<
    checkpoint_coordinator_state>;

/// Longest a part may take (Flink's default checkpoint timeout). Parts come
/// within a chunk's time in a healthy pipeline; this catches a stuck one.
constexpr auto part_timeout = std::chrono::minutes(10);

void schedule_tick(self_ptr self, std::chrono::milliseconds delay) {
  auto& st = self->state;
  if (st.tick_scheduled)
    return;
  st.tick_scheduled = true;
  self->delayed_send(self, delay, atom::tick_v);
}

void start(self_ptr self, bool final);

/// Ends the coordinator with `err` (the journal cannot be written, a part
/// failed): whoever waits for a checkpoint gets `err` itself, not CAF's
/// word that the coordinator is gone, and the pipeline's waiter sees the
/// same reason in its down message.
void fail(self_ptr self, caf::error err) {
  auto& st = self->state;
  for (auto& rp : st.waiting_current)
    rp.deliver(err);
  for (auto& rp : st.waiting_next)
    rp.deliver(err);
  st.waiting_current.clear();
  st.waiting_next.clear();
  self->quit(std::move(err));
}

/// All parts are in: write, answer who waited, go on.
void complete(self_ptr self) {
  auto& st = self->state;
  auto& record = *st.current;
  // Sorted by partition and shard: the journal's rows (and this record)
  // read the same whatever order the answers came in.
  std::sort(record.readers.begin(), record.readers.end(),
            [](auto& a, auto& b) { return a.partition < b.partition; });
  std::sort(record.shards.begin(), record.shards.end(),
            [](auto& a, auto& b) { return a.shard < b.shard; });
  record.finished = record.finished && record.sink.released == max_event_time
                    && std::all_of(record.readers.begin(), record.readers.end(),
                                   [](auto& r) {
                                     return r.state == partition_state::ended;
                                   });
  if (auto err = st.log->write(record)) {
    fail(self, std::move(err));
    return;
  }
  auto id = record.id;
  auto finished = record.finished;
  // Telemetry, through the sink (which forwards it when --metrics is on);
  // sent last, after the next checkpoint's requests, if any.
  checkpoint_report report{id, record.started_at_ms, wall_clock_ms()};
  // Phase two: every node applies its staged part of `id`. Nobody waits for
  // it: a node that misses the word applies the part when it recovers.
  for (auto& node : st.nodes)
    self->send(node, atom::commit_v, st.epoch, id);
  st.current.reset();
  for (auto& rp : st.waiting_current)
    rp.deliver(id);
  st.waiting_current.clear();
  if (!st.waiting_next.empty()) {
    start(self, std::exchange(st.next_final, false));
  } else if (finished) {
    // The run is complete and its last checkpoint says so. No periodic
    // checkpoint may follow it before the actors are stopped: it would be
    // the newest, not marked finished, and a restart would resume from it
    // instead of finding the run complete (seen with 10-30 ms intervals).
    st.run_complete = true;
  } else {
    auto wait = st.current_started + st.interval - self->clock().now();
    schedule_tick(self, std::chrono::duration_cast<std::chrono::milliseconds>(
                            std::max(wait, decltype(wait)::zero())));
  }
  self->send(st.sink, report);
}

/// Adds one part; completes the checkpoint after the last.
template <class Part>
void add_part(self_ptr self, checkpoint_id id, Part&& part) {
  auto& st = self->state;
  if (!st.current || st.current->id != id)
    return; // cannot happen: one checkpoint at a time
  using type = std::decay_t<Part>;
  if constexpr (std::is_same_v<type, reader_snapshot>) {
    st.current->readers.push_back(std::forward<Part>(part));
  } else if constexpr (std::is_same_v<type, shard_snapshot>) {
    st.current->shards.push_back(std::forward<Part>(part));
  } else if constexpr (std::is_same_v<type, node_part>) {
    // Another node's part: staged there; its shards come without their
    // changed counts, which stay in that node's journal.
    for (auto& r : part.readers)
      st.current->readers.push_back(std::move(r));
    for (auto& s : part.shards)
      st.current->shards.push_back(std::move(s));
  } else {
    st.current->sink = std::forward<Part>(part);
  }
  if (--st.parts_missing == 0)
    complete(self);
}

void start(self_ptr self, bool final) {
  auto& st = self->state;
  auto id = st.next;
  st.next = checkpoint_id{id.value + 1};
  st.current.emplace();
  st.current->id = id;
  st.current->started_at_ms = wall_clock_ms();
  st.current->finished = final;
  st.current_started = self->clock().now();
  st.parts_missing = st.readers.size() + st.shards.size() + st.nodes.size() + 1;
  st.waiting_current = std::exchange(st.waiting_next, {});
  auto on_error = [self, id](caf::error& err) {
    fail(self,
         make_error(ec::output_error, "checkpoint " + std::to_string(id.value)
                                          + " failed: " + render(err)));
  };
  // Shards and the sink first: their request is then in their mailbox
  // before any barrier of this checkpoint (a reader sends those only after
  // its own request, below). They cope with the other order as well.
  for (auto& shard : st.shards)
    self->request(shard, part_timeout, atom::checkpoint_v, id)
        .then(
            [self, id](shard_snapshot& s) { add_part(self, id, std::move(s)); },
            on_error);
  self->request(st.sink, part_timeout, atom::checkpoint_v, id)
      .then([self, id](sink_snapshot& s) { add_part(self, id, std::move(s)); },
            on_error);
  for (auto& node : st.nodes)
    self->request(node, part_timeout, atom::checkpoint_v, st.epoch, id)
        .then([self, id](node_part& p) { add_part(self, id, std::move(p)); },
              on_error);
  for (auto& reader : st.readers)
    self->request(reader, part_timeout, atom::checkpoint_v, id)
        .then([self,
               id](reader_snapshot& s) { add_part(self, id, std::move(s)); },
              on_error);
}

} // namespace

checkpoint_coordinator_actor::behavior_type checkpoint_coordinator(
    checkpoint_coordinator_actor::stateful_pointer<checkpoint_coordinator_state>
        self,
    std::unique_ptr<journal> log, checkpoint_id first,
    std::vector<partition_reader_actor> readers,
    std::vector<shard_actor> shards, alert_sink_actor sink,
    std::chrono::milliseconds interval, std::vector<node_actor> nodes,
    uint64_t epoch) {
  auto& st = self->state;
  st.nodes = std::move(nodes);
  st.epoch = epoch;
  st.log = std::move(log);
  st.next = first;
  st.readers = std::move(readers);
  st.shards = std::move(shards);
  st.sink = std::move(sink);
  st.interval = interval;
  st.current_started = self->clock().now();
  // A part asked of an actor that is gone (a node killed: a request to it
  // gets no answer until its own timeout) would hold the checkpoint, and
  // whoever waits for it, for minutes: its down ends them at once.
  self->set_down_handler([self](caf::down_msg& down) {
    if (!down.reason || down.reason == caf::exit_reason::normal)
      return;
    fail(self, down.reason);
  });
  for (auto& a : st.readers)
    self->monitor(a);
  for (auto& a : st.shards)
    self->monitor(a);
  self->monitor(st.sink);
  for (auto& a : st.nodes)
    self->monitor(a);
  schedule_tick(self, interval);
  return {
      [self](atom::tick) {
        auto& st = self->state;
        st.tick_scheduled = false;
        if (!st.current && !st.run_complete)
          start(self, false);
      },
      [self](atom::checkpoint, bool final) -> caf::result<checkpoint_id> {
        auto& st = self->state;
        auto rp = self->make_response_promise<checkpoint_id>();
        st.waiting_next.push_back(rp);
        st.next_final = st.next_final || final;
        if (!st.current)
          start(self, std::exchange(st.next_final, false));
        return rp;
      },
  };
}

} // namespace crashwatch
