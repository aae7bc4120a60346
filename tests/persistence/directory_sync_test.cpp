#include <catch2/catch.hpp>

#include <string>

#include "core/error.hpp"
#include "persistence/directory_sync.hpp"
#include "tests/support/temp_dir.hpp"

using namespace crashwatch;

TEST_CASE("parent_directory names the directory that holds a path",
          "[directory_sync]") {
  CHECK(parent_directory("a/b/c") == "a/b");
  CHECK(parent_directory("/var/lib/cw/journal.db") == "/var/lib/cw");
  // A bare name lives in the working directory, a top-level one in "/".
  CHECK(parent_directory("alerts.jsonl") == ".");
  CHECK(parent_directory("/alerts.jsonl") == "/");
  CHECK(parent_directory("/") == "/");
  CHECK(parent_directory("") == ".");
  // `--data-dir state/` names the directory state, held by ".".
  CHECK(parent_directory("state/") == ".");
  CHECK(parent_directory("a/b/") == "a");
  CHECK(parent_directory("a//b") == "a");
  CHECK(parent_directory("//b") == "/");
  CHECK(parent_directory("./x") == ".");
}

TEST_CASE("sync_directory syncs a directory and names one it cannot",
          "[directory_sync]") {
  test::temp_dir dir;
  CHECK_FALSE(sync_directory(dir.path));
  CHECK_FALSE(sync_directory("."));
  auto missing = dir.path + "/missing";
  auto err = sync_directory(missing);
  REQUIRE(err);
  CHECK(render(err)
        == "cannot open directory " + missing + ": No such file or directory");
  // A file is not a directory: refused, not synced as one.
  auto file = dir.file("f", "x");
  err = sync_directory(file);
  REQUIRE(err);
  CHECK(render(err) == "cannot open directory " + file + ": Not a directory");
}
