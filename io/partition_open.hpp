// Opens the source of one planned partition where it starts: a file (or
// stdin) at a byte offset, or a Kafka partition at an offset or as
// `--from` says. Done by the process that reads the partition.
#pragma once

#include <memory>
#include <vector>

#include <caf/expected.hpp>

#include "core/input_settings.hpp"
#include "io/record_source.hpp"

namespace crashwatch {

/// The source of `plan`: a Kafka partition when `kafka.brokers` is set, else
/// the file `plan.path` ("-": stdin). Errors are one line for people.
caf::expected<std::unique_ptr<record_source>>
open_partition(const kafka_input_options& kafka, const partition_plan& plan,
               partition_start start);

/// The sources of `plans` (started at `starts`, same order), opened at once:
/// a Kafka source waits for the broker's answers (connect, metadata,
/// watermarks), so each is opened on a thread of its own and N partitions
/// take about as long as one. Files are opened in turn. When some fail, the
/// error of the first failing partition (in `plans` order) is returned.
caf::expected<std::vector<std::unique_ptr<record_source>>>
open_partitions(const kafka_input_options& kafka,
                const std::vector<partition_plan>& plans,
                const std::vector<partition_start>& starts);

} // namespace crashwatch
