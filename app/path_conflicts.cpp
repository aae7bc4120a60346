#include "app/path_conflicts.hpp"

#include <filesystem>
#include <map>
#include <optional>

#include <sys/stat.h>

#include "app/cli.hpp"

namespace crashwatch {

namespace {

/// What makes two paths the same file, or nothing for a path that may be
/// shared.
std::optional<std::string> file_identity(const std::string& path) {
  if (path.empty() || path == "-")
    return std::nullopt;
  struct stat st {};
  if (::stat(path.c_str(), &st) == 0) {
    if (S_ISCHR(st.st_mode))
      return std::nullopt;
    return "inode " + std::to_string(st.st_dev) + ":"
           + std::to_string(st.st_ino);
  }
  std::error_code ec;
  auto absolute = std::filesystem::weakly_canonical(path, ec);
  return "path " + (ec ? path : absolute.string());
}

} // namespace

void check_distinct_files(const std::vector<named_path>& paths) {
  std::map<std::string, std::vector<const named_path*>> seen;
  for (auto& p : paths) {
    auto id = file_identity(p.path);
    if (!id)
      continue;
    auto& same = seen[*id];
    for (auto* first : same) {
      if (first->input && p.input)
        continue;
      auto names
          = first->option == p.option
                ? p.option + " is given the same file twice"
                : first->option + " and " + p.option + " name the same file";
      auto shown = first->path == p.path
                       ? "'" + p.path + "'"
                       : "'" + first->path + "' and '" + p.path + "'";
      throw usage_error(names + " (" + shown + "): "
                        + (first->input || p.input
                               ? "an output must not overwrite an input"
                               : "give each output its own file"));
    }
    same.push_back(&p);
  }
}

void check_rereadable_inputs(const std::vector<std::string>& inputs) {
  for (auto& input : inputs) {
    struct stat st {};
    if (input == "-" || ::stat(input.c_str(), &st) != 0 || S_ISREG(st.st_mode))
      continue;
    auto what = S_ISFIFO(st.st_mode)   ? "a named pipe"
                : S_ISDIR(st.st_mode)  ? "a directory"
                : S_ISSOCK(st.st_mode) ? "a socket"
                                       : "a device";
    throw usage_error("--input " + input + " is " + what
                      + ": --data-dir resumes by reading inputs again from an "
                        "offset, which needs regular files (or Kafka)");
  }
}

} // namespace crashwatch
