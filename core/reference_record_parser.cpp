#include "core/reference_record_parser.hpp"

#include <string>

#include <boost/json/basic_parser_impl.hpp>

#include "core/event_time.hpp"
#include "core/malformed_reason.hpp"

namespace crashwatch {

namespace {

namespace json = boost::json;

/// The members of a record the rules look at.
enum field_id { ignored, timestamp, content, severity, user_id, field_count };

field_id identify(std::string_view key) {
  if (key == "timestamp")
    return timestamp;
  if (key == "content")
    return content;
  if (key == "severity")
    return severity;
  if (key == "user_id")
    return user_id;
  return ignored;
}

/// What a top-level member held; `text` is the unescaped string or the
/// number's own text (converted exactly by event_time, never via double).
struct member {
  enum type_t { absent, null, boolean, number, string, container } type;
  std::string text;
};

/// Collects the top-level members of interest from Boost.JSON's SAX events;
/// deeper values are only validated by the parser.
struct record_handler {
  static constexpr std::size_t max_object_size = std::size_t(-1);
  static constexpr std::size_t max_array_size = std::size_t(-1);
  static constexpr std::size_t max_key_size = std::size_t(-1);
  static constexpr std::size_t max_string_size = std::size_t(-1);

  int depth = 0;
  bool is_object = false;
  field_id current = ignored;
  std::string key;
  std::string text;
  member members[field_count];

  void set(member::type_t type) {
    // Duplicate keys: the last one wins, as in JavaScript and Python.
    members[current].type = type;
    members[current].text.swap(text);
    text.clear();
  }

  bool on_document_begin(json::error_code&) {
    depth = 0;
    is_object = false;
    current = ignored;
    key.clear();
    text.clear();
    for (auto& m : members)
      m.type = member::absent;
    return true;
  }
  bool on_document_end(json::error_code&) { return true; }
  bool on_object_begin(json::error_code&) {
    if (depth == 0)
      is_object = true;
    else if (depth == 1)
      set(member::container);
    ++depth;
    return true;
  }
  bool on_object_end(std::size_t, json::error_code&) {
    --depth;
    return true;
  }
  bool on_array_begin(json::error_code&) {
    if (depth == 1)
      set(member::container);
    ++depth;
    return true;
  }
  bool on_array_end(std::size_t, json::error_code&) {
    --depth;
    return true;
  }
  // Keys and values arrive in parts when they hold escapes; only the
  // members of interest keep their text.
  bool on_key_part(json::string_view s, std::size_t, json::error_code&) {
    if (depth == 1)
      key.append(s.data(), s.size());
    return true;
  }
  bool on_key(json::string_view s, std::size_t, json::error_code&) {
    if (depth == 1) {
      if (key.empty()) {
        current = identify({s.data(), s.size()});
      } else {
        key.append(s.data(), s.size());
        current = identify(key);
        key.clear();
      }
    }
    return true;
  }
  bool on_string_part(json::string_view s, std::size_t, json::error_code&) {
    if (depth == 1 && current != ignored)
      text.append(s.data(), s.size());
    return true;
  }
  bool on_string(json::string_view s, std::size_t, json::error_code&) {
    if (depth == 1 && current != ignored) {
      text.append(s.data(), s.size());
      set(member::string);
    }
    return true;
  }
  bool on_number_part(json::string_view s, json::error_code&) {
    if (depth == 1 && current != ignored)
      text.append(s.data(), s.size());
    return true;
  }
  bool on_number(json::string_view s) {
    if (depth == 1 && current != ignored) {
      text.append(s.data(), s.size());
      set(member::number);
    }
    return true;
  }
  bool on_int64(int64_t, json::string_view s, json::error_code&) {
    return on_number(s);
  }
  bool on_uint64(uint64_t, json::string_view s, json::error_code&) {
    return on_number(s);
  }
  bool on_double(double, json::string_view s, json::error_code&) {
    return on_number(s);
  }
  bool on_bool(bool, json::error_code&) {
    if (depth == 1)
      set(member::boolean);
    return true;
  }
  bool on_null(json::error_code&) {
    if (depth == 1)
      set(member::null);
    return true;
  }
  bool on_comment_part(json::string_view, json::error_code&) { return true; }
  bool on_comment(json::string_view, json::error_code&) { return true; }
};

json::parse_options strict_options() {
  json::parse_options opt; // no comments, no trailing commas, UTF-8 checked
  opt.max_depth = 64;
  return opt;
}

/// Whether `text` contains `lower_keyword` ignoring ASCII case: the naive way.
bool contains_ignoring_case(std::string_view text,
                            std::string_view lower_keyword) {
  if (lower_keyword.size() > text.size())
    return false;
  for (size_t i = 0; i + lower_keyword.size() <= text.size(); ++i) {
    size_t j = 0;
    while (j < lower_keyword.size()
           && ascii_lower(text[i + j]) == lower_keyword[j])
      ++j;
    if (j == lower_keyword.size())
      return true;
  }
  return false;
}

} // namespace

struct reference_record_parser::impl {
  filter_config config;
  std::string lower_keyword;
  json::basic_parser<record_handler> parser{strict_options()};

  explicit impl(filter_config cfg) : config(std::move(cfg)) {
    for (char c : config.keyword)
      lower_keyword += ascii_lower(c);
  }

  bool matches(const member& content_member, const member& severity_member) {
    if (content_member.type != member::string
        || severity_member.type != member::string)
      return false;
    bool severe = false;
    for (auto& s : config.severities)
      severe |= severity_member.text == s;
    return severe && contains_ignoring_case(content_member.text, lower_keyword);
  }

  parsed_record parse(std::string_view line) {
    if (line.find_first_not_of(" \t\r\n") == std::string_view::npos)
      return parsed_record{}; // blank
    parser.reset();
    json::error_code ec;
    auto used = parser.write_some(false, line.data(), line.size(), ec);
    if (ec || used != line.size())
      return malformed_record(malformed_reason::invalid_json);
    auto& h = parser.handler();
    if (!h.is_object)
      return malformed_record(malformed_reason::not_an_object);
    auto& ts = h.members[timestamp];
    timestamp_result time;
    switch (ts.type) {
    case member::absent:
    case member::null:
      return malformed_record(malformed_reason::missing_timestamp);
    case member::number:
      time = read_decimal_timestamp(ts.text, config.unit);
      break;
    case member::string:
      time = read_string_timestamp(ts.text, config.unit);
      break;
    default:
      return malformed_record(malformed_reason::timestamp_not_number_or_string);
    }
    if (time.error == timestamp_error::out_of_range)
      return malformed_record(malformed_reason::timestamp_out_of_range);
    if (time.error != timestamp_error::none)
      return malformed_record(malformed_reason::invalid_timestamp);
    parsed_record r;
    r.time = time.time;
    r.kind = record_kind::other;
    if (matches(h.members[content], h.members[severity])) {
      auto& uid = h.members[user_id];
      if (uid.type != member::string || uid.text.empty())
        return malformed_record(malformed_reason::missing_user_id);
      r.kind = record_kind::crash;
      r.user_id = uid.text;
    }
    return r;
  }
};

reference_record_parser::reference_record_parser(filter_config config)
    : impl_(std::make_unique<impl>(std::move(config))) {}

reference_record_parser::~reference_record_parser() = default;

reference_record_parser::reference_record_parser(
    reference_record_parser&&) noexcept = default;

reference_record_parser& reference_record_parser::operator=(
    reference_record_parser&&) noexcept = default;

parsed_record reference_record_parser::parse(std::string_view line) {
  return impl_->parse(line);
}

} // namespace crashwatch
