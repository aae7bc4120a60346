#include "actors/partition_reader.hpp"

#include <algorithm>

#include <caf/event_based_actor.hpp>
#include <caf/send.hpp>
#include <caf/typed_event_based_actor.hpp>

#include "core/malformed_reason.hpp"
#include "core/shard_router.hpp"
#include "core/wall_clock.hpp"
#include "core/window.hpp"

namespace crashwatch {

namespace {

using self_ptr
    = partition_reader_actor::stateful_pointer<partition_reader_state>;

/// How long a reader waits before polling a source that had nothing and
/// cannot wake it (a file that may grow, a pipe).
constexpr auto no_data_backoff = std::chrono::milliseconds(5);

/// How often a reader whose source wakes it (Kafka) looks at the source
/// while nothing comes: to notice that the partition went idle, to report,
/// and to serve the source's events (statistics, connection errors). Records
/// never wait for it (docs/PERFORMANCE.md, "Alert latency").
constexpr auto idle_poll_interval = std::chrono::milliseconds(100);

/// Parses, filters and routes the records of one chunk.
void process(partition_reader_state& st) {
  auto& parser = *st.parser;
  auto& clock = *st.clock;
  auto shard_count = static_cast<uint32_t>(st.shards.size());
  // --max-future: the latest event time accepted, once per chunk.
  auto latest = st.config.max_future_ms > 0
                    ? wall_clock_ms() + st.config.max_future_ms
                    : max_event_time.value;
  for (auto& rec : st.records) {
    if (rec.oversized_bytes > 0) {
      // Longer than --max-record-bytes: only its first bytes are here.
      ++st.stats.records;
      ++st.stats.malformed;
      st.side.dead.push_back(
          dead_letter{st.partition, rec.offset,
                      "record too long (" + std::to_string(rec.oversized_bytes)
                          + " bytes; the first "
                          + std::to_string(rec.text.size()) + " are kept)",
                      std::string{rec.text}});
      continue;
    }
    auto parsed = parser.parse(rec.text);
    if (parsed.kind >= record_kind::other && parsed.time.value > latest)
      parsed = malformed_record(malformed_reason::event_time_too_far_ahead);
    switch (parsed.kind) {
    case record_kind::blank:
      ++st.stats.blank;
      break;
    case record_kind::malformed:
      ++st.stats.records;
      ++st.stats.malformed;
      st.side.dead.push_back(dead_letter{st.partition, rec.offset,
                                         parsed.reason, std::string{rec.text}});
      break;
    case record_kind::other:
      ++st.stats.records;
      clock.observe(parsed.time);
      break;
    case record_kind::crash:
      ++st.stats.records;
      ++st.stats.crashes;
      if (clock.is_late(parsed.time)) {
        ++st.stats.late;
        auto start = window_start(parsed.time, st.config.window_ms);
        st.side.late.push_back(late_record{
            st.partition, rec.offset, parsed.time, start,
            window_end(start, st.config.window_ms), clock.watermark(),
            std::string{parsed.user_id}, late_reason::behind_watermark});
      } else {
        auto shard = shard_for(parsed.user_id, shard_count);
        st.pending[shard.value].push_back(
            crash_event{parsed.time, rec.offset, std::string{parsed.user_id}});
      }
      clock.observe(parsed.time);
      break;
    }
  }
}

void schedule_read(self_ptr self) {
  self->send(self, atom::read_v);
}

void report(self_ptr self, caf::actor_clock::time_point now, bool force);

/// Sends every shard a batch (possibly empty: the watermark must reach all
/// shards) and the side records to the sink.
void send_batches(self_ptr self) {
  auto& st = self->state;
  auto watermark = st.clock->watermark();
  for (size_t i = 0; i < st.shards.size(); ++i) {
    partition_batch batch{st.partition, ++st.sequence[i],
                          std::move(st.pending[i]), watermark, st.state};
    st.pending[i].clear();
    --st.credits[i];
    // No timeout: an ack may wait long under backpressure; a shard that
    // is gone ends the reader through its monitor (above) instead.
    self->request(st.shards[i], caf::infinite, std::move(batch))
        .then(
            [self](atom::ack, shard_id shard) {
              auto& st = self->state;
              ++st.credits[shard.value];
              if (st.paused
                  && std::all_of(st.credits.begin(), st.credits.end(),
                                 [](uint32_t c) { return c > 0; })) {
                st.paused = false;
                schedule_read(self);
              }
            },
            [self](caf::error& err) { self->quit(std::move(err)); });
  }
  st.batches += st.shards.size();
  if (!st.side.late.empty() || !st.side.dead.empty()) {
    self->send(st.sink, std::move(st.side));
    st.side = side_batch{};
    st.side.partition = st.partition;
  }
}

/// The counters over every life: bytes and lost records come from the
/// source, which counts only this process's.
partition_stats whole_run_stats(const partition_reader_state& st) {
  auto stats = st.stats;
  stats.bytes = st.restored_bytes + st.source->bytes_read();
  stats.lost = st.restored_lost + st.source->lost_records();
  return stats;
}

/// Tells the sink how the reader is doing: at most once a second (forced at
/// the end), per chunk read or empty poll, never per record. `now` is the
/// caller's clock reading.
void report(self_ptr self, caf::actor_clock::time_point now, bool force) {
  auto& st = self->state;
  if (!force && now - st.last_report < std::chrono::seconds(1))
    return;
  st.last_report = now;
  reader_report r;
  r.stats = whole_run_stats(st);
  r.watermark = st.clock->watermark();
  r.next_offset = st.source->resume_offset().value;
  r.end_offset = st.source->end_offset_hint();
  r.state = st.state;
  r.credits_waiting = static_cast<uint32_t>(
      std::count(st.credits.begin(), st.credits.end(), 0u));
  r.batches = st.batches;
  r.busy_ns = st.busy_ns;
  r.mailbox = self->mailbox().size();
  self->send(st.sink, std::move(r));
}

/// The end of the partition: the last batch (watermark +infinity) to every
/// shard and the counters to the sink. The reader stays for checkpoints.
void finish(self_ptr self) {
  auto& st = self->state;
  st.state = partition_state::ended;
  send_batches(self);
  report(self, self->clock().now(), true);
  self->send(st.sink, atom::finished_v, whole_run_stats(st));
}

/// The reader's part of checkpoint `id`; barrier `id` follows the data sent
/// so far to every shard and to the sink.
reader_snapshot take_snapshot(self_ptr self, checkpoint_id id) {
  auto& st = self->state;
  reader_snapshot snap;
  snap.id = id;
  snap.partition = st.partition;
  snap.next_offset = st.source->resume_offset();
  snap.max_seen = st.clock->max_seen();
  snap.state = st.state;
  snap.stats = whole_run_stats(st);
  // Barriers are not batches: they take no credit, so a paused reader
  // still delivers them.
  for (auto& shard : st.shards)
    self->send(shard, partition_barrier{id, st.partition});
  self->send(st.sink, partition_barrier{id, st.partition});
  return snap;
}

void read_chunk(self_ptr self) {
  auto& st = self->state;
  if (std::any_of(st.credits.begin(), st.credits.end(),
                  [](uint32_t c) { return c == 0; })) {
    st.paused = true;
    return;
  }
  // Two clock readings per chunk: before reading it and after sending its
  // batches (busy time); an empty poll needs only the first.
  auto started = self->clock().now();
  st.records.clear();
  auto status = st.source->poll(st.records);
  if (!status) {
    self->quit(std::move(status.error()));
    return;
  }
  switch (*status) {
  case poll_status::records: {
    process(st);
    st.last_data = started;
    st.state = partition_state::active;
    send_batches(self);
    auto now = self->clock().now();
    st.busy_ns += static_cast<uint64_t>(
        std::chrono::duration_cast<std::chrono::nanoseconds>(now - started)
            .count());
    report(self, now, false);
    schedule_read(self);
    break;
  }
  case poll_status::no_data:
    // Not busy time: an empty poll mostly waits (Kafka: up to poll_wait).
    if (st.state == partition_state::active
        && started - st.last_data
               >= std::chrono::milliseconds(st.config.idle_timeout_ms)) {
      st.state = partition_state::idle;
      send_batches(self);
    }
    // A reader with nothing to read keeps reporting: the partition's end
    // (Kafka's high watermark) and the reader's figures stay fresh.
    report(self, started, false);
    if (!st.source_wakes)
      self->delayed_send(self, no_data_backoff, atom::read_v);
    else if (!st.tick_pending) {
      st.tick_pending = true;
      self->delayed_send(self, idle_poll_interval, atom::tick_v);
    }
    break;
  case poll_status::partial:
    // Part of a line over --max-record-bytes was read and dropped.
    report(self, started, false);
    schedule_read(self);
    break;
  case poll_status::end:
    finish(self);
    break;
  }
}

} // namespace

partition_reader_actor::behavior_type partition_reader(
    partition_reader_actor::stateful_pointer<partition_reader_state> self,
    reader_snapshot start, std::unique_ptr<record_source> source,
    pipeline_config config, std::vector<shard_actor> shards,
    alert_sink_actor sink) {
  auto& st = self->state;
  st.partition = start.partition;
  st.source = std::move(source);
  st.config = std::move(config);
  st.parser.emplace(st.config.filter);
  st.clock.emplace(st.config.watermark_delay_ms, st.config.window_ms);
  st.clock->restore(start.max_seen);
  st.credits.assign(shards.size(), defaults::credits_per_shard);
  st.sequence.assign(shards.size(), 0);
  st.pending.resize(shards.size());
  st.side.partition = st.partition;
  st.shards = std::move(shards);
  st.sink = std::move(sink);
  st.stats = start.stats;
  st.stats.partition = st.partition;
  st.restored_bytes = start.stats.bytes;
  st.restored_lost = start.stats.lost;
  st.state = start.state;
  st.last_data = self->clock().now();
  // A shard or sink that is gone (on a node that died or was cut off) never
  // acknowledges: the reader would wait for credits for ever. Its down ends
  // the reader too.
  self->set_down_handler([self](caf::down_msg& down) {
    if (down.reason && down.reason != caf::exit_reason::normal)
      self->quit(down.reason);
  });
  for (auto& shard : st.shards)
    self->monitor(shard);
  self->monitor(st.sink);
  // The source calls back on its own thread when records come: a message
  // to the reader, through a weak reference (the source lives in the
  // reader's state and must not keep the reader alive).
  caf::weak_actor_ptr weak{self->ctrl()};
  st.source_wakes = st.source->notify_on_data([weak] {
    if (auto strong = weak.lock())
      caf::anon_send(caf::actor_cast<partition_reader_actor>(std::move(strong)),
                     atom::read_v);
  });
  if (st.state == partition_state::ended)
    // Ended before the checkpoint: a file may have grown since, but the
    // run's input was what it was then.
    finish(self);
  else
    schedule_read(self);
  return {
      [self](atom::read) {
        if (self->state.state != partition_state::ended)
          read_chunk(self);
      },
      [self](atom::tick) {
        self->state.tick_pending = false;
        if (self->state.state != partition_state::ended)
          read_chunk(self);
      },
      [self](atom::checkpoint, checkpoint_id id) {
        return take_snapshot(self, id);
      },
      [self](atom::status) { return whole_run_stats(self->state); },
  };
}

} // namespace crashwatch
