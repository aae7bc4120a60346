// Everything the alert sink writes to (docs/OPERATING.md, "Reading the
// outputs"): text alerts, late records, dead letters, the SQLite alert table
// and the alerts topic, opened by the process that hosts the sink. For
// checkpoints, durable_positions() makes them durable and tells how far each
// is written, so that a restart can cut each back there.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include "io/alert_delivery.hpp"
#include "io/alert_format.hpp"
#include "io/output_stream.hpp"
#include "io/sqlite_alert_table.hpp"
#include "messages/checkpoint.hpp"

namespace crashwatch {

/// Where the sink writes. Owns its outputs: they are opened (and, after a
/// restart, cut back) by the process that hosts the sink, then moved into
/// the sink, which alone writes them.
struct sink_outputs {
  alert_format format = alert_format::console;
  /// Text alerts; null when alerts go only to the alert table.
  std::unique_ptr<output_stream> alerts;
  std::unique_ptr<output_stream> late;
  std::unique_ptr<output_stream> dead_letters;
  /// `--output sqlite:PATH`; null without.
  std::unique_ptr<sqlite_alert_table> table;
  /// `--alerts-topic`: every alert is also produced to the topic (JSON
  /// value, key `<window_start_ms>:<user_id>`), without waiting for the
  /// broker; checkpoints wait for its confirmations. Null without
  /// --alerts-topic.
  std::unique_ptr<alert_delivery> kafka;
};

/// The size of every output that a restart can cut back (names as in
/// output_position: "alerts", "late", "dead_letters", "alert_table"), made
/// durable first. Errors name the output.
caf::expected<std::vector<output_position>>
durable_positions(const sink_outputs& outputs);

} // namespace crashwatch
