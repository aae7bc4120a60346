#include <catch2/catch.hpp>

#include <cstdint>
#include <cstring>
#include <iterator>
#include <memory>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "core/record_parser.hpp"

using namespace crashwatch;
namespace reason = crashwatch::malformed_reason;

namespace {

// 2026-01-20T13:53:05.123Z.
constexpr int64_t example_ms = 1768917185123;

const std::string example
    = R"({"timestamp": 1768917185123, "status": "ERROR", "severity": "Critical", )"
      R"("source_ip": "10.0.4.17", "user_id": "user_1361", )"
      R"("content": "App crash detected"})";

/// A record with these members, in this order (raw JSON texts).
std::string record(std::vector<std::pair<std::string, std::string>> members) {
  std::string out = "{";
  for (auto& [key, value] : members) {
    if (out.size() > 1)
      out += ", ";
    out += "\"" + key + "\": " + value;
  }
  return out + "}";
}

/// A matching record with `timestamp` replaced.
std::string with_time(const std::string& timestamp) {
  return record({{"timestamp", timestamp},
                 {"severity", R"("High")"},
                 {"user_id", R"("u1")"},
                 {"content", R"("crash")"}});
}

/// The parts of a result that the rules define.
struct outcome {
  record_kind kind;
  int64_t time;
  std::string user_id;
  std::string reason;

  bool operator==(const outcome& other) const {
    return kind == other.kind && time == other.time && user_id == other.user_id
           && reason == other.reason;
  }
};

outcome outcome_of(const parsed_record& r) {
  outcome o{r.kind, 0, "", ""};
  if (r.kind == record_kind::other || r.kind == record_kind::crash)
    o.time = r.time.value;
  if (r.kind == record_kind::crash)
    o.user_id = std::string(r.user_id);
  if (r.kind == record_kind::malformed)
    o.reason = r.reason;
  return o;
}

std::ostream& operator<<(std::ostream& os, const outcome& o) {
  static const char* kinds[] = {"blank", "malformed", "other", "crash"};
  return os << kinds[static_cast<int>(o.kind)] << " t=" << o.time
            << " user=" << o.user_id << " reason=" << o.reason;
}

/// Parses `line` from an exactly sized heap copy (no padding to read into,
/// as with a Kafka payload) with record_parser::parse(), and checks the
/// reference path agrees.
outcome parse(const std::string& line, const filter_config& config = {}) {
  auto copy = std::make_unique<char[]>(line.size() + 1);
  std::memcpy(copy.get(), line.data(), line.size());
  std::string_view view(copy.get(), line.size());
  record_parser parser{config};
  auto result = outcome_of(parser.parse(view));
  INFO("line: " << line);
  CHECK(result == outcome_of(parser.parse_reference(view)));
  return result;
}

/// True when the fast path decides `line` on its own.
bool fast(const std::string& line, const filter_config& config = {}) {
  record_parser parser{config};
  parsed_record r;
  return parser.parse_fast(line, r);
}

outcome crash(int64_t t, std::string user) {
  return {record_kind::crash, t, std::move(user), ""};
}

outcome other(int64_t t) {
  return {record_kind::other, t, "", ""};
}

outcome malformed(const char* why) {
  return {record_kind::malformed, 0, "", why};
}

const outcome blank{record_kind::blank, 0, "", ""};

} // namespace

namespace Catch {
template <>
struct StringMaker<outcome> {
  static std::string convert(const outcome& o) {
    std::ostringstream os;
    os << o;
    return os.str();
  }
};
} // namespace Catch

TEST_CASE("the SPEC.md example record is a crash", "[record_parser]") {
  CHECK(parse(example) == crash(example_ms, "user_1361"));
  CHECK(fast(example));
}

TEST_CASE("blank lines are skipped, not malformed", "[record_parser]") {
  for (auto line : {"", " ", "\t", "\r", "  \t \r", "\n", " \r\n"})
    CHECK(parse(line) == blank);
  // Only JSON whitespace counts: a form feed is not blank.
  CHECK(parse("\f") == malformed(reason::invalid_json));
  CHECK(parse("\v") == malformed(reason::invalid_json));
}

TEST_CASE("CRLF lines and surrounding whitespace", "[record_parser]") {
  CHECK(parse(example + "\r") == crash(example_ms, "user_1361"));
  CHECK(parse("  \t" + example + " \r") == crash(example_ms, "user_1361"));
  CHECK(fast(example + "\r"));
}

TEST_CASE("only JSON objects are records", "[record_parser]") {
  for (auto line : {"[]", "[1, 2]", R"("crash")", "1768917185123", "-1", "null",
                    "true", "false", R"([{"timestamp": 1}])"})
    CHECK(parse(line) == malformed(reason::not_an_object));
}

TEST_CASE("invalid JSON is malformed", "[record_parser]") {
  for (auto line : {
           "{",
           "}",
           "{]",
           "nope",
           "crash",
           "{timestamp: 1}",
           "{'timestamp': 1}",
           R"({"timestamp": 1,})",
           R"({"timestamp": 1 "a": 2})",
           R"({"timestamp" 1})",
           R"({"timestamp":})",
           R"({"timestamp": 1}})",
           R"({"timestamp": 1} x)",
           R"({"timestamp": 1}{})",
           R"({"timestamp": 1}, {"timestamp": 2})",
           R"({"timestamp": 1, "content": "crash)",
           R"({"timestamp": 1, "content": "crash"}/* comment */)",
           R"({"timestamp": 1} // comment)",
           R"([1, 2)",
           "\xEF\xBB\xBF{\"timestamp\": 1}", // a byte order mark
       }) {
    INFO(line);
    CHECK(parse(line) == malformed(reason::invalid_json));
  }
}

TEST_CASE("invalid JSON in ignored fields is malformed too",
          "[record_parser]") {
  auto with = [](std::string status) {
    return record({{"timestamp", "1768917185123"},
                   {"status", status},
                   {"severity", R"("High")"},
                   {"user_id", R"("u1")"},
                   {"content", R"("crash")"}});
  };
  CHECK(parse(with(R"("ERROR")")) == crash(example_ms, "u1"));
  for (const std::string& bad : std::vector<std::string>{
           "ERROR",
           "01",
           "-01",
           "1.",
           ".5",
           "+1",
           "1e",
           "1e+",
           "-",
           "0x1F",
           "NaN",
           "Infinity",
           "tru",
           "nul",
           "falsey",
           "True",
           "NULL",
           R"("bad \q escape")",
           R"("bad \u12 escape")",
           R"("bad \x41")",
           R"("lone \ud800 surrogate")",
           R"("lone \udc00 surrogate")",
           "\"tab \t inside\"",
           "\"newline \n inside\"",
           std::string("\"nul \0 inside\"", 14),
           "\"del \x1f\"",
           "\"\xff\"",
           "\"\xc0\x80\"",
           "\"\xc3\"",
           "\"\xed\xa0\x80\"",
           "\"\xf4\x90\x80\x80\"",
           "\"\x80\"",
           "\"\xe2\x82\"",
           "[1, 2,]",
           "[1 2]",
           R"({"a"})",
           R"({"a": 1,})",
           R"({"a" 1})",
           "[",
           "{",
           R"("unterminated)",
           "1e99999999999",
       }) {
    INFO(bad);
    CHECK(parse(with(bad)) == malformed(reason::invalid_json));
  }
  // Deep nesting up to the limit is fine; beyond 64 levels it is not.
  CHECK(parse(with(std::string(63, '[') + std::string(63, ']')))
        == crash(example_ms, "u1"));
  CHECK(parse(with(std::string(64, '[') + std::string(64, ']')))
        == malformed(reason::invalid_json));
  // Valid odd values are fine.
  for (std::string good : {
           "-0",
           "0.5e-7",
           "1E+400",
           "[]",
           "{}",
           R"({"a": [1, {"b": null}]})",
           R"("\"\\\/\b\f\n\r\t\u0000\uD83D\uDE00")",
           "\"caf\xc3\xa9 \xf0\x9f\x98\x80\"",
           "\"\xef\xbf\xbf\"",
           "\"\x7f\"",
           "true",
           "false",
           "null",
       }) {
    INFO(good);
    CHECK(parse(with(good)) == crash(example_ms, "u1"));
  }
}

TEST_CASE("timestamp is required", "[record_parser]") {
  CHECK(parse(R"({"severity": "High", "user_id": "u1", "content": "crash"})")
        == malformed(reason::missing_timestamp));
  CHECK(parse("{}") == malformed(reason::missing_timestamp));
  CHECK(parse(R"({"Timestamp": 1768917185123})")
        == malformed(reason::missing_timestamp));
  CHECK(parse(R"({"a": {"timestamp": 1768917185123}})")
        == malformed(reason::missing_timestamp));
  CHECK(parse(with_time("null")) == malformed(reason::missing_timestamp));
  for (auto wrong : {"true", "false", "{}", "[]", "[1768917185123]",
                     R"({"ms": 1768917185123})"})
    CHECK(parse(with_time(wrong))
          == malformed(reason::timestamp_not_number_or_string));
  for (auto bad : {R"("")", R"("yesterday")", R"("2026-02-30T00:00:00Z")",
                   R"(" 1768917185123")", R"("1768917185123 ")", R"("0x1A")",
                   R"("2026-01-20T13:53:05 Z")"})
    CHECK(parse(with_time(bad)) == malformed(reason::invalid_timestamp));
  for (auto far :
       {"1e400", "-1e400", "9999999999999999999", R"("9999999999999999999")",
        "99999999999999999999999", "-62167219200001"})
    CHECK(parse(with_time(far)) == malformed(reason::timestamp_out_of_range));
}

TEST_CASE("timestamp forms and units", "[record_parser]") {
  CHECK(parse(with_time("1768917185123")) == crash(example_ms, "u1"));
  CHECK(parse(with_time("1768917185")) == crash(1768917185000, "u1"));
  CHECK(parse(with_time("1768917185123456")) == crash(example_ms, "u1"));
  CHECK(parse(with_time("1768917185.123")) == crash(example_ms, "u1"));
  CHECK(parse(with_time("1768917185.1239")) == crash(example_ms, "u1"));
  CHECK(parse(with_time("1.768917185123e12")) == crash(example_ms, "u1"));
  CHECK(parse(with_time("-1.5")) == crash(-1500, "u1"));
  CHECK(parse(with_time("99999999999")) == crash(99999999999000, "u1"));
  CHECK(parse(with_time("100000000000")) == crash(100000000000, "u1"));
  CHECK(parse(with_time("100000000000000")) == crash(100000000000, "u1"));
  CHECK(parse(with_time(R"("1768917185123")")) == crash(example_ms, "u1"));
  CHECK(parse(with_time(R"("1768917185.123")")) == crash(example_ms, "u1"));
  CHECK(parse(with_time(R"("2026-01-20T13:53:05Z")"))
        == crash(1768917185000, "u1"));
  CHECK(parse(with_time(R"("2026-01-20T15:53:05.123+02:00")"))
        == crash(example_ms, "u1"));
  CHECK(parse(with_time(R"("2026-01-20T15:53:05.123+0200")"))
        == crash(example_ms, "u1"));
  CHECK(parse(with_time(R"("2026-01-20 13:53:05")"))
        == crash(1768917185000, "u1"));
  CHECK(parse(with_time(R"("2026-01-20t13:53:05.123z")"))
        == crash(example_ms, "u1"));
  // Escapes in the timestamp string are undone first.
  CHECK(parse(with_time(R"("2026-01-20T13:53:05\u005A")"))
        == crash(1768917185000, "u1"));
  filter_config config;
  config.unit = timestamp_unit::seconds;
  CHECK(parse(with_time("1768917185123"), config)
        == malformed(reason::timestamp_out_of_range));
  CHECK(parse(with_time("1768917185.5"), config) == crash(1768917185500, "u1"));
  config.unit = timestamp_unit::milliseconds;
  CHECK(parse(with_time("1768917185"), config) == crash(1768917185, "u1"));
  CHECK(parse(with_time(R"("1768917185")"), config) == crash(1768917185, "u1"));
  config.unit = timestamp_unit::microseconds;
  CHECK(parse(with_time("1768917185123456"), config)
        == crash(example_ms, "u1"));
  CHECK(parse(with_time("-1"), config) == crash(-1, "u1"));
}

TEST_CASE("content matches the keyword ignoring ASCII case",
          "[record_parser]") {
  auto with_content = [](std::string content) {
    return record({{"timestamp", "1768917185123"},
                   {"severity", R"("Critical")"},
                   {"user_id", R"("u7")"},
                   {"content", content}});
  };
  for (auto hit :
       {R"("crash")", R"("CRASH")", R"("App Crash detected")", R"("cRaSh")",
        R"("crashed")", R"("xcrashx")", R"("c\u0072ash")", R"("\u0043RASH")",
        R"("\u0063\u0072\u0061\u0073\u0068")", R"("line\ncrash")",
        "\"caf\xc3\xa9 crash\""}) {
    INFO(hit);
    CHECK(parse(with_content(hit)) == crash(example_ms, "u7"));
  }
  for (auto miss : {R"("")", R"("cras")", R"("c rash")", R"("cras h")",
                    R"("c\\rash")", R"("c\u0000rash")", R"("ｃｒａｓｈ")", "1",
                    "null", "true", R"(["crash"])", R"({"crash": 1})"}) {
    INFO(miss);
    CHECK(parse(with_content(miss)) == other(example_ms));
  }
  CHECK(
      parse(
          R"({"timestamp": 1768917185123, "severity": "High", "user_id": "u"})")
      == other(example_ms));
}

TEST_CASE("severity matches exactly", "[record_parser]") {
  auto with_severity = [](std::string severity) {
    return record({{"timestamp", "1768917185123"},
                   {"severity", severity},
                   {"user_id", R"("u7")"},
                   {"content", R"("crash")"}});
  };
  CHECK(parse(with_severity(R"("High")")) == crash(example_ms, "u7"));
  CHECK(parse(with_severity(R"("Critical")")) == crash(example_ms, "u7"));
  CHECK(parse(with_severity(R"("\u0048igh")")) == crash(example_ms, "u7"));
  for (auto miss : {R"("high")", R"(" High")", R"("High ")", R"("HIGH")",
                    R"("critical")", R"("Low")", R"("")", R"("High\u0000")",
                    "1", "null", "true", R"(["High"])"}) {
    INFO(miss);
    CHECK(parse(with_severity(miss)) == other(example_ms));
  }
  CHECK(
      parse(
          R"({"timestamp": 1768917185123, "content": "crash", "user_id": "u"})")
      == other(example_ms));
}

TEST_CASE("a matching record needs a non-empty string user_id",
          "[record_parser]") {
  auto with_user = [](std::string user) {
    return record({{"timestamp", "1768917185123"},
                   {"severity", R"("High")"},
                   {"user_id", user},
                   {"content", R"("crash")"}});
  };
  for (auto bad :
       {R"("")", "1361", "null", "true", R"(["u"])", R"({"id": "u"})"})
    CHECK(parse(with_user(bad)) == malformed(reason::missing_user_id));
  CHECK(
      parse(
          R"({"timestamp": 1768917185123, "severity": "High", "content": "crash"})")
      == malformed(reason::missing_user_id));
  CHECK(parse(with_user(R"("user\u005f1")")) == crash(example_ms, "user_1"));
  CHECK(parse(with_user(R"(" ")")) == crash(example_ms, " "));
  CHECK(parse(with_user("\"\xc3\xa9l\xc3\xa8ve\""))
        == crash(example_ms, "\xc3\xa9l\xc3\xa8ve"));
  // Non-matching records need no user_id.
  CHECK(
      parse(
          R"({"timestamp": 1768917185123, "severity": "Low", "content": "crash"})")
      == other(example_ms));
  CHECK(
      parse(
          R"({"timestamp": 1768917185123, "severity": "High", "content": "ok", "user_id": 5})")
      == other(example_ms));
  // The timestamp is checked first.
  CHECK(parse(R"({"timestamp": "x", "severity": "High", "content": "crash"})")
        == malformed(reason::invalid_timestamp));
}

TEST_CASE("any field order, extra and nested fields", "[record_parser]") {
  CHECK(
      parse(
          R"({"content": "crash", "user_id": "u", "x": [1, {"y": "crash"}],)"
          R"( "severity": "High", "meta": {"timestamp": 5}, "timestamp": 1768917185123})")
      == crash(example_ms, "u"));
  CHECK(
      parse(
          R"({"user_id":"u","severity":"High","content":"crash","timestamp":1768917185123})")
      == crash(example_ms, "u"));
  CHECK(parse("{\n\t\"timestamp\" :\r 1768917185123 ,\"severity\":\"High\",  "
              "\"content\":\"crash\" , \"user_id\":\"u\"\n}")
        == crash(example_ms, "u"));
  // Keys are compared after unescaping.
  CHECK(
      parse(
          R"({"time\u0073tamp": 1768917185123, "severity": "High", "content": "crash", "user_id": "u"})")
      == crash(example_ms, "u"));
  // Keys that only look alike are other keys.
  CHECK(
      parse(
          R"({"timestamp ": 1, "timestamp": 1768917185123, "severity": "High", "Content": "crash", "user_id": "u"})")
      == other(example_ms));
}

TEST_CASE("duplicate keys: the last one wins", "[record_parser]") {
  CHECK(parse(R"({"timestamp": 1, "timestamp": 1768917185123})")
        == other(example_ms));
  CHECK(parse(R"({"timestamp": 1768917185123, "timestamp": null})")
        == malformed(reason::missing_timestamp));
  CHECK(parse(R"({"timestamp": "bad", "timestamp": 1768917185123})")
        == other(example_ms));
  CHECK(
      parse(
          R"({"timestamp": 1768917185123, "severity": "High", "content": "crash",)"
          R"( "user_id": "a", "user_id": "b"})")
      == crash(example_ms, "b"));
  CHECK(
      parse(
          R"({"timestamp": 1768917185123, "severity": "High", "content": "crash",)"
          R"( "user_id": "a", "user_id": ""})")
      == malformed(reason::missing_user_id));
  CHECK(
      parse(
          R"({"timestamp": 1768917185123, "severity": "High", "content": "crash",)"
          R"( "user_id": "a", "content": "fine"})")
      == other(example_ms));
  CHECK(
      parse(
          R"({"timestamp": 1768917185123, "severity": "Low", "content": "crash",)"
          R"( "user_id": "a", "severity": "High"})")
      == crash(example_ms, "a"));
  CHECK(
      parse(
          R"({"timestamp": 1768917185123, "severity": "High", "content": "crash",)"
          R"( "user_id": "a", "severity": {"x": 1}})")
      == other(example_ms));
}

TEST_CASE("keyword and severities are options", "[record_parser]") {
  filter_config config;
  config.keyword = "Fatal Error";
  config.severities = {"P1", "sev 2"};
  auto line = [](std::string severity, std::string content) {
    return record({{"timestamp", "1768917185123"},
                   {"severity", severity},
                   {"user_id", R"("u")"},
                   {"content", content}});
  };
  CHECK(parse(line(R"("P1")", R"("a FATAL error")"), config)
        == crash(example_ms, "u"));
  CHECK(parse(line(R"("sev 2")", R"("fatal ERROR!")"), config)
        == crash(example_ms, "u"));
  CHECK(parse(line(R"("High")", R"("fatal error")"), config)
        == other(example_ms));
  CHECK(parse(line(R"("P1")", R"("crash")"), config) == other(example_ms));
  CHECK(parse(line(R"("P1")", R"("fatal  error")"), config)
        == other(example_ms));
  // An empty keyword is contained in every string content.
  config.keyword = "";
  CHECK(parse(line(R"("P1")", R"("")"), config) == crash(example_ms, "u"));
  CHECK(parse(line(R"("P1")", "1"), config) == other(example_ms));
  // Keyword bytes that only look like letters under bit 5: '@' vs '`'.
  config.keyword = "@x";
  CHECK(parse(line(R"("P1")", R"("`X")"), config) == other(example_ms));
  CHECK(parse(line(R"("P1")", R"("a@X")"), config) == crash(example_ms, "u"));
  // No severities: nothing matches.
  config.severities.clear();
  CHECK(parse(line(R"("P1")", R"("@x")"), config) == other(example_ms));
}

TEST_CASE("the fast path takes the common shapes", "[record_parser]") {
  CHECK(fast(example));
  CHECK(fast(
      R"({"timestamp":1768917185123,"severity":"High","content":"crash","user_id":"u"})"));
  CHECK(
      fast("{\t\"timestamp\": 1768917185123,\n\"content\": \"caf\xc3\xa9\"}"));
  CHECK(fast(
      R"({"timestamp": "2026-01-20T13:53:05Z", "ok": true, "n": null, "f": 1.5e3})"));
  CHECK(fast(R"({"timestamp": 1})")); // short lines too
  CHECK(fast("{}"));
  CHECK(fast(""));
  // Beyond the size of the quote index.
  CHECK(fast(record(
      {{"timestamp", "1"}, {"x", "\"" + std::string(3000, 'x') + "\""}})));
  // ... and leaves the rest to the reference path.
  CHECK_FALSE(fast(R"({"timestamp": 1, "content": "c\u0072ash"})"));
  CHECK_FALSE(fast(R"({"timestamp": 1, "x": [1]})"));
  CHECK_FALSE(fast(R"({"timestamp": 1, "x": {}})"));
  CHECK_FALSE(fast("[1]"));
  CHECK_FALSE(fast("{"));
}

TEST_CASE("the fast path takes plain records of every length",
          "[record_parser]") {
  // The quote index works in 16-byte blocks and 64-bit words; every length
  // puts the last quote somewhere else in them.
  for (size_t padding = 0; padding < 1100; ++padding) {
    auto line = record({{"timestamp", "1768917185123"},
                        {"severity", R"("High")"},
                        {"x", "\"" + std::string(padding, 'p') + "\""},
                        {"user_id", R"("u9")"},
                        {"content", R"("crash")"}});
    INFO("length " << line.size());
    REQUIRE(fast(line));
    REQUIRE(parse(line) == crash(example_ms, "u9"));
  }
}

TEST_CASE("every byte in every position of a plain record, both SIMD levels",
          "[record_parser][differential]") {
  // A generator line (157 bytes, three 64-byte words with a partial one),
  // and shorter and longer variants so that the damaged byte lands on every
  // block and word boundary: each of the 256 byte values at each position.
  // Both fast paths must agree with the reference whenever they decide.
  using simd = record_parser::simd_level;
  record_parser best{filter_config{}};
  record_parser narrow{filter_config{}, simd::baseline};
  const std::string base
      = R"({"timestamp": 1768917178852, "status": "INFO", "severity": )"
        R"("High", "source_ip": "10.3.98.214", "user_id": "user_1143", )"
        R"("content": "Crash in db-1"})";
  int decided = 0, mismatches = 0;
  for (std::string line :
       {base, std::string{R"({"timestamp": 17, "x": "abc"})"},
        record({{"timestamp", "1768917185123"},
                {"x", "\"" + std::string(40, 'y') + "\""},
                {"severity", R"("High")"},
                {"user_id", R"("u")"},
                {"content", R"("crash")"}})}) {
    REQUIRE(fast(line));
    for (size_t i = 0; i < line.size(); ++i) {
      for (int byte = 0; byte < 256; ++byte) {
        std::string damaged = line;
        damaged[i] = static_cast<char>(byte);
        auto copy = std::make_unique<char[]>(damaged.size());
        std::memcpy(copy.get(), damaged.data(), damaged.size());
        std::string_view view(copy.get(), damaged.size());
        auto reference = outcome_of(best.parse_reference(view));
        for (auto* parser : {&best, &narrow}) {
          parsed_record r;
          if (!parser->parse_fast(view, r))
            continue;
          ++decided;
          if (!(outcome_of(r) == reference) && ++mismatches <= 20) {
            INFO("line: " << damaged << " (byte " << byte << " at " << i
                          << ", avx512 " << parser->uses_avx512() << ")");
            CHECK(outcome_of(r) == reference);
          }
        }
      }
    }
  }
  CHECK(mismatches == 0);
  CHECK(decided > 10000);
}

namespace {

/// Random records in the shapes producers write, and some they should not.
class line_generator {
 public:
  explicit line_generator(uint64_t seed) : rng_(seed) {}

  std::string record() {
    // Half the records are tame (what most producers write: no escapes, no
    // nesting), so that the fast path gets its share of the lines.
    tame_ = chance(0.5);
    std::vector<std::string> members;
    static const char* keys[] = {
        "timestamp", "content",         "severity",      "user_id",   "status",
        "source_ip", "time\\u0073tamp", "user_\\u0069d", "Timestamp", "x"};
    // The four interesting members most of the time, in random order.
    for (int i = 0; i < 4; ++i)
      if (chance(0.9))
        members.push_back(member(keys[i]));
    for (int extra = pick(4); extra > 0; --extra)
      members.push_back(member(keys[pick(tame_ ? 6 : std::size(keys))]));
    std::shuffle(members.begin(), members.end(), rng_);
    std::string out = "{" + space();
    for (size_t i = 0; i < members.size(); ++i) {
      if (i > 0)
        out += "," + space();
      out += members[i];
    }
    return space() + out + space() + "}" + (chance(0.1) ? "\r" : "") + space();
  }

  /// Byte-level damage: deletions, insertions of JSON-significant, control
  /// and non-ASCII bytes, replacements, truncation.
  std::string mutate(std::string line) {
    static const char inserts[] = {'"', '\\', '{', '}', ',', ':', '[', ']',
                                   ' ', '0',  '-', '.', 'e', 'u', 'n'};
    for (int n = 1 + pick(3); n > 0 && !line.empty(); --n) {
      auto at = pick(line.size());
      switch (pick(7)) {
      case 0:
        line.erase(at, 1);
        break;
      case 1:
        line.insert(at, 1, inserts[pick(sizeof(inserts))]);
        break;
      case 2:
        line.insert(at, 1, static_cast<char>(pick(0x20)));
        break;
      case 3:
        line.insert(at, 1, static_cast<char>(0x80 + pick(0x80)));
        break;
      case 4:
        line[at] = static_cast<char>(pick(256));
        break;
      case 5:
        line.insert(at, utf8_edge());
        break;
      default:
        line.resize(at);
      }
    }
    return line;
  }

 private:
  /// A multi-byte sequence near the edges of UTF-8's validity rules: lead
  /// bytes around the overlong, surrogate and U+10FFFF limits, followed by
  /// bytes around the continuation range, mostly of the right length.
  std::string utf8_edge() {
    static const unsigned char leads[]
        = {0xC0, 0xC1, 0xC2, 0xDF, 0xE0, 0xE1, 0xEC, 0xED, 0xEE,
           0xEF, 0xF0, 0xF1, 0xF3, 0xF4, 0xF5, 0xFF, 0x80, 0xBF};
    static const unsigned char follows[]
        = {0x7F, 0x80, 0x8F, 0x90, 0x9F, 0xA0, 0xBF, 0xC0, 0x22};
    auto lead = leads[pick(sizeof(leads))];
    size_t length = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
    if (chance(0.2))
      length = 1 + pick(4);
    std::string out(1, static_cast<char>(lead));
    for (size_t i = 1; i < length; ++i)
      out += static_cast<char>(chance(0.7) ? 0x80 + pick(0x40)
                                           : follows[pick(sizeof(follows))]);
    return out;
  }

  size_t pick(size_t n) {
    return std::uniform_int_distribution<size_t>(0, n - 1)(rng_);
  }
  bool chance(double p) {
    return std::uniform_real_distribution<double>(0, 1)(rng_) < p;
  }
  template <size_t N>
  std::string one_of(const char* const (&options)[N]) {
    return options[pick(N)];
  }

  std::string space() {
    static const char* const options[]
        = {"", "", "", " ", " ", "  ", "\t", "\n", "\r\n", " \t "};
    return chance(0.7) ? "" : one_of(options);
  }

  std::string member(const std::string& key) {
    std::string value;
    if (key == "timestamp" || key == "Timestamp" || chance(0.1))
      value = timestamp();
    else if (key == "content")
      value = chance(0.8) ? string_of(content()) : any_value(0);
    else if (key == "severity")
      value = chance(0.85) ? string_of(severity()) : any_value(0);
    else if (key == "user_id")
      value = chance(0.9) ? string_of(user()) : any_value(0);
    else
      value = any_value(0);
    return "\"" + key + "\"" + space() + ":" + space() + value;
  }

  std::string timestamp() {
    static const char* const options[] = {"1768917185123",
                                          "1768917185",
                                          "1768917185123456",
                                          "1768917185.123",
                                          "1768917185.9999",
                                          "-1.5",
                                          "0",
                                          "-0",
                                          "99999999999",
                                          "100000000000",
                                          "100000000000000",
                                          "1.768917185123e12",
                                          "1E14",
                                          "1e400",
                                          "253402300800000",
                                          "-62167219200001",
                                          "12345678901234567890123",
                                          "0.5e-3",
                                          "null",
                                          "true",
                                          "false",
                                          "{}",
                                          "[1768917185123]",
                                          R"("1768917185123")",
                                          R"("1768917185.5")",
                                          R"("2026-01-20T13:53:05Z")",
                                          R"("2026-01-20T13:53:05.123+02:00")",
                                          R"("2026-01-20 13:53:05")",
                                          R"("2026-01-20t13:53:05.1234567z")",
                                          R"("2026-02-30T00:00:00Z")",
                                          R"("2024-02-29T23:59:60-0130")",
                                          R"("2026-01-20T13:53:05\u005a")",
                                          R"("yesterday")",
                                          R"("")",
                                          R"(" 1768917185")"};
    if (chance(0.5))
      return std::to_string(1768917185000 + static_cast<int64_t>(pick(100000)));
    return one_of(options);
  }

  std::string content() {
    static const char* const tame[]
        = {"App crash detected", "all good", "CRASH", "cRaSh loop", "c rash",
           "caf\xc3\xa9 crash",  "",         "cras"};
    if (tame_)
      return one_of(tame);
    static const char* const options[] = {"App crash detected",
                                          "all good",
                                          "CRASH",
                                          "cRaSh loop",
                                          "c\\u0072ash",
                                          "\\u0043rash",
                                          "cr\\u0061sh",
                                          "crash\\n",
                                          "line\\\"crash\\\"",
                                          "caf\xc3\xa9 crash",
                                          "\xe6\x97\xa5\xe6\x9c\xac crash",
                                          "c rash",
                                          "cras",
                                          "\xf0\x9f\x98\x80 crashed",
                                          "",
                                          "crash\\u0000",
                                          "\\\\crash"};
    return one_of(options);
  }

  std::string severity() {
    static const char* const options[]
        = {"High",      "Critical", "high", " High",     "Low",
           "Critical ", "Medium",   "",     "\\u0048igh"};
    return options[pick(std::size(options) - (tame_ ? 1 : 0))];
  }

  std::string user() {
    static const char* const options[]
        = {"user_1361", "u", "", "\xc3\xa9l\xc3\xa8ve", "a b", "user\\u005f9"};
    if (chance(0.5))
      return "user_" + std::to_string(pick(5000));
    return options[pick(std::size(options) - (tame_ ? 1 : 0))];
  }

  std::string string_of(const std::string& text) { return "\"" + text + "\""; }

  std::string any_value(int depth) {
    switch (pick(depth > 2 || tame_ ? 6 : 8)) {
    case 0:
      return string_of(content());
    case 1:
      return string_of(chance(0.5) ? "10.0.4.17" : "ERROR");
    case 2: {
      static const char* const numbers[]
          = {"0", "-1", "3.25", "1e5", "-2.5E-3", "42", "1e400"};
      return one_of(numbers);
    }
    case 3:
      return "true";
    case 4:
      return "false";
    case 5:
      return "null";
    case 6: {
      std::string out = "[" + space();
      for (int n = static_cast<int>(pick(3)); n > 0; --n)
        out += any_value(depth + 1) + (n > 1 ? "," + space() : "");
      return out + space() + "]";
    }
    default: {
      std::string out = "{" + space();
      for (int n = static_cast<int>(pick(3)); n > 0; --n)
        out += "\"k\":" + space() + any_value(depth + 1) + (n > 1 ? "," : "");
      return out + "}";
    }
    }
  }

  std::mt19937_64 rng_;
  bool tame_ = false;
};

} // namespace

TEST_CASE("fast path and reference path agree on random and damaged lines",
          "[record_parser][differential]") {
  filter_config custom;
  custom.keyword = "CrAsH";
  custom.severities = {"High", "Critical", ""};
  custom.unit = timestamp_unit::milliseconds;
  record_parser parsers[]
      = {record_parser{filter_config{}}, record_parser{custom}};
  // The same with the baseline (SSE2) fast path: on a CPU with AVX-512BW
  // the parsers above index lines with it, and both must decide the same
  // lines the same way.
  using simd = record_parser::simd_level;
  record_parser baseline[] = {record_parser{filter_config{}, simd::baseline},
                              record_parser{custom, simd::baseline}};
  line_generator gen{20260120};
  constexpr int lines = 240'000;
  int decided_by_fast = 0;
  int kinds[4] = {};
  int fast_kinds[4] = {};
  int mismatches = 0;
  for (int i = 0; i < lines; ++i) {
    auto line = gen.record();
    if (i % 2 != 0)
      line = gen.mutate(std::move(line));
    auto& parser = parsers[i % 7 == 0 ? 1 : 0];
    auto& narrow = baseline[i % 7 == 0 ? 1 : 0];
    // An exactly sized copy: nothing to read beyond the line.
    auto copy = std::make_unique<char[]>(line.size());
    std::memcpy(copy.get(), line.data(), line.size());
    std::string_view view(copy.get(), line.size());
    auto reference = outcome_of(parser.parse_reference(view));
    ++kinds[static_cast<int>(reference.kind)];
    parsed_record fast_result, narrow_result;
    bool decided = parser.parse_fast(view, fast_result);
    if (decided != narrow.parse_fast(view, narrow_result)
        || (decided
            && !(outcome_of(fast_result) == outcome_of(narrow_result)))) {
      if (++mismatches <= 20) {
        INFO("line: " << line);
        FAIL_CHECK("the AVX-512BW and SSE2 fast paths disagree");
      }
    }
    if (!decided)
      continue;
    ++decided_by_fast;
    ++fast_kinds[static_cast<int>(reference.kind)];
    auto fast = outcome_of(fast_result);
    if (!(fast == reference) && ++mismatches <= 20) {
      INFO("line: " << line);
      CHECK(fast == reference);
    }
  }
  CHECK(mismatches == 0);
  // The generator must exercise both paths and every outcome, or this test
  // proves little.
  INFO("fast path decided " << decided_by_fast << " of " << lines);
  CHECK(decided_by_fast > lines / 5);
  CHECK(decided_by_fast < lines * 4 / 5);
  for (int kind = 0; kind < 4; ++kind) {
    INFO("kind " << kind << ": " << kinds[kind] << " lines, fast path "
                 << fast_kinds[kind]);
    CHECK(fast_kinds[kind] > 100);
  }
}
