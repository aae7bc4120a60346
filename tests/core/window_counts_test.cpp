#include <algorithm>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "core/window_counts.hpp"

using namespace crashwatch;

namespace {

using outcome = window_counts::outcome;

constexpr int64_t window_ms = 10'000;
constexpr uint64_t threshold = 2; // "more than 2 crashes"

outcome add(window_counts& wc, int64_t t, const char* user) {
  uint64_t n = 0;
  return wc.add(event_time{t}, user, n);
}

} // namespace

TEST_CASE("alerts need more than threshold crashes in one window",
          "[window_counts]") {
  window_counts wc{window_ms, threshold};
  add(wc, 1'000, "u1");
  add(wc, 2'000, "u1");
  CHECK(add(wc, 9'999, "u1") == outcome::crossed_threshold);
  CHECK(add(wc, 5'000, "u1") == outcome::counted); // 4th: no new crossing
  add(wc, 1'000, "u2");
  add(wc, 2'000, "u2");
  add(wc, 10'000, "u2"); // next window: u2 has 2 + 1, no alert
  std::vector<alert> out;
  wc.fire(event_time{10'000}, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].user_id == "u1");
  CHECK(out[0].crash_count == 4);
  CHECK(out[0].window_start == event_time{0});
  CHECK(out[0].window_end == event_time{10'000});
  CHECK(out[0].final);
  CHECK(wc.open_windows() == 1); // [10 s, 20 s) still open
  CHECK(wc.open_keys() == 1);
}

TEST_CASE("windows fire only when the watermark reaches their end",
          "[window_counts]") {
  window_counts wc{window_ms, 0};
  add(wc, 15'000, "u");
  std::vector<alert> out;
  wc.fire(event_time{19'999}, out);
  CHECK(out.empty());
  wc.fire(event_time{20'000}, out);
  CHECK(out.size() == 1);
}

TEST_CASE("fired alerts are sorted by window, then user_id",
          "[window_counts]") {
  window_counts wc{window_ms, 0};
  for (auto user : {"u9", "u10", "u1", "U2"})
    add(wc, 25'000, user);
  add(wc, 5'000, "zz");
  std::vector<alert> out;
  wc.fire(max_event_time, out);
  REQUIRE(out.size() == 5);
  CHECK(out[0].user_id == "zz"); // earlier window first
  CHECK(out[1].user_id == "U2"); // then bytewise: 'U' < 'u'
  CHECK(out[2].user_id == "u1");
  CHECK(out[3].user_id == "u10");
  CHECK(out[4].user_id == "u9");
  CHECK(wc.open_windows() == 0);
  CHECK(wc.open_keys() == 0);
}

TEST_CASE("crashes for emitted windows are late", "[window_counts]") {
  window_counts wc{window_ms, threshold};
  std::vector<alert> out;
  wc.fire(event_time{20'000}, out);
  CHECK(add(wc, 19'999, "u") == outcome::window_emitted);
  CHECK(add(wc, 20'000, "u") == outcome::counted);
  // The emitted mark never moves back.
  wc.fire(event_time{5'000}, out);
  CHECK(wc.emitted_through() == event_time{20'000});
}

TEST_CASE("restore brings back counts and the emitted mark",
          "[window_counts]") {
  window_counts wc{window_ms, threshold};
  add(wc, 31'000, "a");
  add(wc, 32'000, "a");
  add(wc, 33'000, "b");
  changed_counts saved;
  wc.take_changes(saved);
  window_counts copy{window_ms, threshold};
  copy.restore_emitted_through(event_time{30'000});
  for (auto& e : saved.entries())
    copy.restore_count(e.window_start, e.user_id, e.count);
  CHECK(copy.open_keys() == 2);
  CHECK(copy.pending_changes() == 0); // restored counts are not changes
  CHECK(add(copy, 34'000, "a") == outcome::crossed_threshold);
  CHECK(add(copy, 29'000, "a") == outcome::window_emitted);
}

namespace {

/// take_changes() as "start:user=count" strings, sorted.
std::vector<std::string> changes(window_counts& wc) {
  changed_counts out;
  wc.take_changes(out);
  REQUIRE(out.check().empty());
  std::vector<std::string> result;
  for (auto& e : out.entries())
    result.push_back(std::to_string(e.window_start.value) + ":" + e.user_id
                     + "=" + std::to_string(e.count));
  std::sort(result.begin(), result.end());
  return result;
}

} // namespace

TEST_CASE("take_changes returns each changed count once, with its latest "
          "value",
          "[window_counts]") {
  window_counts wc{window_ms, threshold};
  add(wc, 1'000, "a");
  add(wc, 2'000, "a");
  add(wc, 12'000, "b");
  CHECK(wc.pending_changes() == 2);
  CHECK(changes(wc) == std::vector<std::string>{"0:a=2", "10000:b=1"});
  // Nothing changed since: nothing to write.
  CHECK(changes(wc).empty());
  add(wc, 3'000, "a");
  add(wc, 3'500, "c");
  CHECK(changes(wc) == std::vector<std::string>{"0:a=3", "0:c=1"});
}

TEST_CASE("take_changes leaves out windows emitted since the change",
          "[window_counts]") {
  window_counts wc{window_ms, threshold};
  add(wc, 1'000, "a");  // window [0, 10 s), fired below
  add(wc, 15'000, "b"); // window [10 s, 20 s), still open
  std::vector<alert> out;
  wc.fire(event_time{10'000}, out);
  CHECK(changes(wc) == std::vector<std::string>{"10000:b=1"});
}

TEST_CASE("firing a window forgets its changes, so that a long interval "
          "between checkpoints does not keep one entry per key ever counted",
          "[window_counts]") {
  window_counts wc{window_ms, threshold};
  // Changes are tracked from the first take_changes() on (a checkpointing
  // run); then no checkpoint comes for a long while.
  CHECK(changes(wc).empty());
  std::vector<alert> out;
  for (int64_t w = 0; w < 100; ++w) {
    for (int u = 0; u < 50; ++u)
      add(wc, w * window_ms + 1'000, ("user-" + std::to_string(u)).c_str());
    wc.fire(event_time{w * window_ms}, out); // windows before w are done
    CHECK(wc.pending_changes() == 50);       // only window w's keys
  }
  add(wc, 99 * window_ms + 2'000, "user-0"); // an existing key: no new entry
  CHECK(wc.pending_changes() == 50);
  CHECK(changes(wc).size() == 50);
}

TEST_CASE("changes are tracked only once checkpoints take them: the first "
          "take_changes returns every open count",
          "[window_counts]") {
  window_counts wc{window_ms, threshold};
  add(wc, 1'000, "a");
  add(wc, 2'000, "a");
  add(wc, 15'000, "b");
  std::vector<alert> out;
  wc.fire(event_time{10'000}, out); // window 0 fired and freed
  add(wc, 16'000, "c");
  CHECK(changes(wc) == std::vector<std::string>{"10000:b=1", "10000:c=1"});
  CHECK(changes(wc).empty());
  add(wc, 17'000, "c");
  CHECK(wc.pending_changes() == 1);
  CHECK(changes(wc) == std::vector<std::string>{"10000:c=2"});
}

TEST_CASE("after a restore only changes are taken, not the restored counts",
          "[window_counts]") {
  window_counts wc{window_ms, threshold};
  wc.restore_count(event_time{10'000}, "r", 5);
  CHECK(wc.pending_changes() == 0);
  add(wc, 12'000, "n");
  CHECK(changes(wc) == std::vector<std::string>{"10000:n=1"});
}

TEST_CASE("a count and its changed flag share one word without touching "
          "each other, up to 2^63 - 1",
          "[window_counts]") {
  using user_count = window_counts::user_count;
  // The point of packing: 8 B of value, a 56 B map node, a 64 B malloc chunk.
  static_assert(sizeof(user_count) == sizeof(uint64_t));
  user_count c;
  CHECK(c.count() == 0);
  CHECK_FALSE(c.changed());
  c.set_changed(true);
  CHECK(c.increment() == 1);
  CHECK(c.changed());
  c.set_count(uint64_t{1} << 40); // far above 32 bits
  CHECK(c.changed());
  CHECK(c.increment() == (uint64_t{1} << 40) + 1);
  c.set_changed(false);
  CHECK(c.count() == (uint64_t{1} << 40) + 1);
  c.set_count(user_count::max_count);
  CHECK(c.count() == user_count::max_count);
  CHECK_FALSE(c.changed());
  c.set_changed(true);
  CHECK(c.count() == user_count::max_count);
  CHECK(c.changed());
}

TEST_CASE("counts above 2^32 are restored, counted and taken whole",
          "[window_counts]") {
  window_counts wc{window_ms, threshold};
  uint64_t big = (uint64_t{1} << 33) + 7;
  wc.restore_count(event_time{10'000}, "big", big);
  uint64_t n = 0;
  CHECK(wc.add(event_time{12'000}, "big", n) == outcome::counted);
  CHECK(n == big + 1);
  CHECK(changes(wc)
        == std::vector<std::string>{"10000:big=" + std::to_string(big + 1)});
  std::vector<alert> out;
  wc.fire(event_time{20'000}, out);
  REQUIRE(out.size() == 1);
  CHECK(out[0].crash_count == big + 1);
}

TEST_CASE("take_changes marks what it took unchanged: the next change of the "
          "same key is taken again",
          "[window_counts]") {
  window_counts wc{window_ms, threshold};
  CHECK(changes(wc).empty()); // tracking on
  for (int i = 0; i < 3; ++i) {
    add(wc, 1'000, "a");
    CHECK(wc.pending_changes() == 1);
    CHECK(changes(wc)
          == std::vector<std::string>{"0:a=" + std::to_string(i + 1)});
    CHECK(wc.pending_changes() == 0);
  }
  CHECK(wc.windows().at(0).users.at("a").count() == 3);
  CHECK_FALSE(wc.windows().at(0).users.at("a").changed());
}

TEST_CASE("fire drops the changes of the windows it frees, and only those",
          "[window_counts]") {
  window_counts wc{window_ms, threshold};
  CHECK(changes(wc).empty()); // tracking on
  add(wc, 1'000, "a");        // window 0
  add(wc, 2'000, "b");        // window 0
  add(wc, 11'000, "a");       // window 10 s
  add(wc, 21'000, "c");       // window 20 s
  CHECK(wc.pending_changes() == 4);
  std::vector<alert> out;
  wc.fire(event_time{20'000}, out); // frees windows 0 and 10 s
  CHECK(wc.pending_changes() == 1);
  CHECK(wc.windows().count(0) == 0);
  CHECK(changes(wc) == std::vector<std::string>{"20000:c=1"});
  CHECK(wc.pending_changes() == 0);
}

TEST_CASE("take_changes grows its output by exactly what it appends",
          "[window_counts]") {
  // A checkpoint's copy of millions of counts: a vector grown by doubling
  // would hold up to twice the room, and both buffers while it moves.
  window_counts wc{window_ms, threshold};
  for (int u = 0; u < 1000; ++u)
    add(wc, 1'000, ("user-" + std::to_string(u)).c_str());
  changed_counts first;
  CHECK(wc.pending_changes() == 1000); // the first call takes every count
  wc.take_changes(first);
  CHECK(first.size() == 1000);
  CHECK(first.byte_capacity() == first.byte_size());
  for (int u = 0; u < 300; ++u)
    add(wc, 12'000 + u, ("user-" + std::to_string(u)).c_str());
  for (int u = 0; u < 200; ++u)
    add(wc, 1'500, ("user-" + std::to_string(u)).c_str());
  CHECK(wc.pending_changes() == 500);
  changed_counts next;
  wc.take_changes(next);
  CHECK(next.size() == 500);
  CHECK(next.byte_capacity() == next.byte_size());
  uint64_t twos = 0;
  for (auto& e : next.entries())
    twos += e.window_start == event_time{0} && e.count == 2 ? 1 : 0;
  CHECK(twos == 200);
}
