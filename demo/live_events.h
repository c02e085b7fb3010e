// The demo's live traffic: a stream of plausible order lifecycle and coupon
// events for the company's existing members, posted to a running server
// (POST /api/v1/events, NDJSON) once a second so real-time tags move in the
// UI while the demo is served.
//
// Orders go created -> paid (or cancelled) -> picked up -> sometimes
// extended -> returned, compressed into minutes; one event in fifteen is a
// coupon issued or redeemed. Order, coupon and event ids start with
// "L<start time>-<pid>-", so restarts never collide with earlier ids or with
// the history's ("O...", "C...").
//
// The token is read from a file and sent only in the Authorization header;
// it is never printed. Runs until SIGINT or SIGTERM.
#pragma once

#include <string>

namespace tagloop::demo {

struct LiveOptions {
  std::string url = "http://127.0.0.1:8080";
  std::string token_file;
  std::string db;    // business.db: the members and stores
  double rate = 20;  // events per second
  uint64_t seed = 7;
  int max_seconds = 0;  // stop after this long; 0 = until a signal
  bool quiet = false;   // no progress lines
};

// Returns the process exit code (0 after a signal or max_seconds).
int RunLiveEvents(const LiveOptions& options);

}  // namespace tagloop::demo
