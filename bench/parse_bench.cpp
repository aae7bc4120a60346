// Throughput of the record parser alone, single-threaded: the parse + filter
// loop a partition reader runs, without actors, I/O waits or aggregation.
//
//   parse_bench [--reference] [--repeat N] FILE.jsonl
//
// The file is read into memory first and split at '\n' inside the timed loop
// (as the file reader does); --reference runs only the Boost.JSON reference
// path, to show what the fast path buys; --repeat runs the loop N times.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <string>
#include <string_view>

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
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::perror(path);
    return 1;
  }
  const std::string data{std::istreambuf_iterator<char>(in),
                         std::istreambuf_iterator<char>()};

  record_parser parser{filter_config{}};
  counts c;
  // Shared machines are noisy: besides the total, keep the fastest pass,
  // the best estimate of what the code costs on an idle core.
  double best_pass = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) {
    auto pass_start = std::chrono::steady_clock::now();
    auto lines_before = c.lines;
    if (reference)
      run(data, c,
          [&](std::string_view l) { return parser.parse_reference(l); });
    else
      run(data, c, [&](std::string_view l) { return parser.parse(l); });
    std::chrono::duration<double> pass
        = std::chrono::steady_clock::now() - pass_start;
    best_pass = std::max(best_pass, static_cast<double>(c.lines - lines_before)
                                        / pass.count() / 1e6);
  }
  std::chrono::duration<double> took = std::chrono::steady_clock::now() - start;
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
  if (repeat > 1)
    std::printf("parse_bench%s: fastest of %d passes: %.1f M lines/s\n",
                reference ? " --reference" : "", repeat, best_pass);
  return 0;
}
