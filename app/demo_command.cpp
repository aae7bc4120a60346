// `crashwatch demo`: writes sample log records to a temporary folder and runs
// the pipeline over them with alerts on the console, as a first look.
#include <cstdlib>
#include <iostream>
#include <string>

#include <unistd.h>

#include "app/cli_args.hpp"
#include "app/commands.hpp"

namespace crashwatch {

namespace {

constexpr const char* demo_usage = R"(usage: crashwatch demo [--records N] [--dir DIR]

Writes N sample log records (default 200000, two partitions) to DIR (default:
a new folder under $TMPDIR or /tmp) and runs the pipeline over them, printing
alerts as Spark-like console tables. Late and malformed records go to files in
DIR.
)";

} // namespace

int demo_command(std::vector<std::string> args) {
  int64_t records = 200'000;
  std::string dir;
  cli_args in{std::move(args)};
  while (!in.done()) {
    auto opt = in.next_option();
    if (opt == "--records")
      records = in.integer(1, 1'000'000'000);
    else if (opt == "--dir")
      dir = in.value();
    else if (opt == "--help" || opt == "-h") {
      std::cout << demo_usage;
      return 0;
    } else
      in.unknown("demo");
  }
  if (dir.empty()) {
    const char* tmp = std::getenv("TMPDIR");
    std::string pattern = std::string{tmp ? tmp : "/tmp"}
                          + "/crashwatch-demo-XXXXXX";
    if (::mkdtemp(pattern.data()) == nullptr) {
      std::cerr << "crashwatch demo: cannot create a folder under "
                << (tmp ? tmp : "/tmp") << '\n';
      return 1;
    }
    dir = pattern;
  }
  // Two partitions with their own seeds: their watermarks move separately.
  auto half = std::to_string(records / 2);
  std::vector<std::string> files{dir + "/logs-0.jsonl", dir + "/logs-1.jsonl"};
  for (size_t i = 0; i < files.size(); ++i) {
    std::cerr << "demo: writing " << half << " records to " << files[i]
              << '\n';
    auto rc = generate_command({"--output-file", files[i], "--records", half,
                                "--seed", std::to_string(42 + i)});
    if (rc != 0)
      return rc;
  }
  std::cerr << "demo: crashwatch run --input " << files[0] << " --input "
            << files[1] << " --late-output " << dir
            << "/late.jsonl --dead-letter " << dir << "/dead-letter.jsonl\n";
  return run_command({"--input", files[0], "--input", files[1], "--late-output",
                      dir + "/late.jsonl", "--dead-letter",
                      dir + "/dead-letter.jsonl"});
}

} // namespace crashwatch
