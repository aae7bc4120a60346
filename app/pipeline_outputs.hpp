// Opens every output of a run (alerts as text and/or in a SQLite table,
// late records, dead letters, the alerts topic), and after a restart cuts
// each back to the size a checkpoint committed, so that what follows is
// written exactly once.
#pragma once

#include <vector>

#include <caf/expected.hpp>

#include "app/run_options.hpp"
#include "io/sink_outputs.hpp"
#include "messages/checkpoint.hpp"

namespace crashwatch {

/// The alerts producer's librdkafka properties: crashwatch's defaults, then
/// `-X`.
std::vector<kafka_property> alert_producer_properties(const run_options& opts);

/// Opens the outputs of `opts`; a path that cannot be opened fails here,
/// before any record is read.
caf::expected<sink_outputs> open_outputs(const run_options& opts);

/// Cuts every output back to its position in `committed` (a checkpoint's).
/// Outputs that cannot be cut back (stdout, stderr) are left alone; their
/// names are appended to `uncut`.
caf::error cut_back_outputs(sink_outputs& outputs,
                            const std::vector<output_position>& committed,
                            std::vector<std::string>& uncut);

} // namespace crashwatch
