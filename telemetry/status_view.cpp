#include "telemetry/status_view.hpp"

#include <algorithm>
#include <cstdio>
#include <ctime>
#include <sstream>
#include <vector>

#include <boost/json.hpp>

namespace crashwatch {

namespace {

namespace json = boost::json;

using row = std::vector<std::string>;

/// Rows under a header, each column as wide as its widest cell, two spaces
/// apart (the last column not padded).
std::string table(const row& header, const std::vector<row>& rows) {
  std::vector<size_t> width(header.size(), 0);
  auto measure = [&](const row& r) {
    for (size_t i = 0; i < r.size() && i < width.size(); ++i)
      width[i] = std::max(width[i], r[i].size());
  };
  measure(header);
  for (auto& r : rows)
    measure(r);
  std::string out;
  auto line = [&](const row& r) {
    std::string text;
    for (size_t i = 0; i < r.size(); ++i) {
      text += r[i];
      if (i + 1 < r.size())
        text.append(width[i] - r[i].size() + 2, ' ');
    }
    while (!text.empty() && text.back() == ' ')
      text.pop_back();
    out += text + '\n';
  };
  line(header);
  for (auto& r : rows)
    line(r);
  return out;
}

const json::value* field(const json::value& v, const char* name) {
  if (!v.is_object())
    return nullptr;
  return v.get_object().if_contains(name);
}

std::string text_of(const json::value* v) {
  if (v == nullptr || v->is_null())
    return "-";
  if (v->is_string())
    return printable(std::string{v->get_string()});
  if (v->is_bool())
    return v->get_bool() ? "yes" : "no";
  if (v->is_int64())
    return std::to_string(v->get_int64());
  if (v->is_uint64())
    return std::to_string(v->get_uint64());
  if (v->is_double()) {
    char buf[64];
    std::snprintf(buf, sizeof buf, "%.3f", v->get_double());
    return buf;
  }
  return printable(json::serialize(*v));
}

std::string text_of(const json::value& v, const char* name) {
  return text_of(field(v, name));
}

/// A number of the document, or `fallback`.
double number(const json::value* v, double fallback = 0) {
  if (v == nullptr)
    return fallback;
  if (v->is_int64())
    return static_cast<double>(v->get_int64());
  if (v->is_uint64())
    return static_cast<double>(v->get_uint64());
  if (v->is_double())
    return v->get_double();
  return fallback;
}

/// "12.3 s", "450 ms", "-" for null.
std::string duration(const json::value* seconds) {
  if (seconds == nullptr || seconds->is_null())
    return "-";
  auto s = number(seconds);
  char buf[64];
  if (s < 1 && s > -1)
    std::snprintf(buf, sizeof buf, "%.0f ms", s * 1000);
  else if (s < 3600 && s > -3600)
    std::snprintf(buf, sizeof buf, "%.1f s", s);
  else if (s < 48 * 3600 && s > -48 * 3600)
    std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  else
    std::snprintf(buf, sizeof buf, "%.1f d", s / 86400);
  return buf;
}

/// Milliseconds since the Unix epoch as UTC: "2026-12-03 12:39:50.000"
/// (`with_date`) or "12:39:50.000"; "-" for null.
std::string utc(const json::value* ms, bool with_date) {
  if (ms == nullptr || ms->is_null())
    return "-";
  auto v = static_cast<int64_t>(number(ms));
  auto secs = static_cast<std::time_t>(v >= 0 ? v / 1000 : (v - 999) / 1000);
  std::tm tm{};
  if (gmtime_r(&secs, &tm) == nullptr)
    return std::to_string(v);
  char buf[64];
  std::strftime(buf, sizeof buf, with_date ? "%Y-%m-%d %H:%M:%S" : "%H:%M:%S",
                &tm);
  char out[80];
  std::snprintf(out, sizeof out, "%s.%03d", buf,
                static_cast<int>(((v % 1000) + 1000) % 1000));
  return out;
}

/// An event time next to the document's clock: the time of day when it
/// is the same UTC day, else with the date.
std::string utc_near(const json::value* ms, const json::value& status) {
  auto* process = field(status, "process");
  auto* now = process ? field(*process, "now_ms") : nullptr;
  if (ms == nullptr || ms->is_null() || now == nullptr)
    return utc(ms, true);
  auto day = [](double v) { return static_cast<int64_t>(v) / 86'400'000; };
  return utc(ms, day(number(ms)) != day(number(now)));
}

/// Node id -> up, from the document's cluster section.
bool node_down(const json::value& status, const std::string& node) {
  auto* cluster = field(status, "cluster");
  auto* nodes = cluster ? field(*cluster, "nodes") : nullptr;
  if (nodes == nullptr || !nodes->is_array())
    return false;
  for (auto& n : nodes->get_array())
    if (text_of(n, "node_id") == node) {
      auto* up = field(n, "up");
      return up != nullptr && up->is_bool() && !up->get_bool();
    }
  return false;
}

const json::array& array_of(const json::value& v, const char* name) {
  static const json::array empty;
  auto* a = field(v, name);
  return a != nullptr && a->is_array() ? a->get_array() : empty;
}

std::string roles(const json::value& v) {
  std::string out;
  for (auto& r : array_of(v, "roles"))
    out += (out.empty() ? "" : ",") + text_of(&r);
  return out.empty() ? "-" : out;
}

void header(std::ostringstream& out, const json::value& status,
            const std::string& source) {
  auto& process = *field(status, "process");
  auto id = text_of(process, "node_id");
  out << "crashwatch " << text_of(process, "command");
  if (id != "-" && !id.empty())
    out << " " << id;
  out << " (" << roles(process) << ") at " << printable(source) << ", up "
      << duration(field(process, "uptime_seconds")) << ", "
      << utc(field(process, "now_ms"), true) << " UTC\n";
}

void membership(std::ostringstream& out, const json::value& m) {
  auto* connected = field(m, "connected");
  bool in
      = connected != nullptr && connected->is_bool() && connected->get_bool();
  auto coordinator = text_of(m, "coordinator");
  out << "member of "
      << (coordinator == "" ? "a cluster" : "coordinator " + coordinator)
      << " at " << text_of(m, "join_address") << ": "
      << (in ? "joined" : "joining (not connected)") << " since "
      << utc(field(m, "since_ms"), false) << " UTC\n";
}

void cluster(std::ostringstream& out, const json::value& c) {
  auto& nodes = array_of(c, "nodes");
  auto down = std::count_if(nodes.begin(), nodes.end(), [](auto& n) {
    auto* up = field(n, "up");
    return up != nullptr && up->is_bool() && !up->get_bool();
  });
  out << "\ncluster: coordinator " << text_of(c, "coordinator") << ", epoch "
      << text_of(c, "epoch") << ", " << nodes.size() << " nodes, " << down
      << " down\n";
  if (text_of(c, "state") == "waiting")
    out << "epoch stopped: waiting for every node to be back, then on from "
           "the newest committed checkpoint (figures below are from before)\n";
  out << '\n';
  std::vector<row> rows;
  for (auto& n : nodes) {
    auto* up = field(n, "up");
    bool is_up = up != nullptr && up->is_bool() && up->get_bool();
    rows.push_back({text_of(n, "node_id"), roles(n), text_of(n, "address"),
                    text_of(n, "epoch"), is_up ? "up" : "DOWN"});
  }
  out << table({"NODE", "ROLES", "ADDRESS", "EPOCH", "STATE"}, rows);
}

void partitions(std::ostringstream& out, const json::value& status) {
  auto& parts = array_of(status, "partitions");
  out << '\n';
  if (parts.empty()) {
    out << "partitions: none reported yet\n";
    return;
  }
  std::vector<row> rows;
  for (auto& p : parts) {
    auto node = text_of(p, "node");
    auto state = text_of(p, "state");
    if (node_down(status, node))
      state = "node down";
    // The end is Kafka's high watermark as librdkafka last reported it (once
    // a second): the reader may have read past it since. It is at least
    // the read position.
    auto* offset = field(p, "offset");
    auto* end = field(p, "end_offset");
    json::value shown_end = nullptr;
    if (end != nullptr && !end->is_null())
      shown_end = std::max(number(end), number(offset));
    auto end_text
        = shown_end.is_null()
              ? std::string{"-"}
              : std::to_string(static_cast<int64_t>(shown_end.get_double()));
    rows.push_back({text_of(p, "partition"), text_of(p, "source"),
                    node.empty() ? "-" : node, text_of(offset), end_text,
                    text_of(p, "lag_records"),
                    utc_near(field(p, "watermark_ms"), status),
                    duration(field(p, "watermark_lag_seconds")), state,
                    text_of(p, "records_read"), text_of(p, "late"),
                    text_of(p, "malformed"), text_of(p, "credits_waiting")});
  }
  out << table({"PARTITION", "SOURCE", "NODE", "OFFSET", "END", "LAG",
                "WATERMARK", "WM-LAG", "STATE", "READ", "LATE", "MALFORMED",
                "WAITING"},
               rows);
}

void shards(std::ostringstream& out, const json::value& status) {
  auto& list = array_of(status, "shards");
  out << '\n';
  if (list.empty()) {
    out << "shards: none reported yet\n";
    return;
  }
  std::vector<row> rows;
  for (auto& s : list) {
    auto node = text_of(s, "node");
    rows.push_back({text_of(s, "shard"), node.empty() ? "-" : node,
                    node_down(status, node) ? "node down" : "up",
                    text_of(s, "open_windows"), text_of(s, "open_keys"),
                    text_of(s, "mailbox"), text_of(s, "batches"),
                    duration(field(s, "busy_seconds"))});
  }
  out << table({"SHARD", "NODE", "STATE", "WINDOWS", "KEYS", "MAILBOX",
                "BATCHES", "BUSY"},
               rows);
}

void sink(std::ostringstream& out, const json::value& status) {
  auto* k = field(status, "sink");
  if (k == nullptr || !k->is_object())
    return;
  out << "\nsink: " << text_of(*k, "messages") << " messages handled, busy "
      << duration(field(*k, "busy_seconds")) << ", mailbox "
      << text_of(*k, "mailbox") << '\n';
}

void checkpoints(std::ostringstream& out, const json::value& status) {
  auto* c = field(status, "checkpoints");
  if (field(status, "sink") == nullptr)
    out << '\n';
  if (c == nullptr || c->is_null()) {
    out << "checkpoints: off (no --data-dir)\n";
    return;
  }
  auto* last = field(*c, "last_id");
  if (last == nullptr || last->is_null()) {
    out << "checkpoints: none committed yet\n";
    return;
  }
  auto& recent = array_of(*c, "recent");
  std::vector<double> took;
  for (auto& r : recent)
    took.push_back(number(field(r, "duration_seconds")));
  std::sort(took.begin(), took.end());
  out << "checkpoint " << text_of(last) << " committed "
      << duration(field(*c, "age_seconds")) << " ago";
  if (!recent.empty()) {
    out << ", took " << duration(field(recent.back(), "duration_seconds"));
    json::value median = took[took.size() / 2];
    json::value max = took.back();
    out << " (last " << recent.size() << ": median " << duration(&median)
        << ", max " << duration(&max) << ")";
  }
  out << '\n';
}

void restore(std::ostringstream& out, const json::value& status) {
  auto* c = field(status, "checkpoints");
  auto* r = c != nullptr ? field(*c, "restore") : nullptr;
  if (r == nullptr || !r->is_object())
    return;
  out << "restored from checkpoint " << text_of(*r, "from") << " in "
      << duration(field(*r, "seconds")) << " at "
      << utc_near(field(*r, "finished_ms"), status) << " UTC\n";
}

void totals(std::ostringstream& out, const json::value& status) {
  auto* t = field(status, "totals");
  auto* wm = field(status, "watermark");
  if (t == nullptr || wm == nullptr)
    return;
  out << "records: " << text_of(*t, "records_read") << " read, "
      << text_of(*t, "records_matched") << " matched, " << text_of(*t, "late")
      << " late, " << text_of(*t, "malformed") << " malformed; watermark "
      << utc_near(field(*wm, "global_ms"), status) << " ("
      << duration(field(*wm, "lag_seconds")) << " behind)\n";
}

void alerts(std::ostringstream& out, const json::value& status) {
  auto* a = field(status, "alerts");
  if (a == nullptr)
    return;
  auto& latest = array_of(*a, "latest");
  out << "alerts: " << text_of(*a, "emitted") << " emitted";
  if (latest.empty()) {
    out << '\n';
    return;
  }
  out << "; latest:\n";
  std::vector<row> rows;
  // Newest first, at most 5.
  auto n = std::min<size_t>(latest.size(), 5);
  for (size_t i = 0; i < n; ++i) {
    auto& x = latest[latest.size() - 1 - i];
    rows.push_back({"  " + utc_near(field(x, "window_start_ms"), status),
                    utc_near(field(x, "window_end_ms"), status),
                    text_of(x, "user_id"), text_of(x, "crash_count")});
  }
  out << table({"  WINDOW START", "WINDOW END", "USER", "CRASHES"}, rows);
}

} // namespace

std::string printable(const std::string& text) {
  std::string out;
  out.reserve(text.size());
  for (unsigned char c : text) {
    if (c < 0x20 || c == 0x7f) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\x%02x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string render_status(const json::value& status,
                          const std::string& source) {
  std::ostringstream out;
  auto* process = field(status, "process");
  if (process == nullptr || !process->is_object())
    return "not a crashwatch /status document (no \"process\")\n";
  header(out, status, source);
  if (auto* m = field(status, "membership"); m != nullptr && m->is_object()) {
    membership(out, *m);
    return out.str();
  }
  if (auto* c = field(status, "cluster"); c != nullptr && c->is_object())
    cluster(out, *c);
  partitions(out, status);
  shards(out, status);
  sink(out, status);
  checkpoints(out, status);
  restore(out, status);
  totals(out, status);
  alerts(out, status);
  return out.str();
}

} // namespace crashwatch
