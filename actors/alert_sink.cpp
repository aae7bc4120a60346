#include "actors/alert_sink.hpp"

#include <algorithm>
#include <chrono>

#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

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
    if (auto err = st.outputs.kafka->produce(st.outputs.kafka_topic, key,
                                             value))
      return err;
  }
  return st.outputs.kafka->flush(alert_delivery_timeout);
}

bool write_alerts(self_ptr self, const std::vector<alert>& alerts,
                  bool early) {
  auto& st = self->state;
  if (alerts.empty())
    return true;
  if (st.outputs.kafka != nullptr)
    if (auto err = produce_alerts(st, alerts)) {
      self->quit(std::move(err));
      return false;
    }
  std::string text;
  if (st.outputs.format == alert_format::console)
    append_console_batch(text, st.next_batch++, alerts, early);
  else
    for (auto& a : alerts)
      append_alert_jsonl(text, a);
  return write(self, *st.outputs.alerts, text, true);
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
  auto upto = *std::min_element(st.shard_emitted.begin(),
                                st.shard_emitted.end());
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
  return write_alerts(self, batch, false);
}

/// Once every partition has finished and every window is out: flush, report
/// and quit.
void finish_if_done(self_ptr self) {
  auto& st = self->state;
  if (st.summary.partitions.size() < st.partitions
      || st.released != max_event_time)
    return;
  for (auto* out : {st.outputs.alerts.get(), st.outputs.late.get(),
                    st.outputs.dead_letters.get()})
    if (auto err = out->flush()) {
      self->quit(std::move(err));
      return;
    }
  caf::anon_send(st.waiter, atom::done_v, st.summary);
  self->quit();
}

} // namespace

alert_sink_actor::behavior_type
alert_sink(alert_sink_actor::stateful_pointer<alert_sink_state> self,
           sink_outputs outputs, size_t shards, size_t partitions,
           caf::actor waiter) {
  auto& st = self->state;
  st.outputs = std::move(outputs);
  st.shard_emitted.assign(shards, min_event_time);
  st.partitions = partitions;
  st.waiter = std::move(waiter);
  return {
    [self](shard_progress& progress) {
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
    },
    [self](side_batch& side) {
      if (!write_late(self, side.late))
        return;
      std::string text;
      for (auto& d : side.dead)
        append_dead_letter_jsonl(text, d);
      if (!text.empty())
        write(self, *self->state.outputs.dead_letters, text, false);
    },
    [self](atom::finished, partition_stats& stats) {
      self->state.summary.partitions.push_back(std::move(stats));
      finish_if_done(self);
    },
  };
}

} // namespace crashwatch
