// The PostgreSQL 15 peer of the events benchmark (tagloop_bench_events pg):
// the same events the in-process part ingests, into
//   events(event_id text PRIMARY KEY, type text, user_id text,
//          time timestamptz, properties jsonb)
// with an index on (type, time) INCLUDE (user_id) for the query, durably
// (synchronous_commit on, fsync on: the server's defaults, checked):
//   - the pipeline's events: INSERT ... VALUES of `batch` rows ... ON CONFLICT
//     (event_id) DO NOTHING (tagloop's de-duplication), one statement (one
//     commit) per batch, one connection; then the two-thread pipeline's
//     events the same way on two connections;
//   - the other in-process streams with COPY, one COPY (one commit) per batch.
// Then, as tagloop's `orders_30d >= 1`, the query
//   SELECT count(DISTINCT user_id) FROM events
//   WHERE type = 'order_paid' AND time > now() - interval '30 days'
// after VACUUM ANALYZE (one warm-up, median of 5), checked against the users
// the streams paid for.
#include <chrono>
#include <cstdio>
#include <thread>

#include "bench_events.h"
#include "pg_peer.h"
#include "stats.h"

namespace tagloop::bench {
namespace {

using Clock = std::chrono::steady_clock;

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string Quoted(const std::string& s) {
  std::string out = "'";
  for (char c : s) {
    if (c == '\'') out += '\'';
    out += c;
  }
  return out + "'";
}

void AppendCopyField(const std::string& s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '\\': out->append("\\\\"); break;
      case '\t': out->append("\\t"); break;
      case '\n': out->append("\\n"); break;
      case '\r': out->append("\\r"); break;
      default: out->push_back(c);
    }
  }
}

struct Row {
  std::string event_id, type, user_id, time, properties;
};

// The rows of one NDJSON body (parsed before any clock starts).
std::vector<Row> Rows(const std::string& body) {
  std::vector<Row> rows;
  size_t pos = 0;
  while (pos < body.size()) {
    size_t end = body.find('\n', pos);
    if (end == std::string::npos) end = body.size();
    auto j = nlohmann::json::parse(body.begin() + static_cast<ptrdiff_t>(pos),
                                   body.begin() + static_cast<ptrdiff_t>(end));
    pos = end + 1;
    rows.push_back({j["event_id"], j["type"], j["user_id"], j["time"], j["properties"].dump()});
  }
  return rows;
}

std::vector<std::string> InsertStatements(const Bodies& b) {
  std::vector<std::string> out;
  for (const std::string& body : b.bodies) {
    std::string sql = "INSERT INTO events (event_id, type, user_id, time, properties) VALUES ";
    bool first = true;
    for (const Row& r : Rows(body)) {
      if (!first) sql += ',';
      first = false;
      sql += '(' + Quoted(r.event_id) + ',' + Quoted(r.type) + ',' + Quoted(r.user_id) + ',' +
             Quoted(r.time) + ',' + Quoted(r.properties) + ')';
    }
    sql += " ON CONFLICT (event_id) DO NOTHING";
    out.push_back(std::move(sql));
  }
  return out;
}

std::vector<std::string> CopyChunks(const Bodies& b) {
  std::vector<std::string> out;
  for (const std::string& body : b.bodies) {
    std::string chunk;
    for (const Row& r : Rows(body)) {
      for (const std::string* f : {&r.event_id, &r.type, &r.user_id, &r.time, &r.properties}) {
        AppendCopyField(*f, &chunk);
        chunk.push_back(f == &r.properties ? '\n' : '\t');
      }
    }
    out.push_back(std::move(chunk));
  }
  return out;
}

void Connect(PgConnection& pg, const std::string& conninfo) {
  std::string error;
  if (!pg.Connect(conninfo, &error)) Die("PostgreSQL: " + error);
}

void Exec(PgConnection& pg, const std::string& sql) {
  std::string error;
  if (!pg.Exec(sql, &error)) Die("PostgreSQL: " + error + " in: " + sql.substr(0, 200));
}

std::string Scalar(PgConnection& pg, const std::string& sql) {
  std::string value, error;
  if (!pg.QueryScalar(sql, &value, &error)) Die("PostgreSQL: " + error + " in: " + sql);
  return value;
}

// Runs `statements` on `connections` connections (split in halves...); the
// per-statement milliseconds and the wall time.
nlohmann::json RunInserts(const std::string& conninfo,
                          const std::vector<std::vector<std::string>>& per_connection, uint64_t events) {
  std::vector<std::vector<double>> ms(per_connection.size());
  std::vector<std::unique_ptr<PgConnection>> conns;
  for (size_t i = 0; i < per_connection.size(); ++i) {
    conns.push_back(std::make_unique<PgConnection>());
    Connect(*conns.back(), conninfo);
  }
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (size_t i = 0; i < per_connection.size(); ++i) {
    threads.emplace_back([&, i] {
      for (const std::string& sql : per_connection[i]) {
        const auto t = Clock::now();
        Exec(*conns[i], sql);
        ms[i].push_back(MsSince(t));
      }
    });
  }
  for (auto& t : threads) t.join();
  const double total_ms = MsSince(start);
  std::vector<double> all;
  for (auto& v : ms) all.insert(all.end(), v.begin(), v.end());
  return {{"events", events},
          {"seconds", total_ms / 1000},
          {"events_per_s", events / (total_ms / 1000)},
          {"connections", per_connection.size()},
          {"batch", LatencyJson(all)}};
}

}  // namespace

int RunPostgres(const EventBenchOptions& o, const std::string& conninfo) {
  std::vector<uint8_t> paid(o.users, 0);
  std::printf("PostgreSQL peer: the in-process streams as rows (%llu users)...\n",
              static_cast<unsigned long long>(o.users));
  Bodies stages = MakeBodies(o, kStagesPrefix, o.events, &paid);
  Bodies pipe1 = MakeBodies(o, kPipelinePrefix, o.events, &paid);
  Bodies pipe2a = MakeBodies(o, kPipe2aPrefix, o.events / 2, &paid);
  Bodies pipe2b = MakeBodies(o, kPipe2bPrefix, o.events - o.events / 2, &paid);
  Bodies queued = MakeBodies(o, kQueuedPrefix, o.events, &paid);
  const std::vector<std::string> insert1 = InsertStatements(pipe1);
  const std::vector<std::string> insert2a = InsertStatements(pipe2a), insert2b = InsertStatements(pipe2b);
  std::vector<std::string> copies = CopyChunks(stages);
  for (std::string& c : CopyChunks(queued)) copies.push_back(std::move(c));

  PgConnection pg;
  Connect(pg, conninfo);
  Exec(pg, "DROP TABLE IF EXISTS events");
  Exec(pg,
       "CREATE TABLE events (event_id text PRIMARY KEY, type text NOT NULL, user_id text NOT NULL, "
       "time timestamptz NOT NULL, properties jsonb NOT NULL)");
  Exec(pg, "CREATE INDEX events_type_time ON events (type, time) INCLUDE (user_id)");
  nlohmann::json out = {{"events_per_part", o.events},
                        {"batch", o.batch},
                        {"synchronous_commit", Scalar(pg, "SHOW synchronous_commit")},
                        {"fsync", Scalar(pg, "SHOW fsync")},
                        {"wal_level", Scalar(pg, "SHOW wal_level")},
                        {"load_before", LoadAverage1()}};
  if (out["synchronous_commit"] != "on" || out["fsync"] != "on")
    Die("PostgreSQL is not durable (fsync/synchronous_commit off)");

  out["insert_1c"] = RunInserts(conninfo, {insert1}, pipe1.events);
  out["insert_2c"] = RunInserts(conninfo, {insert2a, insert2b}, pipe2a.events + pipe2b.events);
  // COPY, one transaction per batch.
  std::vector<double> copy_ms;
  auto start = Clock::now();
  for (const std::string& chunk : copies) {
    const auto t = Clock::now();
    bool sent = false;
    std::string error;
    if (!pg.CopyIn(
            "COPY events (event_id, type, user_id, time, properties) FROM STDIN",
            [&](std::string* c, std::string*) {
              if (!sent) *c = chunk;
              sent = true;
              return false;
            },
            &error)) {
      Die("PostgreSQL COPY: " + error);
    }
    copy_ms.push_back(MsSince(t));
  }
  const double copy_total = MsSince(start);
  const uint64_t copy_events = stages.events + queued.events;
  out["copy_1c"] = {{"events", copy_events},
                    {"seconds", copy_total / 1000},
                    {"events_per_s", copy_events / (copy_total / 1000)},
                    {"batch", LatencyJson(copy_ms)}};
  for (const char* k : {"insert_1c", "insert_2c", "copy_1c"}) {
    std::printf("  %-44s %10.0f events/s   batch p50 %7.2f ms  p99 %7.2f ms\n",
                k == std::string("insert_1c")   ? "INSERT ... VALUES x1000 (1 connection)"
                : k == std::string("insert_2c") ? "INSERT ... VALUES x1000 (2 connections)"
                                                : "COPY x1000 (1 connection)",
                out[k]["events_per_s"].get<double>(), out[k]["batch"]["p50_ms"].get<double>(),
                out[k]["batch"]["p99_ms"].get<double>());
  }

  Exec(pg, "VACUUM ANALYZE events");
  const std::string query =
      "SELECT count(DISTINCT user_id) FROM events WHERE type = 'order_paid' AND time > now() - interval '30 "
      "days'";
  std::vector<double> runs;
  std::string value;
  for (int i = 0; i < 6; ++i) {
    const auto t = Clock::now();
    value = Scalar(pg, query);
    if (i > 0) runs.push_back(MsSince(t));
  }
  uint64_t expected = 0;
  for (uint8_t p : paid) expected += p;
  out["query"] = LatencyJson(runs);
  out["query"]["sql"] = query;
  out["query"]["count"] = std::stoull(value);
  out["query"]["expected"] = expected;
  out["rows"] = std::stoull(Scalar(pg, "SELECT count(*) FROM events"));
  out["table_bytes"] = std::stoull(Scalar(pg, "SELECT pg_total_relation_size('events')"));
  out["load_after"] = LoadAverage1();
  std::printf(
      "  count(DISTINCT user_id) of order_paid in 30 days = %s (expected %llu): median %.1f ms over %llu "
      "rows\n",
      value.c_str(), static_cast<unsigned long long>(expected), out["query"]["p50_ms"].get<double>(),
      static_cast<unsigned long long>(out["rows"].get<uint64_t>()));
  MergeResult(o.json, "pg", out);
  return std::stoull(value) == expected ? 0 : 1;
}

}  // namespace tagloop::bench
