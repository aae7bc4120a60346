// `crashwatch inspect HOST:PORT [--watch] [--json]`: a running process or
// cluster at a glance (docs/TELEMETRY.md), from the /status its --metrics
// serves. Given a cluster node that is not the coordinator, it follows the
// coordinator's address that node names (or says that the coordinator
// serves none). --watch redraws every second until Ctrl-C; --json prints
// the document itself (one line; one per second with --watch).
#include <chrono>
#include <iostream>
#include <memory>
#include <string>
#include <thread>

#include <unistd.h>

#include <boost/json.hpp>

#include "app/cli_options.hpp"
#include "app/commands.hpp"
#include "app/stop_signals.hpp"
#include "cluster/node_address.hpp"
#include "core/error.hpp"
#include "telemetry/http_get.hpp"
#include "telemetry/status_view.hpp"

namespace crashwatch {

namespace {

namespace json = boost::json;

/// How long one /status request may take.
constexpr auto request_timeout = std::chrono::seconds(3);

/// One look: what goes to stdout (the tables or the JSON line), and what
/// went wrong (one line; "" when nothing did): exit 1 without --watch.
struct look {
  std::string text;
  std::string error;
};

caf::expected<json::value> fetch(const node_address& at) {
  auto body = http_get(at.host, at.port, "/status", request_timeout);
  if (!body)
    return std::move(body.error());
  json::error_code ec;
  auto doc = json::parse(*body, ec);
  if (ec || !doc.is_object() || !doc.get_object().contains("process"))
    return make_error(ec::input_error,
                      "http://" + to_string(at)
                          + "/status: not a crashwatch /status document"
                          + (ec ? " (" + ec.message() + ")" : std::string{}));
  return doc;
}

/// The coordinator's /status address a member names; nullopt for a
/// coordinator, a single process, or a member whose coordinator serves
/// none.
std::optional<std::string> coordinator_metrics(const json::value& doc) {
  auto* m = doc.get_object().if_contains("membership");
  if (m == nullptr || !m->is_object())
    return std::nullopt;
  auto* at = m->get_object().if_contains("coordinator_metrics");
  if (at == nullptr || !at->is_string())
    return std::nullopt;
  return std::string{at->get_string()};
}

bool is_member(const json::value& doc) {
  auto* m = doc.get_object().if_contains("membership");
  return m != nullptr && m->is_object();
}

look take_look(const node_address& at, bool as_json) {
  auto show = [as_json](const json::value& doc, const std::string& source) {
    return as_json ? json::serialize(doc) + '\n' : render_status(doc, source);
  };
  auto doc = fetch(at);
  if (!doc)
    return {"", "cannot reach " + render(doc.error())};
  if (!is_member(*doc))
    return {show(*doc, to_string(at)), ""};
  // A member: the coordinator's view, if it serves one.
  auto target = coordinator_metrics(*doc);
  if (!target)
    return {show(*doc, to_string(at))
                + (as_json ? ""
                           : "its coordinator serves no /status (start it "
                             "with --metrics to inspect the whole cluster)\n"),
            ""};
  auto parsed = parse_node_address(*target);
  auto coord = parsed ? fetch(*parsed)
                      : caf::expected<json::value>{make_error(
                          ec::input_error, "'" + *target + "' is no address")};
  if (!coord)
    return {show(*doc, to_string(at)),
            "cannot reach its coordinator's /status: " + render(coord.error())};
  return {show(*coord, *target)
              + (as_json ? ""
                         : "(asked " + to_string(at)
                               + ", a member; this is its coordinator's "
                                 "view)\n"),
          ""};
}

struct inspect_options {
  std::string address;
  bool watch = false;
  bool json = false;
};

int execute_inspect(const inspect_options& opts) {
  if (opts.address.empty())
    throw usage_error("HOST:PORT is required: the --metrics address of a "
                      "crashwatch process (e.g. crashwatch inspect "
                      "127.0.0.1:9464)");
  auto at = parse_node_address(opts.address);
  if (!at)
    throw usage_error("'" + opts.address
                      + "' is not HOST:PORT (the --metrics address of a "
                        "crashwatch process)");
  if (!opts.watch) {
    auto l = take_look(*at, opts.json);
    std::cout << l.text << std::flush;
    if (l.error.empty())
      return 0;
    std::cerr << "crashwatch inspect: " << l.error << '\n';
    return 1;
  }
  install_stop_signals();
  // On a terminal each look replaces the last; into a pipe or a file the
  // looks follow one another (a line with the time between them).
  bool tty = ::isatty(STDOUT_FILENO) != 0;
  while (!stop_requested()) {
    auto next = std::chrono::steady_clock::now() + std::chrono::seconds(1);
    auto l = take_look(*at, opts.json);
    if (tty && !opts.json)
      std::cout << "\x1b[H\x1b[2J";
    else if (!opts.json)
      std::cout << "\n";
    std::cout << l.text;
    if (!l.error.empty())
      (opts.json ? std::cerr : std::cout) << l.error << '\n';
    if (tty && !opts.json)
      std::cout << "\n(every second; Ctrl-C stops)\n";
    std::cout << std::flush;
    while (!stop_requested() && std::chrono::steady_clock::now() < next)
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return 0;
}

} // namespace

command_action setup_inspect_command(CLI::App& cmd) {
  cmd.description(
      "show a running process or cluster at a glance\n\n"
      "Reads /status from HOST:PORT (the --metrics address of `crashwatch "
      "run`, `demo` or `node`) and prints its nodes, partitions (reader, "
      "offset, lag, watermark), shards (node, open windows, keys, mailbox), "
      "the last checkpoint and the latest alerts. Asked a cluster node that "
      "is not the coordinator, it shows the coordinator's view. Exits 1 "
      "when it cannot reach the address.");
  auto opts = std::make_shared<inspect_options>();
  cmd.add_option("address", opts->address,
                 "HOST:PORT of a crashwatch process's --metrics")
      ->type_name("HOST:PORT")
      ->transform(option_value("HOST:PORT"));
  cmd.add_flag("--watch", opts->watch, "redraw every second until Ctrl-C");
  cmd.add_flag("--json", opts->json,
               "print the /status document itself (JSON, one line; one per "
               "second with --watch)");
  return [opts] { return execute_inspect(*opts); };
}

} // namespace crashwatch
