// Small helpers shared by the benchmark drivers: timing statistics, wall
// clock, and the memory of a process from /proc.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace tagloop::bench {

struct TimingStats {
  double median_ms = 0, p99_ms = 0, min_ms = 0, max_ms = 0;
  int runs = 0;
};
TimingStats Summarize(std::vector<double> samples_ms);

// Monotonic clock in milliseconds.
double NowMs();

// A field of /proc/<pid>/status in kB ("VmHWM", "VmRSS", "RssShmem"); pid 0
// is this process; -1 when unreadable.
int64_t ProcStatusKb(int pid, const std::string& field);

// The 1-minute load average (/proc/loadavg), -1 when unreadable: other work
// on the machine inflates every timing, so results record it.
double LoadAverage1();

}  // namespace tagloop::bench
