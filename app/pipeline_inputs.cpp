#include "app/pipeline_inputs.hpp"

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "core/pipeline_config.hpp"
#include "io/file_source.hpp"
#include "io/kafka_metadata.hpp"
#include "io/kafka_source.hpp"

namespace crashwatch {

std::string absolute_path(const std::string& path) {
  // absolute() first: weakly_canonical() leaves a relative path relative
  // when none of it exists yet (an output file before the first run).
  std::error_code ec;
  auto p = std::filesystem::absolute(path, ec);
  if (ec)
    return path;
  auto canonical = std::filesystem::weakly_canonical(p, ec);
  return ec ? p.string() : canonical.string();
}

caf::expected<std::vector<partition_plan>>
plan_partitions(const run_options& opts) {
  std::vector<partition_plan> plans;
  if (opts.kafka.brokers.empty()) {
    for (auto& path : opts.inputs) {
      auto id = partition_id{static_cast<int32_t>(plans.size())};
      plans.push_back(
          {id, path == "-" ? "stdin" : "file " + absolute_path(path), path});
    }
    return plans;
  }
  auto& k = opts.kafka;
  auto available = list_partitions(k.brokers, k.topic, k.properties);
  if (!available)
    return std::move(available.error());
  auto wanted = k.partitions.empty() ? *available : k.partitions;
  // In id order, each once: the order of --partitions does not matter.
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  for (auto p : wanted) {
    if (std::find(available->begin(), available->end(), p) == available->end())
      return make_error(ec::input_error, "topic '" + k.topic + "' at "
                                             + k.brokers + " has no partition "
                                             + std::to_string(p) + " (it has "
                                             + std::to_string(available->size())
                                             + ")");
    plans.push_back(
        {partition_id{p}, "kafka " + k.topic + "/" + std::to_string(p), ""});
  }
  return plans;
}

caf::expected<std::unique_ptr<record_source>>
open_partition(const run_options& opts, const partition_plan& plan,
               partition_start start) {
  if (opts.kafka.brokers.empty()) {
    auto src = file_source::open(
        plan.path, defaults::chunk_bytes,
        start.offset < 0 ? 0 : static_cast<uint64_t>(start.offset));
    if (!src)
      return std::move(src.error());
    return std::unique_ptr<record_source>{std::move(*src)};
  }
  auto& k = opts.kafka;
  kafka_source_options so;
  so.brokers = k.brokers;
  so.topic = k.topic;
  so.partition = plan.id.value;
  if (start.offset >= 0) {
    so.start = kafka_start::offset;
    so.start_offset = start.offset;
  } else {
    so.start = k.from_earliest ? kafka_start::earliest : kafka_start::latest;
  }
  so.group = k.group;
  so.exit_at_end = k.exit_at_end;
  so.end_offset = start.end_offset;
  so.on_data_loss
      = k.fail_on_data_loss ? data_loss_policy::fail : data_loss_policy::warn;
  so.properties = k.properties;
  auto src = kafka_source::open(so);
  if (!src)
    return std::move(src.error());
  return std::unique_ptr<record_source>{std::move(*src)};
}

} // namespace crashwatch
