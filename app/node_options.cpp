#include "app/node_options.hpp"

#include <CLI/CLI.hpp>

#include "app/cli.hpp"
#include "app/cli_options.hpp"
#include "app/text_list.hpp"
#include "cluster/node_address.hpp"
#include "cluster/tls_files.hpp"

namespace crashwatch {

namespace {

constexpr named_value<uint8_t> role_words[] = {
    {"coordinator", coordinator_role},
    {"aggregator", aggregator_role},
    {"reader", reader_role},
    {"all", coordinator_role | aggregator_role | reader_role},
};

/// A HOST:PORT option into `target`.
CLI::Option* add_address(CLI::App& cmd, const std::string& name,
                         node_address& target, const std::string& help,
                         bool allow_any_port) {
  return add_comma_list(
      cmd, name, "HOST:PORT", help,
      [allow_any_port](std::string& text) -> std::string {
        if (parse_node_address(text, allow_any_port))
          return {};
        return "'" + text + "' is not HOST:PORT (a port of 1 to 65535"
               + (allow_any_port ? ", or 0 for any" : "") + ")";
      },
      [&target, allow_any_port](const std::string& text) {
        target = *parse_node_address(text, allow_any_port);
      });
}

/// `--listen [HOST:]PORT`: without a host, only this machine (127.0.0.1);
/// every interface only when asked for (0.0.0.0).
CLI::Option* add_listen_address(CLI::App& cmd, node_address& target) {
  auto with_colon = [](std::string text) {
    return text.find(':') == std::string::npos ? ":" + text : text;
  };
  return add_comma_list(
      cmd, "--listen", "[HOST:]PORT",
      "where this node accepts other nodes (PORT or :PORT: 127.0.0.1 only; "
      "0.0.0.0:PORT: every interface; PORT 0: any free port)",
      [with_colon](std::string& text) -> std::string {
        if (parse_node_address(with_colon(text), true))
          return {};
        return "'" + text
               + "' is not [HOST:]PORT (a port of 0 to 65535, 0 for any)";
      },
      [&target, with_colon](const std::string& text) {
        target = *parse_node_address(with_colon(text), true);
        if (target.host.empty())
          target.host = "127.0.0.1";
      });
}

/// A file option (--tls-cert FILE).
void add_tls_file(CLI::App& cmd, const std::string& name, std::string& target,
                  const std::string& help) {
  add_text(cmd, name, target, "FILE", help,
           [](std::string& text) -> std::string {
             if (text.empty())
               return "the file name must not be empty";
             return {};
           });
}

} // namespace

std::string role_names(uint8_t roles) {
  return join_list(role_names_of(roles), ",");
}

void add_node_options(CLI::App& cmd, node_options& opts) {
  cmd.option_defaults()->group("Node (docs/CLUSTER.md)");
  add_comma_list(
      cmd, "--role", "ROLE[,ROLE]",
      "coordinator (owns the job, its outputs and checkpoints), aggregator "
      "(hosts shards), reader (reads partitions), all (every role: what "
      "`run` is)",
      [](std::string& text) -> std::string {
        auto items = split_list(text);
        if (items.empty())
          return "at least one role is needed";
        for (auto& item : items)
          if (!value_of(role_words, item))
            return "'" + item + "' is not one of " + names_of(role_words, ", ");
        return {};
      },
      [&opts](const std::string& text) {
        opts.roles = 0;
        for (auto& item : split_list(text))
          opts.roles |= *value_of(role_words, item);
      });
  add_text(cmd, "--node-id", opts.node_id, "NAME",
           "this node's name, unique in the cluster and the same after a "
           "restart",
           [](std::string& text) -> std::string {
             if (text.empty())
               return "the node id must not be empty";
             if (text.find_first_of(" /\\:,") != std::string::npos)
               return "'" + text
                      + "' has a space, slash, colon or comma (use letters, "
                        "digits, - and _)";
             return {};
           });
  add_listen_address(cmd, opts.listen);
  add_address(cmd, "--advertise", opts.advertise,
              "where other nodes reach this one; default: --listen", false);
  add_address(cmd, "--join", opts.join,
              "the coordinator's --listen address (every node but the "
              "coordinator)",
              false);
  add_integer(cmd, "--expect-nodes", opts.expect_nodes, 0, 1000,
              "coordinator: the job starts once this many other nodes have "
              "joined");
  add_duration(cmd, "--node-timeout", opts.node_timeout_ms, 100,
               "a node silent this long is taken for gone; the same on every "
               "node");
  add_duration(cmd, "--join-timeout", opts.join_timeout_ms, 1,
               "how long a node keeps trying to reach its coordinator");
  add_tls_file(cmd, "--tls-cert", opts.tls.cert,
               "this node's certificate (PEM), signed by --tls-ca: every "
               "cluster connection is TLS, and both ends must show one");
  add_tls_file(cmd, "--tls-key", opts.tls.key,
               "the private key of --tls-cert (PEM, not encrypted)");
  add_tls_file(cmd, "--tls-ca", opts.tls.ca,
               "the CA certificate (PEM) that signs every node's certificate");
  add_run_options(cmd, opts.job);
}

void validate_node_options(const CLI::App& cmd, node_options& opts) {
  for (auto* required : {"--role", "--node-id", "--listen"})
    if (cmd.count(required) == 0)
      throw usage_error(std::string{required} + " is required");
  bool coordinator = (opts.roles & coordinator_role) != 0;
  if (coordinator) {
    if (cmd.count("--join") > 0)
      throw usage_error("--join: the coordinator joins no one (other nodes "
                        "join it)");
    validate_run_options(cmd, opts.job);
  } else {
    if (cmd.count("--join") == 0)
      throw usage_error("--join is required: the coordinator's address (a "
                        "node with role "
                        + role_names(opts.roles) + " joins one)");
    if (cmd.count("--expect-nodes") > 0)
      throw usage_error("--expect-nodes is the coordinator's option");
    opts.given_job_options = given_job_options(cmd, opts.job);
  }
  int tls_given = 0;
  for (auto* name : {"--tls-cert", "--tls-key", "--tls-ca"})
    tls_given += cmd.count(name) > 0 ? 1 : 0;
  if (tls_given != 0 && tls_given != 3)
    throw usage_error("--tls-cert, --tls-key and --tls-ca go together (TLS "
                      "needs this node's certificate, its key and the CA)");
  if (tls_given == 3) {
    auto wrong = check_tls_files(opts.tls);
    if (!wrong.empty())
      throw usage_error(wrong);
  }
  if (cmd.count("--advertise") == 0) {
    if (is_wildcard_host(opts.listen.host) || opts.listen.port == 0)
      throw usage_error("--advertise is required with --listen "
                        + to_string(opts.listen)
                        + " (other nodes need a host and port to reach this "
                          "one)");
    opts.advertise = opts.listen;
  }
}

} // namespace crashwatch
