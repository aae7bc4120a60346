// `crashwatch inspect`'s picture of a /status document (docs/TELEMETRY.md):
// the process or cluster at a glance, as tables in the manner of
// `kafka-consumer-groups --describe` — nodes, partitions (reader, offset,
// lag, watermark), shards (node, open windows, keys, mailbox), the last
// checkpoint and the latest alerts. A node that is down stays in every
// table, marked down. Pure: a JSON value in, text out, for tests.
#pragma once

#include <cstdint>
#include <string>

#include <boost/json/value.hpp>

namespace crashwatch {

/// The tables of `status` (a /status document, schema version 1), as seen
/// from `source` (the HOST:PORT it came from). Strings from the document
/// are printed with control characters escaped: a user id cannot move the
/// operator's cursor.
std::string render_status(const boost::json::value& status,
                          const std::string& source);

/// `text` with control characters (and DEL) written as \xNN.
std::string printable(const std::string& text);

} // namespace crashwatch
