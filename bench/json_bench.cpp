// How fast the JSON Lines outputs are written (issue 9): the late line, the
// alert line and the dead-letter line, each written by
//
//   before     the code before issue 9 (hand-concatenated objects, the old
//              escaper), copied here verbatim as the baseline;
//   json_line  io/json_line: the one writer, with its hand-written escaper
//              (what append_late_jsonl & co. use now);
//   bj_object  a boost::json::object per line and boost::json::serialize().
//
// Two more variants decided the escaper (bench/results/json.md): json_line
// with strings (bj_string) or strings and numbers (bj_all) written by
// boost::json::serializer. They were copies of json_line, so they are no
// longer built; `git show 4b498c2:bench/json_bench.cpp` has them.
//
// All variants of one line kind run interleaved in each repetition (this
// machine drifts by +-30% from minute to minute); the figures are medians of
// the repetitions, best in brackets. Before timing, every variant's output
// is compared with json_line's: it must be byte-identical, except that
// Boost.JSON writes 0x08 and 0x0C as \b and \f where crashwatch writes
// \u0008 and \u000c (the number of lines that differ only so is printed).
//
// Usage: json_bench [--lines N] [--reps R]   (defaults 1000000 lines, 7 reps)
// Prints a Markdown table. json_bench --only KIND/WRITER [--lines N] writes
// N lines with one writer (KIND late, alert or dead; WRITER as above), e.g.
// under valgrind to count instructions per line.
#include <algorithm>
#include <charconv>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include <boost/json.hpp>

#include "core/event_time.hpp"
#include "io/alert_format.hpp"
#include "io/base64.hpp"
#include "io/side_output_format.hpp"
#include "io/utf8.hpp"

using namespace crashwatch;
namespace bj = boost::json;

namespace {

// -- before: the code before issue 9, verbatim --------------------------------

namespace before {

void append_json_string(std::string& out, std::string_view text) {
  static constexpr char hex[] = "0123456789abcdef";
  out += '"';
  for (char ch : text) {
    auto c = static_cast<unsigned char>(ch);
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\r':
      out += "\\r";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xF];
      } else {
        out += ch;
      }
    }
  }
  out += '"';
}

bool is_valid_utf8(std::string_view text) {
  auto* p = reinterpret_cast<const unsigned char*>(text.data());
  auto* end = p + text.size();
  while (p < end) {
    unsigned c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    size_t len;
    unsigned min;
    if ((c & 0xE0) == 0xC0) {
      len = 2, min = 0x80, c &= 0x1F;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, min = 0x800, c &= 0x0F;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, min = 0x10000, c &= 0x07;
    } else {
      return false;
    }
    if (static_cast<size_t>(end - p) < len)
      return false;
    for (size_t i = 1; i < len; ++i) {
      if ((p[i] & 0xC0) != 0x80)
        return false;
      c = (c << 6) | (p[i] & 0x3F);
    }
    if (c < min || c > 0x10FFFF || (c >= 0xD800 && c <= 0xDFFF))
      return false;
    p += len;
  }
  return true;
}

void append_base64(std::string& out, std::string_view text) {
  static constexpr char alphabet[]
      = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  auto* p = reinterpret_cast<const unsigned char*>(text.data());
  size_t n = text.size();
  size_t i = 0;
  for (; i + 2 < n; i += 3) {
    unsigned v = (p[i] << 16) | (p[i + 1] << 8) | p[i + 2];
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += alphabet[v & 63];
  }
  if (i + 1 == n) {
    unsigned v = p[i] << 16;
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += "==";
  } else if (i + 2 == n) {
    unsigned v = (p[i] << 16) | (p[i + 1] << 8);
    out += alphabet[v >> 18];
    out += alphabet[(v >> 12) & 63];
    out += alphabet[(v >> 6) & 63];
    out += '=';
  }
}

void append_alert_jsonl(std::string& out, const alert& a) {
  out += "{\"window_start\":\"";
  out += format_iso_utc(a.window_start);
  out += "\",\"window_end\":\"";
  out += format_iso_utc(a.window_end);
  out += "\",\"window_start_ms\":";
  out += std::to_string(a.window_start.value);
  out += ",\"window_end_ms\":";
  out += std::to_string(a.window_end.value);
  out += ",\"user_id\":";
  append_json_string(out, a.user_id);
  out += ",\"crash_count\":";
  out += std::to_string(a.crash_count);
  out += a.final ? ",\"final\":true}\n" : ",\"final\":false}\n";
}

void append_late_jsonl(std::string& out, const late_record& r) {
  out += "{\"partition\":";
  out += std::to_string(r.partition.value);
  out += ",\"offset\":";
  out += std::to_string(r.offset.value);
  out += ",\"event_time_ms\":";
  out += std::to_string(r.time.value);
  out += ",\"window_start_ms\":";
  out += std::to_string(r.window_start.value);
  out += ",\"window_end_ms\":";
  out += std::to_string(r.window_end.value);
  out += ",\"watermark_ms\":";
  out += std::to_string(r.watermark.value);
  out += ",\"user_id\":";
  append_json_string(out, r.user_id);
  out += ",\"reason\":\"";
  out += to_string(r.reason);
  out += "\"}\n";
}

void append_dead_letter_jsonl(std::string& out, const dead_letter& d) {
  out += "{\"partition\":";
  out += std::to_string(d.partition.value);
  out += ",\"offset\":";
  out += std::to_string(d.offset.value);
  out += ",\"reason\":";
  append_json_string(out, d.reason);
  if (is_valid_utf8(d.record)) {
    out += ",\"record\":";
    append_json_string(out, d.record);
  } else {
    out += ",\"record_base64\":\"";
    append_base64(out, d.record);
    out += '"';
  }
  out += "}\n";
}

} // namespace before

// -- bj_object: a DOM per line
// -------------------------------------------------

void object_late(std::string& out, const late_record& r) {
  bj::object o;
  o.emplace("partition", r.partition.value);
  o.emplace("offset", r.offset.value);
  o.emplace("event_time_ms", r.time.value);
  o.emplace("window_start_ms", r.window_start.value);
  o.emplace("window_end_ms", r.window_end.value);
  o.emplace("watermark_ms", r.watermark.value);
  o.emplace("user_id", r.user_id);
  o.emplace("reason", to_string(r.reason));
  out += bj::serialize(o);
  out += '\n';
}

void object_alert(std::string& out, const alert& a) {
  bj::object o;
  o.emplace("window_start", format_iso_utc(a.window_start));
  o.emplace("window_end", format_iso_utc(a.window_end));
  o.emplace("window_start_ms", a.window_start.value);
  o.emplace("window_end_ms", a.window_end.value);
  o.emplace("user_id", a.user_id);
  o.emplace("crash_count", a.crash_count);
  o.emplace("final", a.final);
  out += bj::serialize(o);
  out += '\n';
}

void object_dead(std::string& out, const dead_letter& d) {
  bj::object o;
  o.emplace("partition", d.partition.value);
  o.emplace("offset", d.offset.value);
  o.emplace("reason", d.reason);
  if (is_valid_utf8(d.record)) {
    o.emplace("record", d.record);
  } else {
    std::string b64;
    append_base64(b64, d.record);
    o.emplace("record_base64", b64);
  }
  out += bj::serialize(o);
  out += '\n';
}

// -- realistic content
// ---------------------------------------------------------

constexpr int64_t start_ms = 1768917180000; // 2026-01-20T13:53:00Z

std::string user(std::mt19937_64& rng) {
  return "user_" + std::to_string(1000 + rng() % 1000);
}

std::vector<late_record> make_late(size_t n) {
  std::mt19937_64 rng{1};
  std::vector<late_record> v;
  for (size_t i = 0; i < n; ++i) {
    int64_t t = start_ms + static_cast<int64_t>(rng() % 3'600'000);
    int64_t ws = t / 10'000 * 10'000;
    v.push_back({partition_id{static_cast<int32_t>(rng() % 8)},
                 record_offset{static_cast<int64_t>(rng() % 1'600'000'000)},
                 event_time{t}, event_time{ws}, event_time{ws + 10'000},
                 event_time{ws + 10'000 + static_cast<int64_t>(rng() % 90'000)},
                 user(rng),
                 rng() % 50 == 0 ? late_reason::window_emitted
                                 : late_reason::behind_watermark});
  }
  return v;
}

std::vector<alert> make_alerts(size_t n) {
  std::mt19937_64 rng{2};
  std::vector<alert> v;
  for (size_t i = 0; i < n; ++i) {
    int64_t ws = start_ms + static_cast<int64_t>(rng() % 360) * 10'000;
    v.push_back({event_time{ws}, event_time{ws + 10'000}, user(rng),
                 3 + rng() % 20, true});
  }
  return v;
}

/// Malformed records like `crashwatch generate --malformed-fraction`'s (JSON
/// with many quotes, ~160 bytes), and some worse: control bytes, escapes,
/// backslashes, non-ASCII text, now and then bytes that are not UTF-8.
std::vector<dead_letter> make_dead(size_t n) {
  std::mt19937_64 rng{3};
  static const char* reasons[]
      = {"invalid JSON",      "not a JSON object",      "missing timestamp",
         "invalid timestamp", "timestamp out of range", "missing user_id"};
  static const char* contents[] = {
      "Application CRASHED", "App crash detected",          "Payment timeout",
      "User login",          "Cache miss on /api/v2/items", "Critical failure"};
  std::vector<dead_letter> v;
  for (size_t i = 0; i < n; ++i) {
    int64_t t = start_ms + static_cast<int64_t>(rng() % 3'600'000);
    std::string ip = "10." + std::to_string(rng() % 4) + "."
                     + std::to_string(rng() % 256) + "."
                     + std::to_string(rng() % 256);
    std::string rec = "{\"timestamp\": " + std::to_string(t)
                      + ", \"status\": \"ERROR\", \"severity\": \"Critical\", "
                        "\"source_ip\": \""
                      + ip + "\", \"user_id\": \"" + user(rng)
                      + "\", \"content\": \"" + contents[rng() % 6] + "\"}";
    switch (rng() % 16) {
    case 0: // a raw tab and a raw control byte
      rec.insert(rec.size() - 3, "\t\x01 at\tstep");
      break;
    case 1: // backspace, form feed, ESC (terminal colors)
      rec.insert(rec.size() - 3, "\x08\x0c \x1b[31mred\x1b[0m");
      break;
    case 2: // JSON escapes and a Windows path
      rec.insert(rec.size() - 3, " \\\"C:\\\\temp\\\\x\\\" \\u00e9");
      break;
    case 3: // non-ASCII text
      rec.insert(rec.size() - 3,
                 " \xc3\xa9t\xc3\xa9 \xe2\x82\xac 5 \xf0\x9f\x92\xa5");
      break;
    case 4: // not UTF-8: goes out as base64
      rec.insert(rec.size() - 3, " caf\xe9");
      break;
    default:
      break;
    }
    if (rng() % 3 == 0) // truncated, as a cut-off line
      rec.resize(rec.size() - rng() % 40);
    v.push_back({partition_id{static_cast<int32_t>(rng() % 8)},
                 record_offset{static_cast<int64_t>(rng() % 1'600'000'000)},
                 reasons[rng() % 6], rec});
  }
  return v;
}

// -- timing ----------------------------------------------------------------

template <class Item>
struct variant {
  const char* name;
  void (*write)(std::string&, const Item&);
  std::vector<double> ns_per_line;
};

/// Writes `lines` lines cycling through `items`, into a buffer cleared every
/// 1000 lines (the sink writes its batches that way); returns ns per line.
template <class Item>
double time_one(void (*write)(std::string&, const Item&),
                const std::vector<Item>& items, size_t lines, size_t& sink) {
  std::string out;
  out.reserve(1 << 20);
  auto t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < lines; ++i) {
    write(out, items[i % items.size()]);
    if (i % 1000 == 999) {
      sink += out.size();
      out.clear();
    }
  }
  sink += out.size();
  auto t1 = std::chrono::steady_clock::now();
  return std::chrono::duration<double, std::nano>(t1 - t0).count()
         / static_cast<double>(lines);
}

/// Same bytes as json_line, after mapping Boost's \b and \f to \u0008 and
/// \u000c? Returns the number of lines that differ only so; exits on any
/// other difference.
template <class Item>
size_t check(const char* kind, variant<Item>& v,
             void (*reference)(std::string&, const Item&),
             const std::vector<Item>& items) {
  size_t differ = 0;
  for (auto& item : items) {
    std::string want, got;
    reference(want, item);
    v.write(got, item);
    if (got == want)
      continue;
    std::string mapped;
    for (size_t i = 0; i < got.size(); ++i) {
      if (got[i] == '\\' && i + 1 < got.size()
          && (got[i + 1] == 'b' || got[i + 1] == 'f')) {
        mapped += got[i + 1] == 'b' ? "\\u0008" : "\\u000c";
        ++i;
      } else if (got[i] == '\\' && i + 1 < got.size()) {
        mapped += got[i];
        mapped += got[++i];
      } else {
        mapped += got[i];
      }
    }
    if (mapped != want) {
      std::fprintf(stderr, "%s, %s: output differs\n want %s got  %s", kind,
                   v.name, want.c_str(), got.c_str());
      std::exit(1);
    }
    ++differ;
  }
  return differ;
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

/// With --only KIND/WRITER (e.g. dead/json_line): just that one, once, for
/// counting instructions under valgrind (figures free of the machine's
/// drift).
const char* only = nullptr;

template <class Item>
void run(const char* kind, std::vector<variant<Item>> variants,
         const std::vector<Item>& items, size_t lines, int reps) {
  if (only != nullptr) {
    std::string_view first_word{kind, std::strcspn(kind, " ")};
    for (auto& v : variants)
      if (std::string(first_word) + "/" + v.name == only) {
        size_t sink = 0;
        std::printf("%s: %.1f ns/line, %zu bytes\n", only,
                    time_one(v.write, items, lines, sink), sink);
      }
    return;
  }
  auto reference = variants[1].write; // json_line
  std::vector<size_t> differ;
  for (auto& v : variants)
    differ.push_back(check(kind, v, reference, items));
  size_t sink = 0;
  for (int r = 0; r < reps; ++r)
    for (size_t k = 0; k < variants.size(); ++k) {
      // Rotate the order, so that no variant always runs first.
      auto& v = variants[(k + static_cast<size_t>(r)) % variants.size()];
      v.ns_per_line.push_back(time_one(v.write, items, lines, sink));
    }
  double base = median(variants[0].ns_per_line);
  for (size_t k = 0; k < variants.size(); ++k) {
    auto& v = variants[k];
    double med = median(v.ns_per_line);
    double best = *std::min_element(v.ns_per_line.begin(), v.ns_per_line.end());
    std::printf("| %s | %s | %.1f ns (%.1f) | %.2f M lines/s (%.2f) | %+.0f%% "
                "| %zu of %zu |\n",
                kind, v.name, med, best, 1e3 / med, 1e3 / best,
                100.0 * (base / med - 1.0), differ[k], items.size());
  }
  if (sink == 42)
    std::puts(""); // keeps the writes observable
}

} // namespace

int main(int argc, char** argv) {
  size_t lines = 1'000'000;
  int reps = 7;
  for (int i = 1; i + 1 < argc; i += 2) {
    if (std::strcmp(argv[i], "--lines") == 0)
      lines = std::strtoull(argv[i + 1], nullptr, 10);
    else if (std::strcmp(argv[i], "--reps") == 0)
      reps = std::atoi(argv[i + 1]);
    else if (std::strcmp(argv[i], "--only") == 0)
      only = argv[i + 1];
  }
  constexpr size_t distinct = 4096;
  auto late = make_late(distinct);
  auto alerts = make_alerts(distinct);
  auto dead = make_dead(distinct);
  double dead_bytes = 0;
  for (auto& d : dead)
    dead_bytes += static_cast<double>(d.record.size());
  if (only == nullptr)
    std::printf("%zu lines per timing, %d repetitions, variants interleaved; "
                "%zu distinct items per kind (dead-letter records: %.0f bytes "
                "on average)\n\n",
                lines, reps, distinct, dead_bytes / distinct);
  if (only == nullptr)
    std::printf(
        "| line | writer | ns/line, median (best) | rate, median (best) "
        "| vs. before | lines with \\b \\f |\n");
  if (only == nullptr)
    std::printf("|---|---|---|---|---|---|\n");
  run<late_record>("late",
                   {{"before", before::append_late_jsonl, {}},
                    {"json_line", append_late_jsonl, {}},
                    {"bj_object", object_late, {}}},
                   late, lines, reps);
  run<alert>("alert",
             {{"before", before::append_alert_jsonl, {}},
              {"json_line", append_alert_jsonl, {}},
              {"bj_object", object_alert, {}}},
             alerts, lines, reps);
  run<dead_letter>("dead letter",
                   {{"before", before::append_dead_letter_jsonl, {}},
                    {"json_line", append_dead_letter_jsonl, {}},
                    {"bj_object", object_dead, {}}},
                   dead, lines, reps);
  return 0;
}
