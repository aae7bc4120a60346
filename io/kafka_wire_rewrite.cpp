#include "io/kafka_wire_rewrite.hpp"

namespace crashwatch {

namespace {

/// Reads Kafka's primitive types in order; once past the end it stays
/// failed and returns zeros (check ok() before using what it read).
class wire_reader {
 public:
  wire_reader(std::string_view data, size_t pos) : data_(data), pos_(pos) {}

  bool ok() const { return ok_; }
  size_t pos() const { return pos_; }
  bool at_end() const { return ok_ && pos_ == data_.size(); }

  int16_t i16() { return static_cast<int16_t>(big_endian(2)); }
  int32_t i32() { return static_cast<int32_t>(big_endian(4)); }

  /// An unsigned varint (compact lengths, tagged fields).
  uint32_t uvarint() {
    uint32_t value = 0;
    for (int shift = 0; shift <= 28; shift += 7) {
      if (!need(1))
        return 0;
      auto byte = static_cast<uint8_t>(data_[pos_++]);
      value |= static_cast<uint32_t>(byte & 0x7f) << shift;
      if ((byte & 0x80) == 0)
        return value;
    }
    ok_ = false;
    return 0;
  }

  /// A (nullable) string: int16 length, or in flexible versions a compact
  /// string (uvarint length + 1, 0 = null). nullopt for null.
  std::optional<std::string_view> string(bool compact) {
    int64_t length = compact ? static_cast<int64_t>(uvarint()) - 1 : i16();
    if (!ok_ || length < 0)
      return std::nullopt;
    if (!need(static_cast<size_t>(length)))
      return std::nullopt;
    auto text = data_.substr(pos_, static_cast<size_t>(length));
    pos_ += static_cast<size_t>(length);
    return text;
  }

  /// An array's element count: int32, or uvarint count + 1 when compact;
  /// -1 for null.
  int64_t array_length(bool compact) {
    return compact ? static_cast<int64_t>(uvarint()) - 1 : i32();
  }

  /// A tagged-field section (flexible versions): skipped.
  void skip_tags() {
    auto count = uvarint();
    for (uint32_t i = 0; ok_ && i < count; ++i) {
      uvarint(); // tag
      auto size = uvarint();
      if (need(size))
        pos_ += size;
    }
  }

 private:
  bool need(size_t n) {
    if (ok_ && data_.size() - pos_ >= n)
      return true;
    ok_ = false;
    return false;
  }

  uint32_t big_endian(size_t n) {
    if (!need(n))
      return 0;
    uint32_t value = 0;
    for (size_t i = 0; i < n; ++i)
      value = (value << 8) | static_cast<uint8_t>(data_[pos_++]);
    return value;
  }

  std::string_view data_;
  size_t pos_;
  bool ok_ = true;
};

void put_i32(std::string& out, int32_t value) {
  auto u = static_cast<uint32_t>(value);
  for (int shift = 24; shift >= 0; shift -= 8)
    out += static_cast<char>((u >> shift) & 0xff);
}

void put_uvarint(std::string& out, uint32_t value) {
  while (value >= 0x80) {
    out += static_cast<char>((value & 0x7f) | 0x80);
    value >>= 7;
  }
  out += static_cast<char>(value);
}

void put_string(std::string& out, std::string_view text, bool compact) {
  if (compact) {
    put_uvarint(out, static_cast<uint32_t>(text.size() + 1));
  } else {
    out += static_cast<char>((text.size() >> 8) & 0xff);
    out += static_cast<char>(text.size() & 0xff);
  }
  out.append(text);
}

/// Builds the output: the input with some byte ranges replaced, the rest
/// copied verbatim.
class frame_editor {
 public:
  explicit frame_editor(std::string_view in) : in_(in) {}

  void replace(size_t from, size_t to, std::string_view with) {
    out_.append(in_.substr(copied_, from - copied_));
    out_.append(with);
    copied_ = to;
  }

  /// The edited frame with its size prefix fixed up.
  std::string finish() {
    out_.append(in_.substr(copied_));
    std::string size;
    put_i32(size, static_cast<int32_t>(out_.size() - 4));
    out_.replace(0, 4, size);
    return std::move(out_);
  }

 private:
  std::string_view in_;
  std::string out_;
  size_t copied_ = 0;
};

/// Reads node id, host and port at the reader's position and, when `map`
/// knows that broker, replaces host and port. False when malformed.
bool rewrite_address(wire_reader& in, frame_editor& out, bool compact,
                     const broker_address_map& map) {
  auto node_id = in.i32();
  auto host_at = in.pos();
  auto host = in.string(compact);
  auto port = in.i32();
  if (!in.ok())
    return false;
  // A null host (an error answer: node -1, no host, port -1) stays as is.
  if (!host)
    return true;
  if (auto to = map(node_id, *host, port)) {
    std::string with;
    put_string(with, to->host, compact);
    put_i32(with, to->port);
    out.replace(host_at, in.pos(), with);
  }
  return true;
}

/// Metadata: [throttle_time_ms (v3+)] brokers[node_id host port rack (v1+)
/// (tags if flexible)] ...rest, copied.
bool rewrite_metadata(wire_reader& in, frame_editor& out, int16_t version,
                      const broker_address_map& map) {
  bool flexible = version >= 9;
  if (version >= 3)
    in.i32();
  auto count = in.array_length(flexible);
  if (!in.ok() || count < 0)
    return false;
  for (int64_t i = 0; i < count; ++i) {
    if (!rewrite_address(in, out, flexible, map))
      return false;
    if (version >= 1)
      in.string(flexible); // rack
    if (flexible)
      in.skip_tags();
    if (!in.ok())
      return false;
  }
  return true;
}

/// FindCoordinator v0-v3: [throttle_time_ms (v1+)] error_code
/// [error_message (v1+)] node_id host port [tags (v3)];
/// v4: throttle_time_ms coordinators[key node_id host port error_code
/// error_message tags] tags.
bool rewrite_find_coordinator(wire_reader& in, frame_editor& out,
                              int16_t version, const broker_address_map& map) {
  bool flexible = version >= 3;
  if (version >= 1)
    in.i32();
  if (version <= 3) {
    in.i16();
    if (version >= 1)
      in.string(flexible);
    if (!rewrite_address(in, out, flexible, map))
      return false;
    if (flexible)
      in.skip_tags();
    return in.at_end();
  }
  auto count = in.array_length(true);
  if (!in.ok() || count < 0)
    return false;
  for (int64_t i = 0; i < count; ++i) {
    in.string(true); // key
    if (!rewrite_address(in, out, true, map))
      return false;
    in.i16();
    in.string(true);
    in.skip_tags();
  }
  in.skip_tags();
  return in.at_end();
}

const char* api_name(int16_t api_key) {
  return api_key == kafka_api_metadata ? "Metadata" : "FindCoordinator";
}

} // namespace

std::optional<kafka_request_header>
read_request_header(std::string_view frame) {
  wire_reader in{frame, 4};
  kafka_request_header header;
  header.api_key = in.i16();
  header.api_version = in.i16();
  header.correlation_id = in.i32();
  if (!in.ok())
    return std::nullopt;
  return header;
}

std::optional<int32_t> read_response_correlation_id(std::string_view frame) {
  wire_reader in{frame, 4};
  auto id = in.i32();
  if (!in.ok())
    return std::nullopt;
  return id;
}

bool names_brokers(int16_t api_key) {
  return api_key == kafka_api_metadata || api_key == kafka_api_find_coordinator;
}

bool response_header_has_tags(int16_t api_key, int16_t api_version) {
  switch (api_key) {
  case kafka_api_metadata:
    return api_version >= 9;
  case kafka_api_find_coordinator:
    return api_version >= 3;
  default:
    // ApiVersions included: its response header is never flexible, so
    // that a client can read it whatever version the broker supports.
    return false;
  }
}

wire_rewrite rewrite_broker_addresses(int16_t api_key, int16_t api_version,
                                      std::string_view frame,
                                      const broker_address_map& map) {
  if (!names_brokers(api_key))
    return {std::string{frame}, {}};
  auto max_version = api_key == kafka_api_metadata ? 12 : 4;
  auto name = api_name(api_key);
  if (api_version < 0 || api_version > max_version)
    return {std::string{frame}, std::string{name} + " v"
                                    + std::to_string(api_version)
                                    + " responses are not supported"};
  wire_reader in{frame, 0};
  auto size = in.i32();
  in.i32(); // correlation id
  if (response_header_has_tags(api_key, api_version))
    in.skip_tags();
  frame_editor out{frame};
  bool ok = in.ok() && size >= 0
            && static_cast<size_t>(size) == frame.size() - 4
            && (api_key == kafka_api_metadata
                    ? rewrite_metadata(in, out, api_version, map)
                    : rewrite_find_coordinator(in, out, api_version, map));
  if (!ok)
    return {std::string{frame}, "malformed " + std::string{name} + " v"
                                    + std::to_string(api_version)
                                    + " response"};
  return {out.finish(), {}};
}

} // namespace crashwatch
