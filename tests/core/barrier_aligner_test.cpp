#include <catch2/catch.hpp>

#include <string>

#include "core/barrier_aligner.hpp"

using namespace crashwatch;

namespace {

/// Handles the messages released by an alignment the way an actor does:
/// a message of an input blocked again (by a held barrier) waits again.
std::vector<std::string> replay(barrier_aligner<std::string>& al) {
  std::vector<std::string> handled;
  for (auto& [input, msg] : al.release()) {
    if (al.blocked(input))
      al.hold(input, msg);
    else if (msg.rfind("barrier ", 0) == 0)
      al.on_barrier(input, checkpoint_id{std::stoull(msg.substr(8))});
    else
      handled.push_back(msg);
  }
  return handled;
}

} // namespace

TEST_CASE("a barrier aligns once every input delivered it",
          "[barrier_aligner]") {
  barrier_aligner<std::string> al{3};
  CHECK_FALSE(al.on_barrier(0, checkpoint_id{1}));
  CHECK(al.blocked(0));
  CHECK_FALSE(al.blocked(1));
  CHECK_FALSE(al.on_barrier(2, checkpoint_id{1}));
  CHECK(al.arrived() == 2);
  CHECK(al.on_barrier(1, checkpoint_id{1}));
  CHECK(al.aligning() == checkpoint_id{1});
  CHECK(replay(al).empty());
  CHECK_FALSE(al.blocked(0));
  CHECK(al.arrived() == 0);
}

TEST_CASE("one input aligns at once", "[barrier_aligner]") {
  barrier_aligner<std::string> al{1};
  CHECK(al.on_barrier(0, checkpoint_id{7}));
}

TEST_CASE("messages after a barrier wait and come back in arrival order",
          "[barrier_aligner]") {
  barrier_aligner<std::string> al{2};
  al.on_barrier(0, checkpoint_id{1});
  // Input 0 is ahead: its next messages belong after the snapshot.
  al.hold(0, "a1");
  al.hold(0, "a2");
  CHECK(al.held() == 2);
  CHECK(al.on_barrier(1, checkpoint_id{1}));
  CHECK(replay(al) == std::vector<std::string>{"a1", "a2"});
  CHECK(al.held() == 0);
}

TEST_CASE("a held barrier of the next checkpoint blocks its input again",
          "[barrier_aligner]") {
  barrier_aligner<std::string> al{2};
  al.on_barrier(0, checkpoint_id{1});
  al.hold(0, "a1");
  al.hold(0, "barrier 2");
  al.hold(0, "a2"); // after barrier 2: must wait for input 1's barrier 2
  CHECK(al.on_barrier(1, checkpoint_id{1}));
  CHECK(replay(al) == std::vector<std::string>{"a1"});
  CHECK(al.blocked(0));
  CHECK(al.aligning() == checkpoint_id{2});
  CHECK(al.held() == 1);
  CHECK(al.on_barrier(1, checkpoint_id{2}));
  CHECK(replay(al) == std::vector<std::string>{"a2"});
}

TEST_CASE("barriers of different checkpoints at once are a protocol error",
          "[barrier_aligner]") {
  barrier_aligner<std::string> al{2};
  al.on_barrier(0, checkpoint_id{1});
  CHECK_THROWS_AS(al.on_barrier(1, checkpoint_id{2}), std::logic_error);
  CHECK_THROWS_AS(al.on_barrier(0, checkpoint_id{1}), std::logic_error);
}
