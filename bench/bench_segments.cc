// tagloop_bench_segments: the tagloop side of the segment benchmark, and the
// comparison with PostgreSQL (tagloop_bench_pg's JSON).
//
//   tagloop_bench_segments --tagloop build/release/tagloop --data DIR --fresh
//       --csv users.csv --suite bench/suite.txt --as-of 2026-10-31
//       --rebuild-csv credit.csv --rebuild-types credit_score:int --pg pg.json --out results.json
//
// Steps: (1) `tagloop import` of the CSV, timed as a whole process; (2) the
// suite in-process through CountSegment on an opened store (the server's
// case): warm-up, then --runs timed runs per query; (3) `tagloop count` per
// query as a whole process, start-up included, its output checked; (4) size
// of the data directory and this process's RSS; (5) a new version of one tag
// for every user with `tagloop import` (durable publish included); (6) the
// report. Exit status 1 when any count disagrees.
#include <sys/stat.h>

#include <CLI/CLI.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>

#include "core/date.h"
#include "process_timer.h"
#include "report.h"
#include "segment/segment.h"
#include "stats.h"
#include "store/tag_store.h"
#include "suite.h"

namespace tb = tagloop::bench;
namespace fs = std::filesystem;

namespace {

struct Args {
  std::string tagloop_bin, data, csv, types, suite = "bench/suite.txt", as_of = "2026-10-31", version;
  std::string rebuild_csv, rebuild_types, rebuild_version, pg_json, out = "bench/out/results.json";
  bool fresh = false;
  int runs = 30, warmup = 2, cli_runs = 5;
};

std::string FirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

uint64_t AllocatedBytes(const std::string& dir) {
  uint64_t total = 0;
  std::error_code ec;
  for (const auto& e : fs::recursive_directory_iterator(dir, ec)) {
    struct stat st {};
    if (e.is_regular_file() && ::stat(e.path().c_str(), &st) == 0) total += static_cast<uint64_t>(st.st_blocks) * 512;
  }
  return total;
}

// Runs `tagloop import`; returns its wall seconds, or -1 after printing why.
double TimedImport(const Args& a, const std::string& csv, const std::string& types, const std::string& version,
                   int64_t* max_rss_kb) {
  std::vector<std::string> argv = {a.tagloop_bin, "import", "--data", a.data, "--csv", csv,
                                   "--id-column", "member_id", "--types", types};
  if (!version.empty()) argv.insert(argv.end(), {"--version", version});
  tb::ProcessRun run;
  std::string error;
  if (!tb::RunProcess(argv, &run, &error) || run.exit_code != 0) {
    std::fprintf(stderr, "bench_segments: tagloop import %s failed: %s%s\n", csv.c_str(), error.c_str(),
                 run.err.c_str());
    return -1;
  }
  *max_rss_kb = run.max_rss_kb;
  return run.wall_ms / 1000;
}

// Step 2: the suite in-process. Fills count, first_ms and in_process.
bool RunInProcess(const Args& a, std::vector<tb::QueryResult>* results, tb::TagloopFigures* fig) {
  const double t0 = tb::NowMs();
  auto store = tagloop::TagStore::Open(a.data);
  if (!store.ok()) {
    std::fprintf(stderr, "bench_segments: open %s: %s\n", a.data.c_str(), store.status().ToString().c_str());
    return false;
  }
  auto snap = (*store)->snapshot();
  fig->open_ms = tb::NowMs() - t0;
  fig->users = snap->universe_size();

  auto as_of = tagloop::ParseDate(a.as_of);
  if (!as_of.ok()) {
    std::fprintf(stderr, "bench_segments: --as-of: %s\n", as_of.status().ToString().c_str());
    return false;
  }
  tagloop::SegmentQueryOptions options;
  options.as_of = *as_of;
  for (auto& r : *results) {
    std::vector<double> samples;
    for (int i = 0; i < a.warmup + a.runs; ++i) {
      const double start = tb::NowMs();
      auto n = tagloop::CountSegment(*snap, r.query.tagloop, options);
      const double ms = tb::NowMs() - start;
      if (!n.ok()) {
        std::fprintf(stderr, "bench_segments: %s: %s\n  %s\n", r.query.id.c_str(), n.status().ToString().c_str(),
                     r.query.tagloop.c_str());
        return false;
      }
      if (i == 0) r.first_ms = ms, r.count = *n;
      if (i >= a.warmup) samples.push_back(ms);
    }
    r.in_process = tb::Summarize(samples);
    std::fprintf(stderr, "bench_segments: %s count %10llu  first %8.3f ms  median %8.3f ms  p99 %8.3f ms\n",
                 r.query.id.c_str(), static_cast<unsigned long long>(r.count), r.first_ms, r.in_process.median_ms,
                 r.in_process.p99_ms);
  }
  fig->vm_hwm_kb = tb::ProcStatusKb(0, "VmHWM");
  fig->vm_rss_kb = tb::ProcStatusKb(0, "VmRSS");
  return true;
}

// Step 3: `tagloop count` as a whole process, per query.
bool RunCli(const Args& a, std::vector<tb::QueryResult>* results) {
  for (auto& r : *results) {
    std::vector<double> samples;
    for (int i = 0; i < a.cli_runs; ++i) {
      tb::ProcessRun run;
      std::string error;
      if (!tb::RunProcess({a.tagloop_bin, "count", "--data", a.data, "--as-of", a.as_of, r.query.tagloop}, &run,
                          &error)) {
        std::fprintf(stderr, "bench_segments: %s\n", error.c_str());
        return false;
      }
      samples.push_back(run.wall_ms);
      r.cli_max_rss_kb = std::max(r.cli_max_rss_kb, run.max_rss_kb);
      if (run.exit_code != 0 || run.out != std::to_string(r.count) + "\n") {
        r.cli_count_ok = false;
        std::fprintf(stderr, "bench_segments: %s: tagloop count printed '%s' (exit %d) %s\n", r.query.id.c_str(),
                     run.out.c_str(), run.exit_code, run.err.c_str());
      }
    }
    r.cli = tb::Summarize(samples);
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tagloop side of the segment benchmark, compared with PostgreSQL"};
  Args a;
  app.add_option("--tagloop", a.tagloop_bin, "the tagloop CLI (import and whole-process counts)")->required();
  app.add_option("--data", a.data, "data directory")->required();
  app.add_flag("--fresh", a.fresh, "remove the data directory first");
  app.add_option("--csv", a.csv, "import this member CSV first (timed)");
  app.add_option("--types", a.types, "its .types file (default: CSV.types)");
  app.add_option("--version", a.version, "business date of the import (default: --as-of)");
  app.add_option("--suite", a.suite, "suite file")->capture_default_str();
  app.add_option("--as-of", a.as_of, "as-of date of the queries")->capture_default_str();
  app.add_option("--runs", a.runs, "timed in-process runs per query")->capture_default_str();
  app.add_option("--warmup", a.warmup, "untimed in-process runs first")->capture_default_str();
  app.add_option("--cli-runs", a.cli_runs, "whole-process `tagloop count` runs per query")->capture_default_str();
  app.add_option("--rebuild-csv", a.rebuild_csv, "member_id,<tag> CSV: a new version of one tag (timed)");
  app.add_option("--rebuild-types", a.rebuild_types, "<tag>:<type> of that CSV");
  app.add_option("--rebuild-version", a.rebuild_version, "its business date (default: --as-of + 1 day)");
  app.add_option("--pg", a.pg_json, "tagloop_bench_pg result to compare with");
  app.add_option("--out", a.out, "result JSON")->capture_default_str();
  CLI11_PARSE(app, argc, argv);

  std::vector<tb::SuiteQuery> suite;
  std::string error;
  if (!tb::LoadSuite(a.suite, a.as_of, &suite, &error)) {
    std::fprintf(stderr, "bench_segments: %s\n", error.c_str());
    return 2;
  }
  std::vector<tb::QueryResult> results;
  for (auto& q : suite) {
    results.emplace_back();
    results.back().query = q;
  }
  tb::TagloopFigures fig;

  if (a.fresh) fs::remove_all(a.data);
  if (!a.csv.empty()) {
    const std::string types = FirstLine(a.types.empty() ? a.csv + ".types" : a.types);
    std::fprintf(stderr, "bench_segments: tagloop import %s ...\n", a.csv.c_str());
    fig.import_s = TimedImport(a, a.csv, types, a.version.empty() ? a.as_of : a.version, &fig.import_max_rss_kb);
    if (fig.import_s < 0) return 1;
    std::fprintf(stderr, "bench_segments: imported in %.1f s\n", fig.import_s);
  }
  fig.load_before = tb::LoadAverage1();
  if (!RunInProcess(a, &results, &fig) || !RunCli(a, &results)) return 1;
  fig.load_after = tb::LoadAverage1();
  fig.disk_bytes = AllocatedBytes(a.data);

  if (!a.rebuild_csv.empty()) {
    std::string version = a.rebuild_version;
    if (version.empty()) {
      auto d = tagloop::ParseDate(a.as_of);
      version = tagloop::FormatDate(*d + 1);
    }
    fig.rebuild_column = a.rebuild_types.substr(0, a.rebuild_types.find(':'));
    fig.rebuild_s = TimedImport(a, a.rebuild_csv, a.rebuild_types, version, &fig.rebuild_max_rss_kb);
    if (fig.rebuild_s < 0) return 1;
  }

  nlohmann::json pg = nlohmann::json::object();
  if (!a.pg_json.empty()) {
    std::ifstream in(a.pg_json);
    try {
      pg = nlohmann::json::parse(in);
    } catch (const nlohmann::json::exception& e) {
      std::fprintf(stderr, "bench_segments: %s: %s\n", a.pg_json.c_str(), e.what());
      return 2;
    }
  }
  fs::create_directories(fs::path(a.out).parent_path().empty() ? "." : fs::path(a.out).parent_path());
  return tb::Report(results, fig, pg, a.as_of, a.out) == 0 ? 0 : 1;
}
