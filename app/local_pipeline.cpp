#include "app/local_pipeline.hpp"

#include "actors/pipeline_wiring.hpp"
#include "app/run_open.hpp"
#include "app/run_plan.hpp"
#include "app/run_telemetry.hpp"
#include "app/run_wait.hpp"
#include "core/wall_clock.hpp"

namespace crashwatch {

/// What a completed run did, from its final checkpoint.
pipeline_outcome completed_outcome(const restored_checkpoint& final) {
  pipeline_outcome done;
  done.already_complete = true;
  for (auto& r : final.readers)
    done.summary.partitions.push_back(r.stats);
  done.summary.alerts = final.sink.alerts;
  done.summary.early_alerts = final.sink.early_alerts;
  done.summary.late_at_shards = final.sink.late_at_shards;
  return done;
}

caf::expected<pipeline_outcome> run_local_pipeline(caf::actor_system& sys,
                                                   const run_options& opts) {
  auto opened = std::chrono::steady_clock::now();
  auto run = open_run(opts);
  if (!run)
    return std::move(run.error());
  if (run->start.already_complete)
    return completed_outcome(*run->start.restored);
  pipeline_outcome outcome;
  if (run->start.restored)
    for (auto& r : run->start.restored->readers)
      outcome.resumed_records += r.stats.records;
  auto plan = plan_run(*run, opts);
  if (!plan)
    return std::move(plan.error());
  auto telemetry = start_telemetry(sys, opts, {"run", "", {"all"}, 0},
                                   run->partitions, "crashwatch");
  if (!telemetry)
    return std::move(telemetry.error());
  if (*telemetry) {
    plan->telemetry = caf::actor_cast<caf::actor>((*telemetry)->actor);
    // Resumed: opening the journal, restoring and planning took this.
    if (run->start.restored)
      caf::anon_send((*telemetry)->actor,
                     restore_report{run->start.restored->id, wall_clock_ms(),
                                    microseconds_since(opened)});
  }
  caf::scoped_actor self{sys};
  auto actors = wire_pipeline(sys, std::move(*plan), caf::actor{self});
  std::optional<pipeline_summary> so_far;
  auto summary = wait_for_pipeline(self, actors, opts.data_dir, &so_far);
  if (!summary && so_far) {
    outcome.summary = std::move(*so_far);
    outcome.stopped = std::move(summary.error());
    return outcome;
  }
  if (!summary)
    return std::move(summary.error());
  outcome.summary = std::move(*summary);
  return outcome;
}

} // namespace crashwatch
