#include "generator/generate_file.hpp"

#include <cerrno>
#include <chrono>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "core/error.hpp"
#include "generator/background_writer.hpp"

namespace crashwatch {

namespace {

/// Hand the output buffer to the writer once it holds this much.
constexpr size_t flush_bytes = size_t{4} << 20;

} // namespace

caf::expected<file_generate_result>
write_generated_file(const generator_options& options, int64_t records,
                     const std::string& path) {
  auto name = path == "-" ? std::string{"stdout"} : path;
  int fd = 1;
  if (path != "-") {
    fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
      return make_error(ec::output_error,
                        "cannot open " + name + ": " + std::strerror(errno));
  }
  auto started = std::chrono::steady_clock::now();
  log_generator gen{options};
  file_generate_result result;
  std::string buf;
  buf.reserve(flush_bytes + 4096);
  int err = 0;
  {
    background_writer writer{fd};
    for (int64_t i = 0; i < records; ++i) {
      result.counts.add(gen.append_next(buf));
      buf.push_back('\n');
      if (buf.size() >= flush_bytes) {
        writer.submit(buf);
        buf.reserve(flush_bytes + 4096);
      }
    }
    writer.submit(buf);
    err = writer.finish();
  }
  if (fd != 1 && ::close(fd) != 0 && err == 0)
    err = errno;
  if (err != 0)
    return make_error(ec::output_error,
                      "cannot write " + name + ": " + std::strerror(err));
  result.seconds = std::chrono::duration<double>(
                       std::chrono::steady_clock::now() - started)
                       .count();
  return result;
}

} // namespace crashwatch
