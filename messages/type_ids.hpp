// Every type that travels between crashwatch actors, and every atom, in one
// CAF type-ID block. Registered with the actor system by add_message_types()
// (messages/add_message_types.cpp), so each of them can cross the network.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/type_id.hpp>

#include "core/alert.hpp"
#include "core/global_watermark.hpp"
#include "core/types.hpp"
#include "messages/checkpoint.hpp"
#include "messages/partition_batch.hpp"
#include "messages/partition_stats.hpp"
#include "messages/shard_progress.hpp"
#include "messages/side_output.hpp"

CAF_BEGIN_TYPE_ID_BLOCK(crashwatch, caf::first_custom_type_id)

  // -- IDs and time ----------------------------------------------------------
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::partition_id))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::record_offset))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::shard_id))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::event_time))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::partition_state))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::checkpoint_id))

  // -- reader -> shard -------------------------------------------------------
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::crash_event))
  CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::crash_event>))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::partition_batch))

  // -- reader/shard -> sink --------------------------------------------------
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::late_reason))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::late_record))
  CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::late_record>))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::dead_letter))
  CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::dead_letter>))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::side_batch))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::alert))
  CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::alert>))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::shard_progress))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::partition_stats))
  CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::partition_stats>))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::pipeline_summary))

  // -- checkpoints ------------------------------------------------------------
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::partition_barrier))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::shard_barrier))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::reader_snapshot))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::window_entry))
  CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::window_entry>))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::shard_snapshot))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::output_position))
  CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::output_position>))
  CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::event_time>))
  CAF_ADD_TYPE_ID(crashwatch, (crashwatch::sink_snapshot))

  // -- atoms (text <= 10 characters) ------------------------------------------
  /// Shard -> reader: one batch processed, one credit back.
  CAF_ADD_ATOM(crashwatch, crashwatch::atom, ack, "ack")
  /// Reader -> itself: read the next chunk.
  CAF_ADD_ATOM(crashwatch, crashwatch::atom, read, "read")
  /// Reader -> sink: this partition has ended (with its counters).
  CAF_ADD_ATOM(crashwatch, crashwatch::atom, finished, "finished")
  /// Sink -> whoever waits for the pipeline: all output is written.
  CAF_ADD_ATOM(crashwatch, crashwatch::atom, done, "done")
  /// Coordinator -> every actor: your part of checkpoint N, please.
  CAF_ADD_ATOM(crashwatch, crashwatch::atom, checkpoint, "checkpoint")
  /// Coordinator -> itself: time for the next periodic checkpoint.
  CAF_ADD_ATOM(crashwatch, crashwatch::atom, tick, "tick")

CAF_END_TYPE_ID_BLOCK(crashwatch)

namespace crashwatch {

/// Registers every type of the block above with an actor system config.
void add_message_types(caf::actor_system_config& cfg);

} // namespace crashwatch
