#include "io/file_source.hpp"

#include <cerrno>
#include <cstring>

#include <algorithm>

#include <fcntl.h>
#include <poll.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"

namespace crashwatch {

namespace {

caf::error io_error(const std::string& what) {
  return make_error(ec::input_error, what);
}

/// Checks that `fd` (the regular file `path`, of `size` bytes) can be read
/// from byte `start` > 0 on: a line must start there, else the file is not
/// the one the offset was taken from.
caf::error check_resume_point(int fd, const std::string& path, off_t size,
                              uint64_t start) {
  auto prefix = "cannot resume input " + path + " at byte "
                + std::to_string(start) + ": ";
  if (start > static_cast<uint64_t>(size))
    return io_error(prefix + "it has only " + std::to_string(size)
                    + " bytes (truncated or replaced since the checkpoint?)");
  // A last line without a newline ends the file: resuming at the very end
  // of an unchanged file is fine although no newline precedes it.
  if (start == static_cast<uint64_t>(size))
    return caf::none;
  char before = 0;
  ssize_t n;
  do {
    n = ::pread(fd, &before, 1, static_cast<off_t>(start - 1));
  } while (n < 0 && errno == EINTR);
  if (n < 0)
    return io_error("cannot read input " + path + ": " + std::strerror(errno));
  if (n != 1 || before != '\n')
    return io_error(prefix
                    + "that is not the start of a line (the file changed "
                      "since the checkpoint?)");
  return caf::none;
}

} // namespace

caf::expected<std::unique_ptr<file_source>>
file_source::open(const std::string& path, size_t chunk_bytes,
                  uint64_t start_offset, size_t map_window) {
  // What was read from stdin is gone: it cannot be read again from an
  // offset, even when it happens to be a redirected file (which one?).
  if (path == "-" && start_offset > 0)
    return io_error("cannot resume stdin at byte "
                    + std::to_string(start_offset)
                    + ": stdin cannot be read again; give the input as a "
                      "file to resume it");
  int fd = 0;
  if (path != "-") {
    fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
      return io_error("cannot open input " + path + ": "
                      + std::strerror(errno));
    struct stat st;
    if (::fstat(fd, &st) == 0 && S_ISDIR(st.st_mode)) {
      ::close(fd);
      return io_error("cannot read input " + path + ": is a directory");
    }
    if (start_offset > 0) {
      caf::error err;
      if (::fstat(fd, &st) != 0)
        err = io_error("cannot read input " + path + ": "
                       + std::strerror(errno));
      else if (!S_ISREG(st.st_mode))
        err = io_error("cannot resume input " + path + " at byte "
                       + std::to_string(start_offset)
                       + ": it is not a regular file (a pipe?) and cannot "
                         "be read again");
      else
        err = check_resume_point(fd, path, st.st_size, start_offset);
      if (!err && ::lseek(fd, static_cast<off_t>(start_offset), SEEK_SET) < 0)
        err = io_error("cannot read input " + path + ": "
                       + std::strerror(errno));
      if (err) {
        ::close(fd);
        return err;
      }
    }
  }
  return std::unique_ptr<file_source>{
      new file_source(fd, path, chunk_bytes, start_offset, map_window)};
}

file_source::file_source(int fd, std::string path, size_t chunk_bytes,
                         uint64_t start_offset, size_t map_window)
    : fd_(fd), path_(std::move(path)),
      chunk_bytes_(std::max<size_t>(chunk_bytes, 1)),
      base_offset_(start_offset), start_offset_(start_offset) {
  struct stat st;
  // Pipes, terminals and sockets may have nothing to read for a while: ask
  // poll() first so the reader never blocks its thread (idle detection).
  is_stdin_ = ::fstat(fd_, &st) != 0 || !S_ISREG(st.st_mode);
  // Only a regular file opened by name is mapped: stdin may be a redirected
  // file, but at a position of its own and shared with others.
  if (!is_stdin_ && path_ != "-" && map_window > 0) {
    auto page = static_cast<size_t>(::sysconf(_SC_PAGESIZE));
    map_window_ = (map_window + page - 1) / page * page;
    file_size_ = static_cast<uint64_t>(st.st_size);
  }
}

file_source::~file_source() {
  unmap();
  if (fd_ > 0)
    ::close(fd_);
}

std::string file_source::describe() const {
  return path_ == "-" ? std::string{"stdin"} : "file " + path_;
}

caf::expected<poll_status> file_source::poll(std::vector<source_record>& out) {
  return mapped() ? poll_mapped(out) : poll_read(out);
}

void file_source::unmap() {
  if (map_ != nullptr)
    ::munmap(const_cast<char*>(map_), map_size_);
  map_ = nullptr;
  map_size_ = 0;
}

caf::error file_source::refresh_size() {
  struct stat st;
  if (::fstat(fd_, &st) != 0)
    return io_error("cannot read " + describe() + ": " + std::strerror(errno));
  file_size_ = static_cast<uint64_t>(st.st_size);
  return caf::none;
}

caf::error file_source::map_range(uint64_t begin, uint64_t end) {
  if (map_ != nullptr && begin >= map_offset_ && end <= map_offset_ + map_size_)
    return caf::none;
  // Done with the old window: every record in it has been handed out and
  // released (the caller maps only before handing out this poll's records).
  unmap();
  auto page = static_cast<uint64_t>(::sysconf(_SC_PAGESIZE));
  uint64_t offset = begin / page * page;
  // One window, or more when a line is longer; never past the file's end
  // (pages wholly past it would fault with SIGBUS).
  uint64_t size = std::max<uint64_t>(map_window_, end - offset);
  size = std::min(size, file_size_ - offset);
  size = (size + page - 1) / page * page;
  // MAP_POPULATE maps the window's pages (already in the page cache when the
  // file was read recently) in one go, instead of one fault per few pages.
  void* at = ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE | MAP_POPULATE, fd_,
                    static_cast<off_t>(offset));
  if (at == MAP_FAILED)
    return io_error("cannot map " + describe() + ": " + std::strerror(errno));
  ::madvise(at, size, MADV_SEQUENTIAL);
  map_ = static_cast<const char*>(at);
  map_size_ = size;
  map_offset_ = offset;
  return caf::none;
}

caf::expected<poll_status>
file_source::poll_mapped(std::vector<source_record>& out) {
  // The records handed out last time are done with (they pointed into the
  // mapping, which stays until a later window replaces it).
  if (eof_)
    return poll_status::end;
  const uint64_t pos = start_offset_ + consumed_;
  if (pos >= file_size_) {
    // The end as far as we knew: the file may have grown since.
    if (auto err = refresh_size())
      return err;
    if (pos >= file_size_) {
      eof_ = true;
      unmap();
      return poll_status::end;
    }
  }
  uint64_t limit = std::min<uint64_t>(pos + chunk_bytes_, file_size_);
  if (auto err = map_range(pos, limit))
    return err;
  const char* data = map_ + (pos - map_offset_);
  auto avail = static_cast<size_t>(limit - pos);
  size_t done = 0; // bytes handed out, newlines included
  while (done < avail) {
    auto nl = static_cast<const char*>(
        std::memchr(data + done, '\n', avail - done));
    if (nl == nullptr)
      break;
    auto len = static_cast<size_t>(nl - (data + done));
    out.push_back({record_offset{static_cast<int64_t>(pos + done)},
                   std::string_view{data + done, len}});
    done += len + 1;
  }
  // No whole line in the chunk: one longer than the chunk, or the file's
  // last line without a newline. Look further, doubling the bytes in view.
  size_t scanned = avail;
  while (done == 0) {
    if (limit == file_size_) {
      if (auto err = refresh_size())
        return err;
      if (file_size_ < limit)
        return io_error("cannot read " + describe()
                        + ": it shrank while being read (truncated?)");
      if (limit == file_size_) {
        // The end: the last line of a file need not end with a newline.
        out.push_back({record_offset{static_cast<int64_t>(pos)},
                       std::string_view{data, avail}});
        done = avail;
        break;
      }
    }
    limit = std::min<uint64_t>(pos + 2 * avail, file_size_);
    if (auto err = map_range(pos, limit))
      return err;
    data = map_ + (pos - map_offset_);
    avail = static_cast<size_t>(limit - pos);
    if (auto nl = static_cast<const char*>(
            std::memchr(data + scanned, '\n', avail - scanned))) {
      auto len = static_cast<size_t>(nl - data);
      out.push_back({record_offset{static_cast<int64_t>(pos)},
                     std::string_view{data, len}});
      done = len + 1;
    }
    scanned = avail;
  }
  consumed_ += done;
  return poll_status::records;
}

caf::expected<poll_status>
file_source::poll_read(std::vector<source_record>& out) {
  // The records handed out last time are done with: drop their bytes.
  if (handed_out_ > 0) {
    std::memmove(buffer_.data(), buffer_.data() + handed_out_,
                 filled_ - handed_out_);
    base_offset_ += handed_out_;
    filled_ -= handed_out_;
    handed_out_ = 0;
  }
  size_t pos = 0;
  for (;;) {
    if (eof_ && filled_ == 0)
      return poll_status::end;
    if (!eof_) {
      if (buffer_.size() < filled_ + chunk_bytes_)
        buffer_.resize(filled_ + chunk_bytes_);
      if (is_stdin_) {
        pollfd pfd{fd_, POLLIN, 0};
        int ready = ::poll(&pfd, 1, 0);
        if (ready < 0 && errno != EINTR)
          return io_error("cannot read " + describe() + ": "
                          + std::strerror(errno));
        if (ready <= 0)
          return poll_status::no_data;
      }
      ssize_t n;
      do {
        n = ::read(fd_, buffer_.data() + filled_, buffer_.size() - filled_);
      } while (n < 0 && errno == EINTR);
      if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
        return poll_status::no_data;
      if (n < 0)
        return io_error("cannot read " + describe() + ": "
                        + std::strerror(errno));
      eof_ = n == 0;
      filled_ += static_cast<size_t>(n);
    }
    const char* data = buffer_.data();
    while (pos < filled_) {
      auto nl = static_cast<const char*>(
          std::memchr(data + pos, '\n', filled_ - pos));
      if (nl == nullptr)
        break;
      auto len = static_cast<size_t>(nl - (data + pos));
      out.push_back({record_offset{static_cast<int64_t>(base_offset_ + pos)},
                     std::string_view{data + pos, len}});
      pos += len + 1;
    }
    // The last line of a file need not end with a newline.
    if (eof_ && pos < filled_) {
      out.push_back({record_offset{static_cast<int64_t>(base_offset_ + pos)},
                     std::string_view{data + pos, filled_ - pos}});
      pos = filled_;
    }
    if (pos > 0 || eof_)
      break;
    // A line longer than the buffer: read more of it before handing it out.
  }
  handed_out_ = pos;
  consumed_ += pos;
  return pos > 0 ? poll_status::records : poll_status::end;
}

} // namespace crashwatch
