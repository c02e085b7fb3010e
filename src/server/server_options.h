// Every setting of `tagloop serve`, with its default. The same names are the
// keys of the YAML config file (`--config FILE`) and, with '-' for '_', the
// command-line flags; flags override the file. All are fixed at start-up.
#pragma once

#include <cstdint>
#include <string>

#include "core/status.h"

namespace tagloop {

struct ServerOptions {
  std::string data;                        // data directory (required)
  std::string listen = "127.0.0.1:8080";   // HOST:PORT; port 0 picks a free one
  unsigned threads = 0;                    // I/O threads; 0: max(4, 2 x cores)
  unsigned blocking_threads = 2;           // pool for imports and user deletions
  unsigned import_threads = 0;             // parse/build threads of one import; 0: max(1, cores / 2)
  std::string log_level = "info";          // trace, debug, info, warn, error, critical, off
  uint64_t max_body_bytes = 1 << 20;       // JSON request bodies (413 beyond)
  uint64_t max_import_bytes = 1ull << 30;  // CSV uploads to /imports (413 beyond)
  uint64_t max_event_bytes = 64ull << 20;  // event batches to /events (413 beyond)
  uint32_t max_header_bytes = 16 << 10;    // request line + headers (431 beyond)
  double idle_timeout = 60;                // seconds a connection may wait for its next request
  double read_timeout = 30;                // seconds without progress while reading a body
  double write_timeout = 60;               // seconds per write of the answer
  double shutdown_timeout = 30;            // seconds SIGTERM waits for requests in flight
  double refresh_interval = 1;             // seconds between checks for publishes by other processes
  double query_timeout = 10;               // seconds a count, query, insight or report may run (503 beyond)
  unsigned producer_workers = 2;           // tag production jobs at once
  bool schedules = true;                   // run tag schedules (false: productions only on demand)
  int business_utc_offset = 480;           // minutes east of UTC of the business calendar (+08:00)
  std::string alert_webhook;               // URL that gets production alerts as JSON ("" = none)
  bool realtime = true;                    // keep real-time tags live from events
  bool outreach = true;                    // run campaigns (schedules, dispatch, resumption)
  bool sync_events = true;                 // fdatasync the event log before acknowledging
  std::string web_root;                    // the web UI's files; "" = web/dist of the build, "none" = no UI
};

// Reads a YAML mapping of the keys above into `options` (keys absent from
// the file keep their value). InvalidArgument naming the file and line for
// unknown keys, wrong types and YAML syntax errors; IOError if unreadable.
Status LoadServerConfigFile(const std::string& path, ServerOptions* options);

// Range checks (a data directory is given, timeouts > 0, limits > 0, a known
// log level); InvalidArgument naming the setting.
Status ValidateServerOptions(const ServerOptions& options);

// The thread counts after applying the "0: automatic" defaults.
unsigned EffectiveIoThreads(const ServerOptions& options);
unsigned EffectiveImportThreads(const ServerOptions& options);

}  // namespace tagloop
