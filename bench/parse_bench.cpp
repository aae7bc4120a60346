// Throughput of the record parser alone, single-threaded: the read + parse +
// filter loop a partition reader runs, without actors, routing or
// aggregation. The file is read through the reader's own file_source in the
// pipeline's chunk size, so the pipeline's rate divided by this one is the
// cost of everything else (docs/PERFORMANCE.md).
//
//   parse_bench [--reference] [--repeat N] FILE.jsonl
//
// --reference runs only the Boost.JSON reference path, to show what the fast
// path buys; --repeat runs the loop N times.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>
#include <vector>

#include "core/error.hpp"
#include "core/pipeline_config.hpp"
#include "core/record_parser.hpp"
#include "io/file_source.hpp"

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

/// One pass over the file; false (with a message) when it cannot be read.
template <class Parse>
bool run(const char* path, counts& c, Parse&& parse) {
  auto source = file_source::open(path, defaults::chunk_bytes);
  if (!source) {
    std::fprintf(stderr, "parse_bench: %s\n", render(source.error()).c_str());
    return false;
  }
  std::vector<source_record> records;
  for (;;) {
    records.clear();
    auto status = (*source)->poll(records);
    if (!status) {
      std::fprintf(stderr, "parse_bench: %s\n", render(status.error()).c_str());
      return false;
    }
    if (*status == poll_status::end)
      return true;
    for (auto& rec : records) {
      auto r = parse(rec.text);
      ++c.by_kind[static_cast<int>(r.kind)];
      ++c.lines;
    }
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
  record_parser parser{filter_config{}};
  counts c;
  // Shared machines are noisy: besides the total, keep the fastest pass,
  // the best estimate of what the code costs on an idle core.
  double best_pass = 0;
  auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeat; ++i) {
    auto pass_start = std::chrono::steady_clock::now();
    auto lines_before = c.lines;
    bool ok = reference ? run(
                  path, c,
                  [&](std::string_view l) { return parser.parse_reference(l); })
                        : run(path, c, [&](std::string_view l) {
                            return parser.parse(l);
                          });
    if (!ok)
      return 1;
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
