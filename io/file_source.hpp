// A JSON Lines file, or stdin, as a record source: one line = one record,
// the offset of a record is the byte offset of its line in the file. A file
// (not stdin or a pipe) can be opened at a line start remembered by a
// checkpoint, to resume after a restart; offsets stay absolute.
//
// A regular file given by name is mapped into memory (mmap) in windows of
// `map_window` bytes, and records point straight into the mapping: no copy
// by read(). stdin and everything that is not a regular file (pipes, FIFOs,
// terminals) are read with read() into a buffer.
#pragma once

#include <memory>
#include <string>

#include "io/record_source.hpp"

namespace crashwatch {

/// Reads lines from a file descriptor in chunks.
class file_source : public record_source {
 public:
  /// The default size of the window of a regular file mapped at a time.
  static constexpr size_t default_map_window = 16 << 20;

  /// Opens `path` ("-" = stdin) and starts reading at byte `start_offset`
  /// (a resume_offset() of an earlier run). Fails with a message naming the
  /// file when it cannot be opened, or when `start_offset` > 0 and the file
  /// is stdin or a pipe, is shorter than `start_offset`, or has no line
  /// start there (the file changed since the offset was taken). Each poll()
  /// hands out the lines that end in the next `chunk_bytes` (at least one
  /// line). A regular file is mapped `map_window` bytes at a time (more
  /// when one line is longer); 0 reads it with read() like a pipe.
  static caf::expected<std::unique_ptr<file_source>>
  open(const std::string& path, size_t chunk_bytes, uint64_t start_offset = 0,
       size_t map_window = default_map_window);

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

  /// Whether the file is read through a mapping (else with read()).
  bool mapped() const { return map_window_ > 0; }

 private:
  file_source(int fd, std::string path, size_t chunk_bytes,
              uint64_t start_offset, size_t map_window);

  caf::expected<poll_status> poll_read(std::vector<source_record>& out);
  caf::expected<poll_status> poll_mapped(std::vector<source_record>& out);
  /// Maps the file so that [begin, end) is inside the mapping.
  caf::error map_range(uint64_t begin, uint64_t end);
  /// Reads the file's size again (it may have grown).
  caf::error refresh_size();
  void unmap();

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
  /// File offset where reading started.
  uint64_t start_offset_ = 0;
  bool eof_ = false;
  bool is_stdin_ = false;
  /// Mapped reading (0: read()); see open().
  size_t map_window_ = 0;
  /// The mapping: file bytes [map_offset_, map_offset_ + map_size_).
  const char* map_ = nullptr;
  size_t map_size_ = 0;
  uint64_t map_offset_ = 0;
  /// The file's size when last looked at (mapped reading).
  uint64_t file_size_ = 0;
};

} // namespace crashwatch
