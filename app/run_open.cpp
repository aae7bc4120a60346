#include "app/run_open.hpp"

#include <iostream>

#include "app/pipeline_outputs.hpp"
#include "core/kill_point.hpp"

namespace crashwatch {

caf::expected<opened_run> open_run(const run_options& opts) {
  opened_run run;
  auto plans = plan_partitions(opts);
  if (!plans)
    return std::move(plans.error());
  run.partitions = std::move(*plans);
  auto start = open_run_start(opts, run.partitions);
  if (!start)
    return std::move(start.error());
  run.start = std::move(*start);
  if (run.start.already_complete)
    return run;
  auto sources = open_partitions(opts.kafka, run.partitions, run.start.starts);
  if (!sources)
    return std::move(sources.error());
  run.sources = std::move(*sources);
  auto outputs = open_outputs(opts);
  if (!outputs)
    return std::move(outputs.error());
  run.outputs = std::move(*outputs);
  if (auto& restored = run.start.restored) {
    std::vector<std::string> uncut;
    if (auto err = cut_back_outputs(run.outputs, restored->sink.outputs, uncut))
      return err;
    for (auto& name : uncut)
      std::cerr << "crashwatch run: " << name
                << " cannot be cut back: what it showed after checkpoint "
                << restored->id.value << " is shown again\n";
    kill_point("restore-cut-back");
  }
  if (auto err = commit_run_start(run.start, opts, run.partitions, run.sources,
                                  run.outputs))
    return err;
  return run;
}

} // namespace crashwatch
