// A JSON Lines file, or stdin, as a record source: one line = one record,
// the offset of a record is the byte offset of its line in the file.
#pragma once

#include <memory>
#include <string>

#include "io/record_source.hpp"

namespace crashwatch {

/// Reads lines from a file descriptor in chunks.
class file_source : public record_source {
public:
  /// Opens `path` ("-" = stdin). Fails with a message naming the file.
  static caf::expected<std::unique_ptr<file_source>>
  open(const std::string& path, size_t chunk_bytes);

  ~file_source() override;

  caf::expected<poll_status> poll(std::vector<source_record>& out) override;

  uint64_t bytes_read() const override {
    return consumed_;
  }

  std::string describe() const override;

private:
  file_source(int fd, std::string path, size_t chunk_bytes);

  int fd_;
  std::string path_;
  /// Holds the chunk being handed out; the partial last line of a chunk is
  /// moved to the front before the next read.
  std::string buffer_;
  size_t chunk_bytes_;
  /// Bytes of buffer_ still owned by records handed out last poll.
  size_t handed_out_ = 0;
  /// Bytes of buffer_ holding data (complete lines + a partial one).
  size_t filled_ = 0;
  /// File offset of buffer_[0].
  uint64_t base_offset_ = 0;
  /// Bytes handed out as records (including their newlines).
  uint64_t consumed_ = 0;
  bool eof_ = false;
  bool is_stdin_ = false;
};

} // namespace crashwatch
