// Cost of a big shard state in the checkpoint journal (issue: "restoring a
// shard with one million open (window, user) keys takes under 2 seconds").
//
//   restore_bench [--keys N] [--windows W] [--reps R] [--cache warm|cold|both]
//                 [--dir PARENT] [--keep]
//                 [--write-reps N]
//
// 1. Builds ONE shard's state the way a shard does: window_counts::add() of
//    one crash per (window, user) key, W windows (default 4) one after the
//    other, N/W users each (default 1,000,000 keys = 4 x 250,000), users in a
//    shuffled order inside a window (as crashes arrive), ids like
//    "user_123456"; every 7th key gets a second and third crash, so counts
//    are 1 or 3 and can be checked.
// 2. Writes it through the real journal API in a fresh data dir under PARENT
//    (default /tmp): journal::open, create() with checkpoint 0 (empty state,
//    one partition, one shard), then take_changes() (the shard's part) and
//    write() of checkpoint 1 holding the N changed keys: the cost of the
//    first checkpoint after a big state appears. The journal is then closed.
//    --write-reps N (default 1) writes the same two checkpoints into N fresh
//    data dirs, one after the other, to time write() N times; the last one
//    is restored.
//    write() sorts each window's changes by user id itself (the journal's
//    insertion order).
// 3. Restores it R times (default 5) as a restarted process does
//    (app/run_start.cpp): journal::open (flock, PRAGMA quick_check over every
//    page), check_settings() + partitions(), load(), then load_shard()
//    (shard_start()) and the entries into a fresh window_counts (as the
//    restored shard_aggregator does). Each step is timed with a
//    steady clock. "cold" repetitions first run sync and write 3 to
//    /proc/sys/vm/drop_caches (root only; skipped with a message otherwise).
// 4. Every restore is checked: open_keys() == N, open_windows() == W, and
//    2,000 sampled keys (plus the first and last) have their expected count.
//    A failed check exits with status 1.
//
// Prints one line per measurement, then the median (best) per step per
// cache state. The data dir is removed at the end unless --keep.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "core/error.hpp"
#include "core/window_counts.hpp"
#include "persistence/journal.hpp"

using namespace crashwatch;
namespace fs = std::filesystem;

namespace {

using clock_type = std::chrono::steady_clock;

double since(clock_type::time_point t0) {
  return std::chrono::duration<double>(clock_type::now() - t0).count();
}

int usage() {
  std::fprintf(stderr,
               "usage: restore_bench [--keys N] [--windows W] [--reps R] "
               "[--cache warm|cold|both] [--dir PARENT] [--keep] "
               "[--write-reps N]\n");
  return 2;
}

[[noreturn]] void die(const std::string& what) {
  std::fprintf(stderr, "restore_bench: %s\n", what.c_str());
  std::exit(1);
}

void check(const caf::error& err, const char* what) {
  if (err)
    die(std::string{what} + ": " + render(err));
}

constexpr int64_t window_ms = 10000;
/// 2026-01-20T13:53:00Z, a window boundary (the generator's default start).
constexpr int64_t first_window = 1768917180000;
constexpr uint64_t threshold = 2;
constexpr uint64_t first_user = 100000;

/// The user id of user number `u`.
std::string user_name(uint64_t u) {
  return "user_" + std::to_string(first_user + u);
}

/// The count key (window w, user u) must hold.
uint64_t expected_count(uint64_t w, uint64_t u) {
  return (u * 4 + w) % 7 == 0 ? 3 : 1;
}

job_settings settings() {
  return {{"--window", "10s"},           {"--watermark-delay", "30s"},
          {"--threshold", "2"},          {"--shards", "1"},
          {"--input", "/restore_bench"}, {"--output", "jsonl /dev/null"}};
}

size_t bytes_of(const fs::path& p) {
  std::error_code ec;
  auto n = fs::file_size(p, ec);
  return ec ? 0 : static_cast<size_t>(n);
}

double mib(size_t bytes) {
  return static_cast<double>(bytes) / (1024.0 * 1024.0);
}

long max_rss_mib() {
  rusage ru{};
  getrusage(RUSAGE_SELF, &ru);
  return ru.ru_maxrss / 1024;
}

bool drop_caches() {
  ::sync();
  std::ofstream f{"/proc/sys/vm/drop_caches"};
  if (!f)
    return false;
  f << "3\n";
  f.flush();
  return static_cast<bool>(f);
}

/// One timed restore.
struct restore_times {
  double open = 0, settings = 0, load = 0, load_shard = 0, total = 0;
};

/// Median (best) of one step over the repetitions.
std::string median_best(std::vector<double> xs) {
  std::sort(xs.begin(), xs.end());
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.3f s (%.3f s)", xs[xs.size() / 2], xs[0]);
  return buf;
}

} // namespace

int main(int argc, char** argv) {
  uint64_t keys = 1000000;
  uint64_t windows = 4;
  int reps = 5;
  std::string cache = "warm";
  std::string parent = "/tmp";
  bool keep = false;
  int write_reps = 1;
  for (int i = 1; i < argc; ++i) {
    std::string a = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc)
        std::exit(usage());
      return argv[++i];
    };
    if (a == "--keys")
      keys = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--windows")
      windows = std::strtoull(value().c_str(), nullptr, 10);
    else if (a == "--reps")
      reps = std::atoi(value().c_str());
    else if (a == "--cache")
      cache = value();
    else if (a == "--dir")
      parent = value();
    else if (a == "--keep")
      keep = true;
    else if (a == "--write-reps")
      write_reps = std::atoi(value().c_str());
    else
      return usage();
  }
  if (windows == 0 || keys % windows != 0 || reps < 1 || write_reps < 1
      || (cache != "warm" && cache != "cold" && cache != "both"))
    return usage();
  const uint64_t users = keys / windows;

  auto tmpl = (fs::path{parent} / "restore_bench.XXXXXX").string();
  if (::mkdtemp(tmpl.data()) == nullptr)
    die("cannot create a directory under " + parent + ": "
        + std::strerror(errno));
  const std::string dir = tmpl;

  // -- 1. the shard's state, built by add() as crashes arrive ---------------
  auto t0 = clock_type::now();
  window_counts live{window_ms, threshold};
  {
    std::mt19937_64 rng{20261125};
    std::vector<uint64_t> order(users);
    for (uint64_t u = 0; u < users; ++u)
      order[u] = u;
    uint64_t count = 0;
    for (uint64_t w = 0; w < windows; ++w) {
      std::shuffle(order.begin(), order.end(), rng);
      event_time t{first_window + static_cast<int64_t>(w) * window_ms + 1};
      for (auto u : order) {
        auto name = user_name(u);
        for (uint64_t c = expected_count(w, u); c > 0; --c)
          live.add(t, name, count);
      }
    }
  }
  if (live.open_keys() != keys)
    die("built " + std::to_string(live.open_keys()) + " keys, not "
        + std::to_string(keys));
  std::printf("restore_bench: state: %" PRIu64 " keys = %" PRIu64
              " windows x %" PRIu64 " users, built by add() in %.3f s\n",
              keys, windows, users, since(t0));

  // -- 2. journal: checkpoint 0 (empty), then checkpoint 1 (the big state) --
  reader_snapshot reader;
  reader.partition = partition_id{0};
  reader.next_offset = record_offset{0};
  reader.stats.partition = reader.partition;
  auto zero = checkpoint_zero({reader}, 1,
                              {output_position{"alerts", "/dev/null", -1}});
  checkpoint_record one = zero;
  one.id = checkpoint_id{1};
  one.readers[0].id = one.id;
  one.readers[0].next_offset = record_offset{1000000000};
  one.readers[0].max_seen = event_time{
      first_window + static_cast<int64_t>(windows) * window_ms - 1};
  one.shards[0].id = one.id;
  one.sink.id = one.id;
  t0 = clock_type::now();
  live.take_changes(one.shards[0].changed);
  auto take = since(t0);
  one.shards[0].open_keys = live.open_keys();
  if (one.shards[0].changed.size() != keys)
    die("take_changes gave " + std::to_string(one.shards[0].changed.size())
        + " entries");
  std::printf("restore_bench: take_changes (the shard's part of the "
              "checkpoint): %.3f s for %zu changed keys\n",
              take, one.shards[0].changed.size());
  // The live state is not needed any more: free it.
  live = window_counts{window_ms, threshold};
  std::vector<double> writes;
  std::string jdir;
  for (int w = 1; w <= write_reps; ++w) {
    if (!jdir.empty()) {
      std::error_code ec;
      fs::remove_all(jdir, ec);
    }
    jdir = dir + "/journal-" + std::to_string(w);
    {
      t0 = clock_type::now();
      auto j = journal::open(jdir, window_ms);
      if (!j)
        die("journal::open: " + render(j.error()));
      auto& log = **j;
      check(log.create(settings(),
                       {{partition_id{0}, "file /restore_bench", -1}}, zero),
            "journal::create");
      auto create = since(t0);
      t0 = clock_type::now();
      check(log.write(one), "journal::write");
      writes.push_back(since(t0));
      std::printf("restore_bench: write %d: new journal + create(checkpoint "
                  "0) %.3f s; write(checkpoint 1) with %" PRIu64
                  " changed keys %.3f s; journal.db %.1f MiB, WAL %.1f MiB\n",
                  w, create, keys, writes.back(),
                  mib(bytes_of(fs::path{jdir} / "journal.db")),
                  mib(bytes_of(fs::path{jdir} / "journal.db-wal")));
      t0 = clock_type::now();
    } // closes the journal: SQLite copies what is left of the WAL over
    std::printf("restore_bench: write %d: close %.3f s; journal.db %.1f "
                "MiB\n",
                w, since(t0), mib(bytes_of(fs::path{jdir} / "journal.db")));
    std::fflush(stdout);
  }
  one = checkpoint_record{};
  std::printf("restore_bench: summary write, median of %zu (best): %s\n",
              writes.size(), median_best(writes).c_str());

  // -- 3. restores ------------------------------------------------------------
  std::vector<std::string> modes;
  if (cache == "warm" || cache == "both")
    modes.push_back("warm");
  if (cache == "cold" || cache == "both")
    modes.push_back("cold");
  std::map<std::string, std::vector<restore_times>> results;
  std::mt19937_64 pick{7};
  for (auto& mode : modes) {
    for (int rep = 1; rep <= reps; ++rep) {
      if (mode == "cold" && !drop_caches()) {
        std::printf("restore_bench: cold: cannot write "
                    "/proc/sys/vm/drop_caches (not root?), skipped\n");
        break;
      }
      restore_times r;
      auto start = clock_type::now();
      t0 = start;
      auto j = journal::open(jdir, window_ms);
      if (!j)
        die("journal::open: " + render(j.error()));
      auto& log = **j;
      r.open = since(t0);
      t0 = clock_type::now();
      check(log.check_settings(settings()), "check_settings");
      auto parts = log.partitions();
      if (!parts || parts->size() != 1)
        die("partitions() failed");
      r.settings = since(t0);
      t0 = clock_type::now();
      auto restored = log.load();
      if (!restored)
        die("load: " + render(restored.error()));
      r.load = since(t0);
      t0 = clock_type::now();
      // As a restarted shard: the journal's rows into a shard_restore's
      // entries (app/run_start.cpp), then into the shard's window_counts
      // (actors/shard_aggregator.cpp).
      std::vector<window_entry> entries;
      check(log.load_shard(shard_id{0}, entries), "load_shard");
      window_counts counts{window_ms, threshold};
      counts.restore_emitted_through(restored->shard_emitted.at(0));
      for (auto& e : entries)
        counts.restore_count(e.window_start, std::move(e.user_id), e.count);
      entries = {};
      r.load_shard = since(t0);
      r.total = since(start);
      // -- 4. the restored state is the one written --------------------------
      if (restored->id.value != 1 || counts.open_keys() != keys
          || counts.open_windows() != windows)
        die("restored checkpoint " + std::to_string(restored->id.value)
            + " with " + std::to_string(counts.open_keys()) + " keys in "
            + std::to_string(counts.open_windows()) + " windows");
      auto& ws = counts.windows();
      auto expect = [&](uint64_t w, uint64_t u) {
        auto wi = ws.find(first_window + static_cast<int64_t>(w) * window_ms);
        if (wi == ws.end())
          die("window " + std::to_string(w) + " missing");
        auto ui = wi->second.users.find(user_name(u));
        if (ui == wi->second.users.end()
            || ui->second.count() != expected_count(w, u))
          die("key (" + std::to_string(w) + ", " + user_name(u)
              + ") restored wrong");
      };
      expect(0, 0);
      expect(windows - 1, users - 1);
      for (int i = 0; i < 2000; ++i)
        expect(pick() % windows, pick() % users);
      std::printf("restore_bench: restore %s %d: open+quick_check %.3f s, "
                  "settings+partitions %.3f s, load %.3f s, load_shard %.3f "
                  "s, total %.3f s; verified %zu keys in %zu windows, 2002 "
                  "sampled counts\n",
                  mode.c_str(), rep, r.open, r.settings, r.load, r.load_shard,
                  r.total, counts.open_keys(), counts.open_windows());
      std::fflush(stdout);
      results[mode].push_back(r);
    }
  }
  for (auto& mode : modes) {
    auto& rs = results[mode];
    if (rs.empty())
      continue;
    auto col = [&](double restore_times::*m) {
      std::vector<double> xs;
      for (auto& r : rs)
        xs.push_back(r.*m);
      return median_best(xs);
    };
    std::printf("restore_bench: summary %s, median of %zu (best): total %s; "
                "open+quick_check %s, load %s, load_shard %s\n",
                mode.c_str(), rs.size(), col(&restore_times::total).c_str(),
                col(&restore_times::open).c_str(),
                col(&restore_times::load).c_str(),
                col(&restore_times::load_shard).c_str());
  }
  std::printf("restore_bench: peak RSS %ld MiB\n", max_rss_mib());
  if (keep) {
    std::printf("restore_bench: kept %s\n", dir.c_str());
  } else {
    std::error_code ec;
    fs::remove_all(dir, ec);
  }
  return 0;
}
