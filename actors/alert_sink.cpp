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

/// Stops the sink with `err`. Alerts still waiting for Kafka are dropped
/// (the run fails; a restart produces again what came after the last
/// checkpoint), so that closing the producer does not wait for the broker.
void fail(self_ptr self, caf::error err) {
  if (auto& kafka = self->state.outputs.kafka)
    kafka->abandon();
  self->quit(std::move(err));
}

/// Writes `text` to `out`, or stops the sink with the error.
bool write(self_ptr self, output_stream& out, const std::string& text,
           bool flush) {
  auto err = out.write(text);
  if (!err && flush)
    err = out.flush();
  if (err) {
    fail(self, std::move(err));
    return false;
  }
  return true;
}

/// How often the sink serves Kafka's delivery reports while alerts are in
/// flight (a non-blocking poll). Only checkpoints, the end of a run and
/// failure reports wait for them: alerts are written without waiting.
constexpr auto delivery_poll = std::chrono::milliseconds(5);

/// How long a stop waits for the alerts in flight before it reports them as
/// unconfirmed: less than the 10 s the process waits for its actors to end
/// (app/run_wait.cpp), so that the report is made.
constexpr auto stop_wait = std::chrono::seconds(8);

/// Alerts kept for the telemetry page.
constexpr size_t latest_alerts = 20;

/// Serves delivery reports on a timer while alerts are in flight.
void schedule_delivery_tick(self_ptr self) {
  auto& st = self->state;
  if (st.ticking || st.outputs.kafka == nullptr || !st.outputs.kafka->busy())
    return;
  st.ticking = true;
  self->delayed_send(self, delivery_poll, atom::tick_v);
}

bool write_alerts(self_ptr self, const std::vector<alert>& alerts, bool early) {
  auto& st = self->state;
  if (alerts.empty())
    return true;
  if (st.outputs.table != nullptr)
    if (auto err = st.outputs.table->write(alerts)) {
      fail(self, std::move(err));
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
  // Kafka last, and without waiting for the broker: the other outputs never
  // wait for it (checkpoints and the end of the run do, see on_tick).
  if (st.outputs.kafka != nullptr) {
    auto err = st.outputs.kafka->send(alerts);
    st.summary.alerts_undelivered = st.outputs.kafka->undelivered();
    if (err) {
      fail(self, std::move(err));
      return false;
    }
    schedule_delivery_tick(self);
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

/// Once every partition has finished, every window is out and Kafka has
/// confirmed every alert (or they are counted as lost): flush and report
/// (once). The sink stays for the final checkpoint.
void finish_if_done(self_ptr self) {
  auto& st = self->state;
  if (st.done || st.summary.partitions.size() < st.partitions.size()
      || st.released != max_event_time
      || (st.outputs.kafka != nullptr && st.outputs.kafka->busy()))
    return;
  for (auto* out : {st.outputs.alerts.get(), st.outputs.late.get(),
                    st.outputs.dead_letters.get()})
    if (out != nullptr)
      if (auto err = out->flush()) {
        fail(self, std::move(err));
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
    fail(self, std::move(positions.error()));
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
  // At least once for the alerts topic: the part is answered only once the
  // alerts written before the barrier are confirmed (on_tick), else a
  // restart from this checkpoint would not produce again those the broker
  // never took.
  auto& kafka = st.outputs.kafka;
  if (kafka != nullptr && !kafka->settled(kafka->mark())) {
    st.unconfirmed.emplace_back(kafka->mark(), std::move(snap));
    schedule_delivery_tick(self);
  } else {
    st.handoff.offer(std::move(snap));
  }
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

/// The delivery timer: serves Kafka's delivery reports, then answers the
/// checkpoint parts whose alerts are all settled, finishes the run or
/// completes a stop once nothing is in flight.
void on_tick(self_ptr self) {
  auto& st = self->state;
  st.ticking = false;
  auto& kafka = st.outputs.kafka;
  if (kafka == nullptr)
    return;
  auto err = kafka->service();
  st.summary.alerts_undelivered = kafka->undelivered();
  if (err) {
    fail(self, std::move(err));
    return;
  }
  while (!st.unconfirmed.empty()
         && kafka->settled(st.unconfirmed.front().first)) {
    st.handoff.offer(std::move(st.unconfirmed.front().second));
    st.unconfirmed.pop_front();
  }
  finish_if_done(self);
  if (st.stopping && kafka->busy() && self->clock().now() >= st.stop_deadline)
    kafka->give_up();
  if (st.stopping && !kafka->busy()) {
    st.summary.alerts_undelivered = kafka->undelivered();
    self->quit(std::move(*st.stopping));
    return;
  }
  schedule_delivery_tick(self);
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
  if (st.outputs.kafka != nullptr)
    load.alerts_in_flight = st.outputs.kafka->in_flight();
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
  // A stop (the owner's exit message) waits until Kafka has confirmed the
  // alerts in flight or they count as lost, so that none is left unknown:
  // up to stop_wait, then what is still in flight is reported as such.
  self->set_exit_handler([self](caf::exit_msg& msg) {
    if (!msg.reason)
      return;
    auto& kafka = self->state.outputs.kafka;
    if (kafka == nullptr || !kafka->busy()) {
      self->quit(std::move(msg.reason));
      return;
    }
    self->state.stopping = std::move(msg.reason);
    self->state.stop_deadline = self->clock().now() + stop_wait;
    schedule_delivery_tick(self);
  });
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
      [self](atom::tick) {
        handling h{self};
        on_tick(self);
      },
      [self](atom::status) -> pipeline_summary { return self->state.summary; },
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
