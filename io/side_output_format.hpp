// The JSON Lines formats of the late output and the dead-letter output.
#pragma once

#include <string>

#include "messages/side_output.hpp"

namespace crashwatch {

/// {"partition":0,"offset":1234,"event_time_ms":...,"window_start_ms":...,
///  "window_end_ms":...,"watermark_ms":...,"user_id":"...",
///  "reason":"behind_watermark"} and a newline.
void append_late_jsonl(std::string& out, const late_record& r);

/// {"partition":0,"offset":1234,"reason":"invalid JSON","record":"<raw>"}
/// and a newline; a raw record that is not valid UTF-8 is written as
/// "record_base64":"<base64 of the raw bytes>" instead of "record".
void append_dead_letter_jsonl(std::string& out, const dead_letter& d);

/// "behind_watermark" or "window_emitted".
const char* to_string(late_reason reason);

} // namespace crashwatch
