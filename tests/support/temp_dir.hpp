// A fresh directory under $TMPDIR for one test, removed with its files when
// the test ends. Shared by the unit tests that touch real files.
#pragma once

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <stdexcept>
#include <string>

#include <unistd.h>

namespace crashwatch::test {

struct temp_dir {
  std::string path;

  /// `name` shows in the directory's name, for whoever finds one left
  /// behind by a crashed test.
  explicit temp_dir(const std::string& name = "crashwatch-test") {
    const char* base = std::getenv("TMPDIR");
    std::string pattern
        = std::string{base ? base : "/tmp"} + "/" + name + ".XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr)
      throw std::runtime_error("cannot create a directory " + pattern);
    path = pattern;
  }

  ~temp_dir() {
    std::error_code ignored;
    std::filesystem::remove_all(path, ignored);
  }

  /// The content of the file at `path` ("" when there is none).
  static std::string slurp(const std::string& path) {
    std::ifstream in{path, std::ios::binary};
    return {std::istreambuf_iterator<char>{in},
            std::istreambuf_iterator<char>{}};
  }

  /// Writes `content` to the file `name` in the directory; returns its path.
  std::string file(const std::string& name, const std::string& content) const {
    auto p = path + "/" + name;
    std::ofstream{p, std::ios::binary} << content;
    return p;
  }

  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
};

} // namespace crashwatch::test
