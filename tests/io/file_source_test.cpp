#include <catch2/catch.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include <sys/stat.h>
#include <unistd.h>

#include "core/error.hpp"
#include "io/file_source.hpp"
#include "tests/support/temp_dir.hpp"

using namespace crashwatch;

namespace {

using test::temp_dir;

/// A record copied out of the source (views die at the next poll()).
struct copied {
  int64_t offset;
  std::string text;
};

/// Polls `src` (reading the file holding `content`) to its end; after each
/// poll that returned records, checks that resume_offset() points just past
/// the last of them: after its newline, or at the end of the file for a last
/// line without one.
std::vector<copied> drain(file_source& src, const std::string& content) {
  std::vector<copied> result;
  std::vector<source_record> out;
  for (;;) {
    out.clear();
    auto status = src.poll(out);
    if (!status)
      FAIL(render(status.error()));
    if (*status == poll_status::end)
      break;
    REQUIRE(*status == poll_status::records);
    REQUIRE(!out.empty());
    for (auto& rec : out)
      result.push_back({rec.offset.value, std::string{rec.text}});
    auto& last = out.back();
    auto end = static_cast<size_t>(last.offset.value) + last.text.size();
    if (end < content.size())
      ++end; // the newline
    CHECK(src.resume_offset() == record_offset{static_cast<int64_t>(end)});
  }
  return result;
}

// Three lines; "bb" starts at byte 4, "cccc" at byte 8.
const std::string three_lines = "aaa\nbb\n\ncccc\n";

} // namespace

TEST_CASE("file_source hands out lines with absolute offsets and a resume "
          "offset past them",
          "[file_source]") {
  temp_dir dir;
  auto path = dir.file("logs.jsonl", three_lines);
  // A 4-byte chunk splits lines across reads: several polls.
  auto src = file_source::open(path, 4);
  REQUIRE(src);
  CHECK((*src)->resume_offset() == record_offset{0});
  auto got = drain(**src, three_lines);
  REQUIRE(got.size() == 4);
  CHECK(got[0].offset == 0);
  CHECK(got[0].text == "aaa");
  CHECK(got[1].offset == 4);
  CHECK(got[1].text == "bb");
  CHECK(got[2].offset == 7);
  CHECK(got[2].text.empty());
  CHECK(got[3].offset == 8);
  CHECK(got[3].text == "cccc");
  CHECK((*src)->resume_offset() == record_offset{13});
  CHECK((*src)->bytes_read() == 13);
}

TEST_CASE("file_source splits lines of every length at every chunk size",
          "[file_source]") {
  // Lines of 0 to 200 bytes (the splitter works in 64-byte blocks: every
  // length puts the newline elsewhere in them), bytes of every value but
  // '\n' inside, with and without a newline at the end of the file; read in
  // chunks from 1 byte to more than the file. Records must be exactly the
  // lines, at their offsets.
  std::mt19937_64 rng{12};
  std::string content;
  std::vector<copied> expected;
  for (size_t length = 0; length <= 200; ++length) {
    std::string line(length, 'x');
    for (auto& c : line)
      do
        c = static_cast<char>(rng());
      while (c == '\n');
    expected.push_back({static_cast<int64_t>(content.size()), line});
    content += line + "\n";
  }
  temp_dir dir;
  for (bool last_newline : {true, false}) {
    auto text = last_newline ? content : content + "tail";
    auto lines = expected;
    if (!last_newline)
      lines.push_back({static_cast<int64_t>(content.size()), "tail"});
    auto path = dir.file("lines.jsonl", text);
    for (size_t chunk :
         {size_t{1}, size_t{7}, size_t{63}, size_t{64}, size_t{65}, size_t{200},
          size_t{4096}, text.size() + 100}) {
      auto src = file_source::open(path, chunk);
      REQUIRE(src);
      auto got = drain(**src, text);
      INFO("chunk " << chunk << ", newline at the end " << last_newline);
      REQUIRE(got.size() == lines.size());
      for (size_t i = 0; i < got.size(); ++i) {
        REQUIRE(got[i].offset == lines[i].offset);
        REQUIRE(got[i].text == lines[i].text);
      }
    }
  }
}

TEST_CASE("file_source reads empty files and lone newlines", "[file_source]") {
  temp_dir dir;
  auto empty = dir.file("empty.jsonl", "");
  {
    auto src = file_source::open(empty, 1024);
    REQUIRE(src);
    CHECK(drain(**src, "").empty());
    CHECK((*src)->resume_offset() == record_offset{0});
  }
  // One newline only: one empty line.
  auto newline = dir.file("newline.jsonl", "\n");
  auto src = file_source::open(newline, 1024);
  REQUIRE(src);
  auto got = drain(**src, "\n");
  REQUIRE(got.size() == 1);
  CHECK(got[0].text.empty());
}

TEST_CASE("file_source hands out lines longer than the chunk",
          "[file_source]") {
  // Lines of several pages in chunks of 1 byte to 1 MiB, also resumed
  // after the first line: the buffer grows to hold a whole line.
  std::string content = "a\n" + std::string(3 * 4096 + 5, 'x') + "\nb\n"
                        + std::string(9000, 'y') + "\n"
                        + std::string(5000, 'z');
  temp_dir dir;
  auto path = dir.file("long.jsonl", content);
  for (uint64_t start : {uint64_t{0}, uint64_t{2}}) {
    for (size_t chunk : {size_t{1}, size_t{100}, size_t{1 << 20}}) {
      auto src = file_source::open(path, chunk, start);
      REQUIRE(src);
      auto got = drain(**src, content);
      INFO("chunk " << chunk << ", start " << start);
      REQUIRE(got.size() == (start == 0 ? 5u : 4u));
      auto& last = got.back();
      CHECK(last.text == std::string(5000, 'z'));
      CHECK(last.offset == static_cast<int64_t>(content.size() - 5000));
      CHECK(got[got.size() - 2].text == std::string(9000, 'y'));
      CHECK(got[got.size() - 4].text == std::string(3 * 4096 + 5, 'x'));
      CHECK(got[got.size() - 4].offset == 2);
      CHECK((*src)->resume_offset()
            == record_offset{static_cast<int64_t>(content.size())});
    }
  }
}

TEST_CASE("file_source reads what is appended to a file while reading it",
          "[file_source]") {
  temp_dir dir;
  std::string first = "aaa\nbb\n";
  auto path = dir.file("grow.jsonl", first + "cc");
  // Chunks of 4 bytes: the first poll hands out "aaa" only.
  auto src = file_source::open(path, 4);
  REQUIRE(src);
  std::vector<source_record> out;
  auto status = (*src)->poll(out);
  REQUIRE(status);
  REQUIRE(*status == poll_status::records);
  REQUIRE(out.size() == 1);
  CHECK(out[0].text == "aaa");
  // Grows by more than a page: "cc" becomes a whole line, then more.
  {
    std::ofstream append{path, std::ios::binary | std::ios::app};
    append << "c\n" << std::string(5000, 'd') << "\ne";
  }
  auto rest
      = drain(**src, first + "cc" + "c\n" + std::string(5000, 'd') + "\ne");
  REQUIRE(rest.size() == 4);
  CHECK(rest[0].text == "bb");
  CHECK(rest[1].text == "ccc");
  CHECK(rest[1].offset == 7);
  CHECK(rest[2].text == std::string(5000, 'd'));
  CHECK(rest[3].text == "e");
}

TEST_CASE("file_source reads pipes with read()", "[file_source]") {
  temp_dir dir;
  auto fifo = dir.path + "/pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // O_RDWR never blocks on Linux; the source's own open then finds a writer.
  auto* writer = std::fopen(fifo.c_str(), "r+");
  REQUIRE(writer != nullptr);
  auto src = file_source::open(fifo, 1024);
  REQUIRE(src);
  std::fputs("one\ntwo\nthr", writer);
  std::fflush(writer);
  std::vector<copied> got;
  std::vector<source_record> out;
  for (int i = 0; i < 1000 && got.size() < 2; ++i) {
    out.clear();
    auto status = (*src)->poll(out);
    REQUIRE(status);
    REQUIRE(*status != poll_status::end);
    for (auto& rec : out)
      got.push_back({rec.offset.value, std::string{rec.text}});
    if (*status == poll_status::no_data)
      ::usleep(1000);
  }
  REQUIRE(got.size() == 2);
  CHECK(got[0].text == "one");
  CHECK(got[1].text == "two");
  CHECK(got[1].offset == 4);
  std::fclose(writer); // the end of the pipe: "thr" is the last line
  for (int i = 0; i < 1000; ++i) {
    out.clear();
    auto status = (*src)->poll(out);
    REQUIRE(status);
    for (auto& rec : out)
      got.push_back({rec.offset.value, std::string{rec.text}});
    if (*status == poll_status::end)
      break;
    if (*status == poll_status::no_data)
      ::usleep(1000);
  }
  REQUIRE(got.size() == 3);
  CHECK(got[2].text == "thr");
  CHECK(got[2].offset == 8);
  CHECK((*src)->resume_offset() == record_offset{11});
}

TEST_CASE("file_source resumes at a line start with absolute offsets",
          "[file_source]") {
  temp_dir dir;
  auto path = dir.file("logs.jsonl", three_lines);
  auto src = file_source::open(path, 1024, 4);
  REQUIRE(src);
  CHECK((*src)->resume_offset() == record_offset{4});
  auto got = drain(**src, three_lines);
  REQUIRE(got.size() == 3);
  CHECK(got[0].offset == 4);
  CHECK(got[0].text == "bb");
  CHECK(got[2].offset == 8);
  CHECK(got[2].text == "cccc");
  // bytes_read counts what this object consumed, not the skipped prefix.
  CHECK((*src)->bytes_read() == 9);
  CHECK((*src)->resume_offset() == record_offset{13});
  // Resuming at the end of the file: nothing more.
  auto at_end = file_source::open(path, 1024, 13);
  REQUIRE(at_end);
  std::vector<source_record> out;
  auto status = (*at_end)->poll(out);
  REQUIRE(status);
  CHECK(*status == poll_status::end);
  CHECK(out.empty());
  CHECK((*at_end)->resume_offset() == record_offset{13});
}

TEST_CASE("file_source resumes after a last line without a newline",
          "[file_source]") {
  temp_dir dir;
  std::string content = "aaa\nbb";
  auto path = dir.file("logs.jsonl", content);
  auto src = file_source::open(path, 1024);
  REQUIRE(src);
  auto got = drain(**src, content);
  REQUIRE(got.size() == 2);
  CHECK(got[1].text == "bb");
  CHECK((*src)->resume_offset() == record_offset{6});
  // The end of an unchanged file is a valid resume point although no
  // newline precedes it.
  auto again = file_source::open(path, 1024, 6);
  REQUIRE(again);
  CHECK(drain(**again, content).empty());
}

TEST_CASE("file_source refuses resume points that do not fit the file",
          "[file_source]") {
  temp_dir dir;
  auto path = dir.file("logs.jsonl", three_lines);
  auto beyond = file_source::open(path, 1024, 20);
  REQUIRE(!beyond);
  CHECK(has_code(beyond.error(), ec::input_error));
  CHECK(render(beyond.error())
        == "cannot resume input " + path
               + " at byte 20: it has only 13 bytes (truncated or replaced "
                 "since the checkpoint?)");
  auto mid_line = file_source::open(path, 1024, 5);
  REQUIRE(!mid_line);
  CHECK(has_code(mid_line.error(), ec::input_error));
  CHECK(render(mid_line.error())
        == "cannot resume input " + path
               + " at byte 5: that is not the start of a line (the file "
                 "changed since the checkpoint?)");
  // Byte 12 is the last line's newline, not the start of a line.
  auto short_end = file_source::open(path, 1024, 12);
  REQUIRE(!short_end);
  CHECK(render(short_end.error()).find("that is not the start of a line")
        != std::string::npos);
}

TEST_CASE("stdin and pipes cannot be resumed", "[file_source]") {
  auto from_stdin = file_source::open("-", 1024, 10);
  REQUIRE(!from_stdin);
  CHECK(has_code(from_stdin.error(), ec::input_error));
  CHECK(render(from_stdin.error()).find("cannot resume stdin at byte 10: ")
        == 0);
  // Offset 0 is a plain start, also for stdin.
  CHECK(file_source::open("-", 1024, 0));
  temp_dir dir;
  auto fifo = dir.path + "/pipe";
  REQUIRE(::mkfifo(fifo.c_str(), 0600) == 0);
  // Opening a FIFO for reading blocks until a writer appears: hold the
  // other end open (O_RDWR never blocks on Linux).
  auto* writer = std::fopen(fifo.c_str(), "r+");
  REQUIRE(writer != nullptr);
  auto from_pipe = file_source::open(fifo, 1024, 10);
  std::fclose(writer);
  REQUIRE(!from_pipe);
  CHECK(render(from_pipe.error())
        == "cannot resume input " + fifo
               + " at byte 10: it is not a regular file (a pipe?) and cannot "
                 "be read again");
}

// -- --max-record-bytes and the byte order mark ------------------------------

namespace {

/// Polls `src` to its end, copying every record with its oversized length;
/// checks that resume_offset() is a line start (or the end) after each poll.
struct long_record {
  int64_t offset;
  std::string text;
  uint64_t oversized;
};

std::vector<long_record> drain_long(file_source& src,
                                    const std::string& content) {
  std::vector<long_record> result;
  std::vector<source_record> out;
  for (int polls = 0; polls < 100'000; ++polls) {
    out.clear();
    auto status = src.poll(out);
    if (!status)
      FAIL(render(status.error()));
    if (*status == poll_status::end)
      return result;
    if (*status == poll_status::partial) {
      CHECK(out.empty());
    } else {
      REQUIRE(*status == poll_status::records);
      for (auto& rec : out)
        result.push_back(
            {rec.offset.value, std::string{rec.text}, rec.oversized_bytes});
    }
    auto resume = static_cast<size_t>(src.resume_offset().value);
    CHECK((resume == 0 || resume == content.size()
           || content[resume - 1] == '\n'));
  }
  FAIL("no end after 100000 polls");
  return result;
}

} // namespace

TEST_CASE("a line over max_record_bytes is handed out as its length and "
          "first bytes",
          "[file_source]") {
  temp_dir dir{"file_source_test"};
  // Limit 5000 bytes, chunks of 4096: the long line spans many chunks, is
  // never held whole, and the lines around it keep their offsets.
  std::string big(300'000, 'x');
  big[0] = 'B';
  auto content = "first\n" + big + "\nlast\n";
  auto path = dir.file("long.jsonl", content);
  auto src = file_source::open(path, 4096, 0, 5000);
  REQUIRE(src);
  auto got = drain_long(**src, content);
  REQUIRE(got.size() == 3);
  CHECK(got[0].text == "first");
  CHECK(got[0].oversized == 0);
  CHECK(got[1].offset == 6);
  CHECK(got[1].oversized == 300'000);
  CHECK(got[1].text == big.substr(0, record_prefix_bytes));
  CHECK(got[2].offset == static_cast<int64_t>(6 + big.size() + 1));
  CHECK(got[2].text == "last");
  CHECK((*src)->resume_offset().value == static_cast<int64_t>(content.size()));
  CHECK((*src)->bytes_read() == content.size());
}

TEST_CASE("a line at the limit is a record; one byte more is oversized, in "
          "one chunk or at the end of a file",
          "[file_source]") {
  temp_dir dir{"file_source_test"};
  auto content = std::string(100, 'a') + "\n" + std::string(101, 'b');
  auto path = dir.file("edge.jsonl", content);
  auto src = file_source::open(path, 1 << 20, 0, 100);
  REQUIRE(src);
  auto got = drain_long(**src, content);
  REQUIRE(got.size() == 2);
  CHECK(got[0].oversized == 0);
  CHECK(got[0].text.size() == 100);
  CHECK(got[1].offset == 101);
  CHECK(got[1].oversized == 101);
  CHECK(got[1].text == std::string(101, 'b'));
  // The same long last line (no newline) when it spans chunks.
  auto tail = "a\n" + std::string(50'000, 'z');
  auto path2 = dir.file("tail.jsonl", tail);
  auto src2 = file_source::open(path2, 4096, 0, 1000);
  REQUIRE(src2);
  auto got2 = drain_long(**src2, tail);
  REQUIRE(got2.size() == 2);
  CHECK(got2[1].offset == 2);
  CHECK(got2[1].oversized == 50'000);
  CHECK(got2[1].text.size() == record_prefix_bytes);
}

TEST_CASE("a byte order mark before a file's first line is skipped, nowhere "
          "else",
          "[file_source]") {
  temp_dir dir{"file_source_test"};
  auto content = std::string{"\xef\xbb\xbf{\"a\":1}\n\xef\xbb\xbf{\"b\":2}\n"};
  auto path = dir.file("bom.jsonl", content);
  auto src = file_source::open(path, 1 << 20);
  REQUIRE(src);
  auto got = drain_long(**src, content);
  REQUIRE(got.size() == 2);
  CHECK(got[0].offset == 0);
  CHECK(got[0].text == "{\"a\":1}");
  CHECK(got[1].offset == 11);
  CHECK(got[1].text == "\xef\xbb\xbf{\"b\":2}");
  // Resumed at the second line, nothing is skipped.
  auto resumed = file_source::open(path, 1 << 20, 11);
  REQUIRE(resumed);
  std::vector<source_record> out;
  REQUIRE((*resumed)->poll(out));
  REQUIRE(out.size() == 1);
  CHECK(out[0].text == "\xef\xbb\xbf{\"b\":2}");
}
