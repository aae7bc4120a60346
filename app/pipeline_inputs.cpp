#include "app/pipeline_inputs.hpp"

#include <algorithm>
#include <filesystem>

#include "core/error.hpp"
#include "io/kafka_metadata.hpp"

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

std::optional<std::pair<std::string, std::string>>
node_input(const std::string& input) {
  constexpr std::string_view scheme = "node://";
  if (input.rfind(scheme, 0) != 0)
    return std::nullopt;
  auto slash = input.find('/', scheme.size());
  if (slash == std::string::npos || slash == scheme.size()
      || slash + 1 == input.size())
    return std::nullopt;
  return std::make_pair(input.substr(scheme.size(), slash - scheme.size()),
                        input.substr(slash));
}

caf::expected<std::vector<partition_plan>>
plan_partitions(const run_options& opts) {
  std::vector<partition_plan> plans;
  if (opts.kafka.brokers.empty()) {
    for (auto& path : opts.inputs) {
      auto id = partition_id{static_cast<int32_t>(plans.size())};
      if (auto remote = node_input(path))
        plans.push_back({id, "file " + path, remote->second, remote->first});
      else
        plans.push_back({id,
                         path == "-" ? "stdin" : "file " + absolute_path(path),
                         path, ""});
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
    plans.push_back({partition_id{p},
                     "kafka " + k.topic + "/" + std::to_string(p), "", ""});
  }
  return plans;
}

} // namespace crashwatch
