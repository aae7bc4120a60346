#include "io/side_output_format.hpp"

#include "io/json_line.hpp"
#include "io/utf8.hpp"

namespace crashwatch {

const char* to_string(late_reason reason) {
  return reason == late_reason::behind_watermark ? "behind_watermark"
                                                 : "window_emitted";
}

void append_late_jsonl(std::string& out, const late_record& r) {
  json_line{out}
      .field("partition", r.partition.value)
      .field("offset", r.offset.value)
      .field("event_time_ms", r.time.value)
      .field("window_start_ms", r.window_start.value)
      .field("window_end_ms", r.window_end.value)
      .field("watermark_ms", r.watermark.value)
      .field("user_id", r.user_id)
      .field("reason", to_string(r.reason))
      .end();
}

void append_dead_letter_jsonl(std::string& out, const dead_letter& d) {
  json_line line{out};
  line.field("partition", d.partition.value)
      .field("offset", d.offset.value)
      .field("reason", d.reason);
  // A JSON string cannot hold bytes that are not UTF-8: such records travel
  // as base64, so the dead-letter line stays valid JSON and nothing is lost.
  if (is_valid_utf8(d.record))
    line.field("record", d.record);
  else
    line.base64_field("record_base64", d.record);
  line.end();
}

} // namespace crashwatch
