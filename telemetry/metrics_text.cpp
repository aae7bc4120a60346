#include "telemetry/metrics_text.hpp"

#include <prometheus/counter.h>
#include <prometheus/gauge.h>
#include <prometheus/histogram.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

namespace crashwatch {

namespace {

using prometheus::BuildCounter;
using prometheus::BuildGauge;
using prometheus::Registry;

/// A counter family: `name` with `help`.
auto& counters(Registry& r, const char* name, const char* help) {
  return BuildCounter().Name(name).Help(help).Register(r);
}

auto& gauges(Registry& r, const char* name, const char* help) {
  return BuildGauge().Name(name).Help(help).Register(r);
}

double seconds(event_time t) {
  return static_cast<double>(t.value) / 1000.0;
}

bool known(event_time t) {
  return t != min_event_time && t != max_event_time;
}

void partitions(Registry& r, const telemetry_state& st, int64_t now_ms) {
  auto& read = counters(r, "crashwatch_records_read_total",
                        "Records read (non-blank lines or messages).");
  auto& matched = counters(r, "crashwatch_records_matched_total",
                           "Well-formed severe crashes (counted or late).");
  auto& late = counters(r, "crashwatch_records_late_total",
                        "Crashes dropped as late by the reader.");
  auto& malformed = counters(r, "crashwatch_records_malformed_total",
                             "Records sent to the dead-letter output.");
  auto& bytes = counters(r, "crashwatch_read_bytes_total", "Bytes read.");
  auto& batches = counters(r, "crashwatch_reader_batches_total",
                           "Batches a reader sent to shards.");
  auto& watermark = gauges(r, "crashwatch_partition_watermark_seconds",
                           "A partition's watermark, event time in seconds "
                           "since the Unix epoch.");
  auto& wm_lag = gauges(r, "crashwatch_partition_watermark_lag_seconds",
                        "How far a partition's watermark trails the wall "
                        "clock.");
  auto& lag = gauges(r, "crashwatch_kafka_consumer_lag_records",
                     "Records between a partition's read position and its "
                     "end (Kafka's high watermark).");
  auto& credits = gauges(r, "crashwatch_reader_credits_waiting",
                         "Shards a reader waits for (no credit left: "
                         "backpressure).");
  auto& mailbox = gauges(r, "crashwatch_reader_mailbox_messages",
                         "Messages waiting in a reader's mailbox.");
  auto& busy = counters(r, "crashwatch_reader_busy_seconds_total",
                        "Time a reader spent reading, parsing and routing "
                        "chunks that had records.");
  for (auto& [id, rep] : st.readers) {
    prometheus::Labels labels{{"partition", std::to_string(id)}};
    if (!rep.node.empty())
      labels["node"] = rep.node;
    read.Add(labels).Increment(static_cast<double>(rep.stats.records));
    matched.Add(labels).Increment(static_cast<double>(rep.stats.crashes));
    late.Add(labels).Increment(static_cast<double>(rep.stats.late));
    malformed.Add(labels).Increment(static_cast<double>(rep.stats.malformed));
    bytes.Add(labels).Increment(static_cast<double>(rep.stats.bytes));
    batches.Add(labels).Increment(static_cast<double>(rep.batches));
    credits.Add(labels).Set(rep.credits_waiting);
    mailbox.Add(labels).Set(static_cast<double>(rep.mailbox));
    busy.Add(labels).Increment(static_cast<double>(rep.busy_ns) / 1e9);
    if (known(rep.watermark)) {
      watermark.Add(labels).Set(seconds(rep.watermark));
      wm_lag.Add(labels).Set(static_cast<double>(now_ms - rep.watermark.value)
                             / 1000.0);
    }
    if (rep.end_offset >= 0)
      lag.Add(labels).Set(static_cast<double>(
          std::max<int64_t>(0, rep.end_offset - rep.next_offset)));
  }
  auto global = global_watermark_of(st);
  if (known(global)) {
    gauges(r, "crashwatch_watermark_seconds",
           "The global watermark (the smallest partition's), event time in "
           "seconds since the Unix epoch.")
        .Add({})
        .Set(seconds(global));
    gauges(r, "crashwatch_watermark_lag_seconds",
           "How far the global watermark trails the wall clock.")
        .Add({})
        .Set(static_cast<double>(now_ms - global.value) / 1000.0);
  }
}

void shards(Registry& r, const telemetry_state& st) {
  auto& windows
      = gauges(r, "crashwatch_shard_open_windows", "Windows a shard holds.");
  auto& keys = gauges(r, "crashwatch_shard_open_keys",
                      "(window, user) counts a shard holds.");
  auto& mailbox = gauges(r, "crashwatch_shard_mailbox_messages",
                         "Messages waiting in a shard's mailbox.");
  auto& batches = counters(r, "crashwatch_shard_batches_total",
                           "Batches a shard handled.");
  auto& busy = counters(r, "crashwatch_shard_busy_seconds_total",
                        "Time a shard spent handling batches.");
  for (auto& [id, rep] : st.shards) {
    prometheus::Labels labels{{"shard", std::to_string(id)}};
    if (!rep.node.empty())
      labels["node"] = rep.node;
    windows.Add(labels).Set(static_cast<double>(rep.open_windows));
    keys.Add(labels).Set(static_cast<double>(rep.open_keys));
    mailbox.Add(labels).Set(static_cast<double>(rep.mailbox));
    batches.Add(labels).Increment(static_cast<double>(rep.batches));
    busy.Add(labels).Increment(static_cast<double>(rep.busy_ns) / 1e9);
  }
}

void sink(Registry& r, const telemetry_state& st) {
  auto& load = st.sink_load;
  gauges(r, "crashwatch_sink_mailbox_messages",
         "Messages waiting in the sink's mailbox.")
      .Add({})
      .Set(static_cast<double>(load.mailbox));
  counters(r, "crashwatch_sink_messages_total",
           "Messages the sink handled (shard progress, side records, "
           "barriers, reports).")
      .Add({})
      .Increment(static_cast<double>(load.messages));
  counters(r, "crashwatch_sink_busy_seconds_total",
           "Time the sink spent handling messages (writing the outputs).")
      .Add({})
      .Increment(static_cast<double>(load.busy_ns) / 1e9);
}

void checkpoints(Registry& r, const telemetry_state& st, int64_t now_ms) {
  if (!st.durable)
    return;
  auto& h = prometheus::BuildHistogram()
                .Name("crashwatch_checkpoint_duration_seconds")
                .Help("From a checkpoint's start to its commit.")
                .Register(r)
                .Add({}, telemetry_state::checkpoint_buckets());
  h.ObserveMultiple(st.checkpoint_counts, st.checkpoint_seconds);
  if (st.restore)
    gauges(r, "crashwatch_restore_duration_seconds",
           "How long the latest restore from a checkpoint took (a resumed "
           "run; a cluster's epoch rebuilt on every node).")
        .Add({{"checkpoint", std::to_string(st.restore->from.value)}})
        .Set(static_cast<double>(st.restore->duration_us) / 1e6);
  if (st.checkpoints.empty())
    return;
  auto& last = st.checkpoints.back();
  gauges(r, "crashwatch_checkpoint_last_id", "The newest committed checkpoint.")
      .Add({})
      .Set(static_cast<double>(last.id.value));
  gauges(r, "crashwatch_checkpoint_last_age_seconds",
         "Time since the newest checkpoint was committed.")
      .Add({})
      .Set(static_cast<double>(now_ms - last.committed_ms) / 1000.0);
}

/// "coordinator,reader" for role bits.
std::string role_list(uint8_t roles) {
  std::string out;
  for (auto& name : role_names_of(roles))
    out += (out.empty() ? "" : ",") + name;
  return out;
}

} // namespace

std::string metrics_text(const telemetry_state& st, int64_t now_ms) {
  Registry registry;
  partitions(registry, st, now_ms);
  shards(registry, st);
  checkpoints(registry, st, now_ms);
  // A cluster's member has no sink and writes no alerts: the coordinator's
  // sink does.
  if (!st.membership) {
    sink(registry, st);
    counters(registry, "crashwatch_alerts_total", "Final alerts written.")
        .Add({})
        .Increment(static_cast<double>(st.sink.alerts));
    // --alerts-topic (0 without): what the broker has not confirmed yet, and
    // what it never took (--on-data-loss warn).
    gauges(registry, "crashwatch_alerts_in_flight",
           "Alerts produced to --alerts-topic and not yet confirmed by the "
           "broker.")
        .Add({})
        .Set(static_cast<double>(st.sink_load.alerts_in_flight));
    counters(registry, "crashwatch_alerts_undelivered_total",
             "Alerts the --alerts-topic broker did not take (--on-data-loss "
             "warn; with fail the run stops).")
        .Add({})
        .Increment(static_cast<double>(st.sink.alerts_undelivered));
  } else {
    gauges(registry, "crashwatch_coordinator_connected",
           "1 while this node is joined to its coordinator, 0 while it "
           "joins (again).")
        .Add({{"coordinator", st.membership->coordinator},
              {"address", st.membership->join_address}})
        .Set(st.membership->connected ? 1 : 0);
  }
  if (st.cluster) {
    gauges(registry, "crashwatch_cluster_epoch",
           "The cluster's current epoch (grows at every recovery).")
        .Add({})
        .Set(static_cast<double>(st.cluster->epoch));
    auto& up = gauges(registry, "crashwatch_node_up",
                      "1 while a node of the cluster is in, 0 while it is "
                      "missing.");
    for (auto& n : st.cluster->nodes)
      up.Add({{"node", n.node_id},
              {"roles", role_list(n.roles)},
              {"address", n.address}})
          .Set(n.up ? 1 : 0);
  }
  gauges(registry, "crashwatch_start_time_seconds",
         "When the process started, seconds since the Unix epoch.")
      .Add({{"command", st.process.command}})
      .Set(static_cast<double>(st.process.started_at_ms) / 1000.0);
  return prometheus::TextSerializer{}.Serialize(registry.Collect());
}

} // namespace crashwatch
