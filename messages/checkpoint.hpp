// Checkpoints (docs/DURABILITY.md): the coordinator asks every actor for its
// part of checkpoint N with `(checkpoint, N)`. A reader answers at once with
// its position and clock, then sends barrier N behind its data to every
// shard and to the sink. A shard answers once barrier N came from every
// partition (its state then reflects exactly the records before the
// barriers); it forwards barrier N to the sink behind its progress. The sink
// answers once barrier N came from every reader and shard, with how far its
// outputs are written. All parts of N describe one consistent cut.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include <caf/meta/type_name.hpp>

#include "core/alert.hpp"
#include "core/changed_counts.hpp"
#include "core/global_watermark.hpp"
#include "core/types.hpp"
#include "core/window_entry.hpp"
#include "messages/partition_stats.hpp"

namespace crashwatch {

/// Reader -> shards and sink: everything of `partition` before this belongs
/// to checkpoint `id`, everything after to the time after it.
struct partition_barrier {
  checkpoint_id id;
  partition_id partition;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_barrier& x) {
  return f(caf::meta::type_name("partition_barrier"), x.id, x.partition);
}

/// Shard -> sink: the shard's progress before this belongs to checkpoint
/// `id`.
struct shard_barrier {
  checkpoint_id id;
  shard_id shard;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_barrier& x) {
  return f(caf::meta::type_name("shard_barrier"), x.id, x.shard);
}

/// A reader's part of a checkpoint.
struct reader_snapshot {
  checkpoint_id id;
  partition_id partition;
  /// Where to resume: the Kafka offset or file byte offset of the first
  /// record not yet read.
  record_offset next_offset;
  /// The partition clock: largest event time read so far.
  event_time max_seen = min_event_time;
  /// Active, idle or ended.
  partition_state state = partition_state::active;
  /// The reader's counters so far (over every life of the data dir).
  partition_stats stats;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, reader_snapshot& x) {
  return f(caf::meta::type_name("reader_snapshot"), x.id, x.partition,
           x.next_offset, x.max_seen, x.state, x.stats);
}

/// A shard's part of a checkpoint: what changed since its previous part
/// (incremental).
struct shard_snapshot {
  checkpoint_id id;
  shard_id shard;
  /// Windows ending at or before this are emitted: their state is gone.
  event_time emitted_through = min_event_time;
  /// Counts of open windows changed since the previous checkpoint, packed.
  changed_counts changed;
  /// (window, user) keys held after this checkpoint.
  uint64_t open_keys = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_snapshot& x) {
  return f(caf::meta::type_name("shard_snapshot"), x.id, x.shard,
           x.emitted_through, x.changed, x.open_keys);
}

/// How far one output was written at a checkpoint.
struct output_position {
  /// "alerts", "late", "dead_letters" or "alert_table".
  std::string name;
  /// The file (or "stdout"/"stderr").
  std::string path;
  /// Bytes (files) or last rowid (alert table); -1 for outputs that cannot
  /// be cut back (stdout, stderr, pipes).
  int64_t position = -1;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, output_position& x) {
  return f(caf::meta::type_name("output_position"), x.name, x.path, x.position);
}

/// The sink's part of a checkpoint.
struct sink_snapshot {
  checkpoint_id id;
  /// Every alert of windows ending at or before this is written.
  event_time released = min_event_time;
  /// Per shard: emitted-through mark the sink has heard.
  std::vector<event_time> shard_emitted;
  /// Fired alerts waiting for the other shards.
  std::vector<alert> pending;
  /// Next console batch number.
  uint64_t next_batch = 0;
  /// Final and early alerts written, crashes late at the shards.
  uint64_t alerts = 0;
  uint64_t early_alerts = 0;
  uint64_t late_at_shards = 0;
  /// Output sizes, made durable before this snapshot was sent.
  std::vector<output_position> outputs;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, sink_snapshot& x) {
  return f(caf::meta::type_name("sink_snapshot"), x.id, x.released,
           x.shard_emitted, x.pending, x.next_batch, x.alerts, x.early_alerts,
           x.late_at_shards, x.outputs);
}

/// A cluster node's part of a checkpoint (docs/CLUSTER.md): the parts of
/// its readers and shards. The node stages it in its own journal until the
/// coordinator commits the checkpoint; the coordinator gets it without the
/// shards' changed counts (those stay on the node).
struct node_part {
  checkpoint_id id;
  std::vector<reader_snapshot> readers;
  std::vector<shard_snapshot> shards;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, node_part& x) {
  return f(caf::meta::type_name("node_part"), x.id, x.readers, x.shards);
}

/// Where one partition stood at a checkpoint, as the shards track it.
struct partition_mark {
  partition_id partition;
  event_time watermark = min_event_time;
  partition_state state = partition_state::active;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, partition_mark& x) {
  return f(caf::meta::type_name("partition_mark"), x.partition, x.watermark,
           x.state);
}

/// What a shard starts from: empty for a fresh start; after a restart, the
/// newest complete checkpoint's state of this shard (its open window counts
/// from the journal and every partition's watermark then).
struct shard_restore {
  /// Windows ending at or before this were emitted before the checkpoint.
  event_time emitted_through = min_event_time;
  /// Open (window, user) counts.
  std::vector<window_entry> counts;
  /// Every partition's watermark and state; empty for a fresh start.
  std::vector<partition_mark> marks;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, shard_restore& x) {
  return f(caf::meta::type_name("shard_restore"), x.emitted_through, x.counts,
           x.marks);
}

} // namespace crashwatch
