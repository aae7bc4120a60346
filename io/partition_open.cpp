#include "io/partition_open.hpp"

#include <future>

#include "core/pipeline_config.hpp"
#include "io/file_source.hpp"
#include "io/kafka_source.hpp"

namespace crashwatch {

caf::expected<std::unique_ptr<record_source>>
open_partition(const kafka_input_options& kafka, const partition_plan& plan,
               partition_start start) {
  if (kafka.brokers.empty()) {
    auto src = file_source::open(
        plan.path, defaults::chunk_bytes,
        start.offset < 0 ? 0 : static_cast<uint64_t>(start.offset),
        kafka.max_record_bytes);
    if (!src)
      return std::move(src.error());
    return std::unique_ptr<record_source>{std::move(*src)};
  }
  auto& k = kafka;
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
  so.max_record_bytes = k.max_record_bytes;
  auto src = kafka_source::open(so);
  if (!src)
    return std::move(src.error());
  return std::unique_ptr<record_source>{std::move(*src)};
}

caf::expected<std::vector<std::unique_ptr<record_source>>>
open_partitions(const kafka_input_options& kafka,
                const std::vector<partition_plan>& plans,
                const std::vector<partition_start>& starts) {
  using opened = caf::expected<std::unique_ptr<record_source>>;
  std::vector<opened> results;
  results.reserve(plans.size());
  if (kafka.brokers.empty() || plans.size() < 2) {
    for (size_t i = 0; i < plans.size(); ++i)
      results.push_back(open_partition(kafka, plans[i], starts.at(i)));
  } else {
    std::vector<std::future<opened>> pending;
    for (size_t i = 0; i < plans.size(); ++i)
      pending.push_back(std::async(std::launch::async, [&, i] {
        return open_partition(kafka, plans[i], starts.at(i));
      }));
    for (auto& f : pending)
      results.push_back(f.get());
  }
  std::vector<std::unique_ptr<record_source>> sources;
  for (auto& r : results) {
    if (!r)
      return std::move(r.error());
    sources.push_back(std::move(*r));
  }
  return sources;
}

} // namespace crashwatch
