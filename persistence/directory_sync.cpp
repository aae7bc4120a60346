#include "persistence/directory_sync.hpp"

#include <cerrno>
#include <cstring>

#include <fcntl.h>
#include <unistd.h>

#include "core/error.hpp"

namespace crashwatch {

std::string parent_directory(const std::string& path) {
  auto end = path.find_last_not_of('/');
  if (end == std::string::npos)
    return path.empty() ? "." : "/";
  auto slash = path.find_last_of('/', end);
  if (slash == std::string::npos)
    return ".";
  auto parent_end = path.find_last_not_of('/', slash);
  if (parent_end == std::string::npos)
    return "/";
  return path.substr(0, parent_end + 1);
}

caf::error sync_directory(const std::string& dir) {
  auto fail = [&](const char* what) {
    return make_error(ec::output_error, std::string{"cannot "} + what
                                            + " directory " + dir + ": "
                                            + std::strerror(errno));
  };
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0)
    return fail("open");
  // EINVAL: a file system that cannot sync directories (some network and
  // FUSE ones); there is nothing more to do there.
  if (::fsync(fd) != 0 && errno != EINVAL) {
    auto err = fail("sync");
    ::close(fd);
    return err;
  }
  ::close(fd);
  return caf::none;
}

} // namespace crashwatch
