#include <catch2/catch.hpp>

#include <cstdlib>
#include <fstream>
#include <iterator>
#include <memory>
#include <string>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "io/output_stream.hpp"
#include "tests/support/temp_dir.hpp"

using namespace crashwatch;

namespace {

using test::temp_dir;

std::string read_all(const std::string& path) {
  std::ifstream in{path, std::ios::binary};
  return {std::istreambuf_iterator<char>{in}, {}};
}

std::unique_ptr<output_stream> open_output(const std::string& path) {
  auto out = output_stream::open(path);
  if (!out)
    FAIL(render(out.error()));
  return std::move(*out);
}

} // namespace

TEST_CASE("an output file's position is its size, buffered text included",
          "[output_stream]") {
  temp_dir dir;
  auto path = dir.path + "/alerts.jsonl";
  auto out = open_output(path);
  CHECK(out->seekable());
  auto empty = out->position();
  REQUIRE(empty);
  CHECK(*empty == 0);
  REQUIRE(!out->write("{\"a\":1}\n"));
  REQUIRE(!out->write("{\"b\":22}\n"));
  // Not flushed by the caller: position() flushes.
  auto pos = out->position();
  REQUIRE(pos);
  CHECK(*pos == 17);
  CHECK(read_all(path) == "{\"a\":1}\n{\"b\":22}\n");
}

TEST_CASE("an output file that had content is appended to from its end",
          "[output_stream]") {
  temp_dir dir;
  auto path = dir.path + "/alerts.jsonl";
  std::ofstream{path, std::ios::binary} << "earlier run\n";
  auto out = open_output(path);
  auto at_open = out->position();
  REQUIRE(at_open);
  CHECK(*at_open == 12);
  REQUIRE(!out->write("more\n"));
  auto pos = out->position();
  REQUIRE(pos);
  CHECK(*pos == 17);
  CHECK(read_all(path) == "earlier run\nmore\n");
}

TEST_CASE("cut_back drops what came after a position and appends there",
          "[output_stream]") {
  temp_dir dir;
  auto path = dir.path + "/alerts.jsonl";
  {
    // A run that committed a checkpoint after "one\n", wrote on and died.
    auto out = open_output(path);
    REQUIRE(!out->write("one\n"));
    auto committed = out->position();
    REQUIRE(committed);
    CHECK(*committed == 4);
    REQUIRE(!out->write("two\nthr"));
    REQUIRE(!out->flush());
  }
  REQUIRE(read_all(path) == "one\ntwo\nthr");
  // The restart cuts back to the checkpoint and writes the rest again.
  auto out = open_output(path);
  REQUIRE(!out->cut_back(4));
  auto pos = out->position();
  REQUIRE(pos);
  CHECK(*pos == 4);
  REQUIRE(!out->write("two\nthree\n"));
  REQUIRE(!out->sync());
  CHECK(read_all(path) == "one\ntwo\nthree\n");
  // Cutting back to the current end changes nothing.
  REQUIRE(!out->cut_back(14));
  REQUIRE(!out->write("four\n"));
  REQUIRE(!out->flush());
  CHECK(read_all(path) == "one\ntwo\nthree\nfour\n");
  // Text still in the stdio buffer at the cut is dropped too, not written
  // after it.
  REQUIRE(!out->write("five\n"));
  REQUIRE(!out->cut_back(19));
  REQUIRE(!out->write("5\n"));
  REQUIRE(!out->flush());
  CHECK(read_all(path) == "one\ntwo\nthree\nfour\n5\n");
}

TEST_CASE("cut_back beyond the end of the file fails", "[output_stream]") {
  temp_dir dir;
  auto path = dir.path + "/alerts.jsonl";
  auto out = open_output(path);
  REQUIRE(!out->write("0123456789"));
  auto err = out->cut_back(25);
  REQUIRE(err);
  CHECK(has_code(err, ec::output_error));
  CHECK(render(err)
        == "cannot resume: " + path
               + " has 10 bytes, fewer than the 25 committed at the last "
                 "checkpoint (changed outside crashwatch?)");
  // The file is left alone.
  CHECK(read_all(path) == "0123456789");
  auto negative = out->cut_back(-1);
  REQUIRE(negative);
  CHECK(render(negative).find("cannot resume: cannot cut " + path
                              + " back to byte -1")
        == 0);
}

TEST_CASE("stdout, stderr, devices and pipes are not seekable",
          "[output_stream]") {
  for (auto name : {"-", "stderr", "/dev/null"}) {
    INFO(name);
    auto out = open_output(name);
    CHECK(!out->seekable());
    auto pos = out->position();
    REQUIRE(pos);
    CHECK(*pos == -1);
    CHECK(!out->cut_back(1'000'000));
    CHECK(!out->sync());
  }
  temp_dir dir;
  auto fifo = dir.path + "/pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // A reader first, or opening the FIFO for writing blocks.
  int reader = ::open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
  REQUIRE(reader >= 0);
  {
    auto out = open_output(fifo);
    CHECK(!out->seekable());
    auto pos = out->position();
    REQUIRE(pos);
    CHECK(*pos == -1);
    REQUIRE(!out->write("through\n"));
    CHECK(!out->sync());
    CHECK(!out->cut_back(0));
  }
  char buf[16] = {};
  CHECK(::read(reader, buf, sizeof buf) == 8);
  CHECK(std::string{buf} == "through\n");
  ::close(reader);
}
