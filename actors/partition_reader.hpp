// The partition reader: reads one partition in order, parses and filters its
// records, keeps the partition's watermark, decides lateness (deterministic:
// it sees the partition's order), and routes crashes to the shards that own
// their users. Flow control: at most `credits_per_shard` unacknowledged
// batches per shard; when a shard is out of credit the partition pauses.
// Checkpoints: between two chunks it answers `(checkpoint, N)` with its
// position and clock, then sends barrier N behind its data to every shard
// and to the sink. After the end of its partition it stays alive (ended) to
// take part in later checkpoints; the pipeline's owner stops it.
#pragma once

#include <chrono>
#include <memory>
#include <optional>
#include <vector>

#include <caf/actor_clock.hpp>
#include <caf/stateful_actor.hpp>

#include "core/partition_clock.hpp"
#include "core/pipeline_config.hpp"
#include "core/record_parser.hpp"
#include "io/record_source.hpp"
#include "messages/actors.hpp"

namespace crashwatch {

/// The state of one partition reader.
struct partition_reader_state {
  static constexpr const char* name = "partition_reader";

  partition_id partition;
  std::unique_ptr<record_source> source;
  pipeline_config config;
  std::optional<record_parser> parser;
  std::optional<partition_clock> clock;
  std::vector<shard_actor> shards;
  alert_sink_actor sink;

  /// Per shard: batches that may still be sent before an ack comes back.
  std::vector<uint32_t> credits;
  /// Per shard: sequence number of the last batch sent.
  std::vector<uint64_t> sequence;
  /// Per shard: crashes of the chunk being read.
  std::vector<std::vector<crash_event>> pending;
  /// Late and malformed records of the chunk being read.
  side_batch side;
  /// Scratch space for the records of one chunk.
  std::vector<source_record> records;

  /// Counters over every life of the partition: those of the checkpoint
  /// started from, plus this process's.
  partition_stats stats;
  /// bytes and lost of the checkpoint started from (the source counts only
  /// this process's).
  uint64_t restored_bytes = 0;
  uint64_t restored_lost = 0;
  partition_state state = partition_state::active;
  /// True while reading waits for credits.
  bool paused = false;
  /// True when the source wakes the reader as records arrive (Kafka); it
  /// is then looked at only every idle_poll_interval while nothing comes,
  /// and tick_pending says whether that look is scheduled.
  bool source_wakes = false;
  bool tick_pending = false;
  /// When the last record came (or the start), on the actor system's clock
  /// (steady time; simulated under CAF's test coordinator, like the
  /// reader's back-off timer).
  caf::actor_clock::time_point last_data;
  /// Telemetry: batches sent, wall time spent on chunks that had records
  /// (reading, parsing, routing them), and when the last report went to the
  /// sink.
  uint64_t batches = 0;
  uint64_t busy_ns = 0;
  caf::actor_clock::time_point last_report;
};

/// Spawns with: where to start (`start`: the partition, the position its
/// source was opened at, the clock, state and counters of a checkpoint, or
/// a fresh start), its source (owned from now on: a source is opened by the
/// process that reads it), the pipeline settings, the shards (index = shard
/// id) and the sink. Starts reading at once.
partition_reader_actor::behavior_type partition_reader(
    partition_reader_actor::stateful_pointer<partition_reader_state> self,
    reader_snapshot start, std::unique_ptr<record_source> source,
    pipeline_config config, std::vector<shard_actor> shards,
    alert_sink_actor sink);

} // namespace crashwatch
