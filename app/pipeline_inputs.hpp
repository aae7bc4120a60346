// The partitions a run reads: each `--input` file is one partition (numbered
// in the order given), or each partition of the Kafka topic (or of
// `--partitions`). Planning (which partitions, what they are) is separate
// from opening (io/partition_open: where to start), because a restart takes
// the start positions from the checkpoint journal in between, and in a
// cluster another node opens them.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <caf/expected.hpp>

#include "app/run_options.hpp"
#include "core/input_settings.hpp"
#include "io/partition_open.hpp"

namespace crashwatch {

/// A file of a cluster node, `--input node://ID/PATH` (PATH absolute, on
/// node ID): {ID, PATH}; nullopt for any other input.
std::optional<std::pair<std::string, std::string>>
node_input(const std::string& input);

/// The partitions of `opts`: its files (those named for a node as
/// node_input() says), or the Kafka partitions (asking the brokers which
/// exist; each of `--partitions` must).
caf::expected<std::vector<partition_plan>>
plan_partitions(const run_options& opts);

/// `path` made absolute (symbolic links resolved where the file exists), so
/// that a journal names files the same from any working directory.
std::string absolute_path(const std::string& path);

} // namespace crashwatch
