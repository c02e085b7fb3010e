// Runs a child process (the `tagloop` CLI) and measures it from the outside:
// wall time from fork to exit, peak RSS, and what it printed.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tagloop::bench {

struct ProcessRun {
  int exit_code = -1;      // -1 when killed by a signal
  double wall_ms = 0;      // fork to reaped
  int64_t max_rss_kb = 0;  // the child's peak resident set (getrusage)
  std::string out, err;    // stdout, stderr
};

// Runs argv[0] (looked up in PATH when it has no '/') with argv; returns false
// (and sets `error`) only when it could not be started.
bool RunProcess(const std::vector<std::string>& argv, ProcessRun* run, std::string* error);

}  // namespace tagloop::bench
