#include "telemetry/status_json.hpp"

#include <boost/json.hpp>

namespace crashwatch {

namespace {

namespace json = boost::json;

/// Seconds between an event time and the wall clock; null when unknown.
json::value lag_seconds(event_time t, int64_t now_ms) {
  if (t == min_event_time || t == max_event_time)
    return nullptr;
  return static_cast<double>(now_ms - t.value) / 1000.0;
}

json::value event_ms(event_time t) {
  if (t == min_event_time || t == max_event_time)
    return nullptr;
  return t.value;
}

const char* state_name(partition_state s) {
  switch (s) {
  case partition_state::active:
    return "reading";
  case partition_state::idle:
    return "idle";
  case partition_state::ended:
    return "ended";
  }
  return "reading";
}

/// The node of partition or shard `id` in `pairs` (the coordinator's
/// assignment), else `fallback`.
template <class Id>
std::string node_of(const std::vector<std::pair<Id, std::string>>* pairs, Id id,
                    const std::string& fallback) {
  if (pairs != nullptr)
    for (auto& [k, node] : *pairs)
      if (k == id)
        return node;
  return fallback;
}

json::value cluster(const telemetry_state& st) {
  if (!st.cluster)
    return nullptr;
  auto& c = *st.cluster;
  json::object o;
  o["coordinator"] = c.coordinator;
  o["epoch"] = c.epoch;
  // "waiting": the epoch stopped (a node is missing); the next starts from
  // the newest committed checkpoint once every node is back.
  o["state"] = c.running ? "running" : "waiting";
  json::array nodes;
  for (auto& n : c.nodes) {
    json::object x;
    x["node_id"] = n.node_id;
    json::array roles;
    for (auto& name : role_names_of(n.roles))
      roles.push_back(json::string(name));
    x["roles"] = std::move(roles);
    x["address"] = n.address;
    x["up"] = n.up;
    x["epoch"] = c.epoch;
    nodes.push_back(std::move(x));
  }
  o["nodes"] = std::move(nodes);
  return o;
}

json::value membership(const telemetry_state& st) {
  if (!st.membership)
    return nullptr;
  auto& m = *st.membership;
  json::object o;
  o["coordinator"] = m.coordinator;
  o["join_address"] = m.join_address;
  if (m.coordinator_metrics.empty())
    o["coordinator_metrics"] = nullptr;
  else
    o["coordinator_metrics"] = m.coordinator_metrics;
  o["connected"] = m.connected;
  o["since_ms"] = m.since_ms;
  return o;
}

json::array partitions(const telemetry_state& st, int64_t now_ms) {
  json::array out;
  for (auto& [id, r] : st.readers) {
    auto source = st.sources.find(id);
    json::object p;
    p["partition"] = id;
    p["source"] = source == st.sources.end() ? "" : source->second;
    p["node"] = node_of(st.cluster ? &st.cluster->partition_nodes : nullptr, id,
                        r.node);
    p["records_read"] = r.stats.records;
    p["records_matched"] = r.stats.crashes;
    p["late"] = r.stats.late;
    p["malformed"] = r.stats.malformed;
    p["bytes"] = r.stats.bytes;
    p["offset"] = r.next_offset;
    if (r.end_offset >= 0) {
      p["end_offset"] = r.end_offset;
      p["lag_records"] = std::max<int64_t>(0, r.end_offset - r.next_offset);
    } else {
      p["end_offset"] = nullptr;
      p["lag_records"] = nullptr;
    }
    p["watermark_ms"] = event_ms(r.watermark);
    p["watermark_lag_seconds"] = lag_seconds(r.watermark, now_ms);
    // A stopped epoch's readers are gone, whatever they said last.
    bool stopped = st.cluster && !st.cluster->running;
    p["state"] = stopped ? "stopped" : state_name(r.state);
    p["credits_waiting"] = r.credits_waiting;
    p["mailbox"] = r.mailbox;
    p["batches"] = r.batches;
    p["busy_seconds"] = static_cast<double>(r.busy_ns) / 1e9;
    out.push_back(std::move(p));
  }
  return out;
}

json::array shards(const telemetry_state& st) {
  json::array out;
  for (auto& [id, s] : st.shards) {
    json::object o;
    o["shard"] = id;
    o["node"]
        = node_of(st.cluster ? &st.cluster->shard_nodes : nullptr, id, s.node);
    o["open_windows"] = s.open_windows;
    o["open_keys"] = s.open_keys;
    o["mailbox"] = s.mailbox;
    o["batches"] = s.batches;
    o["busy_seconds"] = static_cast<double>(s.busy_ns) / 1e9;
    out.push_back(std::move(o));
  }
  return out;
}

json::object sink(const telemetry_state& st) {
  json::object o;
  o["messages"] = st.sink_load.messages;
  o["busy_seconds"] = static_cast<double>(st.sink_load.busy_ns) / 1e9;
  o["mailbox"] = st.sink_load.mailbox;
  o["alerts_in_flight"] = st.sink_load.alerts_in_flight;
  o["alerts_undelivered"] = st.sink.alerts_undelivered;
  return o;
}

json::value checkpoints(const telemetry_state& st, int64_t now_ms) {
  if (!st.durable)
    return nullptr;
  json::object o;
  json::array recent;
  for (auto& c : st.checkpoints) {
    json::object r;
    r["id"] = c.id.value;
    r["started_ms"] = c.started_ms;
    r["duration_seconds"]
        = static_cast<double>(c.committed_ms - c.started_ms) / 1000.0;
    recent.push_back(std::move(r));
  }
  if (st.checkpoints.empty()) {
    o["last_id"] = nullptr;
    o["last_completed_ms"] = nullptr;
    o["age_seconds"] = nullptr;
  } else {
    auto& last = st.checkpoints.back();
    o["last_id"] = last.id.value;
    o["last_completed_ms"] = last.committed_ms;
    o["age_seconds"] = static_cast<double>(now_ms - last.committed_ms) / 1000.0;
  }
  o["recent"] = std::move(recent);
  if (st.restore) {
    json::object r;
    r["from"] = st.restore->from.value;
    r["finished_ms"] = st.restore->finished_ms;
    r["seconds"] = static_cast<double>(st.restore->duration_us) / 1e6;
    o["restore"] = std::move(r);
  } else {
    o["restore"] = nullptr;
  }
  return o;
}

json::object alerts(const telemetry_state& st) {
  json::object o;
  o["emitted"] = st.sink.alerts;
  json::array latest;
  for (auto& a : st.latest_alerts) {
    json::object x;
    x["window_start_ms"] = a.window_start.value;
    x["window_end_ms"] = a.window_end.value;
    x["user_id"] = a.user_id;
    x["crash_count"] = a.crash_count;
    latest.push_back(std::move(x));
  }
  o["latest"] = std::move(latest);
  return o;
}

} // namespace

std::string status_json(const telemetry_state& st, int64_t now_ms) {
  json::object doc;
  doc["version"] = 1;
  json::object process;
  process["command"] = st.process.command;
  process["node_id"] = st.process.node_id;
  json::array roles;
  for (auto& r : st.process.roles)
    roles.push_back(json::string(r));
  process["roles"] = std::move(roles);
  process["started_at_ms"] = st.process.started_at_ms;
  process["now_ms"] = now_ms;
  process["uptime_seconds"]
      = static_cast<double>(now_ms - st.process.started_at_ms) / 1000.0;
  doc["process"] = std::move(process);
  json::object totals;
  uint64_t read = 0, matched = 0, late = 0, malformed = 0, blank = 0, bytes = 0;
  for (auto& [id, r] : st.readers) {
    read += r.stats.records;
    matched += r.stats.crashes;
    late += r.stats.late;
    malformed += r.stats.malformed;
    blank += r.stats.blank;
    bytes += r.stats.bytes;
  }
  totals["records_read"] = read;
  totals["records_matched"] = matched;
  totals["late"] = late;
  totals["malformed"] = malformed;
  totals["blank"] = blank;
  totals["bytes"] = bytes;
  totals["alerts"] = st.sink.alerts;
  doc["totals"] = std::move(totals);
  json::object watermark;
  auto global = global_watermark_of(st);
  watermark["global_ms"] = event_ms(global);
  watermark["lag_seconds"] = lag_seconds(global, now_ms);
  doc["watermark"] = std::move(watermark);
  doc["partitions"] = partitions(st, now_ms);
  doc["shards"] = shards(st);
  doc["sink"] = sink(st);
  doc["checkpoints"] = checkpoints(st, now_ms);
  doc["alerts"] = alerts(st);
  doc["cluster"] = cluster(st);
  doc["membership"] = membership(st);
  return json::serialize(doc);
}

} // namespace crashwatch
