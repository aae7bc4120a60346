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

/// `text` as a console cell: control characters (C0, DEL, and C1 as UTF-8,
/// U+0080-U+009F) become \uXXXX and a backslash becomes \\, so that a
/// user_id can neither send a terminal escape sequence to the operator's
/// terminal nor break a row with a newline, and every cell still reads back
/// to exactly one id (docs/OPERATING.md, "Console output").
std::string console_cell(const std::string& text) {
  static constexpr char hex[] = "0123456789abcdef";
  auto escape = [](std::string& out, unsigned code) {
    out += "\\u00";
    out += hex[code >> 4];
    out += hex[code & 0xf];
  };
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    auto c = static_cast<unsigned char>(text[i]);
    if (c < 0x20 || c == 0x7f) {
      escape(out, c);
    } else if (c == '\\') {
      out += "\\\\";
    } else if (c == 0xc2 && i + 1 < text.size()
               && static_cast<unsigned char>(text[i + 1]) >= 0x80
               && static_cast<unsigned char>(text[i + 1]) <= 0x9f) {
      escape(out, static_cast<unsigned char>(text[++i]));
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

/// Columns `cell` takes on a terminal: one per UTF-8 code point (its
/// continuation bytes take none).
size_t columns(const std::string& cell) {
  return static_cast<size_t>(
      std::count_if(cell.begin(), cell.end(), [](char c) {
        return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
      }));
}

void append_padded(std::string& out, const std::string& cell, size_t width) {
  out += '|';
  out += cell;
  out.append(width - columns(cell), ' ');
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
                    console_cell(a.user_id), std::to_string(a.crash_count)});
  size_t widths[3] = {0, 0, 0};
  for (auto& row : rows)
    for (size_t i = 0; i < 3; ++i)
      widths[i] = std::max(widths[i], columns(row[i]));
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
