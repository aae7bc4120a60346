#include "io/output_stream.hpp"

#include <cerrno>
#include <cstring>

#include "core/error.hpp"

namespace crashwatch {

namespace {

caf::error write_error(const std::string& name) {
  return make_error(ec::output_error,
                    "cannot write " + name + ": " + std::strerror(errno));
}

} // namespace

caf::expected<std::unique_ptr<output_stream>>
output_stream::open(const std::string& path) {
  if (path.empty() || path == "-")
    return std::unique_ptr<output_stream>{
      new output_stream(stdout, "stdout", false)};
  if (path == "stderr")
    return std::unique_ptr<output_stream>{
      new output_stream(stderr, "stderr", false)};
  auto* file = std::fopen(path.c_str(), "ab");
  if (file == nullptr)
    return make_error(ec::output_error,
                      "cannot open output " + path + ": "
                             + std::strerror(errno));
  return std::unique_ptr<output_stream>{new output_stream(file, path, true)};
}

output_stream::output_stream(std::FILE* file, std::string name, bool owned)
  : file_(file), name_(std::move(name)), owned_(owned) {
}

output_stream::~output_stream() {
  if (owned_)
    std::fclose(file_);
  else
    std::fflush(file_);
}

caf::error output_stream::write(std::string_view text) {
  if (!text.empty()
      && std::fwrite(text.data(), 1, text.size(), file_) != text.size())
    return write_error(name_);
  return caf::none;
}

caf::error output_stream::flush() {
  if (std::fflush(file_) != 0)
    return write_error(name_);
  return caf::none;
}

} // namespace crashwatch
