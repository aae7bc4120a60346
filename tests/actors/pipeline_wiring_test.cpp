#define CAF_SUITE pipeline_wiring

// A whole small pipeline, wired by wire_pipeline() with every actor on the
// deterministic test coordinator (blocking_actors::scheduled): 2 file
// partitions read in small chunks, 2 shards, JSON Lines outputs to
// temporary files. The alerts must be exactly those the test computes from
// the records it wrote, by SPEC.md's rules: per partition, a crash is late
// when its window ended at or before the partition's watermark (largest
// event time read so far minus the delay); the others are counted per
// (window, user); a count above the threshold is an alert; alerts are
// ordered by window start, then user.
#include "actors/pipeline_wiring.hpp"

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include <caf/typed_event_based_actor.hpp>

#include "io/alert_format.hpp"
#include "io/file_source.hpp"
#include "tests/support/crash_records.hpp"
#include "tests/support/deterministic_fixture.hpp"
#include "tests/support/temp_dir.hpp"

using namespace crashwatch;
using namespace std::chrono_literals;
using test::input_record;

namespace {

/// Event times start here, a multiple of the window.
constexpr int64_t t0 = 1'700'000'000'000;
constexpr int64_t window_ms = 10'000;
constexpr int64_t delay_ms = 5'000;
constexpr uint64_t threshold = 2;
constexpr int32_t partition_count = 2;
constexpr uint32_t shard_count = 2;
/// Small chunks: many batches per partition, interleaved between the two
/// readers, and the readers run out of credit now and then.
constexpr size_t chunk_bytes = 256;
/// Records per partition.
constexpr int records_per_partition = 300;

/// A small deterministic generator (no dependence on the standard
/// library's distributions, which differ between implementations).
struct lcg {
  uint64_t state;
  uint64_t next(uint64_t bound) {
    state = state * 6364136223846793005ull + 1442695040888963407ull;
    return (state >> 33) % bound;
  }
};

/// The records of partition `p`: mostly crashes of 5 users, with event
/// times that advance 0.7 s per record but jump back by up to 12 s (so that
/// some crashes are late with a 5 s delay), and other, blank and malformed
/// records in between.
std::vector<input_record> partition_records(int32_t p) {
  const char* users[] = {"alice", "bob", "carol", "dave", "zoë \"q\""};
  lcg rng{static_cast<uint64_t>(p) + 1};
  std::vector<input_record> out;
  for (int i = 0; i < records_per_partition; ++i) {
    auto base = t0 + 700 * i + 300 * p;
    auto r = rng.next(100);
    if (r < 60) {
      auto back = static_cast<int64_t>(rng.next(12'000));
      out.push_back(test::crash(users[rng.next(5)], base - back));
    } else if (r < 75) {
      out.push_back(test::other(base));
    } else if (r < 85) {
      out.push_back(test::blank(r % 2 == 0 ? "" : "  "));
    } else if (r < 92) {
      out.push_back(test::not_json());
    } else {
      out.push_back(test::crash_without_user(base));
    }
  }
  return out;
}

/// What the pipeline must make of the partitions, computed here.
struct expected_run {
  std::vector<alert> alerts;
  std::vector<partition_stats> stats;
  uint64_t late = 0;
  uint64_t malformed = 0;
};

expected_run
expected_result(const std::vector<std::vector<input_record>>& partitions) {
  expected_run result;
  std::map<std::pair<int64_t, std::string>, uint64_t> counts;
  for (int32_t p = 0; p < partition_count; ++p) {
    partition_stats stats;
    stats.partition = partition_id{p};
    int64_t max_seen = 0;
    bool seen = false;
    for (auto& r : partitions[p]) {
      switch (r.kind) {
      case record_kind::blank:
        ++stats.blank;
        break;
      case record_kind::malformed:
        ++stats.records;
        ++stats.malformed;
        break;
      case record_kind::other:
        ++stats.records;
        max_seen = seen ? std::max(max_seen, r.time) : r.time;
        seen = true;
        break;
      case record_kind::crash: {
        ++stats.records;
        ++stats.crashes;
        auto start = test::window_of(r.time, window_ms);
        if (seen && start + window_ms <= max_seen - delay_ms)
          ++stats.late;
        else
          ++counts[{start, r.user}];
        max_seen = seen ? std::max(max_seen, r.time) : r.time;
        seen = true;
        break;
      }
      }
    }
    result.late += stats.late;
    result.malformed += stats.malformed;
    result.stats.push_back(stats);
  }
  // std::map orders by (window start, user): the output order.
  for (auto& [key, count] : counts)
    if (count > threshold)
      result.alerts.push_back(alert{event_time{key.first},
                                    event_time{key.first + window_ms},
                                    key.second, count, true});
  return result;
}

size_t lines_of(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

struct fixture : test::deterministic_actor_system {
  test::temp_dir tmp{"pipeline_wiring_test"};
  std::vector<std::vector<input_record>> records;
  std::vector<std::string> inputs;
  std::vector<uint64_t> input_sizes;
  pipeline_actors actors;

  fixture() {
    for (int32_t p = 0; p < partition_count; ++p) {
      records.push_back(partition_records(p));
      std::vector<int64_t> offsets;
      auto content = test::file_content(records.back(), offsets);
      inputs.push_back(
          tmp.file("logs-" + std::to_string(p) + ".jsonl", content));
      input_sizes.push_back(content.size());
    }
  }

  ~fixture() {
    for (auto& a : actors.all())
      self->send_exit(a, caf::exit_reason::user_shutdown);
  }

  /// The plan of `crashwatch run` for the two inputs, JSON Lines outputs
  /// in the temporary directory; with a journal when `log` is set.
  pipeline_plan plan(std::unique_ptr<journal> log = nullptr) {
    pipeline_plan result;
    result.config.window_ms = window_ms;
    result.config.watermark_delay_ms = delay_ms;
    result.config.threshold = threshold;
    result.config.shards = shard_count;
    for (int32_t p = 0; p < partition_count; ++p) {
      result.partitions.push_back(partition_id{p});
      reader_plan reader;
      reader.start.partition = partition_id{p};
      reader.start.stats.partition = partition_id{p};
      auto src = file_source::open(inputs[p], chunk_bytes);
      if (!src)
        FAIL("cannot open " << inputs[p]);
      reader.source = std::move(*src);
      result.readers.push_back(std::move(reader));
    }
    result.shards.resize(shard_count);
    result.outputs.format = alert_format::jsonl;
    result.outputs.alerts = open_output("alerts.jsonl");
    result.outputs.late = open_output("late.jsonl");
    result.outputs.dead_letters = open_output("dead.jsonl");
    result.sink_start.shard_emitted.assign(shard_count, min_event_time);
    if (log != nullptr) {
      result.log = std::move(log);
      result.next_checkpoint = checkpoint_id{1};
      result.checkpoint_interval = 1'000ms;
    }
    return result;
  }

  std::unique_ptr<output_stream> open_output(const std::string& name) {
    auto out = output_stream::open(tmp.path + "/" + name);
    if (!out)
      FAIL("cannot open " << name);
    return std::move(*out);
  }

  /// Runs the pipeline to its end and returns what the sink told the
  /// waiter (the test's actor).
  pipeline_summary run_pipeline(pipeline_plan p) {
    actors = wire_pipeline(sys, std::move(p), caf::actor_cast<caf::actor>(self),
                           blocking_actors::scheduled);
    // Only messages: periodic checkpoints (timers) never come.
    sched.run();
    return std::get<1>(receive_from_self<atom::done, pipeline_summary>());
  }

  void check_outputs(const expected_run& x, const pipeline_summary& summary) {
    std::string alerts;
    for (auto& a : x.alerts)
      append_alert_jsonl(alerts, a);
    CHECK_EQUAL(test::temp_dir::slurp(tmp.path + "/alerts.jsonl"), alerts);
    CHECK_EQUAL(summary.alerts, x.alerts.size());
    CHECK_EQUAL(summary.late_at_shards, 0u);
    CHECK_EQUAL(lines_of(test::temp_dir::slurp(tmp.path + "/late.jsonl")),
                x.late);
    CHECK_EQUAL(lines_of(test::temp_dir::slurp(tmp.path + "/dead.jsonl")),
                x.malformed);
    REQUIRE_EQUAL(summary.partitions.size(), x.stats.size());
    auto got = summary.partitions;
    std::sort(got.begin(), got.end(),
              [](auto& a, auto& b) { return a.partition < b.partition; });
    for (int32_t p = 0; p < partition_count; ++p) {
      auto want = x.stats[p];
      want.bytes = input_sizes[p];
      CHECK_EQUAL(caf::deep_to_string(got[p]), caf::deep_to_string(want));
    }
  }
};

} // namespace

FIXTURE_SCOPE(pipeline_wiring_tests, fixture)

TEST(a wired pipeline writes exactly the alerts computed from its input) {
  auto x = expected_result(records);
  // The input means something: alerts, late and malformed records.
  REQUIRE_GREATER(x.alerts.size(), 5u);
  REQUIRE_GREATER(x.late, 5u);
  REQUIRE_GREATER(x.malformed, 5u);
  auto summary = run_pipeline(plan());
  check_outputs(x, summary);
}

TEST(a wired pipeline with a journal takes a final checkpoint that marks the run
         finished) {
  auto x = expected_result(records);
  auto opened = journal::open(tmp.path + "/data", window_ms);
  REQUIRE(opened);
  auto log = std::move(*opened);
  std::vector<reader_snapshot> starts;
  for (int32_t p = 0; p < partition_count; ++p) {
    reader_snapshot r;
    r.partition = partition_id{p};
    r.stats.partition = r.partition;
    starts.push_back(r);
  }
  auto zero = checkpoint_zero(std::move(starts), shard_count, {});
  REQUIRE(!log->create({{"--window", "10s"}},
                       {{partition_id{0}, "file " + inputs[0], -1},
                        {partition_id{1}, "file " + inputs[1], -1}},
                       zero));
  auto summary = run_pipeline(plan(std::move(log)));
  check_outputs(x, summary);
  // What app/run_wait does at the end of the input: a final checkpoint.
  REQUIRE(actors.coordinator != nullptr);
  self->request(actors.coordinator, caf::infinite, atom::checkpoint_v, true);
  sched.run();
  CHECK_EQUAL(receive_from_self<checkpoint_id>(), checkpoint_id{1});
  for (auto& a : actors.all())
    self->send_exit(a, caf::exit_reason::user_shutdown);
  sched.run();
  auto reopened = journal::open(tmp.path + "/data", window_ms);
  REQUIRE(reopened);
  auto newest = (*reopened)->load();
  REQUIRE(newest);
  CHECK_EQUAL(newest->id, checkpoint_id{1});
  CHECK(newest->finished);
  REQUIRE_EQUAL(newest->readers.size(), 2u);
  for (int32_t p = 0; p < partition_count; ++p) {
    CHECK(newest->readers[p].state == partition_state::ended);
    CHECK_EQUAL(newest->readers[p].next_offset.value,
                static_cast<int64_t>(input_sizes[p]));
  }
  CHECK_EQUAL(newest->sink.released, max_event_time);
  CHECK_EQUAL(newest->sink.alerts, x.alerts.size());
}

FIXTURE_SCOPE_END()
