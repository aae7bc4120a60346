#include <catch2/catch.hpp>

#include <algorithm>
#include <functional>

#include "app/cli.hpp"
#include "app/cli_options.hpp"
#include "app/commands.hpp"
#include "app/option_values.hpp"
#include "app/text_list.hpp"

using namespace crashwatch;

namespace {

/// Parses `args` with a fresh CLI::App that `declare` sets up; returns
/// CLI11's own message, and describe_parse_error's.
struct parse_errors {
  std::string cli11;
  std::string ours;
};

parse_errors errors_of(const std::function<void(CLI::App&)>& declare,
                       std::vector<std::string> args) {
  CLI::App app{"", "test"};
  declare(app);
  std::reverse(args.begin(), args.end());
  try {
    app.parse(std::move(args));
  } catch (const CLI::ParseError& e) {
    return {e.what(), describe_parse_error(e)};
  }
  return {"no error", "no error"};
}

} // namespace

// describe_parse_error knows CLI11's messages by their text: these checks
// run the real parser, so a CLI11 that words them differently fails here
// (first CHECK of each pair) before users see its raw messages.
TEST_CASE("CLI11's parse errors become crashwatch's lines", "[cli]") {
  std::string text;
  int number = 0;
  bool flag = false;
  auto declare = [&](CLI::App& app) {
    app.add_option("--window", text);
    app.add_option("--n", number);
    app.add_flag("--flag", flag);
    app.add_flag("--strict", flag)->disable_flag_override();
    app.add_option("--v", text)
        ->check(CLI::Validator{
            [](std::string&) { return std::string{"bad value"}; }, ""});
  };
  SECTION("a value missing at the end") {
    auto e = errors_of(declare, {"--window"});
    CHECK(e.cli11 == "--window: 1 required TEXT missing");
    CHECK(e.ours == "--window needs a value");
  }
  SECTION("a single-value option given twice") {
    auto e = errors_of(declare, {"--window", "a", "--window", "b"});
    CHECK(e.cli11 == "--window: At Most 1 required but received 2");
    CHECK(e.ours == "--window given 2 times (give it once)");
  }
  SECTION("a value CLI11 cannot convert") {
    auto e = errors_of(declare, {"--n", "x"});
    CHECK(e.cli11 == "Could not convert: --n = x");
    CHECK(e.ours == "--n: 'x' is not a valid value");
    e = errors_of(declare, {"--flag=maybe"});
    CHECK(e.ours == "--flag: 'maybe' is not a valid value");
  }
  SECTION("a value for a flag that takes none") {
    auto e = errors_of(declare, {"--strict=1"});
    CHECK(e.cli11 == "strict was given a disallowed flag override");
    CHECK(e.ours == "--strict takes no value");
  }
  SECTION("a validator's problem is kept") {
    auto e = errors_of(declare, {"--v", "x"});
    CHECK(e.cli11 == "--v: bad value");
    CHECK(e.ours == "--v: bad value");
  }
}

TEST_CASE("option_value: a following option is a missing value", "[cli]") {
  std::string text;
  auto declare = [&](CLI::App& app) {
    app.add_option("--out", text)->transform(option_value("--out"));
    app.add_option("--in", text);
  };
  CHECK(errors_of(declare, {"--out", "--in", "x"}).ours
        == "--out needs a value");
  // "-" (stdin) and "--" are values; so is a negative number.
  CHECK(errors_of(declare, {"--out", "-"}).ours == "no error");
  CHECK(errors_of(declare, {"--out", "-5"}).ours == "no error");
}

TEST_CASE("value checks read and rewrite the text", "[cli]") {
  std::string text = "10s";
  CHECK(duration_check(1)(text).empty());
  CHECK(text == "10000");
  text = "0s";
  CHECK(duration_check(1)(text) == "'0s' is too small (at least 1ms)");
  text = "007";
  CHECK(integer_check(0, 10)(text).empty());
  CHECK(text == "7");
  text = "99999999999999999999";
  CHECK(integer_check(0, 10)(text)
        == "'99999999999999999999' is not an integer");
  text = "0.25";
  CHECK(number_check(0, 1)(text).empty());
  CHECK(std::stod(text) == 0.25);
  text = "2";
  CHECK(number_check(0, 1)(text) == "'2' is out of range (0 to 1)");
  text = "nan";
  CHECK(number_check(0, 1)(text) == "'nan' is not a number");
  text = "later";
  CHECK(choice_check(emit_names)(text) == "'later' is not one of final|early");
  CHECK(split_list("a,,b") == std::vector<std::string>{"a", "", "b"});
  CHECK(split_list("").empty());
}

TEST_CASE("each word table is one place for text and value", "[cli]") {
  CHECK(names_of(timestamp_unit_names) == "auto|s|ms|us");
  for (auto& [name, value] : timestamp_unit_names) {
    CHECK(name_of(timestamp_unit_names, value) == name);
    CHECK(value_of(timestamp_unit_names, name) == value);
  }
  CHECK(name_of(emit_names, true) == "early");
  CHECK(name_of(output_format_names, alert_format::jsonl) == "jsonl");
  CHECK(value_of(from_names, "earliest") == true);
  CHECK(value_of(on_data_loss_names, "warn") == false);
  CHECK_FALSE(value_of(on_data_loss_names, "ignore").has_value());
}

TEST_CASE("one root parser holds every command", "[cli]") {
  auto root = make_root_parser();
  for (auto& command : commands)
    command.setup(add_command(*root, command.name));
  auto help = root->help();
  for (auto* name : {"run", "generate", "demo", "broker"})
    CHECK(help.find(std::string{"  "} + name + " ") != std::string::npos);
  // Every command has --help and --config, and its help is CLI11's.
  for (auto* name : {"run", "generate", "demo", "broker"}) {
    CHECK_THROWS_AS(parse_command_line(*root, {name, "--help"}),
                    CLI::CallForHelp);
    auto text = root->help();
    CHECK(text.find(std::string{"Usage: crashwatch "} + name)
          != std::string::npos);
    CHECK(text.find("--config FILE") != std::string::npos);
  }
  // --help wins over mistakes elsewhere on the line.
  CHECK_THROWS_AS(
      parse_command_line(*root, {"run", "--window", "10", "--frob", "--help"}),
      CLI::CallForHelp);
  CHECK(root->help().find("Usage: crashwatch run") != std::string::npos);
  // Defaults are shown.
  CHECK_THROWS_AS(parse_command_line(*root, {"run", "--help"}),
                  CLI::CallForHelp);
  CHECK(root->help().find("(default 10s)") != std::string::npos);
}

TEST_CASE("a second command is a stray word", "[cli]") {
  auto root = make_root_parser();
  for (auto& command : commands)
    command.setup(add_command(*root, command.name));
  try {
    parse_command_line(*root, {"demo", "run"});
    FAIL("no error");
  } catch (const usage_error& e) {
    CHECK(std::string{e.what()}
          == "unexpected argument 'run' (options start with --)");
  }
}
