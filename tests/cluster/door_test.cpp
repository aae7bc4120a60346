#include <catch2/catch.hpp>

#include "cluster/door.hpp"

using namespace crashwatch;

namespace {

door_rules rules() {
  door_rules r;
  r.coordinator = "c";
  r.expected = 3;
  r.node_timeout_ms = 5'000;
  r.job_options = {{"--window", "10s"}, {"--shards", "4"}};
  r.kafka = false;
  r.named_readers = {"r1"};
  r.shards = 2;
  return r;
}

join_request node(std::string id, uint8_t roles) {
  join_request r;
  r.protocol_version = cluster_protocol_version;
  r.node_id = std::move(id);
  r.roles = roles;
  r.address = {"127.0.0.1", 4001};
  r.node_timeout_ms = 5'000;
  return r;
}

/// join_refusal() before the job started (no fixed members).
std::string refusal(const door_rules& r, const std::vector<join_request>& in,
                    const join_request& request) {
  return join_refusal(r, in, {}, request);
}

} // namespace

TEST_CASE("a node that fits joins", "[door]") {
  CHECK(refusal(rules(), {}, node("a1", aggregator_role)).empty());
  CHECK(refusal(rules(), {}, node("r1", reader_role)).empty());
  auto same = node("a1", aggregator_role);
  same.job_options = {{"--window", "10s"}};
  CHECK(refusal(rules(), {}, same).empty());
}

TEST_CASE("the door says why it refuses a node", "[door]") {
  auto old = node("a1", aggregator_role);
  old.protocol_version = cluster_protocol_version + 1;
  CHECK_THAT(refusal(rules(), {}, old),
             Catch::Contains("speaks cluster protocol"));
  CHECK_THAT(refusal(rules(), {node("a1", aggregator_role)},
                     node("a1", aggregator_role)),
             Catch::Contains("--node-id a1 is already in the cluster"));
  CHECK_THAT(refusal(rules(), {}, node("c", aggregator_role)),
             Catch::Contains("--node-id c is already in the cluster"));
  auto slow = node("a1", aggregator_role);
  slow.node_timeout_ms = 2'000;
  CHECK_THAT(refusal(rules(), {}, slow),
             Catch::Contains("--node-timeout 2000ms, the coordinator 5000ms"));
  auto other = node("a1", aggregator_role);
  other.job_options = {{"--window", "5s"}};
  CHECK(refusal(rules(), {}, other)
        == "node a1 was started with --window 5s, the job has --window 10s");
  CHECK_THAT(refusal(rules(), {}, node("x", coordinator_role)),
             Catch::Contains("a cluster has one coordinator"));
  CHECK_THAT(refusal(rules(), {}, node("r2", reader_role)),
             Catch::Contains("the job needs no reader node r2"));
  CHECK_THAT(refusal(rules(),
                     {node("a1", aggregator_role), node("a2", aggregator_role)},
                     node("a3", aggregator_role)),
             Catch::Contains("its 2 shards are all placed"));
  CHECK_THAT(refusal(rules(),
                     {node("a1", aggregator_role), node("a2", aggregator_role),
                      node("r1", reader_role)},
                     node("r1b", reader_role)),
             Catch::Contains("the job expects 3 nodes"));
}

TEST_CASE("with Kafka input any reader node is welcome", "[door]") {
  auto r = rules();
  r.kafka = true;
  CHECK(refusal(r, {}, node("r7", reader_role)).empty());
}

TEST_CASE("once the job started only its nodes come back", "[door]") {
  std::vector<std::string> members{"a1", "a2", "r1"};
  // a1 was lost: a node with its id comes back.
  CHECK(join_refusal(rules(), {node("a2", aggregator_role)}, members,
                     node("a1", aggregator_role))
            .empty());
  CHECK_THAT(join_refusal(rules(), {node("a2", aggregator_role)}, members,
                          node("a3", aggregator_role)),
             Catch::Contains("a3 is not one of them"));
  // a2 restarted before its old connection was found dead: it takes its
  // place (the door drops the old one).
  CHECK(join_refusal(rules(), {node("a2", aggregator_role)}, members,
                     node("a2", aggregator_role))
            .empty());
  // The coordinator's id stays its own.
  CHECK_THAT(join_refusal(rules(), {node("a2", aggregator_role)}, members,
                          node("c", aggregator_role)),
             Catch::Contains("--node-id c is already in the cluster"));
}

TEST_CASE("a data dir of another job or node is refused", "[door]") {
  auto r = rules();
  r.job = "job-1";
  auto other_job = node("a1", aggregator_role);
  other_job.journal_job = "job-0";
  CHECK_THAT(refusal(r, {}, other_job),
             Catch::Contains("belongs to job job-0, this is job job-1"));
  auto other_node = node("a1", aggregator_role);
  other_node.journal_job = "job-1";
  other_node.journal_node = "a2";
  CHECK_THAT(refusal(r, {}, other_node),
             Catch::Contains("its data dir belongs to node a2"));
  auto same = node("a1", aggregator_role);
  same.journal_job = "job-1";
  same.journal_node = "a1";
  CHECK(refusal(r, {}, same).empty());
  r.durable = true;
  CHECK_THAT(refusal(r, {}, node("a1", aggregator_role)),
             Catch::Contains("needs a --data-dir of its own"));
}
