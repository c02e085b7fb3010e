// Tag production benchmark (issue 4): produce a SQL tag of N rows from
// PostgreSQL and from the embedded SQLite business database, and report rows/s
// and the time to a published version, against the peer: a plain
// `COPY (query) TO STDOUT` of the same query (what `psql \copy ... to` does),
// and for SQLite a plain scan of the query's rows.
//
//   tagloop_bench_produce --pg CONNINFO --data DIR --rows 10000000 [--json OUT]
//
// The table bench_orders(user_id text, spend int) is made in both databases
// (generate_series / one insert transaction; not timed). DIR must be empty or
// absent: a new store is made there. Each tagloop figure is one production
// run recorded in the store's run history; the first one meets every user
// for the first time (dictionary growth included), the repair re-runs the
// same date over known users, the SQLite run is a second tag over known users.
#include <libpq-fe.h>
#include <sqlite3.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "pg_peer.h"
#include "app/workspace.h"

namespace {

using tagloop::bench::PgConnection;
using Clock = std::chrono::steady_clock;

double Seconds(Clock::time_point start) { return std::chrono::duration<double>(Clock::now() - start).count(); }

[[noreturn]] void Die(const std::string& what) {
  std::fprintf(stderr, "bench_produce: %s\n", what.c_str());
  std::exit(1);
}

constexpr const char* kQuery = "SELECT user_id, spend FROM bench_orders";

// The peer: COPY (query) TO STDOUT, every byte received and dropped.
double CopyOut(const std::string& conninfo, uint64_t* bytes) {
  PGconn* conn = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn) != CONNECTION_OK) Die(PQerrorMessage(conn));
  auto start = Clock::now();
  PGresult* r = PQexec(conn, (std::string("COPY (") + kQuery + ") TO STDOUT").c_str());
  if (PQresultStatus(r) != PGRES_COPY_OUT) Die(PQerrorMessage(conn));
  PQclear(r);
  *bytes = 0;
  for (;;) {
    char* buf = nullptr;
    int n = PQgetCopyData(conn, &buf, 0);
    if (n < 0) break;
    *bytes += static_cast<uint64_t>(n);
    PQfreemem(buf);
  }
  r = PQgetResult(conn);
  if (PQresultStatus(r) != PGRES_COMMAND_OK) Die(PQerrorMessage(conn));
  PQclear(r);
  double seconds = Seconds(start);
  PQfinish(conn);
  return seconds;
}

// The SQLite peer: step through the query reading both columns as text.
double SqliteScan(const std::string& path, uint64_t* rows) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) Die("open " + path);
  auto start = Clock::now();
  sqlite3_stmt* st = nullptr;
  if (sqlite3_prepare_v2(db, kQuery, -1, &st, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db));
  uint64_t n = 0, sink = 0;
  while (sqlite3_step(st) == SQLITE_ROW) {
    sink += static_cast<uint64_t>(sqlite3_column_bytes(st, 0)) + sqlite3_column_text(st, 1)[0];
    ++n;
  }
  sqlite3_finalize(st);
  double seconds = Seconds(start);
  sqlite3_close(db);
  *rows = n;
  if (sink == 42) std::fputc(0, stderr);  // keeps the reads
  return seconds;
}

void MakeSqlite(const std::string& path, uint64_t rows) {
  sqlite3* db = nullptr;
  if (sqlite3_open(path.c_str(), &db) != SQLITE_OK) Die("create " + path);
  sqlite3_exec(db, "PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; BEGIN; "
                   "CREATE TABLE bench_orders (user_id TEXT NOT NULL, spend INTEGER NOT NULL);",
               nullptr, nullptr, nullptr);
  sqlite3_stmt* st = nullptr;
  sqlite3_prepare_v2(db, "INSERT INTO bench_orders VALUES (?1, ?2)", -1, &st, nullptr);
  char id[32];
  for (uint64_t i = 1; i <= rows; ++i) {
    int len = std::snprintf(id, sizeof id, "u%09llu", static_cast<unsigned long long>(i));
    sqlite3_bind_text(st, 1, id, len, SQLITE_TRANSIENT);
    sqlite3_bind_int64(st, 2, static_cast<int64_t>(i * 7919 % 1000));
    sqlite3_step(st);
    sqlite3_reset(st);
  }
  sqlite3_finalize(st);
  if (sqlite3_exec(db, "COMMIT;", nullptr, nullptr, nullptr) != SQLITE_OK) Die(sqlite3_errmsg(db));
  sqlite3_close(db);
}

nlohmann::json RunJson(const tagloop::ProduceResult& r, uint64_t rows) {
  return {{"state", tagloop::RunStateName(r.state)}, {"rows", r.rows},          {"users", r.users},
          {"fetch_s", r.fetch_seconds},               {"write_s", r.write_seconds}, {"total_s", r.seconds},
          {"rows_per_s", rows / r.seconds}};
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tagloop tag production benchmark (SQL tags from PostgreSQL and SQLite)"};
  std::string conninfo, data, json_out;
  uint64_t rows = 10'000'000;
  app.add_option("--pg", conninfo, "libpq conninfo of the peer PostgreSQL")->required();
  app.add_option("--data", data, "Directory for the new store (must not exist or be empty)")->required();
  app.add_option("--rows", rows, "Rows of the tag query (default 10,000,000)");
  app.add_option("--json", json_out, "Write the results here too");
  CLI11_PARSE(app, argc, argv);
  namespace fs = std::filesystem;
  if (fs::exists(data) && !fs::is_empty(data)) Die(data + " is not empty");
  fs::create_directories(data);

  std::printf("making bench_orders with %llu rows in PostgreSQL and SQLite...\n", static_cast<unsigned long long>(rows));
  std::string error;
  PgConnection pg;
  if (!pg.Connect(conninfo, &error)) Die(error);
  if (!pg.Exec("DROP TABLE IF EXISTS bench_orders; CREATE TABLE bench_orders AS SELECT 'u' || lpad(i::text, 9, '0') "
               "AS user_id, (i::bigint * 7919 % 1000)::int AS spend FROM generate_series(1, " + std::to_string(rows) +
                   ") i",
               &error) ||
      !pg.Exec("VACUUM ANALYZE bench_orders", &error)) {
    Die(error);
  }
  MakeSqlite(data + "/business.db", rows);

  // Peers: best of three.
  uint64_t copy_bytes = 0, scan_rows = 0;
  double copy_s = 1e9, scan_s = 1e9;
  for (int i = 0; i < 3; ++i) copy_s = std::min(copy_s, CopyOut(conninfo, &copy_bytes));
  for (int i = 0; i < 3; ++i) scan_s = std::min(scan_s, SqliteScan(data + "/business.db", &scan_rows));

  tagloop::WorkspaceOptions options;
  options.create_if_missing = true;
  options.production.default_quality.max_user_change = 1e9;  // the first version has no previous one anyway
  auto workspace = tagloop::Workspace::Open(data, options);
  if (!workspace.ok()) Die(workspace.status().ToString());
  tagloop::Workspace& p = **workspace;
  auto put = [&](const char* name, const char* kind, const std::string& connection) {
    tagloop::Status st = p.sources().Put(tagloop::SourceSpec{name, kind, connection, "", "", 50'000, 0, ""}, "bench", false);
    if (!st.ok()) Die(st.ToString());
  };
  put("peer", "postgresql", conninfo);
  put("lite", "sqlite", "business.db");
  auto define = [&](const char* name, const char* source) {
    auto def = tagloop::TagDefinitionFromJson(
        {{"name", name}, {"type", "int"}, {"producer", {{"kind", "sql"}, {"source", source}, {"query", kQuery}}}});
    if (!def.ok()) Die(def.status().ToString());
    if (auto st = p.catalog().Apply(*def, "bench"); !st.ok()) Die(st.status().ToString());
  };
  define("spend_pg", "peer");
  define("spend_lite", "lite");
  tagloop::Days date = *tagloop::ParseDate("2026-11-23");
  auto produce = [&](const char* tag, tagloop::RunTrigger trigger) {
    tagloop::ProduceRequest r;
    r.tag = tag;
    r.biz_date = date;
    r.trigger = trigger;
    r.requested_by = "bench";
    auto result = p.production().producer().Produce(r);
    if (!result.ok()) Die(result.status().ToString());
    if (result->state != tagloop::RunState::kSucceeded) Die(result->error.ToString());
    if (result->users != rows) Die("users " + std::to_string(result->users));
    return *result;
  };
  tagloop::ProduceResult first = produce("spend_pg", tagloop::RunTrigger::kManual);
  tagloop::ProduceResult repair = produce("spend_pg", tagloop::RunTrigger::kRepair);
  tagloop::ProduceResult lite = produce("spend_lite", tagloop::RunTrigger::kManual);

  std::printf("\n%-46s %10s %12s %8s\n", "", "seconds", "rows/s", "vs peer");
  auto line = [&](const char* what, double s, double peer) {
    std::printf("%-46s %10.2f %12.0f %8s\n", what, s, rows / s,
                peer > 0 ? (std::to_string(s / peer).substr(0, 4) + "x").c_str() : "");
  };
  line("PostgreSQL COPY (query) TO STDOUT (peer)", copy_s, 0);
  line("tagloop sql tag from PostgreSQL, new users", first.seconds, copy_s);
  std::printf("  fetch %.2f s, resolve+build+write+publish %.2f s\n", first.fetch_seconds, first.write_seconds);
  line("tagloop repair of that date (known users)", repair.seconds, copy_s);
  std::printf("  fetch %.2f s, resolve+build+write+publish %.2f s\n", repair.fetch_seconds, repair.write_seconds);
  line("SQLite scan of the query (peer)", scan_s, 0);
  line("tagloop sql tag from SQLite (known users)", lite.seconds, scan_s);
  std::printf("  fetch %.2f s, resolve+build+write+publish %.2f s\n", lite.fetch_seconds, lite.write_seconds);

  if (!json_out.empty()) {
    nlohmann::json j = {{"rows", rows},
                        {"pg_copy_s", copy_s},
                        {"pg_copy_bytes", copy_bytes},
                        {"sqlite_scan_s", scan_s},
                        {"pg_first", RunJson(first, rows)},
                        {"pg_repair", RunJson(repair, rows)},
                        {"sqlite", RunJson(lite, rows)}};
    std::ofstream(json_out) << j.dump(2) << "\n";
  }
  return 0;
}
