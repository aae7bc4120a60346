#include "io/kafka_source.hpp"

#include <algorithm>
#include <cstdio>

#include "core/error.hpp"
#include "io/kafka_stats.hpp"

namespace crashwatch {

namespace {

/// Least time between two "connection lost" lines: librdkafka reports every
/// failed reconnect, an outage must not flood stderr.
constexpr auto down_log_interval = std::chrono::seconds{10};

/// How often the read position is committed to the consumer group.
constexpr auto commit_interval = std::chrono::seconds(1);

/// Longest the destructor waits for a commit in flight (the group
/// coordinator may be unreachable: the commit is for monitoring only).
constexpr auto commit_drain_timeout = std::chrono::seconds(5);

/// How often librdkafka reports statistics, from which the source learns
/// the partition's high watermark and that its leader is reachable again.
constexpr const char* stats_interval_ms = "1000";

bool is_connection_error(int err) {
  return err == RD_KAFKA_RESP_ERR__TRANSPORT
         || err == RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN
         || err == RD_KAFKA_RESP_ERR__RESOLVE
         || err == RD_KAFKA_RESP_ERR__TIMED_OUT;
}

} // namespace

caf::expected<std::unique_ptr<kafka_source>>
kafka_source::open(const kafka_source_options& options) {
  std::unique_ptr<kafka_source> src{new kafka_source(options)};
  if (options.start_offset < 0 && options.start == kafka_start::offset)
    return make_error(ec::config_error,
                      "start offset of " + src->describe()
                          + " must not be negative: "
                          + std::to_string(options.start_offset));
  auto conf = make_kafka_conf(
      options.brokers,
      {
          {"group.id", options.group},
          // Positions are ours (next_offset_), never the group's.
          {"enable.auto.commit", "false"},
          {"enable.auto.offset.store", "false"},
          // Never skip lost offsets silently: report them (see on_gap()).
          {"auto.offset.reset", "error"},
          {"statistics.interval.ms", stats_interval_ms},
          // How long the broker may hold a fetch while the partition has
          // nothing new (librdkafka's default: 500 ms). A real Kafka answers
          // a held fetch as soon as a record arrives; librdkafka's mock
          // cluster (`crashwatch broker`, the demo) only when the wait is
          // over, so its alerts came ~450 ms late. 10 ms keeps an alert
          // within 20 ms of its record on both (docs/PERFORMANCE.md, "Alert
          // latency"), at ~90 fetch requests/s per idle partition; -X
          // fetch.wait.max.ms=500 lowers that on a real Kafka.
          {"fetch.wait.max.ms", "10"},
      },
      options.properties);
  if (!conf)
    return std::move(conf.error());
  rd_kafka_conf_set_error_cb(conf->get(), on_error);
  rd_kafka_conf_set_stats_cb(conf->get(), on_stats);
  rd_kafka_conf_set_offset_commit_cb(conf->get(), on_commit);
  rd_kafka_conf_set_opaque(conf->get(), src.get());
  // Outages are reported in the source's own rate-limited lines.
  quiet_kafka_logs(conf->get(), options.properties);
  char errstr[512];
  src->rk_
      = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr);
  if (src->rk_ == nullptr)
    return make_error(ec::config_error,
                      std::string{"cannot create Kafka consumer for "}
                          + src->describe() + ": " + errstr);
  conf->release();
  auto partitions = list_partitions(src->rk_, options.brokers, options.topic,
                                    options.timeout);
  if (!partitions)
    return std::move(partitions.error());
  if (!std::binary_search(partitions->begin(), partitions->end(),
                          options.partition))
    return make_error(
        ec::input_error,
        "topic '" + options.topic + "' has no partition "
            + std::to_string(options.partition) + " at " + options.brokers
            + " (" + std::to_string(partitions->size()) + " partitions)");
  // A fixed end offset (kept by a checkpoint) needs no watermark: the
  // partition may have grown since, and a restart must end where the first
  // start would have.
  bool fixed_end = options.exit_at_end && options.end_offset >= 0;
  if (options.start != kafka_start::offset
      || (options.exit_at_end && !fixed_end)) {
    auto marks = query_watermarks(src->rk_, options.brokers, options.topic,
                                  options.partition, options.timeout);
    if (!marks)
      return std::move(marks.error());
    src->high_watermark_ = marks->high;
    switch (options.start) {
    case kafka_start::earliest:
      src->next_offset_ = marks->low;
      break;
    case kafka_start::latest:
      src->next_offset_ = marks->high;
      break;
    case kafka_start::offset:
      src->next_offset_ = options.start_offset;
      break;
    }
    if (options.exit_at_end)
      src->end_offset_ = fixed_end ? options.end_offset : marks->high;
  } else {
    src->next_offset_ = options.start_offset;
    if (fixed_end)
      src->end_offset_ = options.end_offset;
  }
  // The consumer queue, not the partition's own queue: assign() forwards
  // the partition to it asynchronously, and it is this client's only
  // partition anyway.
  src->queue_ = rd_kafka_queue_get_consumer(src->rk_);
  if (src->queue_ == nullptr)
    return make_error(ec::input_error, "cannot read " + src->describe()
                                           + ": librdkafka has no consumer "
                                             "queue (group.id missing?)");
  if (auto err = src->seek(src->next_offset_))
    return err;
  // The first commit goes out one interval after the start, not with the
  // first records: the destructor waits for commits in flight, and a commit
  // sent while the group coordinator is still being looked up waited for
  // librdkafka's 1 s coordinator query retry, so that about one short run in
  // ten took ~1 s longer (docs/PERFORMANCE.md, "Reading a topic to the
  // end"). A run shorter than the interval commits nothing.
  src->last_commit_ = std::chrono::steady_clock::now();
  return src;
}

kafka_source::kafka_source(kafka_source_options options)
    : options_(std::move(options)) {
  batch_.resize(std::max<size_t>(options_.max_records, 1));
}

kafka_source::~kafka_source() {
  // No callback may run into a source being destroyed; librdkafka calls it
  // under the queue's lock, which this takes.
  if (queue_ != nullptr && wake_)
    rd_kafka_queue_cb_event_enable(queue_, nullptr, nullptr);
  release_held();
  // librdkafka (2.0.2) tears the consumer group down only after its
  // outstanding commits end, and while one waits for the group
  // coordinator's connection its main thread spins for up to ~45 s (seen
  // in 1 of 25 short runs against the mock cluster). Let a commit still in
  // flight finish first: its callback is served by rd_kafka_poll().
  auto deadline = std::chrono::steady_clock::now() + commit_drain_timeout;
  while (rk_ != nullptr && commits_in_flight_ > 0
         && std::chrono::steady_clock::now() < deadline)
    rd_kafka_poll(rk_, 10);
  if (queue_ != nullptr)
    rd_kafka_queue_destroy(queue_);
  if (rk_ != nullptr)
    // No group membership and nothing to commit: skip the consumer close,
    // which waits for the group coordinator (long when brokers are down).
    rd_kafka_destroy_flags(rk_, RD_KAFKA_DESTROY_F_NO_CONSUMER_CLOSE);
}

std::string kafka_source::describe() const {
  return "kafka " + options_.topic + "/" + std::to_string(options_.partition);
}

void kafka_source::log(const std::string& line) const {
  std::fprintf(stderr, "crashwatch: %s: %s\n", describe().c_str(),
               line.c_str());
  std::fflush(stderr);
}

void kafka_source::release_held() {
  for (auto* msg : held_)
    rd_kafka_message_destroy(msg);
  held_.clear();
}

caf::error kafka_source::seek(int64_t offset) {
  auto* parts = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(parts, options_.topic.c_str(),
                                    options_.partition)
      ->offset
      = offset;
  // (Re)assigning restarts the fetcher at `offset` even after it stopped on
  // an offset reset error; messages fetched for the old position are
  // dropped by librdkafka (op versions) or by our offset check.
  auto err = rd_kafka_assign(rk_, parts);
  rd_kafka_topic_partition_list_destroy(parts);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    return make_error(ec::input_error, "cannot assign " + describe()
                                           + " at offset "
                                           + std::to_string(offset) + ": "
                                           + rd_kafka_err2str(err));
  assigned_ = true;
  return caf::none;
}

void kafka_source::on_error(rd_kafka_t*, int err, const char* reason,
                            void* opaque) {
  auto* self = static_cast<kafka_source*>(opaque);
  auto now = std::chrono::steady_clock::now();
  if (is_connection_error(err)) {
    self->broker_up_seen_ = false;
    bool first = !self->disconnected_;
    self->disconnected_ = true;
    if (first || now - self->last_down_log_ >= down_log_interval) {
      self->last_down_log_ = now;
      // This client read the partition's offsets at open: the broker spoke
      // its protocol, so librdkafka's security.protocol guess misleads.
      self->log("lost connection to Kafka at " + self->options_.brokers + " ("
                + without_protocol_guess(reason)
                + "); retrying, no record is skipped");
    }
    return;
  }
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char why[512];
    rd_kafka_fatal_error(self->rk_, why, sizeof why);
    self->fatal_ = std::string{"fatal Kafka client error: "} + why;
    return;
  }
  // Anything else is not expected to stop reading, but must be seen.
  if (now - self->last_down_log_ >= down_log_interval) {
    self->last_down_log_ = now;
    self->log("Kafka client error: " + without_protocol_guess(reason));
  }
}

int kafka_source::on_stats(rd_kafka_t*, char* json, size_t json_len,
                           void* opaque) {
  // Served by rd_kafka_poll() in serve_events(), on the thread that calls
  // poll(): librdkafka queues statistics on the main queue (rk_rep), which
  // only rd_kafka_poll() serves here (the consumer queue is not forwarded
  // to it, rd_kafka_poll_set_consumer() is not used), so the members are
  // written by the reader's own thread and need no atomics.
  auto* self = static_cast<kafka_source*>(opaque);
  auto figures = kafka_partition_stats({json, json_len}, self->options_.topic,
                                       self->options_.partition);
  // Kept when unknown: librdkafka forgets nothing it learned, but the
  // first documents come before the first fetch.
  if (figures.hi_offset >= 0)
    self->high_watermark_ = figures.hi_offset;
  // Back when the partition's leader is UP.
  if (self->disconnected_ && figures.leader_up)
    self->broker_up_seen_ = true;
  return 0; // librdkafka frees `json`
}

bool kafka_source::notify_on_data(std::function<void()> wake) {
  wake_ = std::move(wake);
  rd_kafka_queue_cb_event_enable(queue_, on_queue_event, this);
  return true;
}

void kafka_source::on_queue_event(rd_kafka_t*, void* opaque) {
  auto* self = static_cast<kafka_source*>(opaque);
  if (self->armed_.exchange(false))
    self->wake_();
}

void kafka_source::arm_wakeup() {
  if (!wake_)
    return;
  armed_.store(true);
  // A message that came between the last consume and arming raised its
  // event while disarmed: wake now instead of waiting for the next one.
  if (rd_kafka_queue_length(queue_) > 0 && armed_.exchange(false))
    wake_();
}

void kafka_source::serve_events() {
  // error_cb and stats_cb run here, on the caller's thread.
  rd_kafka_poll(rk_, 0);
  if (disconnected_ && broker_up_seen_)
    note_back();
}

void kafka_source::note_back() {
  disconnected_ = false;
  log("connection to Kafka at " + options_.brokers
      + " is back; continuing at offset " + std::to_string(next_offset_));
}

caf::error kafka_source::on_gap(int64_t seen) {
  auto marks = query_watermarks(rk_, options_.brokers, options_.topic,
                                options_.partition, options_.timeout);
  if (!marks) {
    // Cannot tell what is gone right now: retry from where we are; the gap
    // shows up again once the leader answers.
    log("offset " + std::to_string(next_offset_)
        + " not available and the offsets cannot be queried ("
        + render(marks.error()) + "); retrying");
    return seek(next_offset_);
  }
  high_watermark_ = marks->high;
  if (seen >= 0 && marks->low <= next_offset_) {
    // The skipped offsets are still inside the log: compacted away or
    // transaction control records, which Kafka never hands to consumers.
    next_offset_ = seen;
    return caf::none;
  }
  auto range
      = std::to_string(marks->low) + ".." + std::to_string(marks->high - 1);
  if (marks->low == marks->high)
    range = "nothing (empty, next offset " + std::to_string(marks->high) + ")";
  if (seen < 0 && next_offset_ >= marks->high) {
    // Beyond the end: the partition was truncated or recreated.
    auto line = "data loss on " + options_.topic + "/"
                + std::to_string(options_.partition) + ": next offset "
                + std::to_string(next_offset_)
                + " is beyond the end of the partition, broker has " + range
                + " (topic recreated?)";
    if (options_.on_data_loss == data_loss_policy::fail)
      return make_error(ec::input_error, line);
    log(line + "; continuing at " + std::to_string(marks->high));
    next_offset_ = marks->high;
    return seek(next_offset_);
  }
  int64_t resume = seen >= 0 ? seen : marks->low;
  auto lost = resume - next_offset_;
  auto line = "data loss on " + options_.topic + "/"
              + std::to_string(options_.partition) + ": next offset "
              + std::to_string(next_offset_) + " is gone, broker has " + range
              + " (lost " + std::to_string(lost) + " records)";
  if (options_.on_data_loss == data_loss_policy::fail)
    return make_error(ec::input_error, line);
  log(line + "; continuing at " + std::to_string(resume));
  lost_records_ += static_cast<uint64_t>(lost);
  next_offset_ = resume;
  return seen >= 0 ? caf::none : seek(next_offset_);
}

caf::expected<poll_status> kafka_source::poll(std::vector<source_record>& out) {
  release_held();
  if (pending_error_) {
    auto err = std::move(pending_error_);
    pending_error_ = caf::none;
    return err;
  }
  serve_events();
  if (!fatal_.empty())
    return make_error(ec::input_error,
                      "cannot read " + describe() + ": " + fatal_);
  if (end_offset_ >= 0 && next_offset_ >= end_offset_)
    return at_end();
  auto n
      = rd_kafka_consume_batch_queue(queue_, 0, batch_.data(), batch_.size());
  if (n == 0 && !wake_)
    n = rd_kafka_consume_batch_queue(
        queue_, static_cast<int>(options_.poll_wait.count()), batch_.data(),
        batch_.size());
  if (n < 0)
    return make_error(ec::input_error,
                      "cannot read " + describe() + ": "
                          + rd_kafka_err2str(rd_kafka_last_error()));
  // At most one reallocation of a poll's records per larger batch, not one
  // per doubling (the caller clears `out` and keeps its capacity).
  if (n > 0)
    out.reserve(out.size() + static_cast<size_t>(n));
  size_t appended = 0;
  // After a seek, the rest of the batch belongs to the old position.
  bool stale = false;
  caf::error failure;
  for (ssize_t i = 0; i < n; ++i) {
    auto* msg = batch_[static_cast<size_t>(i)];
    if (stale || failure || msg->partition != options_.partition) {
      rd_kafka_message_destroy(msg);
      continue;
    }
    if (msg->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      auto err = msg->err;
      if (err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET
          || err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
        auto before = next_offset_;
        failure = on_gap(-1);
        stale = next_offset_ != before || !failure;
      } else if (err != RD_KAFKA_RESP_ERR__PARTITION_EOF) {
        // Transport trouble is retried by librdkafka; say what happened.
        on_error(rk_, err, rd_kafka_message_errstr(msg), this);
      }
      rd_kafka_message_destroy(msg);
      continue;
    }
    auto offset = msg->offset;
    if (offset < next_offset_ // already handed out (refetch after reconnect)
        || (end_offset_ >= 0 && offset >= end_offset_)) {
      rd_kafka_message_destroy(msg);
      continue;
    }
    if (offset > next_offset_) {
      failure = on_gap(offset);
      if (failure || next_offset_ != offset) {
        stale = true;
        rd_kafka_message_destroy(msg);
        continue;
      }
    }
    if (disconnected_)
      // Records flow again, maybe before statistics said so.
      note_back();
    auto* data = static_cast<const char*>(msg->payload);
    source_record rec{record_offset{offset},
                      data == nullptr ? std::string_view{}
                                      : std::string_view{data, msg->len}};
    if (msg->len > options_.max_record_bytes) {
      rec.oversized_bytes = msg->len;
      rec.text = rec.text.substr(0, record_prefix_bytes);
    }
    out.push_back(rec);
    held_.push_back(msg);
    bytes_read_ += msg->len;
    next_offset_ = offset + 1;
    ++appended;
  }
  if (failure) {
    if (appended == 0)
      return failure;
    // Hand out what came before the gap first.
    pending_error_ = std::move(failure);
  }
  commit_position();
  if (appended > 0)
    return poll_status::records;
  if (end_offset_ >= 0 && next_offset_ >= end_offset_)
    return at_end();
  arm_wakeup();
  return poll_status::no_data;
}

poll_status kafka_source::at_end() {
  if (assigned_) {
    assigned_ = false;
    // Nothing past the end is read: without an assignment the consumer
    // sends no more fetches (records already fetched are dropped by
    // librdkafka). A failure only leaves the fetches running.
    if (auto err = rd_kafka_assign(rk_, nullptr))
      log(std::string{"cannot stop fetching at the end: "}
          + rd_kafka_err2str(err));
  }
  return poll_status::end;
}

void kafka_source::commit_position() {
  auto now = std::chrono::steady_clock::now();
  if (next_offset_ == committed_ || now - last_commit_ < commit_interval)
    return;
  last_commit_ = now;
  auto* list = rd_kafka_topic_partition_list_new(1);
  rd_kafka_topic_partition_list_add(list, options_.topic.c_str(),
                                    options_.partition)
      ->offset
      = next_offset_;
  // Asynchronous: the result arrives in on_commit() during a later poll.
  auto err = rd_kafka_commit(rk_, list, 1);
  rd_kafka_topic_partition_list_destroy(list);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR)
    log_commit_failure(rd_kafka_err2str(err));
  else {
    committed_ = next_offset_;
    ++commits_in_flight_;
  }
}

void kafka_source::on_commit(rd_kafka_t*, rd_kafka_resp_err_t err,
                             rd_kafka_topic_partition_list_t*, void* opaque) {
  --static_cast<kafka_source*>(opaque)->commits_in_flight_;
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET)
    static_cast<kafka_source*>(opaque)->log_commit_failure(
        rd_kafka_err2str(err));
}

void kafka_source::log_commit_failure(const std::string& reason) {
  // Commits only feed lag monitoring: a failure is reported, not fatal, and
  // at most once a minute.
  auto now = std::chrono::steady_clock::now();
  if (now - last_commit_failure_log_ < std::chrono::minutes(1))
    return;
  last_commit_failure_log_ = now;
  log("cannot commit offset " + std::to_string(next_offset_) + " to group '"
      + options_.group + "' (lag monitoring only; nothing is lost): " + reason);
}

} // namespace crashwatch
