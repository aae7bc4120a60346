// Throughput of the record parser alone, single-threaded: the parse + filter
// loop a partition reader runs, without actors, I/O waits or aggregation.
//
//   parse_bench [--reference] [--repeat N] FILE.jsonl
//
// The file is mapped into memory and split at '\n' inside the timed loop (as
// the file reader does); --reference runs only the Boost.JSON reference path,
// to show what the fast path buys; --repeat runs the loop N times.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/record_parser.hpp"

using namespace crashwatch;

namespace {

int usage() {
  std::fprintf(stderr,
               "usage: parse_bench [--reference] [--repeat N] FILE.jsonl\n");
  return 2;
}

/// Counts of each record kind, indexed by record_kind.
struct counts {
  uint64_t by_kind[4] = {};
  uint64_t lines = 0;
};

template <class Parse>
void run(std::string_view data, counts& c, Parse&& parse) {
  const char* p = data.data();
  const char* end = p + data.size();
  while (p < end) {
    auto nl = static_cast<const char*>(std::memchr(p, '\n', end - p));
    const char* line_end = nl ? nl : end;
    auto r = parse(std::string_view(p, line_end - p));
    ++c.by_kind[static_cast<int>(r.kind)];
    ++c.lines;
    p = line_end + 1;
  }
}

} // namespace

int main(int argc, char** argv) {
  bool reference = false;
  int repeat = 1;
  const char* path = nullptr;
  for (int i = 1; i < argc; ++i) {
    std::string arg = argv[i];
    if (arg == "--reference")
      reference = true;
    else if (arg == "--repeat" && i + 1 < argc)
      repeat = std::atoi(argv[++i]);
    else if (arg[0] != '-' && path == nullptr)
      path = argv[i];
    else
      return usage();
  }
  if (path == nullptr || repeat < 1)
    return usage();
  int fd = ::open(path, O_RDONLY);
  struct stat st;
  if (fd < 0 || ::fstat(fd, &st) != 0) {
    std::perror(path);
    return 1;
  }
  auto size = static_cast<size_t>(st.st_size);
  void* map = size ? ::mmap(nullptr, size, PROT_READ, MAP_PRIVATE, fd, 0)
                   : nullptr;
  if (map == MAP_FAILED) {
    std::perror(path);
    return 1;
  }
  std::string_view data(static_cast<const char*>(map), size);
  // Fault the pages in before timing: we measure parsing, not the disk.
  volatile char sink = 0;
  for (size_t i = 0; i < size; i += 4096)
    sink = sink + data[i];

  record_parser parser{filter_config{}};
  counts c;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) {
    if (reference)
      run(data, c, [&](std::string_view l) {
        return parser.parse_reference(l);
      });
    else
      run(data, c, [&](std::string_view l) { return parser.parse(l); });
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now()
                                       - start;
  auto kind = [&](record_kind k) {
    return static_cast<unsigned long long>(c.by_kind[static_cast<int>(k)]);
  };
  std::printf("parse_bench%s: %llu lines in %.2f s = %.1f M lines/s "
              "(crash %llu, other %llu, malformed %llu, blank %llu; "
              "reference fallbacks %llu)\n",
              reference ? " --reference" : "",
              static_cast<unsigned long long>(c.lines), took.count(),
              static_cast<double>(c.lines) / took.count() / 1e6,
              kind(record_kind::crash), kind(record_kind::other),
              kind(record_kind::malformed), kind(record_kind::blank),
              static_cast<unsigned long long>(parser.fallbacks()));
  if (map)
    ::munmap(map, size);
  ::close(fd);
  return 0;
}
