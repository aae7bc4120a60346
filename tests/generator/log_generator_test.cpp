#include "generator/log_generator.hpp"

#include <catch2/catch.hpp>

#include <boost/json.hpp>

#include <cctype>
#include <cstdio>
#include <ctime>
#include <map>
#include <set>
#include <string>
#include <vector>

using namespace crashwatch;

namespace {

/// Lines of a generator, one string each.
std::vector<std::string> lines_of(generator_options opts, size_t n,
                                  std::vector<generated_kind>* kinds
                                  = nullptr) {
  log_generator gen{opts};
  std::vector<std::string> result;
  for (size_t i = 0; i < n; ++i) {
    std::string line;
    auto kind = gen.append_next(line);
    if (kinds)
      kinds->push_back(kind);
    result.push_back(std::move(line));
  }
  return result;
}

/// Options for lines whose timestamps are exactly start + i ms.
generator_options exact_clock() {
  generator_options opts;
  opts.out_of_order_ms = 0;
  opts.late_fraction = 0;
  opts.blank_fraction = 0;
  return opts;
}

std::string lower(std::string s) {
  for (auto& c : s)
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

/// "2026-01-20T13:53:05.123" for ms since the epoch (UTC), via the C library
/// rather than the generator's own calendar code.
std::string iso(int64_t ms, char sep = 'T', bool fraction = true) {
  std::time_t secs = static_cast<std::time_t>(ms / 1000);
  std::tm tm{};
  gmtime_r(&secs, &tm);
  char buf[64];
  std::strftime(buf, sizeof buf, "%Y-%m-%d", &tm);
  std::string out = buf;
  out += sep;
  std::strftime(buf, sizeof buf, "%H:%M:%S", &tm);
  out += buf;
  if (fraction) {
    std::snprintf(buf, sizeof buf, ".%03d", static_cast<int>(ms % 1000));
    out += buf;
  }
  return out;
}

/// True when `ts` (a record's timestamp) denotes `ms` in one of the forms of
/// SPEC.md, allowing only the precision loss the form implies.
bool denotes(const boost::json::value& ts, int64_t ms) {
  if (ts.is_int64()) {
    auto v = ts.as_int64();
    return v == ms                                         // milliseconds
           || (v >= ms * 1000 + 1 && v <= ms * 1000 + 999) // microseconds
           || v == ms / 1000;                              // whole seconds
  }
  if (ts.is_double()) {
    auto v = ts.as_double();
    return (v > 1e11 && v == static_cast<double>(ms))     // 1.768917185123e12
           || (v > ms / 1000.0 && v < (ms + 1) / 1000.0); // seconds.frac
  }
  if (!ts.is_string())
    return false;
  std::string s{ts.as_string()};
  if (s == std::to_string(ms))
    return true;
  char buf[64];
  std::snprintf(buf, sizeof buf, "%lld.%03lld",
                static_cast<long long>(ms / 1000),
                static_cast<long long>(ms % 1000));
  if (s.rfind(buf, 0) == 0 && s.size() == std::string{buf}.size() + 3)
    return true; // seconds with microseconds
  if (s == iso(ms) + "Z" || s == iso(ms, ' ') || s == iso(ms, 'T', false) + "Z")
    return true;
  // With a zone offset: the local time is shifted by the offset.
  if (s.size() == 29 && (s[23] == '+' || s[23] == '-')) {
    int sign = s[23] == '-' ? -1 : 1;
    int offset_min
        = sign * (std::stoi(s.substr(24, 2)) * 60 + std::stoi(s.substr(27, 2)));
    return s.substr(0, 23) == iso(ms + offset_min * 60000LL);
  }
  return false;
}

} // namespace

TEST_CASE("log_generator is deterministic for a seed", "[log_generator]") {
  generator_options opts;
  opts.malformed_fraction = 0.05;
  auto a = lines_of(opts, 5000);
  auto b = lines_of(opts, 5000);
  CHECK(a == b);
  opts.seed = 2;
  auto c = lines_of(opts, 5000);
  CHECK(a != c);
}

TEST_CASE("log_generator writes the usual record form", "[log_generator]") {
  auto opts = exact_clock();
  opts.variant_fraction = 0;
  opts.users = 50;
  log_generator gen{opts};
  std::string first;
  gen.append_next(first);
  // The first record is at the default start, 2026-01-20T13:53:00Z.
  CHECK(first.rfind("{\"timestamp\": 1768917180000, \"status\": \"", 0) == 0);
  std::set<std::string> users;
  std::set<std::string> severities;
  for (int i = 0; i < 2000; ++i) {
    std::string line;
    REQUIRE(gen.append_next(line) == generated_kind::record);
    auto v = boost::json::parse(line);
    auto& o = v.as_object();
    REQUIRE(o.size() == 6);
    CHECK(o.at("timestamp").as_int64() == 1768917180000 + i + 1);
    users.insert(std::string{o.at("user_id").as_string()});
    severities.insert(std::string{o.at("severity").as_string()});
    CHECK(o.at("source_ip").as_string().starts_with("10."));
  }
  CHECK(users.size() == 50);
  CHECK(users.count("user_1000") == 1);
  CHECK(users.count("user_1049") == 1);
  CHECK(severities
        == std::set<std::string>{"Low", "Medium", "High", "Critical"});
}

TEST_CASE("log_generator's clock, jitter and late records", "[log_generator]") {
  generator_options opts;
  opts.events_per_second = 250; // 4 ms per line
  opts.out_of_order_ms = 100;
  opts.late_fraction = 0.05;
  opts.variant_fraction = 0;
  opts.blank_fraction = 0;
  opts.start_ms = 1'000'000'000'000;
  std::vector<generated_kind> kinds;
  auto lines = lines_of(opts, 20000, &kinds);
  size_t late = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    auto clock = opts.start_ms + static_cast<int64_t>(i) * 4;
    auto t = boost::json::parse(lines[i]).at("timestamp").as_int64();
    if (kinds[i] == generated_kind::late_record) {
      ++late;
      CHECK(t <= clock - 35000);
      CHECK(t >= clock - 120000);
    } else {
      REQUIRE(kinds[i] == generated_kind::record);
      CHECK(t <= clock);
      CHECK(t >= clock - 100);
    }
  }
  // 5% of 20000, give or take a few standard deviations (about 31).
  CHECK(late > 850);
  CHECK(late < 1150);
}

TEST_CASE("log_generator's crash share makes alerts, but not everywhere",
          "[log_generator]") {
  generator_options opts;
  opts.variant_fraction = 0;
  opts.blank_fraction = 0;
  opts.late_fraction = 0;
  opts.out_of_order_ms = 0;
  // 200 s of event time with the defaults: 20 windows x 1000 users.
  auto lines = lines_of(opts, 200'000);
  std::map<std::pair<int64_t, std::string>, int> counts;
  size_t matching = 0;
  for (auto& line : lines) {
    auto v = boost::json::parse(line);
    auto& o = v.as_object();
    auto content = lower(std::string{o.at("content").as_string()});
    auto severity = std::string{o.at("severity").as_string()};
    if (content.find("crash") == std::string::npos
        || (severity != "High" && severity != "Critical"))
      continue;
    ++matching;
    auto window = o.at("timestamp").as_int64() / 10000;
    ++counts[{window, std::string{o.at("user_id").as_string()}}];
  }
  // 3.5% of the records match the default filter.
  CHECK(matching > 6500);
  CHECK(matching < 7500);
  size_t alerts = 0;
  for (auto& [key, n] : counts)
    alerts += n > 2;
  auto share = static_cast<double>(alerts) / counts.size();
  // Poisson(0.35): about 1.9% of the (window, user) pairs with a crash.
  CHECK(share > 0.01);
  CHECK(share < 0.03);
  CHECK(alerts > 50);
}

TEST_CASE("log_generator's other forms are valid records of the same time",
          "[log_generator]") {
  auto opts = exact_clock();
  opts.variant_fraction = 1;
  std::set<std::string> forms;
  log_generator gen{opts};
  for (int i = 0; i < 20000; ++i) {
    std::string line;
    REQUIRE(gen.append_next(line) == generated_kind::record);
    INFO(line);
    boost::json::error_code ec;
    auto v = boost::json::parse(line, ec);
    REQUIRE(!ec);
    REQUIRE(v.is_object());
    auto& o = v.as_object();
    REQUIRE(o.contains("timestamp"));
    CHECK(denotes(o.at("timestamp"), 1768917180000 + i));
    auto& ts = o.at("timestamp");
    forms.insert(ts.is_string() ? "string" : ts.is_double() ? "double" : "int");
    // A record that would match must carry a user.
    if (o.contains("content") && o.at("content").is_string()
        && lower(std::string{o.at("content").as_string()}).find("crash")
               != std::string::npos
        && o.at("severity").is_string()
        && (o.at("severity").as_string() == "High"
            || o.at("severity").as_string() == "Critical")) {
      REQUIRE(o.contains("user_id"));
      CHECK(o.at("user_id").as_string().starts_with("user_1"));
    }
  }
  CHECK(forms.size() == 3);
}

TEST_CASE("log_generator's malformed lines", "[log_generator]") {
  auto opts = exact_clock();
  opts.malformed_fraction = 1;
  log_generator gen{opts};
  std::set<malformed_kind> seen;
  for (int i = 0; i < 5000; ++i) {
    std::string line;
    REQUIRE(gen.append_next(line) == generated_kind::malformed);
    INFO(line);
    auto kind = gen.last_malformed_kind();
    seen.insert(kind);
    REQUIRE(!line.empty());
    CHECK(line.find('\n') == std::string::npos);
    boost::json::error_code ec;
    auto v = boost::json::parse(line, ec);
    switch (kind) {
    case malformed_kind::truncated:
    case malformed_kind::nan_timestamp:
      CHECK(ec);
      break;
    case malformed_kind::array:
      CHECK(v.is_array());
      break;
    case malformed_kind::scalar:
      CHECK((v.is_string() || v.is_int64()));
      break;
    case malformed_kind::bad_timestamp_string:
      REQUIRE(v.is_object());
      CHECK(v.at("timestamp").is_string());
      break;
    case malformed_kind::bad_timestamp_type:
      REQUIRE(v.is_object());
      CHECK(!v.at("timestamp").is_string());
      CHECK(!v.at("timestamp").is_number());
      break;
    case malformed_kind::missing_timestamp:
      REQUIRE(v.is_object());
      CHECK(!v.as_object().contains("timestamp"));
      break;
    case malformed_kind::crash_without_user: {
      REQUIRE(v.is_object());
      auto& o = v.as_object();
      CHECK(o.at("severity").as_string() == "Critical");
      CHECK((!o.contains("user_id") || !o.at("user_id").is_string()
             || o.at("user_id").as_string().empty()));
      break;
    }
    }
  }
  CHECK(seen.size() == static_cast<size_t>(malformed_kind_count));
}

TEST_CASE("log_generator without malformed fraction writes none",
          "[log_generator]") {
  generator_options opts;
  opts.blank_fraction = 0.01;
  std::vector<generated_kind> kinds;
  auto lines = lines_of(opts, 20000, &kinds);
  size_t blank = 0;
  for (size_t i = 0; i < lines.size(); ++i) {
    CHECK(kinds[i] != generated_kind::malformed);
    if (kinds[i] == generated_kind::blank) {
      ++blank;
      CHECK(lines[i].empty());
    } else {
      boost::json::error_code ec;
      auto v = boost::json::parse(lines[i], ec);
      CHECK(!ec);
      CHECK(v.is_object());
    }
  }
  CHECK(blank > 100);
  CHECK(blank < 320);
}

TEST_CASE("log_generator refuses bad options", "[log_generator]") {
  generator_options opts;
  opts.users = 0;
  CHECK_THROWS_AS(log_generator{opts}, std::invalid_argument);
  opts = {};
  opts.events_per_second = 0;
  CHECK_THROWS_AS(log_generator{opts}, std::invalid_argument);
  opts = {};
  opts.late_fraction = 1.5;
  CHECK_THROWS_AS(log_generator{opts}, std::invalid_argument);
}
