// One Kafka partition as a record source: record offset = Kafka offset,
// record text = message value.
//
// The source tracks the next offset it must hand out itself and never relies
// on librdkafka or the consumer group for positions. What it relies on in
// librdkafka (2.0.2):
//
// * rd_kafka_assign() with an explicit offset starts fetching there, without
//   a group rebalance and without reading committed offsets
//   (enable.auto.commit and enable.auto.offset.store are off). The source
//   commits its read position to group.id once a second (rd_kafka_commit,
//   async) so that Kafka's tools show the group's lag; positions are never
//   read back from the group: a restart resumes from crashwatch's own
//   checkpoints (docs/DURABILITY.md), which hold the next offset.
// * With auto.offset.reset=error, a fetch at an offset the broker no longer
//   has (OFFSET_OUT_OF_RANGE) is delivered as one consumer error,
//   RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET, and fetching of the partition stops
//   until the application seeks. The default policies (earliest/latest) would
//   jump silently over the lost records: data loss must never be silent.
// * The partition's messages (and its consumer errors) reach the consumer
//   queue (rd_kafka_queue_get_consumer()) in offset order. After a broken
//   connection librdkafka refetches from its own fetch position, which may
//   repeat offsets already delivered: the source drops offsets below its own
//   next offset, so nothing is handed out twice.
// * A message stays valid until rd_kafka_message_destroy(), so the views
//   handed out by poll() point into librdkafka's fetch buffers; they are
//   destroyed at the start of the next poll().
// * Connection trouble is reported through error_cb (TRANSPORT,
//   ALL_BROKERS_DOWN) while librdkafka keeps reconnecting by itself;
//   statistics (statistics.interval.ms, 1 s) show when a broker is UP again.
// * The statistics also carry the partition's high watermark (hi_offset,
//   which librdkafka takes from every fetch response): the source's
//   end_offset_hint(), for the consumer lag in telemetry.
// * With notify_on_data(), rd_kafka_queue_cb_event_enable() makes
//   librdkafka call back (on its own thread) when the consumer queue goes
//   from empty to not empty; poll() then never waits, and the reader is
//   woken when a fetch brings records instead of polling on a timer.
// * rd_kafka_query_watermark_offsets() asks the partition leader for the
//   low/high watermark (used at open and after a gap).
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include <caf/expected.hpp>

#include <librdkafka/rdkafka.h>

#include "io/kafka_config.hpp"
#include "io/kafka_metadata.hpp"
#include "io/record_source.hpp"

namespace crashwatch {

/// Where a kafka_source starts reading.
enum class kafka_start {
  /// The first offset the broker still has (low watermark at open).
  earliest,
  /// The high watermark at open: only records produced afterwards.
  latest,
  /// kafka_source_options::start_offset (a checkpoint's resume position).
  offset,
};

/// What a kafka_source does when offsets it needs are gone from the broker.
enum class data_loss_policy {
  /// poll() fails with an input_error naming the lost range.
  fail,
  /// Log the lost range on stderr, count it, continue at the first offset
  /// the broker still has.
  warn,
};

/// How to open one Kafka partition.
struct kafka_source_options {
  /// Bootstrap list "host:port[,host:port]".
  std::string brokers;
  /// Topic to read.
  std::string topic;
  /// Partition of `topic`.
  int32_t partition = 0;
  /// Where to start.
  kafka_start start = kafka_start::latest;
  /// First offset to read with kafka_start::offset.
  int64_t start_offset = 0;
  /// group.id of the client: the read position is committed to it once a
  /// second so that Kafka's tools show the lag; it is never read back.
  std::string group = "crashwatch";
  /// End once every offset below the end offset (see end_offset) was
  /// handed out.
  bool exit_at_end = false;
  /// With exit_at_end: the offset to end at, fixed by an earlier start (a
  /// checkpoint keeps the end offset of the first start, so a restart reads
  /// the same records); -1 = the high watermark at open(). Ignored without
  /// exit_at_end.
  int64_t end_offset = -1;
  /// What to do when needed offsets are gone.
  data_loss_policy on_data_loss = data_loss_policy::fail;
  /// User `-X` properties, applied after crashwatch's own.
  std::vector<kafka_property> properties;
  /// `--max-record-bytes`: a longer message is handed out as oversized.
  uint64_t max_record_bytes = uint64_t{1} << 20;
  /// Most records one poll() hands out: a reader's chunk. 1024 keeps the
  /// chunk's records (32 B each) in the core's cache while they are parsed;
  /// 8192 was ~5% slower (their stores missed the cache), 256 5-15% slower
  /// (more batches to the shards): docs/PERFORMANCE.md.
  size_t max_records = 1024;
  /// Longest a poll() waits for messages.
  std::chrono::milliseconds poll_wait{10};
  /// Limit for the questions open() asks (partitions, watermarks) and for
  /// the watermark query after a gap.
  std::chrono::milliseconds timeout{std::chrono::seconds{10}};
};

/// Reads one Kafka partition in offset order.
class kafka_source : public record_source {
 public:
  /// Connects, checks that the topic and partition exist, reads the
  /// watermarks (for earliest/latest and exit_at_end) and assigns the
  /// partition at its start offset. Fails with one line for people when the
  /// cluster cannot be reached within options.timeout, the topic or
  /// partition does not exist, or a property is bad.
  static caf::expected<std::unique_ptr<kafka_source>>
  open(const kafka_source_options& options);

  ~kafka_source() override;

  kafka_source(const kafka_source&) = delete;
  kafka_source& operator=(const kafka_source&) = delete;

  /// Appends up to max_records records, waiting at most poll_wait for them
  /// (longer only after a gap, for the watermark query). Fails on data loss
  /// with data_loss_policy::fail.
  caf::expected<poll_status> poll(std::vector<source_record>& out) override;

  /// Calls `wake` (on a librdkafka thread) when the consumer queue gets a
  /// message after a poll() that returned no_data; from then on poll()
  /// never waits (poll_wait is ignored).
  bool notify_on_data(std::function<void()> wake) override;

  /// Sum of the value sizes handed out.
  uint64_t bytes_read() const override { return bytes_read_; }

  /// Records skipped because the broker no longer had them (warn policy).
  uint64_t lost_records() const override { return lost_records_; }

  /// "kafka logs/2".
  std::string describe() const override;

  /// The offset of the next record to hand out: where to resume after the
  /// records handed out so far.
  int64_t next_offset() const { return next_offset_; }

  /// next_offset() as a record offset.
  record_offset resume_offset() const override {
    return record_offset{next_offset_};
  }

  /// The partition's high watermark as last learned: from the statistics
  /// (once a second) or a watermark query (at open, after a gap); -1 until
  /// one of them answered. As it is up to a second old, it may be below
  /// next_offset() while records come in.
  int64_t end_offset_hint() const override { return high_watermark_; }

  /// The offset poll() ends at with exit_at_end (options.end_offset, or the
  /// high watermark at open when that is -1), -1 when not exiting at the
  /// end.
  int64_t end_offset() const { return end_offset_; }

 private:
  explicit kafka_source(kafka_source_options options);

  /// Releases the messages handed out by the previous poll().
  void release_held();

  /// Handles a gap before `next_offset_`: `seen` is the offset the broker
  /// delivered instead (-1 when it answered out of range). Returns an error
  /// with the fail policy, else seeks past the gap.
  caf::error on_gap(int64_t seen);

  /// Restarts fetching at `offset`.
  caf::error seek(int64_t offset);

  /// Serves librdkafka callbacks (errors, statistics) and logs connection
  /// changes.
  void serve_events();

  /// Logs that the connection is back.
  void note_back();

  /// Commits next_offset_ to the group, at most once per commit interval.
  void commit_position();

  /// Reports a failed commit, at most once a minute.
  void log_commit_failure(const std::string& reason);

  static void on_commit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                        rd_kafka_topic_partition_list_t* offsets, void* opaque);

  static void on_error(rd_kafka_t* rk, int err, const char* reason,
                       void* opaque);

  static int on_stats(rd_kafka_t* rk, char* json, size_t json_len,
                      void* opaque);

  /// librdkafka's queue event: calls wake_ if a poll() armed it.
  static void on_queue_event(rd_kafka_t* rk, void* opaque);

  /// After a poll() that found nothing: wake_ is to be called when a
  /// message comes (or now, if one came meanwhile).
  void arm_wakeup();

  /// The partition's end (--exit-at-end) is reached: stops fetching and
  /// returns poll_status::end.
  poll_status at_end();

  void log(const std::string& line) const;

  kafka_source_options options_;
  rd_kafka_t* rk_ = nullptr;
  /// The consumer queue: this client's only partition forwards to it.
  rd_kafka_queue_t* queue_ = nullptr;
  /// Messages whose values were handed out by the last poll().
  std::vector<rd_kafka_message_t*> held_;
  /// notify_on_data()'s callback, and whether the next queue event calls
  /// it (set by a poll() that found nothing; taken by whoever calls it).
  std::function<void()> wake_;
  std::atomic<bool> armed_{false};
  /// Scratch for rd_kafka_consume_batch_queue().
  std::vector<rd_kafka_message_t*> batch_;
  int64_t next_offset_ = 0;
  int64_t end_offset_ = -1;
  /// Set by seek(), cleared by at_end(): the partition is unassigned, so that
  /// the consumer stops asking the broker for records past the end (an empty
  /// fetch every fetch.wait.max.ms while the other partitions are still read).
  bool assigned_ = false;
  /// Last offset committed to the group, and when.
  int64_t committed_ = -1;
  /// Asynchronous commits whose result has not come back yet.
  int commits_in_flight_ = 0;
  std::chrono::steady_clock::time_point last_commit_{};
  std::chrono::steady_clock::time_point last_commit_failure_log_{};
  uint64_t bytes_read_ = 0;
  uint64_t lost_records_ = 0;
  /// True from a connection error until a broker is seen UP (or a message
  /// arrives) again.
  bool disconnected_ = false;
  /// Last "connection lost" line, for rate-limiting repeated errors.
  std::chrono::steady_clock::time_point last_down_log_{};
  /// The partition's high watermark, from the statistics or a watermark
  /// query; -1 unknown.
  int64_t high_watermark_ = -1;
  /// Set by on_stats(): the partition leader is UP right now.
  bool broker_up_seen_ = false;
  /// A data loss error found after records of the same poll(); returned by
  /// the next poll().
  caf::error pending_error_;
  /// librdkafka's fatal error, if one happened (reported by poll()).
  std::string fatal_;
};

} // namespace crashwatch
