// tagloop_bench_journeys: journeys at scale (docs/outreach.md, "Journeys";
// issue 16's targets), on a copy of the wide-model store
// (tagloop_gen_store, e.g. the 10M-user one scripts/bench-server.sh caches;
// the copy is hard links: tag files are immutable):
//
//  1. event-triggered entry: events ingested in-process the way POST /events
//     does (log append with fdatasync = the ack, then the real-time engine),
//     --rate events/s of which --trigger-share are the journey's entry event
//     for users who have not entered yet; the journey's first step sends on
//     a webhook channel to a local HTTP receiver. Latency = the receiver's
//     arrival time - the ack of the trigger's batch (p50/p95/p99/max);
//  2. a scheduled entry of the --audience expression (~1M users at 10M)
//     through a 3-step journey (wait 1d -> send -> exit) on a fake clock:
//     wall time from the fire time to the entry being durable, state bytes
//     on disk per user, and memory per waiting user;
//  3. the 1M timers firing at once (the clock moves a day): wall time until
//     every user is at the send step with its dispatch handed to the
//     channel's lane (rate-limited there), and meanwhile the latency of
//     counts and of event appends (no stall).
// Prints one JSON object per phase.
#include <CLI/CLI.hpp>
#include <fmt/format.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <filesystem>
#include <random>
#include <thread>
#include <unordered_map>

#include <nlohmann/json.hpp>
#include <spdlog/spdlog.h>

#include "app/workspace.h"
#include "segment/segment.h"
#include "testing/fake_wall_clock.h"
#include "testing/http_receiver.h"

using namespace tagloop;
using Clock = std::chrono::steady_clock;
using nlohmann::json;

namespace {

double Ms(Clock::duration d) { return std::chrono::duration<double, std::milli>(d).count(); }

double Percentile(std::vector<double> v, double p) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  return v[std::min(v.size() - 1, static_cast<size_t>(p * static_cast<double>(v.size())))];
}

long RssKb() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss;
}

std::string ExternalId(uint32_t row) { return fmt::format("u{:010}", static_cast<uint32_t>(row * 2654435761u)); }

// A hard-linked copy of the store in a fresh folder.
std::string CopyStore(const std::string& store, const std::string& work, const std::string& name) {
  const std::string dir = work + "/" + name;
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(work);
  std::filesystem::copy(store, dir,
                        std::filesystem::copy_options::recursive | std::filesystem::copy_options::create_hard_links);
  std::filesystem::remove(dir + "/LOCK");
  return dir;
}

std::unique_ptr<Workspace> OpenWorkspace(const std::string& dir, WallClock* clock, bool sync) {
  WorkspaceOptions o;
  o.production.run_schedules = false;
  o.production.run_realtime = true;
  o.production.realtime_tick = std::chrono::milliseconds(10);
  o.production.clock = clock;
  o.sync_event_log = sync;
  o.run_outreach = true;
  o.outreach.clock = clock;
  o.outreach.tick_ms = 50;
  auto w = Workspace::Open(dir, o);
  if (!w.ok()) {
    fmt::print(stderr, "{}\n", w.status().ToString());
    std::exit(1);
  }
  if (Status st = (*w)->Start(); !st.ok()) {
    fmt::print(stderr, "{}\n", st.ToString());
    std::exit(1);
  }
  return std::move(*w);
}

void PutHook(Workspace& ws, const std::string& url, double rate) {
  outreach::ChannelSpec hook;
  hook.name = "hook";
  hook.kind = "webhook";
  hook.rate_per_second = rate;
  hook.concurrency = 16;
  hook.settings = {{"url", url}};
  hook.secrets["secret"] = "bench";
  if (Status st = ws.outreach().channels().Put(hook, "bench"); !st.ok()) {
    fmt::print(stderr, "{}\n", st.ToString());
    std::exit(1);
  }
}

std::string Launch(Workspace& ws, const json& definition) {
  Result<outreach::Campaign> c = outreach::Campaign::FromJson(definition);
  if (!c.ok()) {
    fmt::print(stderr, "{}\n", c.status().ToString());
    std::exit(1);
  }
  Result<outreach::CampaignRecord> r = ws.outreach().campaigns().Create(*c, {"bench", false});
  Result<outreach::CampaignRecord> s = ws.outreach().Move(r->id, "submit", {"bench", false}, "");
  Result<outreach::CampaignRecord> a = ws.outreach().Approve(r->id, {"boss", true}, "");
  if (!r.ok() || !s.ok() || !a.ok()) {
    fmt::print(stderr, "cannot launch: {}\n", (!r.ok() ? r.status() : !s.ok() ? s.status() : a.status()).ToString());
    std::exit(1);
  }
  for (int i = 0; i < 1000; ++i) {
    Result<JourneyView> v = ws.outreach().journeys().View(*a);
    if (v.ok() && v->active) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  return r->id;
}

JourneyView ViewOf(Workspace& ws, const std::string& id) {
  Result<outreach::CampaignRecord> r = ws.outreach().campaigns().Get(id);
  Result<JourneyView> v = ws.outreach().journeys().View(*r);
  return v.ok() ? *v : JourneyView{};
}

// Appends a batch as POST /events does and hands it to the real-time engine;
// returns the ack time.
Clock::time_point Ingest(Workspace& ws, std::vector<events::Event>& batch) {
  RealtimeEngine* engine = ws.production().realtime();
  std::shared_lock<std::shared_mutex> lock = engine->IngestLock();
  Result<events::AppendResult> appended = ws.event_log()->Append(batch);
  const Clock::time_point ack = Clock::now();
  if (!appended.ok()) {
    fmt::print(stderr, "{}\n", appended.status().ToString());
    std::exit(1);
  }
  std::vector<events::Event> fresh;
  for (uint32_t i : appended->new_indexes) fresh.push_back(batch[i]);
  engine->Submit(std::move(fresh), appended->first_sequence);
  return ack;
}

events::Event MakeEvent(const std::string& type, uint32_t row, uint64_t seq, int64_t now_ms) {
  events::Event e;
  e.event_id = fmt::format("{}-{}", type, seq);
  e.type = type;
  e.user_id = ExternalId(row);
  e.time_ms = now_ms;
  e.properties = {{"order_id", fmt::format("o{}", seq)}};
  return e;
}

void EventTriggered(const std::string& store, const std::string& work, uint32_t users, int rate, double seconds,
                    double trigger_share) {
  const std::string dir = CopyStore(store, work, "journeys-event");
  testing::HttpReceiver rx;
  auto ws = OpenWorkspace(dir, WallClock::Default(), /*sync=*/true);
  PutHook(*ws, rx.url("/hook"), 5000);
  Launch(*ws, json::parse(R"({"name": "rescue", "entry": {"event": "order_cancelled"},
      "steps": [{"name": "coupon", "type": "send", "channel": "hook", "content": {"t": "{{user_id}}"}, "next": "later"},
                {"name": "later", "type": "wait", "duration": "1d", "next": "end"},
                {"name": "end", "type": "exit"}]})"));
  std::mt19937_64 rng(42);
  std::unordered_map<std::string, Clock::time_point> acked;  // trigger user -> ack
  const int batch_size = std::max(1, rate / 200);             // a batch every 5 ms
  const auto period = std::chrono::microseconds(1'000'000LL * batch_size / rate);
  const int64_t batches = static_cast<int64_t>(seconds * rate / batch_size);
  uint64_t seq = 0, triggers = 0;
  // The first second warms up (the real-time engine loads the user
  // dictionary on its first batch): its triggers are not measured.
  const int64_t warmup_batches = rate / batch_size;
  std::unordered_map<std::string, bool> warm;
  const Clock::time_point start = Clock::now();
  Clock::time_point next = start;
  std::vector<double> append_ms;
  for (int64_t b = 0; b < batches + warmup_batches; ++b) {
    std::this_thread::sleep_until(next);
    next += period;
    std::vector<events::Event> batch;
    std::vector<std::string> trigger_users;
    const int64_t now_ms = WallClock::Default()->NowUnixMillis();
    for (int i = 0; i < batch_size; ++i) {
      const uint32_t row = static_cast<uint32_t>(rng() % users);
      const bool trigger = std::uniform_real_distribution<double>(0, 1)(rng) < trigger_share;
      if (trigger && !acked.count(ExternalId(row))) {
        batch.push_back(MakeEvent("order_cancelled", row, ++seq, now_ms));
        trigger_users.push_back(ExternalId(row));
      } else {
        batch.push_back(MakeEvent("order_created", row, ++seq, now_ms));
      }
    }
    const Clock::time_point before = Clock::now();
    const Clock::time_point ack = Ingest(*ws, batch);
    append_ms.push_back(Ms(ack - before));
    for (const std::string& u : trigger_users) {
      acked[u] = ack;
      if (b < warmup_batches) warm[u] = true;
    }
    if (b >= warmup_batches) triggers += trigger_users.size();
  }
  const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();  // warm-up included
  std::vector<testing::HttpReceiver::Request> got = rx.WaitFor(acked.size(), std::chrono::seconds(30));
  std::vector<double> latency;
  for (const auto& r : got) {
    json body = json::parse(r.body, nullptr, false);
    if (body.is_discarded()) continue;
    const std::string user = body["user_id"].get<std::string>();
    auto it = acked.find(user);
    if (it != acked.end() && !warm.count(user)) latency.push_back(Ms(r.at - it->second));
  }
  fmt::print("{}\n", json{{"phase", "event_triggered_entry"},
                          {"users", users},
                          {"events", seq},
                          {"events_per_second", seq / elapsed},
                          {"triggers", triggers},
                          {"sends_received", got.size() - warm.size()},
                          {"measured", latency.size()},
                          {"append_ms_p99", Percentile(append_ms, 0.99)},
                          {"latency_ms_p50", Percentile(latency, 0.50)},
                          {"latency_ms_p95", Percentile(latency, 0.95)},
                          {"latency_ms_p99", Percentile(latency, 0.99)},
                          {"latency_ms_max", Percentile(latency, 1.0)},
                          {"realtime_new_users", ws->production().realtime()->stats().new_users}}
                         .dump());
  ws->Stop();
}

void ScheduledAndTimers(const std::string& store, const std::string& work, const std::string& audience) {
  const std::string dir = CopyStore(store, work, "journeys-scheduled");
  testing::HttpReceiver rx;
  // 2026-12-01 09:59:00 +08:00.
  testing::FakeWallClock clock(1'796'090'340'000);
  auto ws = OpenWorkspace(dir, &clock, /*sync=*/true);
  PutHook(*ws, rx.url("/hook"), 1000);
  json def = json::parse(R"({"name": "renewal", "entry": {"schedule": "0 10 * * *"},
      "steps": [{"name": "later", "type": "wait", "duration": "1d", "next": "remind"},
                {"name": "remind", "type": "send", "channel": "hook", "content": {"t": "{{user_id}}"}, "next": "end"},
                {"name": "end", "type": "exit"}]})");
  def["audience"] = {{"expr", audience}};
  const std::string id = Launch(*ws, def);
  const long rss_before = RssKb();
  clock.AdvanceMillis(61'000);  // 10:00:01
  const Clock::time_point fire = Clock::now();
  ws->outreach().journeys().Wake();
  JourneyView v;
  for (;;) {  // the run is recorded once the entry is durable and frozen
    Result<std::vector<outreach::CampaignRun>> runs = ws->outreach().campaigns().Runs(id);
    if (runs.ok() && !runs->empty()) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  v = ViewOf(*ws, id);
  const double entry_s = std::chrono::duration<double>(Clock::now() - fire).count();
  const uint64_t inside = v.inside;
  const uint64_t state_bytes = std::filesystem::file_size(ws->outreach().journeys().StatePath(id));
  const JourneyRunnerStats stats = ws->outreach().journeys().stats();
  fmt::print("{}\n", json{{"phase", "scheduled_entry"},
                          {"audience", audience},
                          {"entered", inside},
                          {"wall_s", entry_s},
                          {"state_bytes", state_bytes},
                          {"state_bytes_per_user", static_cast<double>(state_bytes) / static_cast<double>(inside)},
                          {"memory_bytes", stats.memory_bytes},
                          {"memory_bytes_per_waiting_user",
                           static_cast<double>(stats.memory_bytes) / static_cast<double>(stats.waiting)},
                          {"rss_growth_mb", (RssKb() - rss_before) / 1024.0}}
                         .dump());

  // The day passes: every timer fires at once. Counts and appends go on meanwhile.
  std::atomic<bool> done{false};
  std::vector<double> count_ms, append_ms;
  std::thread probe([&] {
    SegmentQueryOptions q;
    q.as_of = 0;
    uint64_t seq = 0;
    while (!done) {
      const Clock::time_point t0 = Clock::now();
      std::shared_ptr<const Snapshot> snap = ws->store().snapshot();
      q.as_of = DaysFromUnixSeconds(clock.NowUnixSeconds());
      (void)CountSegment(*snap, "t003 < 5000", q);
      count_ms.push_back(Ms(Clock::now() - t0));
      ++seq;
      std::vector<events::Event> batch{
          MakeEvent("order_created", static_cast<uint32_t>(seq * 7919 % 10'000'000), seq, clock.NowUnixMillis())};
      const Clock::time_point t1 = Clock::now();
      Ingest(*ws, batch);
      append_ms.push_back(Ms(Clock::now() - t1));
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  clock.AdvanceMillis(86'400'000 + 120'000);  // past the timers' minute slot
  const Clock::time_point fired = Clock::now();
  ws->outreach().journeys().Wake();
  for (;;) {
    v = ViewOf(*ws, id);
    const JourneyStepView* remind = nullptr;
    for (const JourneyStepView& s : v.steps) {
      if (s.name == "remind") remind = &s;
    }
    if (remind && remind->inside == inside && ws->outreach().journeys().stats().sends_started > 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  const double fire_s = std::chrono::duration<double>(Clock::now() - fired).count();
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));  // sends go on at the channel's rate
  done = true;
  probe.join();
  fmt::print("{}\n", json{{"phase", "timers_fire"},
                          {"timers", inside},
                          {"wall_s_to_send_step_and_dispatch", fire_s},
                          {"sent_in_1s_at_rate_1000", rx.count()},
                          {"count_ms_p50", Percentile(count_ms, 0.5)},
                          {"count_ms_max", Percentile(count_ms, 1.0)},
                          {"append_ms_p50", Percentile(append_ms, 0.5)},
                          {"append_ms_max", Percentile(append_ms, 1.0)}}
                         .dump());
  ws->Stop();
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tagloop_bench_journeys: event-triggered entry latency, a scheduled 1M entry, 1M timers"};
  std::string store, work = "build/bench-journeys", audience = "t003 BETWEEN 10000 AND 22600";
  uint32_t users = 10'000'000;
  int rate = 20'000;
  double seconds = 10, trigger_share = 0.02;
  bool skip_event = false, skip_scheduled = false;
  app.add_option("--store", store, "a wide-model tag store (tagloop_gen_store)")->required();
  app.add_option("--users", users, "the store's users");
  app.add_option("--work", work, "where the store copies go");
  app.add_option("--rate", rate, "events per second ingested");
  app.add_option("--seconds", seconds, "how long events are ingested");
  app.add_option("--trigger-share", trigger_share, "share of the events that are the entry event");
  app.add_option("--audience", audience, "the scheduled journey's audience");
  app.add_flag("--no-event", skip_event, "skip the event-triggered phase");
  app.add_flag("--no-scheduled", skip_scheduled, "skip the scheduled entry and the timers");
  CLI11_PARSE(app, argc, argv);
  spdlog::set_level(spdlog::level::warn);
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // a line per phase as it ends
  if (!skip_event) EventTriggered(store, work, users, rate, seconds, trigger_share);
  if (!skip_scheduled) ScheduledAndTimers(store, work, audience);
  std::filesystem::remove_all(work);
  return 0;
}
