// A JSON Lines file, or stdin, as a record source: one line = one record,
// the offset of a record is the byte offset of its line in the file. A file
// (not stdin or a pipe) can be opened at a line start remembered by a
// checkpoint, to resume after a restart; offsets stay absolute.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "io/record_source.hpp"

namespace crashwatch {

/// Reads lines from a file descriptor in chunks.
class file_source : public record_source {
 public:
  /// Opens `path` ("-" = stdin) and starts reading at byte `start_offset`
  /// (a resume_offset() of an earlier run). Fails with a message naming the
  /// file when it cannot be opened, or when `start_offset` > 0 and the file
  /// is stdin or a pipe, is shorter than `start_offset`, or has no line
  /// start there (the file changed since the offset was taken).
  /// A line longer than `max_record_bytes` is handed out as oversized (its
  /// length and first bytes), and never held whole.
  static caf::expected<std::unique_ptr<file_source>>
  open(const std::string& path, size_t chunk_bytes, uint64_t start_offset = 0,
       uint64_t max_record_bytes = uint64_t{1} << 20);

  ~file_source() override;

  caf::expected<poll_status> poll(std::vector<source_record>& out) override;

  /// Bytes handed out by this object (from the start offset on).
  uint64_t bytes_read() const override { return consumed_; }

  /// The start offset plus every byte handed out: the start of the first
  /// line not handed out yet.
  record_offset resume_offset() const override {
    return record_offset{static_cast<int64_t>(start_offset_ + consumed_)};
  }

  std::string describe() const override;

 private:
  file_source(int fd, std::string path, size_t chunk_bytes,
              uint64_t start_offset, uint64_t max_record_bytes);

  /// Appends the line at file offset `offset` (`length` bytes, `line` its
  /// bytes or, for a line over the limit, at least its first bytes), without
  /// a leading byte order mark.
  void hand_out(std::vector<source_record>& out, uint64_t offset,
                std::string_view line, uint64_t length);

  int fd_;
  std::string path_;
  /// Holds the chunk being handed out; the partial last line of a chunk is
  /// moved to the front before the next read.
  std::string buffer_;
  size_t chunk_bytes_;
  uint64_t max_record_bytes_;
  /// Bytes of buffer_ still owned by records handed out last poll.
  size_t handed_out_ = 0;
  /// Bytes of buffer_ holding data (complete lines + a partial one).
  size_t filled_ = 0;
  /// File offset of buffer_[0].
  uint64_t base_offset_ = 0;
  /// Bytes handed out as records (including their newlines).
  uint64_t consumed_ = 0;
  /// File offset where reading started.
  uint64_t start_offset_ = 0;
  bool eof_ = false;
  bool is_stdin_ = false;
  /// Dropping the rest of a line over max_record_bytes_, which starts at
  /// skip_offset_ with skip_prefix_; skip_length_ bytes of it seen so far,
  /// skip_dropped_ of them dropped (not handed out yet: a checkpoint still
  /// resumes at the line's start).
  bool skipping_ = false;
  uint64_t skip_offset_ = 0;
  std::string skip_prefix_;
  uint64_t skip_length_ = 0;
  uint64_t skip_dropped_ = 0;
};

} // namespace crashwatch
