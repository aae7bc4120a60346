#include "app/cli.hpp"

#include <algorithm>
#include <regex>
#include <sstream>

#include "app/config_file.hpp"

namespace crashwatch {

namespace {

constexpr size_t help_width = 79;
constexpr size_t option_column = 28;

/// `text` with each line longer than `width` broken at spaces (a longer
/// word stays whole); shorter lines, and so their layout, are kept.
std::string wrap(const std::string& text, size_t width) {
  std::string out;
  size_t pos = 0;
  while (pos <= text.size()) {
    auto end = text.find('\n', pos);
    if (end == std::string::npos)
      end = text.size();
    auto line = text.substr(pos, end - pos);
    if (line.size() <= width) {
      out += line;
    } else {
      size_t length = 0;
      size_t word_start = 0;
      while (word_start <= line.size()) {
        auto word_end = line.find(' ', word_start);
        if (word_end == std::string::npos)
          word_end = line.size();
        auto word = line.substr(word_start, word_end - word_start);
        if (length > 0 && length + 1 + word.size() > width) {
          out += '\n';
          length = 0;
        } else if (length > 0) {
          out += ' ';
          ++length;
        }
        out += word;
        length += word.size();
        word_start = word_end + 1;
      }
    }
    if (end < text.size())
      out += '\n';
    pos = end + 1;
  }
  return out;
}

/// CLI11's help, with the defaults at the end of each description
/// ("(default 10s)") instead of after the placeholder ("DURATION=10s"), long
/// texts wrapped, one blank line between groups, and only the first line of
/// a command's description in the list of commands.
class help_formatter : public CLI::Formatter {
 public:
  help_formatter() { column_width(option_column); }

  // CLI11 starts every group with a blank line and puts another between
  // groups: one is enough (make_usage ends with it).
  std::string make_group(std::string group, bool is_positional,
                         std::vector<const CLI::Option*> opts) const override {
    return CLI::Formatter::make_group(std::move(group), is_positional,
                                      std::move(opts))
        .substr(1);
  }

  std::string make_usage(const CLI::App* app, std::string name) const override {
    return CLI::Formatter::make_usage(app, std::move(name)) + "\n";
  }

  std::string make_option_opts(const CLI::Option* opt) const override {
    if (opt->get_type_size() == 0)
      return {};
    return " " + opt->get_type_name();
  }

  std::string make_option_desc(const CLI::Option* opt) const override {
    auto text = opt->get_description();
    if (!opt->get_default_str().empty())
      text += " (default " + opt->get_default_str() + ")";
    return wrap(text, help_width - option_column);
  }

  std::string make_subcommand(const CLI::App* sub) const override {
    std::stringstream out;
    auto text = sub->get_description();
    CLI::detail::format_help(
        out, sub->get_name(),
        wrap(text.substr(0, text.find('\n')), help_width - option_column),
        option_column);
    return out.str();
  }

  std::string make_description(const CLI::App* app) const override {
    auto text = app->get_description();
    return text.empty() ? text : wrap(text, help_width) + "\n\n";
  }

  std::string make_footer(const CLI::App* app) const override {
    auto text = app->get_footer();
    return text.empty() ? text : wrap(text, help_width) + "\n";
  }
};

/// The one line for the first argument nobody took: an unknown option or a
/// stray word.
[[noreturn]] void reject_extra_argument(const std::string& arg,
                                        const std::string& command) {
  if (arg.size() >= 2 && arg[0] == '-' && arg != "--")
    throw usage_error("unknown option " + arg.substr(0, arg.find('='))
                      + " for '" + command + "'");
  throw usage_error("unexpected argument '" + arg
                    + "' (options start with --)");
}

} // namespace

std::unique_ptr<CLI::App> make_root_parser() {
  auto root = std::make_unique<CLI::App>(
      "crashwatch reports users with too many severe crashes per event-time "
      "window, from JSON Lines files or Kafka.",
      "crashwatch");
  root->formatter(std::make_shared<help_formatter>());
  root->footer("'crashwatch <command> --help' lists the options of a "
               "command.");
  // One command; a second command name is a stray word of the first.
  root->require_subcommand(1);
  // Unknown arguments are reported by parse_command_line (CLI11 would list
  // them all, last first).
  root->allow_extras();
  return root;
}

CLI::App& add_command(CLI::App& root, const std::string& name) {
  auto* cmd = root.add_subcommand(name);
  // Not the root's footer (CLI11 copies it).
  cmd->footer("");
  cmd->allow_extras();
  // --help wins over every mistake on the line: CLI11 looks at its help
  // flag only after all values are checked, so `run --window 10 --help`
  // would say what is wrong with --window. This one asks for help the
  // moment it is read.
  cmd->set_help_flag();
  cmd->add_flag_callback(
         "-h,--help", [] { throw CLI::CallForHelp(); },
         "Print this help message and exit")
      ->trigger_on_parse()
      ->configurable(false);
  add_config_option(*cmd);
  return *cmd;
}

void parse_command_line(CLI::App& root, std::vector<std::string> args) {
  // CLI11 takes the arguments last first.
  std::reverse(args.begin(), args.end());
  try {
    root.parse(std::move(args));
  } catch (const CLI::CallForHelp&) {
    throw;
  } catch (const CLI::CallForAllHelp&) {
    throw;
  } catch (const CLI::ParseError& e) {
    throw usage_error(describe_parse_error(e));
  }
  // The command's own leftovers first, then those after a "--".
  for (auto* cmd : root.get_subcommands())
    if (auto left = cmd->remaining(); !left.empty())
      reject_extra_argument(left.front(), cmd->get_name());
  if (auto left = root.remaining(); !left.empty()) {
    auto commands = root.get_subcommands();
    reject_extra_argument(left.front(), commands.empty()
                                            ? root.get_name()
                                            : commands.front()->get_name());
  }
}

std::string describe_parse_error(const CLI::Error& error) {
  std::string text = error.what();
  std::smatch m;
  // ArgumentMismatch::TypedAtLeast: no value at the end (also thrown by
  // option_value for a following option), "--window: 1 required TEXT
  // missing"; AtLeast: an empty list from a config file.
  static const std::regex missing{R"(^(\S+): \d+ required .*missing$)"};
  static const std::regex at_least{
      R"(^(\S+): At least \d+ required but received 0$)"};
  // ArgumentMismatch::AtMost: a single-value option given twice.
  static const std::regex at_most{
      R"(^(\S+): At Most (\d+) required but received (\d+)$)"};
  // ArgumentMismatch::FlagOverride: a value for a flag declared with
  // disable_flag_override() (crashwatch's flags take true or false).
  static const std::regex flag_value{
      R"(^(\S+) was given a disallowed flag override$)"};
  // ConversionError: a value CLI11 cannot convert (validators let only
  // convertible text through, so mostly a flag's `=maybe`).
  static const std::regex conversion{R"(^Could not convert: (\S+) = (.*)$)"};
  if (std::regex_match(text, m, missing) || std::regex_match(text, m, at_least))
    return m.str(1) + " needs a value";
  if (std::regex_match(text, m, at_most))
    return m.str(2) == "1"
               ? m.str(1) + " given " + m.str(3) + " times (give it once)"
               : m.str(1) + " given " + m.str(3) + " times (at most " + m.str(2)
                     + ")";
  if (std::regex_match(text, m, flag_value))
    // CLI11 names the flag without its dashes here.
    return (m.str(1)[0] == '-' ? "" : "--") + m.str(1) + " takes no value";
  if (std::regex_match(text, m, conversion))
    return m.str(1) + ": '" + m.str(2) + "' is not a valid value";
  // ValidationError is already "--option: problem"; anything else: its
  // first line.
  return text.substr(0, text.find('\n'));
}

} // namespace crashwatch
