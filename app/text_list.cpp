#include "app/text_list.hpp"

#include <sstream>

namespace crashwatch {

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> items;
  std::stringstream in{text};
  std::string item;
  while (std::getline(in, item, ','))
    items.push_back(item);
  return items;
}

std::string join_list(const std::vector<std::string>& items,
                      const std::string& separator) {
  std::string out;
  for (auto& item : items) {
    if (!out.empty())
      out += separator;
    out += item;
  }
  return out;
}

} // namespace crashwatch
