#include "app/run_plan.hpp"

namespace crashwatch {

caf::expected<pipeline_plan> plan_run(opened_run& run,
                                      const run_options& opts) {
  pipeline_plan plan;
  plan.config = opts.pipeline;
  auto& start = run.start;
  for (size_t i = 0; i < run.partitions.size(); ++i) {
    plan.partitions.push_back(run.partitions[i].id);
    plan.readers.push_back(
        reader_plan{reader_start(start, run.partitions[i], i, *run.sources[i]),
                    std::move(run.sources[i])});
  }
  for (uint32_t i = 0; i < opts.pipeline.shards; ++i) {
    auto shard = shard_start(start, opts, shard_id{i});
    if (!shard)
      return std::move(shard.error());
    plan.shards.push_back(std::move(*shard));
  }
  plan.outputs = std::move(run.outputs);
  plan.sink_start = sink_start(start);
  if (start.log != nullptr) {
    plan.log = std::move(start.log);
    plan.next_checkpoint
        = checkpoint_id{start.restored ? start.restored->id.value + 1 : 1};
    plan.checkpoint_interval
        = std::chrono::milliseconds{opts.checkpoint_interval_ms};
  }
  return plan;
}

} // namespace crashwatch
