// Input records for tests that feed real readers: each line the test writes
// comes with what it is (crash of a user at a time, other record, blank,
// malformed), so that a test computes what the pipeline must make of it on
// its own, without the parser or the reader.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/malformed_reason.hpp"
#include "core/record.hpp"

namespace crashwatch::test {

/// One line of an input file and what SPEC.md makes of it.
struct input_record {
  record_kind kind;
  std::string text;
  /// Crashes: the user (unescaped).
  std::string user;
  /// Crashes and other records: the event time, ms since the epoch.
  int64_t time = 0;
  /// Malformed records: the dead-letter reason (core/malformed_reason.hpp).
  const char* reason = nullptr;
};

/// `text` as a JSON string literal (quotes and backslashes escaped; the
/// users of tests need no more).
inline std::string json_string(const std::string& text) {
  std::string out = "\"";
  for (char c : text) {
    if (c == '"' || c == '\\')
      out += '\\';
    out += c;
  }
  return out + "\"";
}

/// A matching record: severity High, "crash" in its content.
inline input_record crash(const std::string& user, int64_t ms) {
  return {record_kind::crash,
          R"({"timestamp": )" + std::to_string(ms)
              + R"(, "status": "ERROR", "severity": "High", "user_id": )"
              + json_string(user) + R"(, "content": "App crash detected"})",
          user, ms, nullptr};
}

/// A well-formed record that does not match (severity Low): it only
/// advances its partition's clock.
inline input_record other(int64_t ms) {
  return {record_kind::other,
          R"({"timestamp": )" + std::to_string(ms)
              + R"(, "status": "OK", "severity": "Low", "user_id": "nobody", )"
                R"("content": "App crash detected"})",
          "", ms, nullptr};
}

/// An empty or whitespace-only line: skipped, counted as blank.
inline input_record blank(std::string spaces = "") {
  return {record_kind::blank, std::move(spaces), "", 0, nullptr};
}

/// Not JSON at all.
inline input_record not_json() {
  return {record_kind::malformed, "this is \"not\" JSON", "", 0,
          malformed_reason::invalid_json};
}

/// A matching record without a user_id.
inline input_record crash_without_user(int64_t ms) {
  return {record_kind::malformed,
          R"({"timestamp": )" + std::to_string(ms)
              + R"(, "severity": "Critical", "content": "crash"})",
          "", 0, malformed_reason::missing_user_id};
}

/// The lines of `records` as a file's content; the last line gets no
/// newline when `final_newline` is false. `offsets` receives the byte
/// offset of every record.
inline std::string file_content(const std::vector<input_record>& records,
                                std::vector<int64_t>& offsets,
                                bool final_newline = true) {
  std::string out;
  offsets.clear();
  for (size_t i = 0; i < records.size(); ++i) {
    offsets.push_back(static_cast<int64_t>(out.size()));
    out += records[i].text;
    if (final_newline || i + 1 < records.size())
      out += '\n';
  }
  return out;
}

/// Start of the tumbling window of `window_ms` holding `ms` (ms >= 0).
inline int64_t window_of(int64_t ms, int64_t window_ms) {
  return ms - ms % window_ms;
}

} // namespace crashwatch::test
