// In-process ingestion (tagloop_bench_events inprocess): each stage of
// POST /events alone, then the whole path as the handler runs it
// (server/api/events/api_events.cc), on a store holding the benchmark's users.
//
//   parse    ParseEventBatch of NDJSON bodies of `batch` events
//   append   EventLog::Append (fdatasync before it returns)
//   apply    RealtimeEngine::Submit + WaitVisible, batch by batch
//   pipeline parse -> IngestLock { Append -> Submit } -> WaitVisible, on one
//            and on two threads
// Then the live tags are counted (CountSegment, the server's path) and
// `orders_30d >= 1` is checked against the users the streams paid for.
#include <fcntl.h>
#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "bench_events.h"
#include "catalog/definition_files.h"
#include "event_model.h"
#include "events/event_json.h"
#include "events/event_log.h"
#include "events/event_types.h"
#include "events/rule_state.h"
#include "produce/realtime_engine.h"
#include "segment/segment.h"
#include "stats.h"
#include "store/tag_store.h"

namespace tagloop::bench {
namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kVisibleTimeout = std::chrono::seconds(60);

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

// The objects the server's ingestion path uses.
struct Ingest {
  std::unique_ptr<TagStore> store;
  std::unique_ptr<events::EventTypeRegistry> types;
  std::unique_ptr<events::EventLog> log;
  std::unique_ptr<RealtimeEngine> engine;
};

events::ParsedBatch Parse(const Ingest& in, const std::string& body) {
  auto parsed = events::ParseEventBatch(body, *in.types, UnixMillis());
  if (!parsed.ok()) Die("parse: " + parsed.status().ToString());
  if (!parsed->rejected.empty()) Die("parse: rejected event: " + parsed->rejected[0].second);
  return std::move(parsed).value();
}

struct StageSample {
  double parse_ms = 0, append_ms = 0, apply_ms = 0, total_ms = 0;
};

// One batch the way api_events.cc's Ingest handles it, waiting for visibility.
StageSample IngestBatch(Ingest& in, const std::string& body) {
  StageSample s;
  const auto t0 = Clock::now();
  events::ParsedBatch batch = Parse(in, body);
  const auto t1 = Clock::now();
  uint64_t ticket = 0;
  Clock::time_point t2;
  {
    auto lock = in.engine->IngestLock();
    auto appended = in.log->Append(batch.events);
    if (!appended.ok()) Die("append: " + appended.status().ToString());
    t2 = Clock::now();
    std::vector<events::Event> fresh;
    fresh.reserve(appended->appended);
    for (uint32_t i : appended->new_indexes) fresh.push_back(std::move(batch.events[i]));
    if (!fresh.empty()) ticket = in.engine->Submit(std::move(fresh));
  }
  if (ticket != 0 && !in.engine->WaitVisible(ticket, kVisibleTimeout)) Die("events not visible within 60 s");
  const auto t3 = Clock::now();
  s.parse_ms = std::chrono::duration<double, std::milli>(t1 - t0).count();
  s.append_ms = std::chrono::duration<double, std::milli>(t2 - t1).count();
  s.apply_ms = std::chrono::duration<double, std::milli>(t3 - t2).count();
  s.total_ms = std::chrono::duration<double, std::milli>(t3 - t0).count();
  return s;
}

nlohmann::json Rate(uint64_t events, double ms, std::vector<double> batch_ms) {
  return {{"events_per_s", events / (ms / 1000)},
          {"seconds", ms / 1000},
          {"batch", LatencyJson(std::move(batch_ms))}};
}

// The floor of an append: one pwrite of a batch's bytes + fdatasync, in the
// same file system.
nlohmann::json SyncFloor(const std::string& dir, size_t bytes) {
  const std::string path = dir + "/bench-sync-floor.tmp";
  int fd = ::open(path.c_str(), O_CREAT | O_TRUNC | O_WRONLY | O_CLOEXEC, 0644);
  if (fd < 0) Die("cannot create " + path);
  std::string buf(bytes, 'x');
  std::vector<double> ms;
  off_t off = 0;
  for (int i = 0; i < 100; ++i) {
    const auto t = Clock::now();
    if (::pwrite(fd, buf.data(), buf.size(), off) != static_cast<ssize_t>(buf.size()) ||
        ::fdatasync(fd) != 0) {
      Die("write/fdatasync " + path);
    }
    ms.push_back(MsSince(t));
    off += static_cast<off_t>(buf.size());
  }
  ::close(fd);
  ::unlink(path.c_str());
  return LatencyJson(std::move(ms));
}

// Events of users the store does not know: the engine adds them to the store
// (StoreWriter: BeginWrite, InternUsers, Commit) before applying. Measured
// through the engine (one such event per batch, Submit + WaitVisible; then
// batches of 1000 with 1% new users), then step by step with the same calls,
// and the first look-up on the snapshot the commit published.
nlohmann::json NewUsers(Ingest& in, const EventBenchOptions& o) {
  EventStreamOptions s;
  s.rows = 1;
  s.prefix = "nu";
  s.base_time_ms = UnixMillis() - 60'000;
  EventStream stream(s);
  std::vector<double> engine_ms;
  for (int i = 0; i < 20; ++i) {
    std::string body;
    stream.PaidBy(fmt::format("U{}", 8'000'000'000ull + o.seed * 1000 + static_cast<uint64_t>(i)), &body);
    events::ParsedBatch b = Parse(in, body);
    const auto t = Clock::now();
    const uint64_t ticket = in.engine->Submit(std::move(b.events));
    if (!in.engine->WaitVisible(ticket, kVisibleTimeout)) Die("new user: not visible within 60 s");
    engine_ms.push_back(MsSince(t));
  }
  // A stream where 1% of the events are of new users, batches of 1000.
  EventStreamOptions m;
  m.seed = o.seed + 1;
  m.member_seed = o.seed;
  m.rows = LoadRows(o.users);
  m.prefix = "nm";
  m.base_time_ms = UnixMillis() - 60'000;
  EventStream mixed(m);
  uint64_t mixed_events = 0;
  const auto mixed_start = Clock::now();
  for (int i = 0; i < 10; ++i) {
    std::string body;
    mixed.NextBatch(990, &body);
    for (int k = 0; k < 10; ++k) {
      stream.PaidBy(fmt::format("W{}", 8'200'000'000ull + o.seed * 1000 + static_cast<uint64_t>(i * 10 + k)),
                    &body);
    }
    events::ParsedBatch b = Parse(in, body);
    mixed_events += b.events.size();
    const uint64_t ticket = in.engine->Submit(std::move(b.events));
    if (!in.engine->WaitVisible(ticket, kVisibleTimeout)) Die("new users: not visible within 60 s");
  }
  const double mixed_s = MsSince(mixed_start) / 1000;

  std::vector<double> begin_ms, intern_ms, commit_ms, find_ms;
  for (int i = 0; i < 10; ++i) {
    const std::string id = fmt::format("V{}", 8'100'000'000ull + o.seed * 1000 + static_cast<uint64_t>(i));
    const std::string_view ids[] = {id};
    auto t = Clock::now();
    auto w = in.store->BeginWrite();
    if (!w.ok()) Die("BeginWrite: " + w.status().ToString());
    begin_ms.push_back(MsSince(t));
    t = Clock::now();
    std::vector<uint32_t> assigned;
    if (Status st = (*w)->InternUsers(ids, &assigned); !st.ok()) Die(st.ToString());
    intern_ms.push_back(MsSince(t));
    t = Clock::now();
    if (Status st = (*w)->Commit(); !st.ok()) Die(st.ToString());
    commit_ms.push_back(MsSince(t));
    w->reset();
    t = Clock::now();
    auto dict = in.store->snapshot()->dictionary();
    if (!dict.ok() || !(*dict)->Find(id)) Die("the new user is not in the new snapshot's dictionary");
    find_ms.push_back(MsSince(t));
  }
  nlohmann::json r = {{"engine_visible", LatencyJson(engine_ms)},
                      {"mixed_1pct_events_per_s", static_cast<double>(mixed_events) / mixed_s},
                      {"begin_write", LatencyJson(begin_ms)},
                      {"intern_users", LatencyJson(intern_ms)},
                      {"commit", LatencyJson(commit_ms)},
                      {"first_find", LatencyJson(find_ms)}};
  std::printf(
      "  new users (one per batch): Submit -> visible p50 %.2f ms, p99 %.2f ms; alone: BeginWrite %.2f ms, "
      "InternUsers %.2f ms, Commit %.2f ms, first Find on the new snapshot %.2f ms (p50)\n",
      r["engine_visible"]["p50_ms"].get<double>(), r["engine_visible"]["p99_ms"].get<double>(),
      r["begin_write"]["p50_ms"].get<double>(), r["intern_users"]["p50_ms"].get<double>(),
      r["commit"]["p50_ms"].get<double>(), r["first_find"]["p50_ms"].get<double>());
  std::printf("  apply only, batches of 1000 with 10 new users each: %.0f events/s\n",
              r["mixed_1pct_events_per_s"].get<double>());
  return r;
}

void PrintRate(const char* what, const nlohmann::json& r) {
  std::printf("  %-44s %10.0f events/s   batch p50 %7.2f ms  p99 %7.2f ms\n", what,
              r["events_per_s"].get<double>(), r["batch"]["p50_ms"].get<double>(),
              r["batch"]["p99_ms"].get<double>());
}

}  // namespace

int RunInProcess(const EventBenchOptions& o, const std::string& data, const std::string& tags_yaml) {
  Ingest in;
  auto store = TagStore::Open(data);
  if (!store.ok()) Die("open store " + data + ": " + store.status().ToString());
  in.store = std::move(*store);
  in.types = events::EventTypeRegistry::BuiltinOnly();
  auto log = events::EventLog::Open(data);  // sync on, +08:00: the server's settings
  if (!log.ok()) Die("open event log: " + log.status().ToString());
  in.log = std::move(*log);
  in.engine = std::make_unique<RealtimeEngine>(in.store.get(), in.log.get(), RealtimeOptions{});
  auto defs = ReadDefinitionFile(tags_yaml);
  if (!defs.ok()) Die(defs.status().ToString());
  std::vector<TagDefinition> definitions;
  for (const DefinitionInFile& d : *defs) definitions.push_back(d.definition);
  if (Status st = in.engine->SetDefinitions(definitions); !st.ok()) Die(st.ToString());
  if (Status st = in.engine->Start(); !st.ok()) Die(st.ToString());

  std::vector<uint8_t> paid(o.users, 0);
  std::printf("in-process: generating 4 x %llu events for %llu users...\n",
              static_cast<unsigned long long>(o.events), static_cast<unsigned long long>(o.users));
  Bodies stages = MakeBodies(o, kStagesPrefix, o.events, &paid);
  Bodies pipe1 = MakeBodies(o, kPipelinePrefix, o.events, &paid);
  Bodies pipe2a = MakeBodies(o, kPipe2aPrefix, o.events / 2, &paid);
  Bodies pipe2b = MakeBodies(o, kPipe2bPrefix, o.events - o.events / 2, &paid);
  Bodies queued = MakeBodies(o, kQueuedPrefix, o.events, &paid);
  const double avg_bytes = static_cast<double>(stages.bytes) / static_cast<double>(stages.events);
  nlohmann::json out = {{"users", o.users},
                        {"events_per_part", o.events},
                        {"batch", o.batch},
                        {"avg_event_bytes", avg_bytes},
                        {"load_before", LoadAverage1()}};
  std::printf(
      "in-process ingestion, %llu users, %llu events per part, batches of %zu, %.0f bytes/event, load %.2f\n",
      static_cast<unsigned long long>(o.users), static_cast<unsigned long long>(o.events), o.batch, avg_bytes,
      LoadAverage1());

  // parse only
  std::vector<events::ParsedBatch> parsed;
  std::vector<double> ms;
  auto start = Clock::now();
  for (const std::string& body : stages.bodies) {
    const auto t = Clock::now();
    parsed.push_back(Parse(in, body));
    ms.push_back(MsSince(t));
  }
  out["parse"] = Rate(stages.events, MsSince(start), std::move(ms));
  PrintRate("parse only (ParseEventBatch)", out["parse"]);

  // append only
  ms.clear();
  start = Clock::now();
  for (const events::ParsedBatch& b : parsed) {
    const auto t = Clock::now();
    auto r = in.log->Append(b.events);
    if (!r.ok() || r->appended != b.events.size()) Die("append failed or found duplicates");
    ms.push_back(MsSince(t));
  }
  out["append"] = Rate(stages.events, MsSince(start), std::move(ms));
  PrintRate("append only (EventLog::Append, fdatasync)", out["append"]);
  out["sync_floor"] = SyncFloor(data, static_cast<size_t>(avg_bytes * static_cast<double>(o.batch)));
  std::printf("    (pwrite of a batch's bytes + fdatasync alone: p50 %.2f ms, p99 %.2f ms)\n",
              out["sync_floor"]["p50_ms"].get<double>(), out["sync_floor"]["p99_ms"].get<double>());

  // apply only, batch by batch
  ms.clear();
  start = Clock::now();
  for (events::ParsedBatch& b : parsed) {
    const auto t = Clock::now();
    const uint64_t ticket = in.engine->Submit(std::move(b.events));
    if (!in.engine->WaitVisible(ticket, kVisibleTimeout)) Die("apply: not visible within 60 s");
    ms.push_back(MsSince(t));
  }
  out["apply"] = Rate(stages.events, MsSince(start), std::move(ms));
  PrintRate("apply only (Submit + WaitVisible per batch)", out["apply"]);
  parsed.clear();

  // apply only, everything queued at once (the engine's own batching)
  std::vector<std::vector<events::Event>> queued_events;
  for (const std::string& body : queued.bodies) queued_events.push_back(Parse(in, body).events);
  start = Clock::now();
  uint64_t ticket = 0;
  for (auto& e : queued_events) ticket = in.engine->Submit(std::move(e));
  if (!in.engine->WaitVisible(ticket, kVisibleTimeout)) Die("apply: not visible within 60 s");
  const double queued_ms = MsSince(start);
  out["apply_queued"] = {{"events_per_s", queued.events / (queued_ms / 1000)}, {"seconds", queued_ms / 1000}};
  std::printf("  %-44s %10.0f events/s\n", "apply only (all submitted, one wait)",
              out["apply_queued"]["events_per_s"].get<double>());
  queued_events.clear();

  // the pipeline, one thread
  std::vector<StageSample> samples;
  start = Clock::now();
  for (const std::string& body : pipe1.bodies) samples.push_back(IngestBatch(in, body));
  const double pipe1_ms = MsSince(start);
  std::vector<double> total, parse_ms, append_ms, apply_ms;
  for (const StageSample& s : samples) {
    total.push_back(s.total_ms), parse_ms.push_back(s.parse_ms);
    append_ms.push_back(s.append_ms), apply_ms.push_back(s.apply_ms);
  }
  out["pipeline_1t"] = Rate(pipe1.events, pipe1_ms, total);
  out["pipeline_1t"]["parse"] = LatencyJson(parse_ms);
  out["pipeline_1t"]["append"] = LatencyJson(append_ms);
  out["pipeline_1t"]["apply"] = LatencyJson(apply_ms);
  PrintRate("parse + append + apply (1 thread)", out["pipeline_1t"]);
  std::printf("    per batch p50: parse %.2f ms, append %.2f ms, apply %.2f ms\n",
              out["pipeline_1t"]["parse"]["p50_ms"].get<double>(),
              out["pipeline_1t"]["append"]["p50_ms"].get<double>(),
              out["pipeline_1t"]["apply"]["p50_ms"].get<double>());

  // the pipeline, two threads (group commit shares the fdatasyncs)
  std::vector<StageSample> sa, sb;
  start = Clock::now();
  std::thread other([&] {
    for (const std::string& body : pipe2b.bodies) sb.push_back(IngestBatch(in, body));
  });
  for (const std::string& body : pipe2a.bodies) sa.push_back(IngestBatch(in, body));
  other.join();
  const double pipe2_ms = MsSince(start);
  total.clear();
  for (const auto* v : {&sa, &sb}) {
    for (const StageSample& s : *v) total.push_back(s.total_ms);
  }
  out["pipeline_2t"] = Rate(pipe2a.events + pipe2b.events, pipe2_ms, total);
  PrintRate("parse + append + apply (2 threads)", out["pipeline_2t"]);

  // Counts on the live tags at this many users.
  const Days today = events::BusinessDateOf(UnixMillis(), 480);
  SegmentQueryOptions q;
  q.as_of = today;
  const char* exprs[] = {"orders_30d >= 1", "has_active_order", "current_order_status = 'car_picked_up'",
                         "spend_90d >= 1000", "orders_30d >= 1 AND credit_score >= 700"};
  out["counts"] = nlohmann::json::array();
  uint64_t expected = 0;
  for (uint8_t p : paid) expected += p;
  for (const char* expr : exprs) {
    std::vector<double> runs;
    uint64_t count = 0;
    for (int i = 0; i < 32; ++i) {
      auto snap = in.store->snapshot();
      const auto t = Clock::now();
      auto n = CountSegment(*snap, expr, q);
      if (i >= 2) runs.push_back(MsSince(t));  // two warm-up runs
      if (!n.ok()) Die(std::string("count ") + expr + ": " + n.status().ToString());
      count = *n;
    }
    nlohmann::json c = LatencyJson(runs);
    c["expr"] = expr;
    c["count"] = count;
    std::printf("  count %-44s = %9llu  p50 %7.3f ms  p99 %7.3f ms\n", expr,
                static_cast<unsigned long long>(count), c["p50_ms"].get<double>(), c["p99_ms"].get<double>());
    out["counts"].push_back(c);
  }
  const uint64_t orders = out["counts"][0]["count"].get<uint64_t>();
  out["orders_30d_expected"] = expected;
  out["orders_30d_ok"] = orders == expected;
  if (orders != expected) {
    std::printf("  MISMATCH: orders_30d >= 1 counts %llu users, the streams paid for %llu\n",
                static_cast<unsigned long long>(orders), static_cast<unsigned long long>(expected));
  }
  out["new_users"] = NewUsers(in, o);

  RealtimeStats st = in.engine->stats();
  out["engine"] = {{"events_applied", st.events_applied},
                   {"publishes", st.publishes},
                   {"memory_bytes", st.memory_bytes},
                   {"new_users", st.new_users},
                   {"last_error", st.last_error}};
  out["load_after"] = LoadAverage1();
  std::printf("  engine: %llu events applied, %llu publishes, %.1f MB of rule state, load %.2f\n",
              static_cast<unsigned long long>(st.events_applied),
              static_cast<unsigned long long>(st.publishes), static_cast<double>(st.memory_bytes) / 1e6,
              LoadAverage1());
  in.engine->Stop();
  MergeResult(o.json, "inprocess", out);
  return orders == expected && st.last_error.empty() ? 0 : 1;
}

}  // namespace tagloop::bench
