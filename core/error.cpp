#include "core/error.hpp"

#include <caf/make_message.hpp>
#include <caf/message.hpp>

namespace crashwatch {

caf::error make_error(ec code, std::string text) {
  return caf::error{static_cast<uint8_t>(code), error_category,
                    caf::make_message(std::move(text))};
}

std::string render(const caf::error& err) {
  if (!err)
    return "no error";
  auto& ctx = err.context();
  if (ctx.match_elements<std::string>())
    return ctx.get_as<std::string>(0);
  // sec errors made with caf::make_error(sec, text) carry the text the same
  // way; anything else is rendered by CAF.
  return caf::to_string(err);
}

} // namespace crashwatch
