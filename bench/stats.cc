// Timing statistics and /proc readers for the benchmark drivers.
#include "stats.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <fstream>
#include <sstream>

namespace tagloop::bench {

TimingStats Summarize(std::vector<double> s) {
  TimingStats t;
  if (s.empty()) return t;
  std::sort(s.begin(), s.end());
  const size_t n = s.size();
  t.runs = static_cast<int>(n);
  t.min_ms = s.front();
  t.max_ms = s.back();
  t.median_ms = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  // Nearest-rank p99: with fewer than 100 runs it is the slowest run.
  t.p99_ms = s[std::min(n - 1, static_cast<size_t>(std::ceil(0.99 * static_cast<double>(n))) - 1)];
  return t;
}

double NowMs() {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

int64_t ProcStatusKb(int pid, const std::string& field) {
  std::ifstream in(pid == 0 ? "/proc/self/status" : "/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind(field + ":", 0) == 0) {
      std::istringstream ss(line.substr(field.size() + 1));
      int64_t kb = -1;
      ss >> kb;
      return kb;
    }
  }
  return -1;
}

double LoadAverage1() {
  std::ifstream in("/proc/loadavg");
  double load = -1;
  in >> load;
  return in ? load : -1;
}

}  // namespace tagloop::bench
