// The alert sink: merges the shards' fired windows into the output order of
// SPEC.md and writes every output. Alerts of a window are released once every
// shard has emitted through the window's end; all alerts released by one
// message form one console batch.
#pragma once

#include <memory>
#include <vector>

#include <caf/actor.hpp>
#include <caf/stateful_actor.hpp>

#include "io/kafka_producer.hpp"
#include "io/output_stream.hpp"
#include "messages/actors.hpp"

namespace crashwatch {

/// How alerts are written (`--output`).
enum class alert_format { console, jsonl };

/// Where the sink writes.
struct sink_outputs {
  alert_format format = alert_format::console;
  std::shared_ptr<output_stream> alerts;
  std::shared_ptr<output_stream> late;
  std::shared_ptr<output_stream> dead_letters;
  /// `--alerts-topic`: every alert is also produced here (JSON value, key
  /// `<window_start_ms>:<user_id>`) and its delivery confirmed before it
  /// counts as emitted. Null without --alerts-topic.
  std::shared_ptr<kafka_producer> kafka;
  std::string kafka_topic;
};

/// The state of the sink.
struct alert_sink_state {
  static constexpr const char* name = "alert_sink";

  sink_outputs outputs;
  /// Per shard: it has emitted every window ending at or before this.
  std::vector<event_time> shard_emitted;
  /// Everything up to here has been written.
  event_time released = min_event_time;
  /// Fired final alerts not yet released.
  std::vector<alert> pending;
  /// Console batch counter, from 0 like Spark's.
  uint64_t next_batch = 0;
  size_t partitions = 0;
  pipeline_summary summary;
  /// Told `(done, pipeline_summary)` once everything is written.
  caf::actor waiter;
};

/// Spawns with: the outputs, the number of shards and partitions, and the
/// actor to notify at the end. Quits after notifying it, or with an error
/// when an output cannot be written.
alert_sink_actor::behavior_type
alert_sink(alert_sink_actor::stateful_pointer<alert_sink_state> self,
           sink_outputs outputs, size_t shards, size_t partitions,
           caf::actor waiter);

} // namespace crashwatch
