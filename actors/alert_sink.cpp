#include "actors/alert_sink.hpp"

#include <algorithm>
#include <chrono>

#include <caf/mailbox_element.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "core/kill_point.hpp"
#include "io/alert_format.hpp"
#include "io/side_output_format.hpp"

namespace crashwatch {

namespace {

using self_ptr = alert_sink_actor::stateful_pointer<alert_sink_state>;

/// Writes `text` to `out`, or stops the sink with the error.
bool write(self_ptr self, output_stream& out, const std::string& text,
           bool flush) {
  auto err = out.write(text);
  if (!err && flush)
    err = out.flush();
  if (err) {
    self->quit(std::move(err));
    return false;
  }
  return true;
}

/// How long the sink waits for Kafka to confirm a batch of alerts; librdkafka
/// retries on its own meanwhile (broker restarts, leader changes).
constexpr auto alert_delivery_timeout = std::chrono::seconds(60);

/// Alerts kept for the telemetry page.
constexpr size_t latest_alerts = 20;

/// Produces `alerts` to the alerts topic and waits until the broker has
/// confirmed every one of them.
caf::error produce_alerts(alert_sink_state& st,
                          const std::vector<alert>& alerts) {
  std::string value;
  for (auto& a : alerts) {
    value.clear();
    append_alert_jsonl(value, a);
    value.pop_back(); // the newline
    auto key = std::to_string(a.window_start.value) + ":" + a.user_id;
    if (auto err
        = st.outputs.kafka->produce(st.outputs.kafka_topic, key, value))
      return err;
  }
  return st.outputs.kafka->flush(alert_delivery_timeout);
}

bool write_alerts(self_ptr self, const std::vector<alert>& alerts, bool early) {
  auto& st = self->state;
  if (alerts.empty())
    return true;
  caf::error err;
  if (st.outputs.kafka != nullptr)
    err = produce_alerts(st, alerts);
  if (!err && st.outputs.table != nullptr)
    err = st.outputs.table->write(alerts);
  if (err) {
    self->quit(std::move(err));
    return false;
  }
  if (st.outputs.alerts != nullptr) {
    std::string text;
    if (st.outputs.format == alert_format::console)
      append_console_batch(text, st.next_batch++, alerts, early);
    else
      for (auto& a : alerts)
        append_alert_jsonl(text, a);
    if (!write(self, *st.outputs.alerts, text, true))
      return false;
  }
  kill_point("alerts-written");
  return true;
}

bool write_late(self_ptr self, const std::vector<late_record>& late) {
  if (late.empty())
    return true;
  std::string text;
  for (auto& r : late)
    append_late_jsonl(text, r);
  return write(self, *self->state.outputs.late, text, false);
}

/// Releases the pending alerts of every window that all shards have emitted.
/// Returns false when the sink had to stop.
bool release(self_ptr self) {
  auto& st = self->state;
  auto upto
      = *std::min_element(st.shard_emitted.begin(), st.shard_emitted.end());
  if (upto <= st.released)
    return true;
  st.released = upto;
  auto ready = std::stable_partition(
      st.pending.begin(), st.pending.end(),
      [upto](const alert& a) { return a.window_end <= upto; });
  std::vector<alert> batch(std::make_move_iterator(st.pending.begin()),
                           std::make_move_iterator(ready));
  st.pending.erase(st.pending.begin(), ready);
  std::sort(batch.begin(), batch.end());
  st.summary.alerts += batch.size();
  if (st.telemetry) {
    auto from = batch.size() > latest_alerts ? batch.end() - latest_alerts
                                             : batch.begin();
    st.latest.insert(st.latest.end(), from, batch.end());
    if (st.latest.size() > latest_alerts)
      st.latest.erase(st.latest.begin(),
                      st.latest.end() - static_cast<ptrdiff_t>(latest_alerts));
  }
  return write_alerts(self, batch, false);
}

/// Once every partition has finished and every window is out: flush and
/// report (once). The sink stays for the final checkpoint.
void finish_if_done(self_ptr self) {
  auto& st = self->state;
  if (st.done || st.summary.partitions.size() < st.partitions.size()
      || st.released != max_event_time)
    return;
  for (auto* out : {st.outputs.alerts.get(), st.outputs.late.get(),
                    st.outputs.dead_letters.get()})
    if (out != nullptr)
      if (auto err = out->flush()) {
        self->quit(std::move(err));
        return;
      }
  st.done = true;
  // Sent as the sink (a typed actor cannot send() to the untyped waiter):
  // the waiter takes the end of this pipeline only.
  st.waiter->enqueue(caf::make_mailbox_element(self->ctrl(),
                                               caf::make_message_id(), {},
                                               atom::done_v, st.summary),
                     self->context());
}

// -- the messages, once their input is not waiting for alignment -------------

void handle(self_ptr self, shard_progress& progress) {
  auto& st = self->state;
  st.summary.early_alerts += progress.early.size();
  st.summary.late_at_shards += progress.late.size();
  if (!write_alerts(self, progress.early, true)
      || !write_late(self, progress.late))
    return;
  st.pending.insert(st.pending.end(),
                    std::make_move_iterator(progress.fired.begin()),
                    std::make_move_iterator(progress.fired.end()));
  auto& emitted = st.shard_emitted.at(progress.shard.value);
  emitted = std::max(emitted, progress.emitted_through);
  if (release(self))
    finish_if_done(self);
}

void handle(self_ptr self, side_batch& side) {
  if (!write_late(self, side.late))
    return;
  std::string text;
  for (auto& d : side.dead)
    append_dead_letter_jsonl(text, d);
  if (!text.empty())
    write(self, *self->state.outputs.dead_letters, text, false);
}

void handle(self_ptr self, partition_stats& stats) {
  self->state.summary.partitions.push_back(std::move(stats));
  finish_if_done(self);
}

void handle(self_ptr self, partition_barrier& barrier);
void handle(self_ptr self, shard_barrier& barrier);

size_t reader_input(alert_sink_state& st, partition_id p) {
  auto i = std::find(st.partitions.begin(), st.partitions.end(), p);
  if (i == st.partitions.end())
    throw std::out_of_range("sink: unknown partition "
                            + std::to_string(p.value));
  return static_cast<size_t>(i - st.partitions.begin());
}

size_t shard_input(alert_sink_state& st, shard_id s) {
  return st.partitions.size() + s.value;
}

/// Handles `msg` of aligner input `input` now, or holds it while that input
/// waits for the others' barriers.
template <class T>
void dispatch(self_ptr self, size_t input, T& msg) {
  auto& st = self->state;
  if (st.aligner->blocked(input)) {
    st.aligner->hold(input, held_sink_message{std::move(msg)});
    return;
  }
  handle(self, msg);
}

/// Every barrier is in: outputs durable, snapshot to the coordinator, then
/// what waited.
void complete_alignment(self_ptr self, checkpoint_id id) {
  auto& st = self->state;
  auto positions = durable_positions(st.outputs);
  if (!positions) {
    self->quit(std::move(positions.error()));
    return;
  }
  sink_snapshot snap;
  snap.id = id;
  snap.released = st.released;
  snap.shard_emitted = st.shard_emitted;
  snap.pending = st.pending;
  snap.next_batch = st.next_batch;
  snap.alerts = st.summary.alerts;
  snap.early_alerts = st.summary.early_alerts;
  snap.late_at_shards = st.summary.late_at_shards;
  snap.outputs = std::move(*positions);
  st.handoff.offer(std::move(snap));
  for (auto& [input, held] : st.aligner->release()) {
    if (st.aligner->blocked(input))
      st.aligner->hold(input, std::move(held));
    else
      std::visit([self](auto& msg) { handle(self, msg); }, held);
  }
}

void on_barrier(self_ptr self, size_t input, checkpoint_id id) {
  if (self->state.aligner->on_barrier(input, id))
    complete_alignment(self, id);
}

void handle(self_ptr self, partition_barrier& barrier) {
  on_barrier(self, reader_input(self->state, barrier.partition), barrier.id);
}

void handle(self_ptr self, shard_barrier& barrier) {
  on_barrier(self, shard_input(self->state, barrier.shard), barrier.id);
}

/// Counts the message being handled and adds its wall time to the sink's
/// busy time when it ends: two clock readings per message (the sink handles
/// batches and reports, never single records).
class handling {
 public:
  // Counted as it starts, so that a report sent while handling it (the
  // first one, which may stay the only one for a second) includes it.
  explicit handling(self_ptr self)
      : self_(self), started_(self->clock().now()) {
    ++self->state.messages;
  }

  ~handling() {
    auto& st = self_->state;
    st.busy_ns += static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(
            self_->clock().now() - started_)
            .count());
  }

  handling(const handling&) = delete;
  handling& operator=(const handling&) = delete;

 private:
  self_ptr self_;
  caf::actor_clock::time_point started_;
};

} // namespace

/// Passes a report on to the telemetry actor, with the sink's own (its
/// counters, the latest alerts and its load) at most once a second.
template <class Report>
void forward(self_ptr self, Report& report) {
  auto& st = self->state;
  if (!st.telemetry)
    return;
  caf::anon_send(st.telemetry, std::move(report));
  auto now = self->clock().now();
  if (now - st.last_report < std::chrono::seconds(1))
    return;
  st.last_report = now;
  sink_report load;
  load.messages = st.messages;
  load.busy_ns = st.busy_ns;
  load.mailbox = self->mailbox().size();
  caf::anon_send(st.telemetry, st.summary, st.latest, load);
}

alert_sink_actor::behavior_type
alert_sink(alert_sink_actor::stateful_pointer<alert_sink_state> self,
           sink_outputs outputs, uint32_t shards,
           std::vector<partition_id> partitions, caf::actor waiter,
           sink_snapshot restore, caf::actor telemetry) {
  auto& st = self->state;
  st.outputs = std::move(outputs);
  st.shard_emitted.assign(shards, min_event_time);
  if (restore.shard_emitted.size() == shards)
    st.shard_emitted = std::move(restore.shard_emitted);
  st.partitions = std::move(partitions);
  st.aligner.emplace(st.partitions.size() + shards);
  st.waiter = std::move(waiter);
  st.telemetry = std::move(telemetry);
  st.released = restore.released;
  st.pending = std::move(restore.pending);
  st.next_batch = restore.next_batch;
  st.summary.alerts = restore.alerts;
  st.summary.early_alerts = restore.early_alerts;
  st.summary.late_at_shards = restore.late_at_shards;
  return {
      [self](shard_progress& progress) {
        handling h{self};
        dispatch(self, shard_input(self->state, progress.shard), progress);
      },
      [self](side_batch& side) {
        handling h{self};
        dispatch(self, reader_input(self->state, side.partition), side);
      },
      [self](atom::finished, partition_stats& stats) {
        handling h{self};
        dispatch(self, reader_input(self->state, stats.partition), stats);
      },
      [self](partition_barrier& barrier) {
        handling h{self};
        dispatch(self, reader_input(self->state, barrier.partition), barrier);
      },
      [self](shard_barrier& barrier) {
        handling h{self};
        dispatch(self, shard_input(self->state, barrier.shard), barrier);
      },
      [self](atom::checkpoint, checkpoint_id id) -> caf::result<sink_snapshot> {
        handling h{self};
        return self->state.handoff.ask(self, id);
      },
      [self](reader_report& report) {
        handling h{self};
        forward(self, report);
      },
      [self](shard_report& report) {
        handling h{self};
        forward(self, report);
      },
      [self](checkpoint_report& report) {
        handling h{self};
        forward(self, report);
      },
  };
}

} // namespace crashwatch
