#include "telemetry/telemetry_actor.hpp"

#include "core/wall_clock.hpp"
#include "telemetry/metrics_text.hpp"
#include "telemetry/status_json.hpp"

namespace crashwatch {

telemetry_actor::behavior_type
telemetry(telemetry_actor::stateful_pointer<telemetry_actor_state> self,
          telemetry_state initial) {
  self->state.st = std::move(initial);
  return {
      [self](reader_report& r) {
        auto id = r.stats.partition.value;
        self->state.st.readers[id] = std::move(r);
      },
      [self](shard_report& r) {
        auto id = r.shard.value;
        self->state.st.shards[id] = std::move(r);
      },
      [self](checkpoint_report& r) { add_checkpoint(self->state.st, r); },
      [self](cluster_report& r) { self->state.st.cluster = std::move(r); },
      [self](restore_report& r) { self->state.st.restore = r; },
      [self](membership_report& r) {
        self->state.st.membership = std::move(r);
      },
      [self](pipeline_summary& summary, std::vector<alert>& latest,
             sink_report& load) {
        self->state.st.sink = std::move(summary);
        self->state.st.latest_alerts = std::move(latest);
        self->state.st.sink_load = load;
      },
      [self](atom::status) {
        return status_json(self->state.st, wall_clock_ms());
      },
      [self](atom::metrics) {
        return metrics_text(self->state.st, wall_clock_ms());
      },
  };
}

} // namespace crashwatch
