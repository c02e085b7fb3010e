// The benchmark's result: per query tagloop (in-process and whole-process)
// and PostgreSQL times and counts, the import/memory/disk/rebuild figures of
// both, the targets; printed as one table and saved as JSON.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "stats.h"
#include "suite.h"

namespace tagloop::bench {

struct QueryResult {
  SuiteQuery query;
  uint64_t count = 0;
  double first_ms = 0;    // first run after opening the store (lazy opens)
  TimingStats in_process;  // CountSegment on an opened store, warm
  TimingStats cli;         // `tagloop count` whole process, start-up included
  int64_t cli_max_rss_kb = 0;
  bool cli_count_ok = true;  // the CLI printed the same count
};

struct TagloopFigures {
  uint64_t users = 0;           // universe size
  double import_s = -1;         // `tagloop import` of the full CSV, whole process
  int64_t import_max_rss_kb = 0;
  double open_ms = 0;           // TagStore::Open + snapshot, in-process
  int64_t vm_hwm_kb = 0;        // this process after the suite
  int64_t vm_rss_kb = 0;
  uint64_t disk_bytes = 0;      // allocated bytes of the data directory
  double rebuild_s = -1;        // `tagloop import` of one column, new version
  int64_t rebuild_max_rss_kb = 0;
  std::string rebuild_column;
  double load_before = -1, load_after = -1;  // 1-minute load average around the suite
};

// Prints the table and summary on stdout, writes `out_path` (JSON). `pg` is
// the tagloop_bench_pg result (may be empty). Returns the number of queries
// whose counts disagree (tagloop vs PostgreSQL, or in-process vs CLI).
int Report(const std::vector<QueryResult>& results, const TagloopFigures& tagloop, const nlohmann::json& pg,
           const std::string& as_of, const std::string& out_path);

}  // namespace tagloop::bench
