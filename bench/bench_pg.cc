// tagloop_bench_pg: the PostgreSQL peer of the segment benchmark.
//
//   tagloop_bench_pg load    --conninfo C --csv users.csv [--types users.csv.types] --json pg.json
//   tagloop_bench_pg run     --conninfo C --suite bench/suite.txt --as-of 2026-10-31 --json pg.json
//   tagloop_bench_pg rebuild --conninfo C --csv one_column.csv --types-text credit_score:int --json pg.json
//
// Each subcommand adds its part ("load", "queries"/"disk"/"memory", "rebuild")
// to the JSON file, which tagloop_bench_segments then compares against.
#include <CLI/CLI.hpp>
#include <cstdio>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "pg_peer.h"
#include "stats.h"
#include "suite.h"

namespace tb = tagloop::bench;
using nlohmann::json;

namespace {

json ReadJson(const std::string& path) {
  std::ifstream in(path);
  if (!in) return json::object();
  try {
    return json::parse(in);
  } catch (const json::exception&) {
    return json::object();
  }
}

bool WriteJson(const std::string& path, const json& j) {
  std::ofstream out(path);
  out << j.dump(2) << "\n";
  return static_cast<bool>(out);
}

std::string ReadFirstLine(const std::string& path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

int Fail(const std::string& error) {
  std::fprintf(stderr, "bench_pg: %s\n", error.c_str());
  return 1;
}

int64_t ScalarInt(tb::PgConnection& pg, const std::string& sql) {
  std::string v, error;
  return pg.QueryScalar(sql, &v, &error) ? std::stoll(v) : -1;
}

int Load(const std::string& conninfo, const std::string& csv, std::string types_path, const std::string& json_path) {
  if (types_path.empty()) types_path = csv + ".types";
  std::vector<tb::TypedColumn> types;
  std::string error;
  if (!tb::ParseTypes(ReadFirstLine(types_path), &types, &error)) return Fail(types_path + ": " + error);
  tb::PgConnection pg;
  if (!pg.Connect(conninfo, &error)) return Fail(error);
  tb::PgLoadReport r;
  std::fprintf(stderr, "bench_pg: loading %s ...\n", csv.c_str());
  if (!tb::LoadUsers(pg, csv, "member_id", types, &r, &error)) return Fail(error);
  json j = ReadJson(json_path);
  json indexes = json::object();
  for (const auto& [name, s] : r.index_seconds) indexes[name] = s;
  j["load"] = {{"rows", r.rows}, {"copy_s", r.copy_s}, {"index_s", r.index_s}, {"analyze_s", r.analyze_s},
               {"total_s", r.total_s()}, {"indexes", indexes}};
  std::fprintf(stderr, "bench_pg: %lld rows: COPY %.1f s, indexes %.1f s, VACUUM ANALYZE %.1f s\n",
               static_cast<long long>(r.rows), r.copy_s, r.index_s, r.analyze_s);
  return WriteJson(json_path, j) ? 0 : Fail(json_path + ": cannot write");
}

int Run(const std::string& conninfo, const std::string& suite_path, const std::string& as_of, int runs,
        int warmup, const std::string& only, const std::string& json_path) {
  std::vector<tb::SuiteQuery> suite;
  std::string error;
  if (!tb::LoadSuite(suite_path, as_of, &suite, &error)) return Fail(error);
  tb::PgConnection pg;
  if (!pg.Connect(conninfo, &error)) return Fail(error);
  json queries = json::array();
  for (const auto& q : suite) {
    if (!only.empty() && q.id != only) continue;
    const std::string sql = "SELECT count(*) FROM users WHERE " + q.sql;
    std::string value;
    std::vector<double> samples;
    for (int i = 0; i < warmup + runs; ++i) {
      const double t0 = tb::NowMs();
      if (!pg.QueryScalar(sql, &value, &error)) return Fail(q.id + ": " + error);
      if (i >= warmup) samples.push_back(tb::NowMs() - t0);
    }
    const tb::TimingStats s = tb::Summarize(samples);
    std::fprintf(stderr, "bench_pg: %s count %12s  median %9.1f ms\n", q.id.c_str(), value.c_str(), s.median_ms);
    queries.push_back({{"id", q.id}, {"count", std::stoll(value)}, {"median_ms", s.median_ms},
                       {"p99_ms", s.p99_ms}, {"min_ms", s.min_ms}, {"runs", s.runs}});
  }
  json j = ReadJson(json_path);
  j["queries"] = queries;
  j["as_of"] = as_of;
  j["disk"] = {{"table_bytes", ScalarInt(pg, "SELECT pg_table_size('users')")},
               {"index_bytes", ScalarInt(pg, "SELECT pg_indexes_size('users')")},
               {"total_bytes", ScalarInt(pg, "SELECT pg_total_relation_size('users')")},
               {"users", ScalarInt(pg, "SELECT count(*) FROM users")}};
  // The backend's peak resident memory, shared buffers it touched included.
  const int pid = pg.backend_pid();
  j["memory"] = {{"backend_vm_hwm_kb", tb::ProcStatusKb(pid, "VmHWM")},
                 {"backend_rss_kb", tb::ProcStatusKb(pid, "VmRSS")},
                 {"backend_rss_shmem_kb", tb::ProcStatusKb(pid, "RssShmem")}};
  std::string settings;
  for (const char* name : {"shared_buffers", "work_mem", "max_parallel_workers_per_gather", "jit"}) {
    std::string v;
    if (pg.QueryScalar(std::string("SHOW ") + name, &v, &error)) j["settings"][name] = v;
  }
  return WriteJson(json_path, j) ? 0 : Fail(json_path + ": cannot write");
}

int Rebuild(const std::string& conninfo, const std::string& csv, const std::string& types_text,
            const std::string& json_path) {
  std::vector<tb::TypedColumn> types;
  std::string error;
  if (!tb::ParseTypes(types_text, &types, &error) || types.size() != 1) {
    return Fail("--types-text wants exactly one col:type");
  }
  tb::PgConnection pg;
  if (!pg.Connect(conninfo, &error)) return Fail(error);
  const double s = tb::RebuildColumn(pg, csv, "member_id", types[0], &error);
  if (s < 0) return Fail(error);
  std::fprintf(stderr, "bench_pg: rebuilt column %s in %.1f s (UPDATE ... FROM)\n", types[0].name.c_str(), s);
  json j = ReadJson(json_path);
  j["rebuild"] = {{"column", types[0].name}, {"seconds", s}};
  return WriteJson(json_path, j) ? 0 : Fail(json_path + ": cannot write");
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"PostgreSQL peer of the tagloop segment benchmark"};
  app.require_subcommand(1);
  std::string conninfo, json_path, csv, types_path, types_text, suite_path = "bench/suite.txt",
                                                                as_of = "2026-10-31", only;
  int runs = 5, warmup = 1;
  auto common = [&](CLI::App* c) {
    c->add_option("--conninfo", conninfo, "libpq connection string")->required();
    c->add_option("--json", json_path, "result file to add to")->required();
  };
  auto* load = app.add_subcommand("load", "create, COPY, index and analyze the users table");
  common(load);
  load->add_option("--csv", csv, "member CSV of tagloop_gen_users")->required();
  load->add_option("--types", types_path, "its .types file (default: CSV.types)");
  auto* run = app.add_subcommand("run", "time SELECT count(*) of every suite query");
  common(run);
  run->add_option("--suite", suite_path, "suite file")->capture_default_str();
  run->add_option("--as-of", as_of, "as-of date substituted for {as_of}")->capture_default_str();
  run->add_option("--runs", runs, "timed runs per query")->capture_default_str();
  run->add_option("--warmup", warmup, "untimed runs first")->capture_default_str();
  run->add_option("--only", only, "run one query id");
  auto* rebuild = app.add_subcommand("rebuild", "replace one column from a two-column CSV");
  common(rebuild);
  rebuild->add_option("--csv", csv, "member_id,<column> CSV")->required();
  rebuild->add_option("--types-text", types_text, "col:type of the column")->required();
  CLI11_PARSE(app, argc, argv);

  if (*load) return Load(conninfo, csv, types_path, json_path);
  if (*run) return Run(conninfo, suite_path, as_of, runs, warmup, only, json_path);
  return Rebuild(conninfo, csv, types_text, json_path);
}
