// Every type that travels between crashwatch actors or is a spawn argument,
// and every actor handle type, in one CAF type-ID block (the atoms are in
// messages/atoms.hpp). Registered with the actor system by
// add_message_types() (messages/add_message_types.cpp), so each of them can
// cross the network; tests/messages/type_ids_test.cpp round-trips every type
// of the block through CAF's binary serializer.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/type_id.hpp>

#include "core/alert.hpp"
#include "core/global_watermark.hpp"
#include "core/pipeline_config.hpp"
#include "core/types.hpp"
#include "messages/actors.hpp"

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

// -- telemetry --------------------------------------------------------------
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::reader_report))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::shard_report))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::sink_report))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::checkpoint_report))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::cluster_node_report))
CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::cluster_node_report>))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::cluster_report))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::membership_report))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::restore_report))

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
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::node_part))

// -- spawn arguments and restore state ------------------------------------
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::timestamp_unit))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::filter_config))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::pipeline_config))
CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::partition_id>))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::partition_mark))
CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::partition_mark>))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::shard_restore))

// -- the cluster ------------------------------------------------------------
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::kafka_input_options))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::partition_plan))
CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::partition_plan>))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::partition_start))
CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::partition_start>))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::node_address))
CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::node_address>))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::join_request))
CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::join_request>))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::join_reply))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::shard_assignment))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::reader_assignment))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::stop_epoch))
CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::shard_id>))

// -- actor handles (a handle inside a message needs its own type ID) -------
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::alert_sink_actor))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::shard_actor))
CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::shard_actor>))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::partition_reader_actor))
CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::partition_reader_actor>))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::checkpoint_coordinator_actor))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::node_actor))
CAF_ADD_TYPE_ID(crashwatch, (std::vector<crashwatch::node_actor>))
CAF_ADD_TYPE_ID(crashwatch, (crashwatch::cluster_door_actor))

CAF_END_TYPE_ID_BLOCK(crashwatch)

namespace crashwatch {

/// Registers every type of the block above with an actor system config.
void add_message_types(caf::actor_system_config& cfg);

} // namespace crashwatch
