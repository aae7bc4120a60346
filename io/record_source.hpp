// Where a partition reader gets its records from: a file or stdin
// (io/file_source), or one Kafka partition (io/kafka_source). The reader does
// not care which.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <caf/expected.hpp>

#include "core/types.hpp"

namespace crashwatch {

/// One raw record and where it sits in its partition.
struct source_record {
  record_offset offset;
  /// The record's bytes (a line without its '\n'); valid until the next
  /// poll() of the source it came from.
  std::string_view text;
  /// Not 0: the record was longer than `--max-record-bytes`; this is its
  /// length, and `text` holds only its first bytes (record_prefix_bytes
  /// at most). It is a dead letter.
  uint64_t oversized_bytes = 0;
};

/// How much of a record longer than `--max-record-bytes` is kept for its
/// dead letter.
inline constexpr size_t record_prefix_bytes = 1024;

/// What poll() found.
enum class poll_status {
  /// Records were appended.
  records,
  /// Nothing available right now; poll again later.
  no_data,
  /// Bytes were read but no record is complete yet (a line over
  /// --max-record-bytes being dropped): poll again at once.
  partial,
  /// The partition has ended; nothing more will come.
  end,
};

/// A partition's records, read in order.
class record_source {
 public:
  virtual ~record_source() = default;

  /// Appends the next records to `out` (about one chunk's worth) without
  /// blocking for long. Errors (an unreadable file) are returned.
  virtual caf::expected<poll_status> poll(std::vector<source_record>& out) = 0;

  /// Bytes consumed so far.
  virtual uint64_t bytes_read() const = 0;

  /// The offset to resume at, after every record handed out so far: for
  /// files the byte offset just after the last line handed out (including
  /// its newline), for Kafka the next offset. A checkpoint records it, and a
  /// restart opens the source there, so no record is read twice or skipped.
  virtual record_offset resume_offset() const = 0;

  /// Records known to be lost before they could be read (a Kafka partition
  /// whose next offsets were deleted, with --on-data-loss warn). Files lose
  /// nothing.
  virtual uint64_t lost_records() const { return 0; }

  /// The partition's end as far as the source knows, for telemetry (the
  /// consumer lag): for Kafka the high watermark from librdkafka's
  /// statistics (once a second); -1 when unknown (files: a file may still
  /// grow, its end is not tracked).
  virtual int64_t end_offset_hint() const { return -1; }

  /// Asks the source to call `wake` when records (or news, like a data-loss
  /// error) arrive after a poll() that found nothing, so that the reader
  /// needs no timer to poll an empty source. `wake` runs on another thread,
  /// at most once per poll() that returned no_data. Returns false when the
  /// source cannot (files): the reader then polls again after a back-off.
  virtual bool notify_on_data(std::function<void()> wake) {
    (void)wake;
    return false;
  }

  /// A name for log lines and errors, e.g. "file logs-0.jsonl".
  virtual std::string describe() const = 0;
};

} // namespace crashwatch
