#include "app/run_start.hpp"

#include <iostream>

#include "app/job_settings.hpp"
#include "core/error.hpp"
#include "core/event_time.hpp"
#include "core/partition_clock.hpp"
#include "io/kafka_source.hpp"

namespace crashwatch {

caf::expected<run_start>
open_run_start(const run_options& opts,
               const std::vector<partition_plan>& plans, const std::string& who,
               job_settings extra) {
  run_start start;
  start.starts.resize(plans.size());
  if (opts.data_dir.empty())
    return start;
  start.settings = make_job_settings(opts, plans);
  for (auto& setting : extra)
    start.settings.push_back(std::move(setting));
  auto log = journal::open(opts.data_dir, opts.pipeline.window_ms);
  if (!log)
    return std::move(log.error());
  start.log = std::move(*log);
  auto& j = *start.log;
  if (!j.has_checkpoint()) {
    std::cerr << "crashwatch " << who << ": new journal " << j.path() << '\n';
    return start;
  }
  // A job's id is given at its first start: the journal's is the job's.
  for (auto& [name, value] : start.settings)
    if (name == "--job") {
      auto stored = j.stored_setting(name);
      if (!stored)
        return std::move(stored.error());
      value = *stored;
    }
  if (auto err = j.check_settings(start.settings))
    return err;
  auto restored = j.load();
  if (!restored)
    return std::move(restored.error());
  auto parts = j.partitions();
  if (!parts)
    return std::move(parts.error());
  if (restored->finished) {
    std::cerr << "crashwatch " << who << ": the run in " << opts.data_dir
              << " completed at checkpoint " << restored->id.value << " ("
              << format_iso_utc(event_time{restored->completed_at_ms})
              << "); nothing to do (use another --data-dir to read the input "
                 "again)\n";
    start.already_complete = true;
    start.restored = std::move(*restored);
    return start;
  }
  // The settings cover the partitions; a journal whose rows disagree with
  // its own settings was changed by hand or damaged.
  if (parts->size() != plans.size() || restored->readers.size() != plans.size()
      || restored->shard_emitted.size() != opts.pipeline.shards)
    return j.damaged_error(
        "its partitions or shards do not match its settings");
  for (size_t i = 0; i < plans.size(); ++i) {
    if ((*parts)[i].partition != plans[i].id
        || restored->readers[i].partition != plans[i].id)
      return j.damaged_error("its partitions do not match its settings");
    start.starts[i].offset = restored->readers[i].next_offset.value;
    start.starts[i].end_offset = (*parts)[i].end_offset;
  }
  std::cerr << "crashwatch " << who << ": resuming from checkpoint "
            << restored->id.value << " of " << j.path() << " (taken "
            << format_iso_utc(event_time{restored->completed_at_ms}) << ")\n";
  start.restored = std::move(*restored);
  return start;
}

caf::error
commit_run_start(run_start& start, const run_options& opts,
                 const std::vector<partition_plan>& plans,
                 const std::vector<std::unique_ptr<record_source>>& sources,
                 const sink_outputs& outputs) {
  if (start.log == nullptr)
    return caf::none;
  std::vector<journal_partition> parts;
  for (size_t i = 0; i < plans.size(); ++i) {
    journal_partition p{plans[i].id, plans[i].source, -1};
    if (auto* k = dynamic_cast<const kafka_source*>(sources[i].get()))
      p.end_offset = k->end_offset();
    parts.push_back(std::move(p));
  }
  if (start.restored) {
    if (!opts.kafka.exit_at_end)
      return caf::none;
    std::vector<journal_partition> unfixed;
    for (size_t i = 0; i < parts.size(); ++i)
      if (start.starts[i].end_offset < 0)
        unfixed.push_back(parts[i]);
    return unfixed.empty() ? caf::none : start.log->set_end_offsets(unfixed);
  }
  std::vector<reader_snapshot> readers;
  for (size_t i = 0; i < plans.size(); ++i)
    readers.push_back(reader_start(start, plans[i], i, *sources[i]));
  auto positions = durable_positions(outputs);
  if (!positions)
    return std::move(positions.error());
  return start.log->create(start.settings, parts,
                           checkpoint_zero(std::move(readers),
                                           opts.pipeline.shards,
                                           std::move(*positions)));
}

reader_snapshot reader_start(const run_start& start, const partition_plan& plan,
                             size_t i, const record_source& source) {
  if (start.restored)
    return start.restored->readers[i];
  reader_snapshot snap;
  snap.partition = plan.id;
  snap.next_offset = source.resume_offset();
  snap.stats.partition = plan.id;
  return snap;
}

std::vector<partition_mark> partition_marks(const run_start& start,
                                            const pipeline_config& config) {
  std::vector<partition_mark> marks;
  if (!start.restored)
    return marks;
  for (auto& r : start.restored->readers) {
    partition_clock clock{config.watermark_delay_ms, config.window_ms};
    clock.restore(r.max_seen);
    marks.push_back({r.partition, clock.watermark(), r.state});
  }
  return marks;
}

caf::expected<shard_restore>
shard_start(const run_start& start, const run_options& opts, shard_id shard) {
  shard_restore restore;
  if (!start.restored)
    return restore;
  restore.emitted_through = start.restored->shard_emitted.at(shard.value);
  if (auto err = start.log->load_shard(shard, restore.counts))
    return err;
  restore.marks = partition_marks(start, opts.pipeline);
  return restore;
}

sink_snapshot sink_start(const run_start& start) {
  return start.restored ? start.restored->sink : sink_snapshot{};
}

} // namespace crashwatch
