// The typed interfaces of crashwatch's actors: one `///` line per interface,
// one `//` line per handler (after libvast/vast/system/actors.hpp). A reader
// of this file and the message headers next to it knows the whole protocol.
#pragma once

#include <caf/replies_to.hpp>
#include <caf/typed_actor.hpp>

#include "messages/type_ids.hpp"

namespace crashwatch {

/// The alert sink: orders fired windows across shards and writes every
/// output (alerts, late records, dead letters).
using alert_sink_actor = caf::typed_actor<
  // A shard fired windows / has early alerts or late records.
  caf::reacts_to<shard_progress>,
  // A reader's late and malformed records.
  caf::reacts_to<side_batch>,
  // A reader reached the end of its partition.
  caf::reacts_to<atom::finished, partition_stats>>;

/// A shard aggregator: owns the window counts of the users hashed to it.
using shard_actor = caf::typed_actor<
  // A batch of one partition; answered with a credit for the reader.
  caf::replies_to<partition_batch>::with<atom::ack, shard_id>>;

/// A partition reader: reads one partition and feeds every shard.
using partition_reader_actor = caf::typed_actor<
  // Read the next chunk of the partition.
  // (sent to itself; also decides whether the partition went idle).
  caf::reacts_to<atom::read>>;

} // namespace crashwatch
