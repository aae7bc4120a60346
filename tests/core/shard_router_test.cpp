#include <catch2/catch.hpp>

#include <array>

#include "core/shard_router.hpp"

using namespace crashwatch;

TEST_CASE("the user hash is stable FNV-1a", "[shard_router]") {
  // Reference values of 64-bit FNV-1a (offset basis, and "a"): a change of
  // the hash would move users between shards of a running cluster.
  CHECK(stable_hash("") == 14695981039346656037ull);
  CHECK(stable_hash("a") == 0xaf63dc4c8601ec8cull);
}

TEST_CASE("users spread over all shards", "[shard_router]") {
  std::array<int, 8> seen{};
  for (int i = 1000; i < 2000; ++i)
    ++seen[shard_for("user_" + std::to_string(i), 8).value];
  for (auto n : seen) {
    CHECK(n > 60); // 1000 users / 8 shards = 125 on average
    CHECK(n < 190);
  }
  CHECK(shard_for("user_1361", 1) == shard_id{0});
}
