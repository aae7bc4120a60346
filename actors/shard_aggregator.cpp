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
      out.late.push_back(late_record{batch.partition, ev.offset, ev.time,
                                     start, end, counts.emitted_through(),
                                     ev.user_id, late_reason::window_emitted});
    else if (st.config.emit_early)
      out.early.push_back(alert{start, end, ev.user_id, n, false});
  }
}

} // namespace

shard_actor::behavior_type shard_aggregator(
  shard_actor::stateful_pointer<shard_aggregator_state> self, shard_id id,
  pipeline_config config, std::vector<partition_id> partitions,
  alert_sink_actor sink) {
  auto& st = self->state;
  st.id = id;
  st.counts.emplace(config.window_ms, config.threshold);
  st.watermarks.emplace(partitions);
  st.config = std::move(config);
  st.sink = std::move(sink);
  return {
    [self](partition_batch& batch) -> caf::result<atom::ack, shard_id> {
      auto& st = self->state;
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
      if (st.watermarks->all_ended())
        self->quit();
      return {atom::ack_v, st.id};
    },
  };
}

} // namespace crashwatch
