// Opens the source of one planned partition where it starts: a file (or
// stdin) at a byte offset, or a Kafka partition at an offset or as
// `--from` says. Done by the process that reads the partition.
#pragma once

#include <memory>

#include <caf/expected.hpp>

#include "core/input_settings.hpp"
#include "io/record_source.hpp"

namespace crashwatch {

/// The source of `plan`: a Kafka partition when `kafka.brokers` is set, else
/// the file `plan.path` ("-": stdin). Errors are one line for people.
caf::expected<std::unique_ptr<record_source>>
open_partition(const kafka_input_options& kafka, const partition_plan& plan,
               partition_start start);

} // namespace crashwatch
