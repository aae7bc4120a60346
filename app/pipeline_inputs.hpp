// The partitions a run reads, and their sources: each `--input` file is one
// partition (numbered in the order given), or each partition of the Kafka
// topic (or of `--partitions`). Planning (which partitions, what they are)
// is separate from opening (where to start), because a restart takes the
// start positions from the checkpoint journal in between.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "app/run_options.hpp"
#include "io/record_source.hpp"

namespace crashwatch {

/// One partition to read.
struct partition_plan {
  partition_id id;
  /// What it is, stable across restarts: "file /abs/path", "stdin" or
  /// "kafka topic/N".
  std::string source;
  /// The `--input` value as given (files).
  std::string path;
};

/// The partitions of `opts`: its files, or the Kafka partitions (asking the
/// brokers which exist; each of `--partitions` must).
caf::expected<std::vector<partition_plan>>
plan_partitions(const run_options& opts);

/// Where to open a partition.
struct partition_start {
  /// Resume at this record offset (a checkpoint's); -1 = start as `opts`
  /// says (file start, or Kafka --from).
  int64_t offset = -1;
  /// With --exit-at-end: the end offset fixed at the first start; -1 = the
  /// high watermark now.
  int64_t end_offset = -1;
};

/// Opens the source of one planned partition.
caf::expected<std::unique_ptr<record_source>>
open_partition(const run_options& opts, const partition_plan& plan,
               partition_start start);

/// `path` made absolute (symbolic links resolved where the file exists), so
/// that a journal names files the same from any working directory.
std::string absolute_path(const std::string& path);

} // namespace crashwatch
