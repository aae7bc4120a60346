#include "actors/shard_aggregator.hpp"

#include <caf/typed_event_based_actor.hpp>

#include "core/window.hpp"

namespace crashwatch {

namespace {

using self_ptr = shard_actor::stateful_pointer<shard_aggregator_state>;

/// Counts the crashes of a batch; early alerts and late crashes go to `out`.
void count(shard_aggregator_state& st, const partition_batch& batch,
           shard_progress& out) {
  auto& counts = *st.counts;
  auto window_ms = st.config.window_ms;
  for (auto& ev : batch.events) {
    uint64_t n = 0;
    auto outcome = counts.add(ev.time, ev.user_id, n);
    if (outcome == window_counts::outcome::counted)
      continue;
    auto start = window_start(ev.time, window_ms);
    auto end = window_end(start, window_ms);
    if (outcome == window_counts::outcome::window_emitted)
      out.late.push_back(late_record{batch.partition, ev.offset, ev.time, start,
                                     end, counts.emitted_through(), ev.user_id,
                                     late_reason::window_emitted});
    else if (st.config.emit_early)
      out.early.push_back(alert{start, end, ev.user_id, n, false});
  }
}

/// Counts a batch, fires what the global watermark allows and tells the
/// sink.
/// Tells the sink about the shard's load and state, at most once a second
/// (per batch, never per record).
void report(self_ptr self, caf::actor_clock::time_point now) {
  auto& st = self->state;
  if (now - st.last_report < std::chrono::seconds(1))
    return;
  st.last_report = now;
  shard_report r;
  r.shard = st.id;
  r.open_windows = st.counts->open_windows();
  r.open_keys = st.counts->open_keys();
  r.batches = st.batches;
  r.busy_ns = st.busy_ns;
  r.mailbox = self->mailbox().size();
  self->send(st.sink, std::move(r));
}

void process(self_ptr self, const partition_batch& batch) {
  auto& st = self->state;
  auto started = self->clock().now();
  shard_progress progress;
  progress.shard = st.id;
  count(st, batch, progress);
  st.watermarks->update(batch.partition, batch.watermark, batch.state);
  auto before = st.counts->emitted_through();
  st.counts->fire(st.watermarks->current(), progress.fired);
  progress.emitted_through = st.counts->emitted_through();
  if (progress.emitted_through != before || !progress.early.empty()
      || !progress.late.empty())
    self->send(st.sink, std::move(progress));
  auto now = self->clock().now();
  ++st.batches;
  st.busy_ns += static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::nanoseconds>(now - started)
          .count());
  report(self, now);
}

size_t input_of(shard_aggregator_state& st, partition_id p) {
  auto i = st.inputs.find(p.value);
  if (i == st.inputs.end())
    throw std::out_of_range("shard: unknown partition "
                            + std::to_string(p.value));
  return i->second;
}

void on_barrier(self_ptr self, const partition_barrier& barrier);

/// Snapshot after alignment: hand it to the coordinator (now or when it
/// asks), pass the barrier on, and handle what waited.
void complete_alignment(self_ptr self, checkpoint_id id) {
  auto& st = self->state;
  shard_snapshot snap;
  snap.id = id;
  snap.shard = st.id;
  snap.emitted_through = st.counts->emitted_through();
  st.counts->take_changes(snap.changed);
  snap.open_keys = st.counts->open_keys();
  st.handoff.offer(std::move(snap));
  // Behind every progress message of the time before the barrier.
  self->send(st.sink, shard_barrier{id, st.id});
  for (auto& [input, held] : st.aligner->release()) {
    if (st.aligner->blocked(input)) {
      // A held barrier started the next alignment: wait again.
      st.aligner->hold(input, std::move(held));
    } else if (held.batch) {
      process(self, *held.batch);
      held.ack.deliver(atom::ack_v, st.id);
    } else {
      on_barrier(self, held.barrier);
    }
  }
}

void on_barrier(self_ptr self, const partition_barrier& barrier) {
  auto& st = self->state;
  auto input = input_of(st, barrier.partition);
  if (st.aligner->blocked(input)) {
    st.aligner->hold(input, held_shard_message{std::nullopt, {}, barrier});
    return;
  }
  if (st.aligner->on_barrier(input, barrier.id))
    complete_alignment(self, barrier.id);
}

} // namespace

shard_actor::behavior_type
shard_aggregator(shard_actor::stateful_pointer<shard_aggregator_state> self,
                 shard_id id, pipeline_config config,
                 std::vector<partition_id> partitions, alert_sink_actor sink,
                 shard_restore restore) {
  auto& st = self->state;
  st.id = id;
  st.counts.emplace(config.window_ms, config.threshold);
  st.counts->restore_emitted_through(restore.emitted_through);
  for (auto& entry : restore.counts)
    st.counts->restore_count(entry.window_start, std::move(entry.user_id),
                             entry.count);
  st.watermarks.emplace(partitions);
  for (auto& mark : restore.marks)
    st.watermarks->update(mark.partition, mark.watermark, mark.state);
  for (size_t i = 0; i < partitions.size(); ++i)
    st.inputs.emplace(partitions[i].value, i);
  st.aligner.emplace(partitions.size());
  st.config = std::move(config);
  st.sink = std::move(sink);
  st.last_report = self->clock().now();
  return {
      [self](partition_batch& batch) -> caf::result<atom::ack, shard_id> {
        auto& st = self->state;
        auto input = input_of(st, batch.partition);
        if (st.aligner->blocked(input)) {
          auto ack = self->make_response_promise<atom::ack, shard_id>();
          st.aligner->hold(input,
                           held_shard_message{std::move(batch), ack, {}});
          return ack;
        }
        process(self, batch);
        return {atom::ack_v, st.id};
      },
      [self](partition_barrier& barrier) { on_barrier(self, barrier); },
      [self](atom::checkpoint,
             checkpoint_id id) -> caf::result<shard_snapshot> {
        return self->state.handoff.ask(self, id);
      },
  };
}

} // namespace crashwatch
