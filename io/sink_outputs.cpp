#include "io/sink_outputs.hpp"

namespace crashwatch {

caf::expected<std::vector<output_position>>
durable_positions(const sink_outputs& outputs) {
  std::vector<output_position> result;
  auto add = [&](const char* name,
                 const std::unique_ptr<output_stream>& out) -> caf::error {
    if (out == nullptr)
      return caf::none;
    if (auto err = out->sync())
      return err;
    auto pos = out->position();
    if (!pos)
      return std::move(pos.error());
    result.push_back(output_position{name, out->name(), *pos});
    return caf::none;
  };
  if (auto err = add("alerts", outputs.alerts))
    return err;
  if (auto err = add("late", outputs.late))
    return err;
  if (auto err = add("dead_letters", outputs.dead_letters))
    return err;
  if (outputs.table != nullptr) {
    if (auto err = outputs.table->sync())
      return err;
    auto pos = outputs.table->position();
    if (!pos)
      return std::move(pos.error());
    result.push_back(
        output_position{"alert_table", outputs.table->path(), *pos});
  }
  return result;
}

} // namespace crashwatch
