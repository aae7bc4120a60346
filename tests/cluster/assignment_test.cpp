#include <catch2/catch.hpp>

#include "cluster/assignment.hpp"
#include "messages/cluster.hpp"

using namespace crashwatch;

namespace {

partition_plan kafka(int32_t p) {
  return {partition_id{p}, "kafka logs/" + std::to_string(p), "", ""};
}

partition_plan file(int32_t p, std::string node = "") {
  return {partition_id{p}, "file /f" + std::to_string(p),
          "/f" + std::to_string(p), std::move(node)};
}

const cluster_member coordinator{"c", coordinator_role};

} // namespace

TEST_CASE("shards go round robin over the aggregator nodes, by node id",
          "[assignment]") {
  // Joined in another order than their ids: the assignment does not care.
  std::vector<cluster_member> nodes{
      {"a2", aggregator_role}, {"r1", reader_role}, {"a1", aggregator_role}};
  auto a = assign_cluster(coordinator, nodes, 5, {});
  REQUIRE(a);
  CHECK(a->shard_nodes
        == std::vector<std::string>{"a1", "a2", "a1", "a2", "a1"});
}

TEST_CASE("without aggregator nodes the coordinator hosts every shard",
          "[assignment]") {
  auto a = assign_cluster(coordinator, {{"r1", reader_role}}, 3, {});
  REQUIRE(a);
  CHECK(a->shard_nodes == std::vector<std::string>{"c", "c", "c"});
}

TEST_CASE("a coordinator with the aggregator role takes its share",
          "[assignment]") {
  auto a = assign_cluster({"c", coordinator_role | aggregator_role},
                          {{"a1", aggregator_role}}, 4, {});
  REQUIRE(a);
  CHECK(a->shard_nodes == std::vector<std::string>{"a1", "c", "a1", "c"});
}

TEST_CASE("Kafka partitions go round robin over the reader nodes",
          "[assignment]") {
  std::vector<cluster_member> nodes{{"r2", reader_role},
                                    {"r1", reader_role | aggregator_role}};
  auto a
      = assign_cluster(coordinator, nodes, 2, {kafka(0), kafka(1), kafka(2)});
  REQUIRE(a);
  CHECK(a->partition_nodes == std::vector<std::string>{"r1", "r2", "r1"});
  // Without reader nodes the coordinator reads them.
  a = assign_cluster(coordinator, {{"a1", aggregator_role}}, 2,
                     {kafka(0), kafka(1)});
  REQUIRE(a);
  CHECK(a->partition_nodes == std::vector<std::string>{"c", "c"});
}

TEST_CASE("files are read by the coordinator unless named for a node",
          "[assignment]") {
  std::vector<cluster_member> nodes{{"r1", reader_role}, {"r2", reader_role}};
  auto a = assign_cluster(coordinator, nodes, 1,
                          {file(0), file(1, "r2"), file(2, "r2")});
  REQUIRE(a);
  CHECK(a->partition_nodes == std::vector<std::string>{"c", "r2", "r2"});
}

TEST_CASE("a file named for a node that is no reader node is refused",
          "[assignment]") {
  auto a = assign_cluster(coordinator, {{"a1", aggregator_role}}, 1,
                          {file(0, "a1")});
  REQUIRE_FALSE(a);
  CHECK_THAT(caf::to_string(a.error()),
             Catch::Contains("is not a reader node"));
}
