// The settings of one pipeline run (the options of `crashwatch run` that
// shape the computation), with the defaults of SPEC.md.
#pragma once

#include <cstdint>

#include <caf/meta/type_name.hpp>

#include "core/record.hpp"

namespace crashwatch {

/// Defaults, in one place (SPEC.md, "Command line").
namespace defaults {
constexpr int64_t window_ms = 10'000;
constexpr int64_t watermark_delay_ms = 30'000;
constexpr uint64_t threshold = 2;
constexpr int64_t idle_timeout_ms = 60'000;
constexpr uint32_t shards = 2;
/// Unacknowledged batches a reader may have in flight to one shard before it
/// pauses its partition (flow control; bounds memory).
constexpr uint32_t credits_per_shard = 8;
/// Bytes a reader reads per chunk before it hands over to other actors.
/// Each chunk costs a batch per shard, an ack each and a few thread
/// wake-ups: 2 MiB (~13k lines) amortizes that (measured: 128 KiB chunks
/// 6.0, 1 MiB 8.0, 2 MiB 9.2, 4 MiB 8.8 M records/s; docs/PERFORMANCE.md).
constexpr size_t chunk_bytes = 2 << 20;
/// `--checkpoint-interval` with `--data-dir` (docs/DURABILITY.md).
constexpr int64_t checkpoint_interval_ms = 1'000;
} // namespace defaults

/// What the pipeline computes and how.
struct pipeline_config {
  /// `--window`: tumbling window size.
  int64_t window_ms = defaults::window_ms;
  /// `--watermark-delay`: how far a partition's watermark trails its largest
  /// event time.
  int64_t watermark_delay_ms = defaults::watermark_delay_ms;
  /// `--threshold`: alert when a count is greater than this.
  uint64_t threshold = defaults::threshold;
  /// `--idle-timeout`: wall-clock quiet time after which a partition stops
  /// holding back the global watermark.
  int64_t idle_timeout_ms = defaults::idle_timeout_ms;
  /// `--emit early`: also alert the moment a count crosses the threshold.
  bool emit_early = false;
  /// `--shards`: number of shard aggregators.
  uint32_t shards = defaults::shards;
  /// `--keyword`, `--severity`, `--timestamp-unit`.
  filter_config filter;
  /// `--max-future`: a record whose event time is more than this after the
  /// wall clock when it is read is malformed (one bad clock would otherwise
  /// move its partition's watermark far ahead and make every later record
  /// late). 0 = no limit (the default).
  int64_t max_future_ms = 0;
};

template <class Inspector>
typename Inspector::result_type inspect(Inspector& f, pipeline_config& x) {
  return f(caf::meta::type_name("pipeline_config"), x.window_ms,
           x.watermark_delay_ms, x.threshold, x.idle_timeout_ms, x.emit_early,
           x.shards, x.filter, x.max_future_ms);
}

} // namespace crashwatch
