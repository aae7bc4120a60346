#include "app/cluster_start.hpp"

#include <cstdio>
#include <random>

#include "io/kafka_metadata.hpp"

namespace crashwatch {

namespace {

/// A new job's id: 64 random bits in hex.
std::string new_job_id() {
  std::random_device random;
  uint64_t bits = (static_cast<uint64_t>(random()) << 32) ^ random();
  char text[17];
  std::snprintf(text, sizeof text, "%016llx",
                static_cast<unsigned long long>(bits));
  return text;
}

/// Where a Kafka partition starts afresh, and (with --exit-at-end) ends.
caf::error kafka_start(const kafka_input_options& k, const partition_plan& p,
                       partition_start& start, bool fresh) {
  auto marks = query_watermarks(k.brokers, k.topic, p.id.value, k.properties);
  if (!marks)
    return std::move(marks.error());
  if (fresh)
    start.offset = k.from_earliest ? marks->low : marks->high;
  if (k.exit_at_end && start.end_offset < 0)
    start.end_offset = marks->high;
  return caf::none;
}

} // namespace

caf::expected<cluster_start>
open_cluster_start(const node_options& opts,
                   const std::vector<partition_plan>& plans) {
  cluster_start start;
  auto& job = opts.job;
  job_settings extra{{"--expect-nodes", std::to_string(opts.expect_nodes)},
                     {"--job", new_job_id()}};
  auto base = open_run_start(job, plans, "node " + opts.node_id, extra);
  if (!base)
    return std::move(base.error());
  start.base = std::move(*base);
  start.job_id = start.base.settings.empty()
                     ? extra.back().second
                     : start.base.settings.back().second;
  if (start.base.already_complete)
    return start;
  bool fresh = !start.base.restored;
  for (size_t i = 0; i < plans.size(); ++i) {
    auto& s = start.base.starts[i];
    if (job.kafka.brokers.empty()) {
      if (fresh)
        s.offset = 0;
      continue;
    }
    if (fresh || (job.kafka.exit_at_end && s.end_offset < 0))
      if (auto err = kafka_start(job.kafka, plans[i], s, fresh))
        return err;
  }
  return start;
}

caf::error commit_cluster_start(cluster_start& start, const run_options& job,
                                const std::vector<partition_plan>& plans,
                                const sink_outputs& outputs) {
  auto& base = start.base;
  if (base.log == nullptr)
    return caf::none;
  std::vector<journal_partition> parts;
  for (size_t i = 0; i < plans.size(); ++i)
    parts.push_back({plans[i].id, plans[i].source, base.starts[i].end_offset});
  if (base.restored)
    return job.kafka.exit_at_end ? base.log->set_end_offsets(parts) : caf::none;
  std::vector<reader_snapshot> readers;
  for (size_t i = 0; i < plans.size(); ++i) {
    reader_snapshot r;
    r.partition = plans[i].id;
    r.next_offset = record_offset{base.starts[i].offset};
    r.stats.partition = r.partition;
    readers.push_back(r);
  }
  auto positions = durable_positions(outputs);
  if (!positions)
    return std::move(positions.error());
  return base.log->create(base.settings, parts,
                          checkpoint_zero(std::move(readers),
                                          job.pipeline.shards,
                                          std::move(*positions)));
}

} // namespace crashwatch
