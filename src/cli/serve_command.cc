// `tagloop serve`: the HTTP API (docs/api.md) until SIGTERM or SIGINT, which
// stop it gracefully (requests in flight finish; exit status 0).
#include <fmt/format.h>
#include <signal.h>
#include <spdlog/spdlog.h>

#include <cstdio>

#include "cli/commands.h"
#include "cli/store_access.h"
#include "server/server.h"

namespace tagloop::cli {

namespace {

struct ServeArgs {
  std::string config;
  ServerOptions flags;  // values of the flags given; see Merge
  bool no_schedules = false;
  bool no_realtime = false;
  bool no_sync_events = false;
};

int Run(CLI::App* cmd, const ServeArgs& a) {
  ServerOptions options;
  if (!a.config.empty()) {
    if (Status st = LoadServerConfigFile(a.config, &options); !st.ok()) return Fail("serve", st);
  }
  // Flags override the file: copy each one that was given.
  auto given = [&](const char* name) { return cmd->get_option(name)->count() > 0; };
  const ServerOptions& f = a.flags;
  if (given("--data")) options.data = f.data;
  if (given("--listen")) options.listen = f.listen;
  if (given("--threads")) options.threads = f.threads;
  if (given("--blocking-threads")) options.blocking_threads = f.blocking_threads;
  if (given("--import-threads")) options.import_threads = f.import_threads;
  if (given("--log-level")) options.log_level = f.log_level;
  if (given("--max-body-bytes")) options.max_body_bytes = f.max_body_bytes;
  if (given("--max-import-bytes")) options.max_import_bytes = f.max_import_bytes;
  if (given("--max-header-bytes")) options.max_header_bytes = f.max_header_bytes;
  if (given("--max-event-bytes")) options.max_event_bytes = f.max_event_bytes;
  if (given("--idle-timeout")) options.idle_timeout = f.idle_timeout;
  if (given("--read-timeout")) options.read_timeout = f.read_timeout;
  if (given("--write-timeout")) options.write_timeout = f.write_timeout;
  if (given("--shutdown-timeout")) options.shutdown_timeout = f.shutdown_timeout;
  if (given("--refresh-interval")) options.refresh_interval = f.refresh_interval;
  if (given("--query-timeout")) options.query_timeout = f.query_timeout;
  if (given("--producer-workers")) options.producer_workers = f.producer_workers;
  if (a.no_schedules) options.schedules = false;
  if (a.no_realtime) options.realtime = false;
  if (a.no_sync_events) options.sync_events = false;
  if (given("--business-utc-offset")) options.business_utc_offset = f.business_utc_offset;
  if (given("--alert-webhook")) options.alert_webhook = f.alert_webhook;
  if (given("--web-root")) options.web_root = f.web_root;
  if (Status st = ValidateServerOptions(options); !st.ok()) return Fail("serve", st);

  ConfigureServerLogging(options.log_level);
  BlockTerminationSignals();  // before any thread starts: all of them inherit it
  auto server = Server::Open(options);
  if (!server.ok()) return Fail("serve", server.status());
  (*server)->Start();
  // One line on stdout for scripts and tests that start with port 0.
  fmt::print("listening on {}\n", (*server)->address());
  std::fflush(stdout);
  int sig = WaitForTerminationSignal();
  spdlog::info("{}: stopping (finishing requests in flight)", sig == SIGTERM ? "SIGTERM" : "SIGINT");
  (*server)->Stop();
  spdlog::info("stopped");
  return 0;
}

}  // namespace

void RegisterServeCommand(CLI::App& app, int& exit_code) {
  auto a = std::make_shared<ServeArgs>();
  CLI::App* cmd = app.add_subcommand("serve", "Serve the HTTP API (docs/api.md) until SIGTERM/SIGINT");
  ServerOptions& f = a->flags;
  const ServerOptions d;
  cmd->add_option("--config", a->config, "YAML file with the settings below (keys with '_'); flags override it");
  cmd->add_option("--data", f.data, "Data directory (must exist; an empty one gets an empty store)");
  cmd->add_option("--listen", f.listen, fmt::format("HOST:PORT to listen on (default {})", d.listen));
  cmd->add_option("--threads", f.threads, "I/O threads (default: max(4, 2 x cores))");
  cmd->add_option("--blocking-threads", f.blocking_threads,
                  fmt::format("Threads for imports and deletions (default {})", d.blocking_threads));
  cmd->add_option("--import-threads", f.import_threads, "Threads of one import (default: max(1, cores / 2))");
  cmd->add_option("--log-level", f.log_level,
                  fmt::format("trace, debug, info, warn, error, critical or off (default {})", d.log_level));
  cmd->add_option("--max-body-bytes", f.max_body_bytes,
                  fmt::format("Largest JSON request body (default {})", d.max_body_bytes));
  cmd->add_option("--max-import-bytes", f.max_import_bytes,
                  fmt::format("Largest CSV upload (default {})", d.max_import_bytes));
  cmd->add_option("--max-event-bytes", f.max_event_bytes,
                  fmt::format("Largest event batch to /events (default {})", d.max_event_bytes));
  cmd->add_option("--max-header-bytes", f.max_header_bytes,
                  fmt::format("Largest request header (default {})", d.max_header_bytes));
  cmd->add_option("--idle-timeout", f.idle_timeout,
                  fmt::format("Seconds a connection may wait for its next request (default {})", d.idle_timeout));
  cmd->add_option("--read-timeout", f.read_timeout,
                  fmt::format("Seconds without progress while reading a body (default {})", d.read_timeout));
  cmd->add_option("--write-timeout", f.write_timeout,
                  fmt::format("Seconds per write of an answer (default {})", d.write_timeout));
  cmd->add_option("--shutdown-timeout", f.shutdown_timeout,
                  fmt::format("Seconds SIGTERM waits for requests in flight (default {})", d.shutdown_timeout));
  cmd->add_option("--query-timeout", f.query_timeout,
                  fmt::format("Seconds a count, query, insight or report may run before it is refused with 503 "
                              "(default {})",
                              d.query_timeout));
  cmd->add_option("--refresh-interval", f.refresh_interval,
                  fmt::format("Seconds between checks for publishes by other processes (default {})",
                              d.refresh_interval));
  cmd->add_option("--producer-workers", f.producer_workers,
                  fmt::format("Tag production jobs at once (default {})", d.producer_workers));
  cmd->add_flag("--no-schedules", a->no_schedules, "Do not run tag schedules (productions only on demand)");
  cmd->add_flag("--no-realtime", a->no_realtime,
                "Do not keep real-time tags live (events are still logged; daily versions still run)");
  cmd->add_flag("--no-sync-events", a->no_sync_events,
                "Acknowledge events before they are fdatasync'ed (a machine crash may lose acknowledged events; "
                "a process crash does not)");
  cmd->add_option("--business-utc-offset", f.business_utc_offset,
                  fmt::format("Minutes east of UTC of the business calendar (default {})", d.business_utc_offset));
  cmd->add_option("--alert-webhook", f.alert_webhook, "URL that gets production alerts as JSON POSTs");
  cmd->add_option("--web-root", f.web_root,
                  "Folder of the built web UI served at / (default: web/dist of the source tree; 'none': no UI)");
  cmd->callback([cmd, a, &exit_code] { exit_code = Run(cmd, *a); });
}

}  // namespace tagloop::cli
