// Over HTTP (tagloop_bench_events http / latency): a real `tagloop serve`
// started by scripts/bench-events.sh on the benchmark's store.
//
// http: `threads` keep-alive clients POST /api/v1/events NDJSON batches
//   (bodies made before the clock starts, unique event ids) as fast as the
//   answers come; events/s acknowledged (durable).
// latency: a background load (paced batches on one connection, catching up
//   at most 250 ms when the answers are late; users that already have a paid
//   order, so `orders_30d >= 1` does not move) while a
//   probe POSTs one order_paid for a user who has none, takes t_ack when the
//   200 arrives, then counts `orders_30d >= 1` back to back until the count
//   includes it. Visibility lies between the last count that did not show it
//   (its request was sent) and the first that did (its answer arrived): both
//   bounds are reported. Then ?wait=visible probes (each checked by one
//   count), probes for users the store does not know yet, and the count
//   latency of the live tags alone.
#include <fmt/format.h>

#include <chrono>
#include <cstdio>
#include <thread>

#include "../tests/server/http_client.h"
#include "bench_events.h"
#include "event_model.h"
#include "stats.h"

namespace tagloop::bench {
namespace {

using Clock = std::chrono::steady_clock;
using testing::HttpClient;
using testing::HttpReply;

double Ms(Clock::time_point a, Clock::time_point b) {
  return std::chrono::duration<double, std::milli>(b - a).count();
}

class Api {
 public:
  Api(uint16_t port, const std::string& token) : client_(port) {
    if (!client_.connected()) Die("cannot connect to 127.0.0.1:" + std::to_string(port));
    auth_ = {{"Authorization", "Bearer " + token}};
  }
  // POST /events; the number of events accepted (dies on an error answer).
  uint64_t Post(const std::string& body, bool wait_visible = false) {
    auto headers = auth_;
    headers.emplace_back("Content-Type", "application/x-ndjson");
    HttpReply r = client_.Request("POST", wait_visible ? "/api/v1/events?wait=visible" : "/api/v1/events",
                                  body, headers, 120000);
    if (r.status != 200) Die("POST /events: HTTP " + std::to_string(r.status) + ": " + r.body);
    auto j = nlohmann::json::parse(r.body);
    if (wait_visible && !j.value("visible", false)) Die("POST /events?wait=visible answered visible=false");
    return j.at("accepted").get<uint64_t>();
  }
  uint64_t Count(const std::string& expr) {
    auto headers = auth_;
    headers.emplace_back("Content-Type", "application/json");
    HttpReply r =
        client_.Request("POST", "/api/v1/segments/count", nlohmann::json{{"expr", expr}}.dump(), headers);
    if (r.status != 200)
      Die("POST /segments/count " + expr + ": HTTP " + std::to_string(r.status) + ": " + r.body);
    return nlohmann::json::parse(r.body).at("count").get<uint64_t>();
  }
  nlohmann::json Get(const std::string& target) {
    HttpReply r = client_.Request("GET", target, {}, auth_);
    if (r.status != 200) Die("GET " + target + ": HTTP " + std::to_string(r.status) + ": " + r.body);
    return nlohmann::json::parse(r.body);
  }

 private:
  HttpClient client_;
  std::vector<std::pair<std::string, std::string>> auth_;
};

// Waits until the server keeps the 4 real-time tags live.
void WaitReady(const HttpBenchOptions& h) {
  Api api(h.port, h.token);
  for (int i = 0; i < 600; ++i) {
    nlohmann::json s = api.Get("/api/v1/events/stats");
    if (s["realtime"].is_object() && s["realtime"]["tags"].get<uint64_t>() >= 4) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  Die("the server does not keep the 4 real-time tags live after 60 s (see /api/v1/events/stats)");
}

EventStreamOptions StreamOptions(const EventBenchOptions& o, const std::string& prefix, uint64_t rows) {
  EventStreamOptions s;
  s.seed = o.seed;
  s.member_seed = o.seed;
  s.rows = rows;
  s.prefix = prefix;
  s.base_time_ms = UnixMillis() - 3'600'000;
  return s;
}

nlohmann::json Throughput(const EventBenchOptions& o, const HttpBenchOptions& h, size_t batch,
                          uint64_t events) {
  std::vector<std::vector<std::string>> bodies(h.threads);
  for (unsigned t = 0; t < h.threads; ++t) {
    EventStream stream(StreamOptions(o, fmt::format("h{}t{}", batch, t), LoadRows(o.users)));
    for (uint64_t done = 0; done < events / h.threads; done += batch) {
      stream.NextBatch(std::min<uint64_t>(batch, events / h.threads - done), &bodies[t].emplace_back());
    }
  }
  std::vector<std::vector<double>> ms(h.threads);
  std::vector<uint64_t> accepted(h.threads, 0);
  const double load = LoadAverage1();
  const auto start = Clock::now();
  std::vector<std::thread> threads;
  for (unsigned t = 0; t < h.threads; ++t) {
    threads.emplace_back([&, t] {
      Api api(h.port, h.token);
      for (const std::string& body : bodies[t]) {
        const auto s = Clock::now();
        accepted[t] += api.Post(body);
        ms[t].push_back(Ms(s, Clock::now()));
      }
    });
  }
  for (auto& th : threads) th.join();
  const double seconds = Ms(start, Clock::now()) / 1000;
  uint64_t total = 0;
  std::vector<double> all;
  for (unsigned t = 0; t < h.threads; ++t) {
    total += accepted[t];
    all.insert(all.end(), ms[t].begin(), ms[t].end());
  }
  nlohmann::json r = {{"batch", batch},
                      {"threads", h.threads},
                      {"events", total},
                      {"seconds", seconds},
                      {"events_per_s", total / seconds},
                      {"request", LatencyJson(all)},
                      {"load", load}};
  std::printf(
      "  batches of %4zu, %u connections: %9.0f events/s acknowledged  (request p50 %.2f ms, p99 %.2f ms; "
      "%llu events in %.1f s; load %.2f)\n",
      batch, h.threads, total / seconds, r["request"]["p50_ms"].get<double>(),
      r["request"]["p99_ms"].get<double>(), static_cast<unsigned long long>(total), seconds, load);
  return r;
}

// Paced background ingestion on its own connection until `stop`.
class BackgroundLoad {
 public:
  BackgroundLoad(const EventBenchOptions& o, const HttpBenchOptions& h, uint64_t pool, size_t batch)
      : stream_(StreamOptions(o, "bg", pool)) {
    thread_ = std::thread([this, &h, batch] {
      Api api(h.port, h.token);
      const auto interval =
          std::chrono::duration<double>(static_cast<double>(batch) / static_cast<double>(h.load));
      auto next = Clock::now();
      const auto start = next;
      std::string body;
      while (!stop_.load()) {
        body.clear();
        stream_.NextBatch(batch, &body);
        const auto s = Clock::now();
        sent_ += api.Post(body);
        ms_.push_back(Ms(s, Clock::now()));
        next += std::chrono::duration_cast<Clock::duration>(interval);
        const auto now = Clock::now();
        if (next > now) {
          std::this_thread::sleep_until(next);
        } else if (now - next > std::chrono::milliseconds(250)) {
          next = now - std::chrono::milliseconds(250);  // catch up at most 250 ms of backlog
        }
      }
      seconds_ = Ms(start, Clock::now()) / 1000;
    });
  }
  nlohmann::json Stop() {
    stop_ = true;
    thread_.join();
    return {{"events", sent_},
            {"seconds", seconds_},
            {"events_per_s", sent_ / seconds_},
            {"request", LatencyJson(ms_)}};
  }

 private:
  EventStream stream_;
  std::atomic<bool> stop_{false};
  uint64_t sent_ = 0;
  double seconds_ = 0;
  std::vector<double> ms_;
  std::thread thread_;
};

}  // namespace

int RunHttpThroughput(const EventBenchOptions& o, const HttpBenchOptions& h) {
  WaitReady(h);
  std::printf("over HTTP: POST /api/v1/events, NDJSON, keep-alive, %llu users\n",
              static_cast<unsigned long long>(o.users));
  nlohmann::json runs = nlohmann::json::array();
  for (size_t batch : h.batches)
    runs.push_back(Throughput(o, h, batch, batch >= 1000 ? o.events : h.events_small));
  MergeResult(o.json, "http", {{"users", o.users}, {"runs", runs}});
  return 0;
}

int RunHttpLatency(const EventBenchOptions& o, const HttpBenchOptions& h) {
  WaitReady(h);
  const uint64_t pool = std::min<uint64_t>(h.pool, LoadRows(o.users) / 2);
  const uint64_t first_probe_row = LoadRows(o.users);
  if (h.probes * 2ull > kReservedRows) Die("at most " + std::to_string(kReservedRows / 2) + " probes");
  Api api(h.port, h.token);

  // Every user of the background load gets a paid order first.
  std::printf("latency at %llu users: giving the %llu users of the background load a paid order...\n",
              static_cast<unsigned long long>(o.users), static_cast<unsigned long long>(pool));
  EventStream preload(StreamOptions(o, "pre", pool));
  auto start = Clock::now();
  for (uint64_t row = 0; row < pool;) {
    std::string body;
    for (size_t i = 0; i < 1000 && row < pool; ++i) preload.Paid(row++, &body);
    api.Post(body, /*wait_visible=*/row == pool);
  }
  const double preload_s = Ms(start, Clock::now()) / 1000;

  const size_t load_batch = h.load >= 20'000 ? 500 : 100;
  BackgroundLoad load(o, h, pool, load_batch);
  std::this_thread::sleep_for(std::chrono::seconds(2));  // let it settle
  const double load_avg = LoadAverage1();
  const uint64_t base = api.Count("orders_30d >= 1");

  // Probes: acknowledgement, then counts until visible.
  EventStream probe(StreamOptions(o, "probe", 1));
  std::vector<double> ack_ms, upper_ms, lower_ms, count_ms;
  std::vector<double> polls;
  uint64_t expected = base;
  auto run_probe = [&](const std::string& body) {
    ++expected;
    const auto sent = Clock::now();
    api.Post(body);
    const auto acked = Clock::now();
    ack_ms.push_back(Ms(sent, acked));
    double lower = 0;
    for (int n = 1;; ++n) {
      const auto s = Clock::now();
      const uint64_t c = api.Count("orders_30d >= 1");
      const auto r = Clock::now();
      count_ms.push_back(Ms(s, r));
      if (c >= expected) {
        if (c > expected) Die("orders_30d >= 1 grew by more than the probe: the background load changed it");
        upper_ms.push_back(Ms(acked, r));
        lower_ms.push_back(lower);
        polls.push_back(n);
        break;
      }
      lower = Ms(acked, s);
      if (Ms(acked, r) > 30'000) Die("a probe's event was not visible within 30 s");
    }
  };
  for (unsigned i = 0; i < h.probes; ++i) {
    std::string body;
    probe.Paid(first_probe_row + i, &body);
    run_probe(body);
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + i % 7));
  }
  // ?wait=visible: the answer itself says visible; one count checks it.
  std::vector<double> wait_ms;
  uint64_t not_visible = 0;
  for (unsigned i = 0; i < h.probes; ++i) {
    std::string body;
    probe.Paid(first_probe_row + h.probes + i, &body);
    const auto s = Clock::now();
    api.Post(body, /*wait_visible=*/true);
    wait_ms.push_back(Ms(s, Clock::now()));
    ++expected;
    if (api.Count("orders_30d >= 1") < expected) ++not_visible;
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + i % 7));
  }
  // Users the store does not know: the engine adds them first.
  std::vector<double> new_ack, new_upper, new_lower;
  std::swap(ack_ms, new_ack);
  std::swap(upper_ms, new_upper);
  std::swap(lower_ms, new_lower);
  for (unsigned i = 0; i < h.new_user_probes; ++i) {
    std::string body;
    probe.PaidBy(fmt::format("N{}", 9'000'000'000ull + o.seed * 100'000 + i), &body);
    run_probe(body);
    std::this_thread::sleep_for(std::chrono::milliseconds(5 + i % 7));
  }
  std::swap(ack_ms, new_ack);
  std::swap(upper_ms, new_upper);
  std::swap(lower_ms, new_lower);
  nlohmann::json background = load.Stop();

  // Count latency of the live tags, nothing else running.
  const char* exprs[] = {"orders_30d >= 1", "has_active_order", "current_order_status = 'car_picked_up'",
                         "spend_90d >= 1000", "orders_30d >= 1 AND credit_score >= 700"};
  nlohmann::json counts = nlohmann::json::array();
  for (const char* expr : exprs) {
    std::vector<double> runs;
    uint64_t n = 0;
    for (int i = 0; i < 102; ++i) {
      const auto s = Clock::now();
      n = api.Count(expr);
      if (i >= 2) runs.push_back(Ms(s, Clock::now()));
    }
    nlohmann::json c = LatencyJson(runs);
    c["expr"] = expr;
    c["count"] = n;
    counts.push_back(c);
  }

  nlohmann::json out = {{"users", o.users},
                        {"pool", pool},
                        {"preload_s", preload_s},
                        {"load_target", h.load},
                        {"load_batch", load_batch},
                        {"background", background},
                        {"load", load_avg},
                        {"ack", LatencyJson(ack_ms)},
                        {"visible_upper", LatencyJson(upper_ms)},
                        {"visible_lower", LatencyJson(lower_ms)},
                        {"polls", LatencyJson(polls)},
                        {"count_under_load", LatencyJson(count_ms)},
                        {"wait_visible", LatencyJson(wait_ms)},
                        {"wait_visible_not_visible", not_visible},
                        {"new_user_ack", LatencyJson(new_ack)},
                        {"new_user_visible_upper", LatencyJson(new_upper)},
                        {"new_user_visible_lower", LatencyJson(new_lower)},
                        {"counts", counts},
                        {"load_after", LoadAverage1()}};
  std::printf(
      "  background load: %.0f events/s (target %llu, batches of %zu; request p50 %.2f ms, p99 %.2f ms)\n",
      background["events_per_s"].get<double>(), static_cast<unsigned long long>(h.load), load_batch,
      background["request"]["p50_ms"].get<double>(), background["request"]["p99_ms"].get<double>());
  auto line = [](const char* what, const nlohmann::json& l) {
    std::printf("  %-52s p50 %7.3f ms  p99 %7.3f ms  max %7.3f ms  (n=%d)\n", what, l["p50_ms"].get<double>(),
                l["p99_ms"].get<double>(), l["max_ms"].get<double>(), l["n"].get<int>());
  };
  line("ack of one event (durable)", out["ack"]);
  line("ack -> visible, upper bound (count answered)", out["visible_upper"]);
  line("ack -> visible, lower bound (count sent)", out["visible_lower"]);
  line("?wait=visible answer", out["wait_visible"]);
  line("new user: ack", out["new_user_ack"]);
  line("new user: ack -> visible, upper bound", out["new_user_visible_upper"]);
  line("count orders_30d >= 1 during the load", out["count_under_load"]);
  if (not_visible)
    std::printf("  %llu ?wait=visible answers were not visible to the next count\n",
                static_cast<unsigned long long>(not_visible));
  for (const auto& c : counts) {
    std::printf("  count %-46s = %9llu  p50 %7.3f ms  p99 %7.3f ms\n", c["expr"].get<std::string>().c_str(),
                static_cast<unsigned long long>(c["count"].get<uint64_t>()), c["p50_ms"].get<double>(),
                c["p99_ms"].get<double>());
  }
  MergeResult(o.json, "latency", out);
  return not_visible == 0 ? 0 : 1;
}

}  // namespace tagloop::bench
