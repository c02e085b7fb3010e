// The parts of tagloop_bench_events (issue 5, scripts/bench-events.sh), each
// run as its own subcommand so the script can start and stop the server and
// the PostgreSQL peer around them. Every part adds its section to one JSON
// results file (MergeResult); `report` prints the comparison from it.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace tagloop::bench {

// What every part shares.
struct EventBenchOptions {
  uint64_t users = 10'000'000;  // users in the store: rows [0, users) of the member table
  uint64_t seed = 42;           // of the member ids (tagloop_gen_users --seed) and of the streams
  size_t batch = 1000;          // events per batch (in-process, PostgreSQL)
  uint64_t events = 500'000;    // events per measured part
  std::string json;             // the results file
};

// Rows [users - kReservedRows, users) get no event but the latency probes'.
inline constexpr uint64_t kReservedRows = 4000;
inline uint64_t LoadRows(uint64_t users) { return users - kReservedRows; }

// The stream prefix of the events both the in-process pipeline and the
// PostgreSQL peer ingest (the same events).
inline constexpr const char* kPipelinePrefix = "p1";

// In-process: ParseEventBatch, EventLog::Append (fdatasync) and
// RealtimeEngine (Submit + WaitVisible), each alone and as the pipeline, on
// the store in `data` (its users are rows [0, users)); then count latency on
// the live tags. `tags_yaml` holds the real-time tag definitions.
int RunInProcess(const EventBenchOptions& o, const std::string& data, const std::string& tags_yaml);

struct HttpBenchOptions {
  uint16_t port = 0;  // tagloop serve on 127.0.0.1
  std::string token;  // an operator token
  unsigned threads = 2;
  std::vector<size_t> batches = {1000, 100};
  uint64_t events_small = 100'000;  // events per run with batches below 1000
  // Latency part.
  unsigned probes = 500;
  unsigned new_user_probes = 100;
  uint64_t load = 30'000;   // background events/s
  uint64_t pool = 200'000;  // users the background load touches
};

// Over HTTP: events/s acknowledged with `threads` keep-alive clients.
int RunHttpThroughput(const EventBenchOptions& o, const HttpBenchOptions& h);
// Over HTTP, under a background load: acknowledgement -> visibility latency,
// ?wait=visible latency, count latency.
int RunHttpLatency(const EventBenchOptions& o, const HttpBenchOptions& h);

// The PostgreSQL peer: the pipeline's events INSERTed in batches (and
// COPYed), then COUNT(DISTINCT user_id) of the last 30 days' order_paid.
int RunPostgres(const EventBenchOptions& o, const std::string& conninfo);

// Prints the table and checks the targets; non-zero when a check failed.
int RunReport(const std::string& json_path);

// NDJSON bodies of `o.batch` events (the last may be shorter) of the stream
// `prefix` (event_model.h) over rows [0, LoadRows(o.users)), timed from an
// hour ago; `paid` (may be null) marks the rows that got an order_paid.
struct Bodies {
  std::vector<std::string> bodies;
  uint64_t events = 0;
  uint64_t bytes = 0;
};
Bodies MakeBodies(const EventBenchOptions& o, const std::string& prefix, uint64_t events,
                  std::vector<uint8_t>* paid);
// The streams of the in-process part, each `o.events` long except the two
// halves of the two-thread pipeline. PostgreSQL ingests the same ones.
inline constexpr const char* kStagesPrefix = "a1";   // parse, append, apply alone
inline constexpr const char* kPipe2aPrefix = "p2a";  // pipeline, thread 1 (o.events / 2)
inline constexpr const char* kPipe2bPrefix = "p2b";  // pipeline, thread 2 (the rest)
inline constexpr const char* kQueuedPrefix = "q1";   // apply, all queued at once

// Helpers shared by the parts (bench_events.cc).
// Reads `path` (an object; {} when absent), sets `key` to `value`, writes it back.
void MergeResult(const std::string& path, const std::string& key, const nlohmann::json& value);
// {"p50_ms", "p99_ms", "max_ms", "n"} of samples in milliseconds.
nlohmann::json LatencyJson(std::vector<double> samples_ms);
[[noreturn]] void Die(const std::string& what);
// Unix milliseconds now.
int64_t UnixMillis();

}  // namespace tagloop::bench
