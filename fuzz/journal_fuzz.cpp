// Fuzz target: the checkpoint journal (persistence/journal.hpp) on damaged
// files. At start-up it writes a real journal (checkpoint 0, then two more
// with window counts, pending alerts and outputs) under /dev/shm and keeps
// its bytes. Each input then becomes DIR/journal.db in one of two ways:
// * an input that starts with SQLite's header ("SQLite format 3\0") is the
//   file itself, byte for byte (the corpus holds a tiny valid journal);
// * any other input is a list of patches over the real journal: 4 bytes
//   each, a 24-bit big-endian offset (modulo the file size) and the byte to
//   put there; 2-3 bytes left over cut the file at their 16-bit value
//   times 4 (modulo the size).
// The journal is then opened and everything a restart reads is loaded
// (settings, partitions, load(), load_readers(), load_shard_marks(),
// load_shard() for every shard). Each step must give a value or an error,
// never crash, hang or hit undefined behaviour.
#include <sys/stat.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>
#include <vector>

#include "persistence/journal.hpp"

using namespace crashwatch;

namespace {

constexpr int64_t window_ms = 10'000;

/// Like the unit tests' settings: what the journal binds a run to.
job_settings settings() {
  return {{"--window", "10s"}, {"--threshold", "2"}, {"--input", "/a, /b"}};
}

checkpoint_record checkpoint(uint64_t id) {
  checkpoint_record r;
  r.id = checkpoint_id{id};
  r.started_at_ms = 1'768'917'185'123 + static_cast<int64_t>(id);
  for (int32_t p = 0; p < 2; ++p) {
    reader_snapshot rs;
    rs.id = r.id;
    rs.partition = partition_id{p};
    rs.next_offset = record_offset{static_cast<int64_t>(100 * id + p)};
    rs.max_seen = event_time{1'768'917'185'123 + static_cast<int64_t>(id)};
    rs.state = p == 1 ? partition_state::idle : partition_state::active;
    rs.stats.partition = rs.partition;
    rs.stats.records = 10 * id;
    r.readers.push_back(rs);
  }
  for (uint32_t s = 0; s < 3; ++s) {
    shard_snapshot sh;
    sh.id = r.id;
    sh.shard = shard_id{s};
    if (id > 0) {
      sh.changed = {{event_time{1'768'917'180'000}, "user_1361", 3},
                    {event_time{1'768'917'190'000}, "user \"q\" é", 1}};
      sh.open_keys = 2;
    }
    r.shards.push_back(sh);
  }
  r.sink.id = r.id;
  r.sink.shard_emitted = {min_event_time, event_time{5'000}, min_event_time};
  if (id > 0)
    r.sink.pending = {alert{event_time{0}, event_time{10'000}, "u9", 4, true}};
  r.sink.outputs = {{"alerts", "/out.jsonl", static_cast<int64_t>(id * 7)},
                    {"late", "stderr", -1}};
  return r;
}

std::string read_file(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

/// A fresh directory under /dev/shm (a tmpfs: no disk I/O per input).
std::string make_dir(const char* name) {
  std::string dir = "/dev/shm/crashwatch-journal-fuzz-"
                    + std::to_string(getpid()) + "-" + name;
  mkdir(dir.c_str(), 0700);
  return dir;
}

void remove_files(const std::string& dir) {
  for (auto file : {"/journal.db", "/journal.db-wal", "/journal.db-shm",
                    "/journal.db.new", "/LOCK"})
    std::remove((dir + file).c_str());
}

/// The bytes of a real journal with three checkpoints, made once.
const std::string& valid_journal() {
  static const std::string bytes = [] {
    auto dir = make_dir("seed");
    remove_files(dir);
    {
      auto j = journal::open(dir, window_ms);
      if (!j
          || (*j)->create(settings(),
                          {{partition_id{0}, "file /a", -1},
                           {partition_id{1}, "file /b", 42}},
                          checkpoint(0))
          || (*j)->write(checkpoint(1)) || (*j)->write(checkpoint(2))) {
        std::fprintf(stderr, "journal_fuzz: cannot write the seed journal\n");
        std::abort();
      }
    } // closed: SQLite folds the WAL back into journal.db
    auto out = read_file(dir + "/journal.db");
    remove_files(dir);
    rmdir(dir.c_str());
    return out;
  }();
  return bytes;
}

/// The file an input stands for (see the header comment).
std::string file_of(const uint8_t* data, size_t size) {
  static const char header[] = "SQLite format 3";
  if (size >= sizeof header && std::memcmp(data, header, sizeof header) == 0)
    return {reinterpret_cast<const char*>(data), size};
  std::string file = valid_journal();
  size_t i = 0;
  for (; i + 4 <= size; i += 4) {
    size_t offset
        = (size_t{data[i]} << 16) | (size_t{data[i + 1]} << 8) | data[i + 2];
    file[offset % file.size()] = static_cast<char>(data[i + 3]);
  }
  if (size - i >= 2)
    file.resize(((size_t{data[i]} << 8 | data[i + 1]) * 4) % file.size());
  return file;
}

/// Opens the journal in `dir` and reads everything a restart reads.
void load_all(const std::string& dir) {
  auto opened = journal::open(dir, window_ms);
  if (!opened)
    return;
  auto& j = **opened;
  if (!j.has_checkpoint())
    return;
  (void)j.check_settings(settings());
  (void)j.stored_setting("--window");
  (void)j.partitions();
  (void)j.newest_checkpoint();
  auto restored = j.load();
  (void)j.load_readers();
  auto marks = j.load_shard_marks();
  std::vector<window_entry> counts;
  if (marks)
    for (auto& [shard, mark] : *marks)
      (void)j.load_shard(shard, counts);
  if (restored)
    for (uint32_t s = 0; s < restored->shard_emitted.size() && s < 64; ++s)
      (void)j.load_shard(shard_id{s}, counts);
}

/// The directory of the inputs, removed when the fuzzer exits normally
/// (a static that outlives the exit handler).
const std::string& run_dir() {
  static const std::string* dir = [] {
    auto made = new std::string{make_dir("run")};
    std::atexit([] {
      remove_files(run_dir());
      rmdir(run_dir().c_str());
    });
    return made;
  }();
  return *dir;
}

} // namespace

/// CRASHWATCH_FUZZ_WRITE_SEEDS=DIR: write the real journal the patches
/// apply to as DIR/valid-journal.db (a seed of the raw-file form) and exit.
extern "C" int LLVMFuzzerInitialize(int*, char***) {
  if (auto dir = std::getenv("CRASHWATCH_FUZZ_WRITE_SEEDS")) {
    std::ofstream out{std::string{dir} + "/valid-journal.db", std::ios::binary};
    out << valid_journal();
    std::exit(0);
  }
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string& dir = run_dir();
  auto file = file_of(data, size);
  remove_files(dir);
  {
    std::ofstream out{dir + "/journal.db", std::ios::binary};
    out.write(file.data(), static_cast<std::streamsize>(file.size()));
  }
  load_all(dir);
  return 0;
}
