// The one writer of JSON text: every JSON Lines output (alerts, late records,
// dead letters) is written field by field through json_line.
#pragma once

#include <charconv>
#include <cstring>
#include <string>
#include <string_view>
#include <type_traits>

namespace crashwatch {

/// Appends one JSON object and a newline to a std::string, fields in the
/// order of the calls:
///
///     json_line{out}.field("partition", 0).field("user_id", id).end();
///
/// appends {"partition":0,"user_id":"..."} and "\n".
///
/// String values are escaped exactly as RFC 8259 demands and no further:
/// `"` and `\` as \" and \\, newline, carriage return and tab as \n \r \t,
/// every other byte below 0x20 as \u00XX with lowercase hex (so backspace and
/// form feed are \u0008 and \u000c, never \b and \f: the bytes crashwatch has
/// always written). All other bytes pass unchanged, so a value must be valid
/// UTF-8 for the line to be valid JSON; that is not checked here (see
/// is_valid_utf8 in io/utf8.hpp, and base64_field for bytes that are not).
/// Keys are written as given, unescaped: they are the program's own ASCII
/// names, never data.
///
/// The line is assembled in a small buffer inside the json_line and handed
/// to `out` in one append (more for lines longer than the buffer): appending
/// to a std::string piece by piece costs a library call per piece, which was
/// most of the time of writing a line (bench/json_bench.cpp). So `out` is
/// complete only after end(); a json_line without end() writes nothing or a
/// part.
class json_line {
 public:
  /// Starts a line that end() appends to `out`.
  explicit json_line(std::string& out) noexcept : out_(out) {}

  json_line(const json_line&) = delete;
  json_line& operator=(const json_line&) = delete;

  /// A string field, escaped.
  json_line& field(std::string_view key, std::string_view value) {
    put_key(key);
    put_string(value);
    return *this;
  }

  /// A string field from a C string (without this overload a string literal
  /// would become a bool).
  json_line& field(std::string_view key, const char* value) {
    return field(key, std::string_view{value});
  }

  /// A number field: any integer type (not bool, not char), in decimal.
  template <
      class Integer,
      std::enable_if_t<
          std::is_integral_v<
              Integer> && !std::is_same_v<Integer, bool> && !std::is_same_v<Integer, char>,
          int> = 0>
  json_line& field(std::string_view key, Integer value) {
    put_key(key);
    constexpr size_t max_digits = 24; // 20 digits and a sign, for 64 bits
    char* at = room(max_digits);
    used_ = static_cast<size_t>(std::to_chars(at, at + max_digits, value).ptr
                                - buffer_);
    return *this;
  }

  /// A field true or false. Only a bool itself: a double or a pointer does
  /// not silently become one.
  template <class Bool, std::enable_if_t<std::is_same_v<Bool, bool>, int> = 0>
  json_line& field(std::string_view key, Bool value) {
    put_key(key);
    if (value)
      put("true", 4);
    else
      put("false", 5);
    return *this;
  }

  /// A string field holding `bytes` as base64 (RFC 4648, padded): any bytes,
  /// also those that cannot be a JSON string.
  json_line& base64_field(std::string_view key, std::string_view bytes);

  /// Closes the object, writes the newline and appends the line to `out`.
  /// Call exactly once, last.
  void end() {
    if (first_)
      put("{}\n", 3);
    else
      put("}\n", 2);
    flush();
  }

 private:
  static constexpr size_t buffer_size = 256;

  /// Hands what is buffered to `out`.
  void flush() {
    out_.append(buffer_, used_);
    used_ = 0;
  }

  /// `n` (at most buffer_size) free bytes at the end of the buffer; the
  /// caller writes there and adds what it wrote to used_.
  char* room(size_t n) {
    if (buffer_size - used_ < n)
      flush();
    return buffer_ + used_;
  }

  /// Appends `n` bytes.
  void put(const char* text, size_t n) {
    if (n <= buffer_size - used_) {
      std::memcpy(buffer_ + used_, text, n);
      used_ += n;
    } else {
      flush();
      out_.append(text, n);
    }
  }

  /// Writes `{"key":` for the first field, `,"key":` for the others.
  void put_key(std::string_view key) {
    size_t n = key.size() + 4;
    if (n > buffer_size) { // never for crashwatch's keys
      put(first_ ? "{\"" : ",\"", 2);
      put(key.data(), key.size());
      put("\":", 2);
    } else {
      char* at = room(n);
      at[0] = first_ ? '{' : ',';
      at[1] = '"';
      std::memcpy(at + 2, key.data(), key.size());
      at[n - 2] = '"';
      at[n - 1] = ':';
      used_ += n;
    }
    first_ = false;
  }

  /// Writes `text` as a JSON string literal, quotes included, escaped as
  /// described above: crashwatch's only JSON string escaper.
  void put_string(std::string_view text);

  std::string& out_;
  bool first_ = true;
  size_t used_ = 0;
  char buffer_[buffer_size];
};

} // namespace crashwatch
