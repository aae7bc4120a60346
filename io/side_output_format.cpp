#include "io/side_output_format.hpp"

#include "io/json_escape.hpp"

namespace crashwatch {

const char* to_string(late_reason reason) {
  return reason == late_reason::behind_watermark ? "behind_watermark"
                                                 : "window_emitted";
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
  // A JSON string cannot hold bytes that are not UTF-8: such records travel
  // as base64, so the dead-letter line stays valid JSON and nothing is lost.
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

} // namespace crashwatch
