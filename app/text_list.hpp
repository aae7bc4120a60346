// Lists written as one text: option values like `--severity High,Critical`,
// and the values a journal is bound to (app/job_settings.cpp).
#pragma once

#include <string>
#include <vector>

namespace crashwatch {

/// The items of a comma-separated list ("a,,b" -> "a", "", "b"; a trailing
/// comma adds nothing; "" -> none).
std::vector<std::string> split_list(const std::string& text);

/// The items joined with `separator` between them ({"a", "b"}, ", " ->
/// "a, b").
std::string join_list(const std::vector<std::string>& items,
                      const std::string& separator);

} // namespace crashwatch
