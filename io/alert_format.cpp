#include "io/alert_format.hpp"

#include <algorithm>
#include <array>

#include "core/event_time.hpp"
#include "io/json_line.hpp"

namespace crashwatch {

void append_alert_jsonl(std::string& out, const alert& a) {
  json_line{out}
      .field("window_start", format_iso_utc(a.window_start))
      .field("window_end", format_iso_utc(a.window_end))
      .field("window_start_ms", a.window_start.value)
      .field("window_end_ms", a.window_end.value)
      .field("user_id", a.user_id)
      .field("crash_count", a.crash_count)
      .field("final", a.final)
      .end();
}

namespace {

void append_padded(std::string& out, const std::string& cell, size_t width) {
  out += '|';
  out += cell;
  out.append(width - cell.size(), ' ');
}

void append_rule(std::string& out, const size_t (&widths)[3]) {
  for (auto w : widths) {
    out += '+';
    out.append(w, '-');
  }
  out += "+\n";
}

} // namespace

void append_console_batch(std::string& out, uint64_t batch,
                          const std::vector<alert>& alerts, bool early) {
  std::vector<std::array<std::string, 3>> rows;
  rows.reserve(alerts.size() + 1);
  rows.push_back({"Interval", "user_id", "crash_count"});
  for (auto& a : alerts)
    rows.push_back({"{" + format_console_time(a.window_start) + ", "
                        + format_console_time(a.window_end) + "}",
                    a.user_id, std::to_string(a.crash_count)});
  size_t widths[3] = {0, 0, 0};
  for (auto& row : rows)
    for (size_t i = 0; i < 3; ++i)
      widths[i] = std::max(widths[i], row[i].size());
  out += "-------------------------------------------\n";
  out += "Batch: " + std::to_string(batch) + (early ? " (early)\n" : "\n");
  out += "-------------------------------------------\n";
  append_rule(out, widths);
  for (size_t r = 0; r < rows.size(); ++r) {
    for (size_t i = 0; i < 3; ++i)
      append_padded(out, rows[r][i], widths[i]);
    out += "|\n";
    if (r == 0)
      append_rule(out, widths);
  }
  append_rule(out, widths);
  out += '\n';
}

} // namespace crashwatch
