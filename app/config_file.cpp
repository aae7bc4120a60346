#include "app/config_file.hpp"

#include <cerrno>
#include <cstring>
#include <fstream>
#include <set>
#include <sstream>
#include <sys/stat.h>

#include "app/cli.hpp"
#include "app/cli_options.hpp"
#include "app/text_list.hpp"

namespace crashwatch {

namespace {

/// The whole file, or a usage_error naming it.
std::string read_config_text(const std::string& path,
                             const std::string& where) {
  struct stat info {};
  if (::stat(path.c_str(), &info) != 0)
    throw usage_error(where + "cannot open it: " + std::strerror(errno));
  if (S_ISDIR(info.st_mode))
    throw usage_error(where + "is a directory, not a file");
  std::ifstream in{path, std::ios::binary};
  if (!in)
    throw usage_error(where + "cannot open it: " + std::strerror(errno));
  std::ostringstream text;
  text << in.rdbuf();
  if (in.bad())
    throw usage_error(where + "cannot read it: " + std::strerror(errno));
  return text.str();
}

/// The option a key of the file names: "window" is --window, "X" is -X.
CLI::Option* find_option(CLI::App& cmd, const std::string& key) {
  if (key.empty() || key[0] == '-')
    return nullptr;
  auto* op = cmd.get_option_no_throw("--" + key);
  if (op == nullptr && key.size() == 1)
    op = cmd.get_option_no_throw("-" + key);
  if (op == nullptr || !op->get_configurable())
    return nullptr;
  return op;
}

/// Adds the values of `item` to the empty option `op`, as if given on the
/// command line.
void add_values(CLI::Option& op, const CLI::ConfigItem& item,
                const std::string& where) {
  if (op.get_expected_min() == 0) {
    // A flag: `exit-at-end = true` (or false), as CLI11's own config
    // reader does it (App::_parse_single_config).
    if (item.inputs.size() != 1)
      throw usage_error(where + "'" + item.name
                        + "' is a flag: give true or false");
    op.add_result(op.get_flag_value(item.name, item.inputs.front()));
    return;
  }
  if (op.get_items_expected_max() == 1 && item.inputs.size() > 1) {
    // CLI11 splits an unquoted value at commas (and, without commas, at
    // spaces): a comma list is one value again.
    if (!takes_comma_list(op))
      throw usage_error(where + "'" + item.name + "' takes one value, not "
                        + std::to_string(item.inputs.size())
                        + " (quote a value with spaces or commas: " + item.name
                        + " = \"a b\")");
    op.add_result(join_list(item.inputs, ","));
    return;
  }
  op.add_result(item.inputs);
}

} // namespace

CLI::Option* add_config_option(CLI::App& cmd) {
  auto* op = cmd.add_option_function<std::string>(
      "--config",
      [&cmd](const std::string& path) { apply_config_file(cmd, path); },
      "read options from FILE: one `name = value` a line, the long option "
      "name without --, lists as [\"a\", \"b\"], flags as name = true, # "
      "comments (CLI11's format); options given on the command line win");
  op->type_name("FILE");
  op->configurable(false);
  op->transform(option_value("--config"));
  return op;
}

void apply_config_file(CLI::App& cmd, const std::string& path) {
  auto where = "--config " + path + ": ";
  std::istringstream text{read_config_text(path, where)};
  std::vector<CLI::ConfigItem> items;
  try {
    items = CLI::ConfigBase{}.from_config(text);
  } catch (const CLI::Error& e) {
    throw usage_error(where + describe_parse_error(e));
  }
  std::set<const CLI::Option*> seen;
  for (auto& item : items) {
    // CLI11 reports a section [s] as items "++"/"--" with parent s, and a
    // key "a.b" as "b" with parent a.
    if (item.name == "++" || item.name == "--")
      throw usage_error(where + "sections like [" + join_list(item.parents, ".")
                        + "] are not supported (one `option = value` a "
                          "line)");
    if (!item.parents.empty())
      throw usage_error(where + "unknown option '" + item.fullname() + "'");
    auto* op = find_option(cmd, item.name);
    if (op == nullptr)
      throw usage_error(where + "unknown option '" + item.name + "'");
    if (!seen.insert(op).second)
      throw usage_error(where + "'" + item.name
                        + "' is set twice (give it once)");
    // Given on the command line: that value wins, for lists too.
    if (!op->empty())
      continue;
    add_values(*op, item, where);
    // Check the value now, so that a mistake names the file; CLI11 then
    // skips this option's callback (it ran).
    try {
      op->run_callback();
    } catch (const CLI::ParseError& e) {
      throw usage_error(where + describe_parse_error(e));
    }
  }
}

} // namespace crashwatch
