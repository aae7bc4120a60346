// A shard aggregator: owns the (window, user) counts of the users hashed to
// it, follows every partition's watermark (which arrives FIFO behind that
// partition's data), and fires the windows the global watermark has passed.
#pragma once

#include <optional>
#include <vector>

#include <caf/stateful_actor.hpp>

#include "core/global_watermark.hpp"
#include "core/pipeline_config.hpp"
#include "core/window_counts.hpp"
#include "messages/actors.hpp"

namespace crashwatch {

/// The state of one shard.
struct shard_aggregator_state {
  static constexpr const char* name = "shard_aggregator";

  shard_id id;
  pipeline_config config;
  std::optional<window_counts> counts;
  std::optional<global_watermark> watermarks;
  alert_sink_actor sink;
};

/// Spawns with: the shard's id, the pipeline settings, the ids of the input
/// partitions and the sink. Quits once every partition has ended.
shard_actor::behavior_type shard_aggregator(
  shard_actor::stateful_pointer<shard_aggregator_state> self, shard_id id,
  pipeline_config config, std::vector<partition_id> partitions,
  alert_sink_actor sink);

} // namespace crashwatch
