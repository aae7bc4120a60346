// The reasons a record is malformed (SPEC.md, "Records"): the short static
// texts that go to the dead-letter output (its "reason" field). Both record
// parsers hand out these very pointers, so they also compare by address.
#pragma once

namespace crashwatch::malformed_reason {

/// Not JSON (RFC 8259) at all, or invalid somewhere: a bad number, escape or
/// UTF-8 sequence, a control character in a string, trailing garbage, nesting
/// deeper than 64 levels, an exponent beyond 32 bits.
inline constexpr const char* invalid_json = "invalid JSON";

/// Valid JSON, but an array, string, number, boolean or null.
inline constexpr const char* not_an_object = "not a JSON object";

/// No `timestamp` field, or `"timestamp": null`.
inline constexpr const char* missing_timestamp = "missing timestamp";

/// `timestamp` is a boolean, object or array.
inline constexpr const char* timestamp_not_number_or_string
    = "timestamp is not a number or string";

/// `timestamp` is a string but neither a decimal number nor a date-time of
/// the accepted forms (including impossible dates such as Feb 30).
inline constexpr const char* invalid_timestamp = "invalid timestamp";

/// `timestamp` is well-formed but outside 0000-01-01 .. 9999-12-31 (UTC).
inline constexpr const char* timestamp_out_of_range = "timestamp out of range";

/// `--max-future`: the event time is further after the wall clock than
/// allowed (decided by the partition reader, not the parsers).
inline constexpr const char* event_time_too_far_ahead
    = "event time too far ahead";

/// The record matches, but its `user_id` is missing, not a string, or empty.
inline constexpr const char* missing_user_id = "crash record without user_id";

} // namespace crashwatch::malformed_reason
