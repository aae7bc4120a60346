// The one line a command line is refused with, for tests of the parsers.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "app/cli.hpp"

namespace crashwatch::test {

/// What `parse(args)` throws as usage_error, or "no error".
template <class Parse>
std::string usage_error_of(Parse&& parse, std::vector<std::string> args) {
  try {
    parse(std::move(args));
  } catch (const usage_error& e) {
    return e.what();
  }
  return "no error";
}

} // namespace crashwatch::test
