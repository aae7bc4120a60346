#include <catch2/catch.hpp>

#include "core/global_watermark.hpp"

using namespace crashwatch;

namespace {

const partition_id p0{0};
const partition_id p1{1};
const partition_id p2{2};

} // namespace

TEST_CASE("global watermark is the minimum over partitions",
          "[global_watermark]") {
  global_watermark g{{p0, p1, p2}};
  CHECK(g.current() == min_event_time); // nobody has reported
  g.update(p0, event_time{100}, partition_state::active);
  g.update(p1, event_time{50}, partition_state::active);
  CHECK(g.current() == min_event_time); // p2 still silent
  g.update(p2, event_time{70}, partition_state::active);
  CHECK(g.current() == event_time{50});
}

TEST_CASE("idle partitions are left out of the minimum", "[global_watermark]") {
  global_watermark g{{p0, p1, p2}};
  g.update(p0, event_time{100}, partition_state::active);
  g.update(p1, event_time{50}, partition_state::idle);
  g.update(p2, event_time{70}, partition_state::active);
  CHECK(g.current() == event_time{70});
  // The idle partition delivers again: it holds the minimum back again.
  g.update(p1, event_time{55}, partition_state::active);
  CHECK(g.current() == event_time{55});
}

TEST_CASE("ended partitions count as +infinity", "[global_watermark]") {
  global_watermark g{{p0, p1}};
  g.update(p0, event_time{100}, partition_state::ended);
  g.update(p1, event_time{40}, partition_state::active);
  CHECK(g.current() == event_time{40});
  CHECK_FALSE(g.all_ended());
  g.update(p1, event_time{40}, partition_state::ended);
  CHECK(g.all_ended());
  CHECK(g.current() == max_event_time);
}

TEST_CASE("with no active partition, the largest idle watermark rules",
          "[global_watermark]") {
  global_watermark g{{p0, p1, p2}};
  g.update(p0, event_time{100}, partition_state::idle);
  g.update(p1, event_time{300}, partition_state::idle);
  g.update(p2, event_time{0}, partition_state::ended);
  // Not +infinity: that would make every later record of p0/p1 late.
  CHECK(g.current() == event_time{300});
}

TEST_CASE("unknown partitions are refused", "[global_watermark]") {
  global_watermark g{{p0, p2}};
  CHECK_THROWS(g.update(p1, event_time{1}, partition_state::active));
  CHECK_THROWS(
      g.update(partition_id{3}, event_time{1}, partition_state::active));
}

TEST_CASE("partition ids need not be contiguous", "[global_watermark]") {
  // --partitions 0,2: the gap at 1 neither holds back nor counts as read.
  global_watermark g{{p0, p2}};
  g.update(p0, event_time{100}, partition_state::active);
  CHECK(g.current() == min_event_time); // p2 unheard
  g.update(p2, event_time{70}, partition_state::active);
  CHECK(g.current() == event_time{70});
  g.update(p0, event_time{0}, partition_state::ended);
  g.update(p2, event_time{0}, partition_state::ended);
  CHECK(g.all_ended());
}
