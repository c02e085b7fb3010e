// Comparison, summary and the targets of the segment benchmark.
#include "report.h"

#include <algorithm>
#include <cstdio>
#include <fstream>
#include <map>
#include <thread>

namespace tagloop::bench {
namespace {

using nlohmann::json;

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const size_t n = v.size();
  return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

double Max(const std::vector<double>& v) { return v.empty() ? 0 : *std::max_element(v.begin(), v.end()); }

struct PgQuery {
  int64_t count = -1;
  double median_ms = 0;
};

std::map<std::string, PgQuery> PgQueries(const json& pg) {
  std::map<std::string, PgQuery> out;
  if (!pg.contains("queries")) return out;
  for (const auto& q : pg["queries"]) {
    out[q["id"].get<std::string>()] = {q["count"].get<int64_t>(), q["median_ms"].get<double>()};
  }
  return out;
}

double JsonNumber(const json& j, std::initializer_list<const char*> path, double fallback = -1) {
  const json* cur = &j;
  for (const char* key : path) {
    if (!cur->is_object() || !cur->contains(key)) return fallback;
    cur = &(*cur)[key];
  }
  return cur->is_number() ? cur->get<double>() : fallback;
}

// "12.3 s", or "-" for a figure that was not measured (negative).
std::string Fixed(double v, int decimals, const char* unit) {
  if (v < 0) return "-";
  char buf[48];
  std::snprintf(buf, sizeof buf, "%.*f%s", decimals, v, unit);
  return buf;
}

std::string Mb(double kb) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.0f MB", kb / 1024);
  return buf;
}

}  // namespace

int Report(const std::vector<QueryResult>& results, const TagloopFigures& t, const json& pg,
           const std::string& as_of, const std::string& out_path) {
  const auto pg_queries = PgQueries(pg);
  const bool have_pg = !pg_queries.empty();
  int disagreements = 0;
  std::vector<double> tl_ms, tl_p99, cli_ms, pg_ms, ratios;
  json rows = json::array();

  std::printf("\n%-4s %5s %11s %9s %9s %9s %10s %9s  %s\n", "id", "preds", "count", "tl ms", "tl p99",
              "cli ms", "pg ms", "pg/tl", "");
  for (const auto& r : results) {
    const auto it = pg_queries.find(r.query.id);
    const bool has_pg = it != pg_queries.end();
    std::string status = "ok";
    if (!r.cli_count_ok) status = "CLI COUNT DIFFERS";
    if (has_pg && it->second.count != static_cast<int64_t>(r.count)) {
      status = "MISMATCH: postgres " + std::to_string(it->second.count);
    }
    if (have_pg && !has_pg) status = "no postgres result";
    if (status != "ok") ++disagreements;
    const double ratio = has_pg && r.in_process.median_ms > 0 ? it->second.median_ms / r.in_process.median_ms : 0;
    tl_ms.push_back(r.in_process.median_ms);
    tl_p99.push_back(r.in_process.p99_ms);
    cli_ms.push_back(r.cli.median_ms);
    if (has_pg) pg_ms.push_back(it->second.median_ms), ratios.push_back(ratio);
    std::printf("%-4s %5d %11llu %9.3f %9.3f %9.1f %10.1f %9.0f  %s\n", r.query.id.c_str(), r.query.predicates,
                static_cast<unsigned long long>(r.count), r.in_process.median_ms, r.in_process.p99_ms,
                r.cli.median_ms, has_pg ? it->second.median_ms : 0.0, ratio, status.c_str());
    json row = {{"id", r.query.id},
                {"predicates", r.query.predicates},
                {"description", r.query.description},
                {"tagloop", r.query.tagloop},
                {"sql", r.query.sql},
                {"count", r.count},
                {"first_run_ms", r.first_ms},
                {"in_process", {{"median_ms", r.in_process.median_ms}, {"p99_ms", r.in_process.p99_ms},
                                {"min_ms", r.in_process.min_ms}, {"max_ms", r.in_process.max_ms},
                                {"runs", r.in_process.runs}}},
                {"cli", {{"median_ms", r.cli.median_ms}, {"max_ms", r.cli.max_ms}, {"runs", r.cli.runs},
                         {"max_rss_kb", r.cli_max_rss_kb}, {"count_agrees", r.cli_count_ok}}},
                {"status", status}};
    if (has_pg) row["postgres"] = {{"count", it->second.count}, {"median_ms", it->second.median_ms}, {"ratio", ratio}};
    rows.push_back(row);
  }

  const double users = static_cast<double>(std::max<uint64_t>(1, t.users));
  const double tl_median = Median(tl_ms), tl_slowest = Max(tl_ms), cli_median = Median(cli_ms);
  const double pg_median = Median(pg_ms);
  const double pg_load_s = JsonNumber(pg, {"load", "total_s"});
  const double pg_bytes = JsonNumber(pg, {"disk", "total_bytes"});
  const double pg_hwm_kb = JsonNumber(pg, {"memory", "backend_vm_hwm_kb"});
  const double pg_rebuild_s = JsonNumber(pg, {"rebuild", "seconds"});
  int64_t cli_rss = 0;
  for (const auto& r : results) cli_rss = std::max(cli_rss, r.cli_max_rss_kb);

  std::printf("\n%llu users, as of %s, %zu queries%s\n", static_cast<unsigned long long>(t.users), as_of.c_str(),
              results.size(), disagreements ? "" : (have_pg ? ", all counts agree with PostgreSQL" : ""));
  std::printf("  %-34s %14s %14s\n", "", "tagloop", "PostgreSQL");
  std::printf("  %-34s %11.3f ms %11.1f ms   (%.0fx)\n", "median count (in-process)", tl_median, pg_median,
              tl_median > 0 ? pg_median / tl_median : 0);
  std::printf("  %-34s %11.3f ms %11.1f ms\n", "slowest query (median of runs)", tl_slowest, Max(pg_ms));
  std::printf("  %-34s %11.3f ms\n", "slowest p99 (in-process)", Max(tl_p99));
  std::printf("  %-34s %14.0fx (min %.0fx)\n", "median per-query ratio pg/tagloop", Median(ratios),
              ratios.empty() ? 0 : *std::min_element(ratios.begin(), ratios.end()));
  std::printf("  %-34s %11.1f ms (max %.1f ms)\n", "`tagloop count` whole process", cli_median, Max(cli_ms));
  std::printf("  %-34s %14s %14s\n", "import (CSV -> queryable)", Fixed(t.import_s, 1, " s").c_str(),
              Fixed(pg_load_s, 1, " s").c_str());
  const std::string rebuild_label = "rebuild one tag (" + t.rebuild_column + ")";
  std::printf("  %-34s %14s %14s\n", rebuild_label.c_str(), Fixed(t.rebuild_s, 2, " s").c_str(),
              Fixed(pg_rebuild_s, 1, " s").c_str());
  std::printf("  %-34s %14.1f %14s\n", "bytes on disk per user", static_cast<double>(t.disk_bytes) / users,
              Fixed(pg_bytes > 0 ? pg_bytes / users : -1, 1, "").c_str());
  std::printf("  %-34s %14s %14s\n", "memory: server process peak RSS", Mb(static_cast<double>(t.vm_hwm_kb)).c_str(),
              pg_hwm_kb > 0 ? Mb(pg_hwm_kb).c_str() : "-");
  std::printf("  %-34s %14s\n", "memory: `tagloop count` peak RSS", Mb(static_cast<double>(cli_rss)).c_str());
  std::printf("  %-34s %14s\n", "memory: `tagloop import` peak RSS", Mb(static_cast<double>(t.import_max_rss_kb)).c_str());
  std::printf("  (PostgreSQL memory: backend VmHWM, shared buffers it touched included)\n");
  std::printf("  machine load average (1 min) around the tagloop suite: %.2f -> %.2f on %u cores\n",
              t.load_before, t.load_after, std::thread::hardware_concurrency());

  // The targets are stated for 10M users.
  struct Target {
    const char* what;
    bool met;
    bool measured = true;
  };
  const std::vector<Target> targets = {
      {"median count <= 2 ms", tl_median <= 2},
      {"slowest query <= 20 ms", tl_slowest <= 20},
      {"`tagloop count` in tens of ms (median < 100 ms)", cli_median < 100},
      {">= 100x faster than PostgreSQL on the median query", have_pg && pg_median >= 100 * tl_median, have_pg},
      {"import of the CSV <= 60 s", t.import_s >= 0 && t.import_s <= 60, t.import_s >= 0},
      {"rebuild one tag <= 2 s", t.rebuild_s >= 0 && t.rebuild_s <= 2, t.rebuild_s >= 0},
  };
  std::printf("\ntargets (stated for 10M users%s):\n", t.users >= 10000000 ? "" : "; this run is smaller");
  json targets_json = json::object();
  for (const auto& target : targets) {
    std::printf("  [%s] %s\n", !target.measured ? " -- " : target.met ? "met " : "MISS", target.what);
    if (target.measured) targets_json[target.what] = target.met;
  }
  if (disagreements) std::printf("\n%d QUERIES DISAGREE (see the table)\n", disagreements);

  json out = {{"users", t.users},
              {"as_of", as_of},
              {"queries", rows},
              {"tagloop", {{"import_s", t.import_s},
                           {"import_max_rss_kb", t.import_max_rss_kb},
                           {"open_ms", t.open_ms},
                           {"vm_hwm_kb", t.vm_hwm_kb},
                           {"vm_rss_kb", t.vm_rss_kb},
                           {"disk_bytes", t.disk_bytes},
                           {"bytes_per_user", static_cast<double>(t.disk_bytes) / users},
                           {"rebuild_column", t.rebuild_column},
                           {"rebuild_s", t.rebuild_s},
                           {"rebuild_max_rss_kb", t.rebuild_max_rss_kb},
                           {"cli_max_rss_kb", cli_rss},
                           {"load_average_before", t.load_before},
                           {"load_average_after", t.load_after}}},
              {"summary", {{"tagloop_median_ms", tl_median},
                           {"tagloop_slowest_ms", tl_slowest},
                           {"tagloop_slowest_p99_ms", Max(tl_p99)},
                           {"cli_median_ms", cli_median},
                           {"cli_max_ms", Max(cli_ms)},
                           {"postgres_median_ms", pg_median},
                           {"median_ratio", tl_median > 0 ? pg_median / tl_median : 0},
                           {"median_per_query_ratio", Median(ratios)},
                           {"disagreements", disagreements}}},
              {"targets", targets_json},
              {"postgres", pg}};
  std::ofstream f(out_path);
  f << out.dump(2) << "\n";
  if (!f) std::fprintf(stderr, "bench_segments: cannot write %s\n", out_path.c_str());
  else std::printf("\nresults: %s\n", out_path.c_str());
  return disagreements;
}

}  // namespace tagloop::bench
