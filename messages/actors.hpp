// The typed interfaces of crashwatch's actors: one `///` line per interface,
// one `//` line per handler (after libvast/vast/system/actors.hpp). A reader
// of this file and the message headers next to it knows the whole protocol.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/atoms.hpp"
#include "messages/checkpoint.hpp"
#include "messages/cluster.hpp"
#include "messages/partition_batch.hpp"
#include "messages/partition_stats.hpp"
#include "messages/shard_progress.hpp"
#include "messages/side_output.hpp"
#include "messages/telemetry.hpp"

namespace crashwatch {

/// The alert sink: orders fired windows across shards and writes every
/// output (alerts, late records, dead letters).
using alert_sink_actor = caf::typed_actor<
    // A shard fired windows / has early alerts or late records.
    caf::reacts_to<shard_progress>,
    // A reader's late and malformed records.
    caf::reacts_to<side_batch>,
    // A reader reached the end of its partition.
    caf::reacts_to<atom::finished, partition_stats>,
    // Checkpoint barriers from every reader and every shard.
    caf::reacts_to<partition_barrier>, caf::reacts_to<shard_barrier>,
    // The sink's part of a checkpoint, answered once all barriers are in
    // (and, with --alerts-topic, Kafka confirmed the alerts before them).
    caf::replies_to<atom::checkpoint, checkpoint_id>::with<sink_snapshot>,
    // The counters so far, of the partitions that finished too (for the
    // summary after a stop: the readers of the others say theirs).
    caf::replies_to<atom::status>::with<pipeline_summary>,
    // Serve Kafka's delivery reports (sent to itself while alerts are in
    // flight).
    caf::reacts_to<atom::tick>,
    // Telemetry, forwarded to the process's telemetry actor (if any).
    caf::reacts_to<reader_report>, caf::reacts_to<shard_report>,
    caf::reacts_to<checkpoint_report>>;

/// A shard aggregator: owns the window counts of the users hashed to it.
using shard_actor = caf::typed_actor<
    // A batch of one partition; answered with a credit for the reader.
    caf::replies_to<partition_batch>::with<atom::ack, shard_id>,
    // A checkpoint barrier from one partition's reader.
    caf::reacts_to<partition_barrier>,
    // The shard's part of a checkpoint, answered once every partition's
    // barrier is in.
    caf::replies_to<atom::checkpoint, checkpoint_id>::with<shard_snapshot>>;

/// A partition reader: reads one partition and feeds every shard.
using partition_reader_actor = caf::typed_actor<
    // Read the next chunk of the partition.
    // (sent to itself; also decides whether the partition went idle).
    caf::reacts_to<atom::read>,
    // Look at the source although it did not wake the reader (sent to
    // itself: idle detection, reports, the source's own events).
    caf::reacts_to<atom::tick>,
    // The reader's part of a checkpoint, answered at once; the barrier then
    // goes to every shard and the sink behind the data read so far.
    caf::replies_to<atom::checkpoint, checkpoint_id>::with<reader_snapshot>,
    // The partition's counters so far (for the summary after a stop).
    caf::replies_to<atom::status>::with<partition_stats>>;

/// The checkpoint coordinator: takes checkpoints and writes them to the
/// journal (persistence/journal.hpp).
using checkpoint_coordinator_actor = caf::typed_actor<
    // Time for the next periodic checkpoint (sent to itself).
    caf::reacts_to<atom::tick>,
    // Take a checkpoint now; `true` = the input has ended and everything is
    // written (the run is complete). Answered once it is committed.
    caf::replies_to<atom::checkpoint, bool>::with<checkpoint_id>>;

/// A node of a cluster (cluster/node_actor.hpp): hosts the shards and the
/// readers the coordinator assigns to it.
using node_actor = caf::typed_actor<
    // Spawn these shards, sending to the sink; answered with their handles,
    // in the order of the assignment's shards.
    caf::replies_to<shard_assignment,
                    alert_sink_actor>::with<std::vector<shard_actor>>,
    // Connect to the peers, open these partitions and spawn their readers,
    // sending to the shards (by shard id) and the sink; answered with their
    // handles, in the order of the assignment's partitions.
    caf::replies_to<
        reader_assignment, std::vector<shard_actor>,
        alert_sink_actor>::with<std::vector<partition_reader_actor>>,
    // Stop every actor of the epoch (and leave: the job is over); answered
    // once they are told.
    caf::replies_to<stop_epoch>::with<atom::done>,
    // Phase one of checkpoint N of an epoch: the parts of the node's
    // readers and shards, staged in its journal; answered with them (the
    // shards' changed counts left out: they stay on the node).
    caf::replies_to<atom::checkpoint, uint64_t, checkpoint_id>::with<node_part>,
    // Phase two: checkpoint N of the epoch is committed.
    caf::reacts_to<atom::commit, uint64_t, checkpoint_id>,
    // From the node's own process: it has joined the coordinator behind
    // this door (a cluster_door_actor, watched from now on), for job `job`.
    caf::reacts_to<atom::joined, caf::actor, std::string>>;

/// The coordinator's door (cluster/door.hpp): nodes join the job here.
using cluster_door_actor = caf::typed_actor<
    // A node asks to join; refused with an error that says why (another
    // protocol version, a duplicate node id, conflicting job options, a
    // role the job does not need).
    caf::replies_to<join_request, node_actor>::with<join_reply>,
    // From the coordinator's own process: the nodes of the job, answered
    // once every expected node is in (again, after one was lost).
    caf::replies_to<atom::ready>::with<std::vector<join_request>,
                                       std::vector<node_actor>>>;

} // namespace crashwatch
