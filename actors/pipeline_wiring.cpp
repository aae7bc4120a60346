#include "actors/pipeline_wiring.hpp"

#include <caf/actor_system.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "actors/alert_sink.hpp"
#include "actors/checkpoint_coordinator.hpp"
#include "actors/forget_on_exit.hpp"
#include "actors/partition_reader.hpp"
#include "actors/shard_aggregator.hpp"

namespace crashwatch {

namespace {

/// Spawns `fun` with `args`, detached or not.
template <class Fun, class... Ts>
auto spawn_blocking(caf::actor_system& sys, blocking_actors mode, Fun fun,
                    Ts&&... args) {
  if (mode == blocking_actors::detached) {
    auto handle = sys.spawn<caf::detached>(fun, std::forward<Ts>(args)...);
    forget_on_exit(sys, handle);
    return handle;
  }
  return sys.spawn(fun, std::forward<Ts>(args)...);
}

} // namespace

std::vector<caf::actor> pipeline_actors::all() const {
  std::vector<caf::actor> result;
  result.push_back(caf::actor_cast<caf::actor>(sink));
  for (auto& shard : shards)
    result.push_back(caf::actor_cast<caf::actor>(shard));
  for (auto& reader : readers)
    result.push_back(caf::actor_cast<caf::actor>(reader));
  if (coordinator)
    result.push_back(caf::actor_cast<caf::actor>(coordinator));
  return result;
}

alert_sink_actor spawn_sink(caf::actor_system& sys,
                            const pipeline_config& config,
                            const std::vector<partition_id>& partitions,
                            sink_outputs outputs, sink_snapshot start,
                            caf::actor waiter, blocking_actors mode,
                            caf::actor telemetry) {
  return spawn_blocking(sys, mode, alert_sink, std::move(outputs),
                        config.shards, partitions, std::move(waiter),
                        std::move(start), std::move(telemetry));
}

shard_actor spawn_shard(caf::actor_system& sys, const pipeline_config& config,
                        const std::vector<partition_id>& partitions,
                        shard_id id, shard_restore start,
                        const alert_sink_actor& sink) {
  return sys.spawn(shard_aggregator, id, config, partitions, sink,
                   std::move(start));
}

partition_reader_actor
spawn_reader(caf::actor_system& sys, const pipeline_config& config,
             reader_plan reader, const std::vector<shard_actor>& shards,
             const alert_sink_actor& sink, blocking_actors mode) {
  return spawn_blocking(sys, mode, partition_reader, std::move(reader.start),
                        std::move(reader.source), config, shards, sink);
}

pipeline_actors wire_pipeline(caf::actor_system& sys, pipeline_plan plan,
                              caf::actor waiter, blocking_actors mode) {
  pipeline_actors actors;
  // Downstream first: every actor gets the handles of those it sends to.
  actors.sink = spawn_sink(sys, plan.config, plan.partitions,
                           std::move(plan.outputs), std::move(plan.sink_start),
                           std::move(waiter), mode, std::move(plan.telemetry));
  for (uint32_t i = 0; i < plan.config.shards; ++i)
    actors.shards.push_back(
        spawn_shard(sys, plan.config, plan.partitions, shard_id{i},
                    std::move(plan.shards.at(i)), actors.sink));
  for (auto& reader : plan.readers)
    actors.readers.push_back(spawn_reader(sys, plan.config, std::move(reader),
                                          actors.shards, actors.sink, mode));
  // The coordinator writes checkpoints into the journal (SQLite: it
  // blocks), and asks every reader, shard and the sink for their parts.
  if (plan.log != nullptr)
    actors.coordinator = spawn_blocking(
        sys, mode, checkpoint_coordinator, std::move(plan.log),
        plan.next_checkpoint, actors.readers, actors.shards, actors.sink,
        plan.checkpoint_interval, std::vector<node_actor>{}, uint64_t{0});
  return actors;
}

} // namespace crashwatch
