// kill -9 during event ingestion, repeatedly (issue 5: "an acknowledged event
// survives kill -9"): a real `tagloop serve` with the real-time tag
// orders_30d takes small batches from several client threads as fast as they
// can send them (sometimes an earlier batch again) and is SIGKILLed at a
// random moment, then restarted on the same data directory. Batches whose
// answer never came are sent again after the restart, as a client would.
//
// Checked after every crash and at the end: every acknowledged event is in
// the log exactly once (no id twice), the log holds nothing that was not
// sent, and the count tag the restarted server shows (replayed from the
// log) equals a recount of the logged events, user by user.
#include <fmt/format.h>
#include <signal.h>

#include <atomic>
#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "events/event_log.h"
#include "server/events_test_util.h"
#include "server/http_client.h"
#include "server/serve_process.h"
#include "testing/temp_dir.h"

namespace tagloop::testing {
namespace {

using nlohmann::json;

constexpr int kRounds = 8;
constexpr int kClients = 4;
constexpr int kUsers = 50;

struct Batch {
  std::vector<std::string> ids;
  std::string body;  // the JSON array
};

// What the clients sent and what the server acknowledged, across rounds.
struct Ledger {
  std::mutex mu;
  std::set<std::string> sent;
  std::set<std::string> acknowledged;
  std::vector<Batch> acknowledged_batches;  // for re-posting
  std::vector<Batch> unanswered;            // to send again after the restart
  uint64_t posts = 0, reposts = 0, kills_in_flight = 0;
};

class EventsCrashTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.Sub("data");
    std::filesystem::create_directories(data_);
    token_ = CreateCliToken(data_, "admin", "crash-test");
  }

  std::vector<std::pair<std::string, std::string>> Headers(const std::string& type = "application/json") {
    return {{"Authorization", "Bearer " + token_}, {"Content-Type", type}};
  }
  HttpReply Call(uint16_t port, const std::string& method, const std::string& target,
                 const std::string& body = "") {
    HttpClient c(port);
    return c.Request(method, target, body, Headers());
  }
  json Stats(uint16_t port) {
    HttpReply r = Call(port, "GET", "/api/v1/events/stats");
    EXPECT_EQ(r.status, 200) << r.body;
    return json::parse(r.body, nullptr, false);
  }

  std::unique_ptr<ServeProcess> Start(int round) {
    auto server = std::make_unique<ServeProcess>(
        std::vector<std::string>{"--data", data_, "--listen", "127.0.0.1:0", "--no-schedules", "--log-level",
                                 "warn", "--threads", "8"},
        tmp_.Sub("serve-" + std::to_string(round) + ".log"));
    port_ = server->WaitForPort();
    EXPECT_NE(port_, 0) << server->Log();
    return server;
  }

  // POSTs one batch (keep-alive client, reconnecting when needed); true when
  // acknowledged (200 with every event accepted or a duplicate).
  bool PostBatch(std::unique_ptr<HttpClient>& client, const Batch& batch) {
    if (!client || !client->connected()) client = std::make_unique<HttpClient>(port_);
    HttpReply r = client->Request("POST", "/api/v1/events", batch.body, Headers());
    if (r.status == 0) {
      client.reset();
      return false;  // the server died (or the connection did)
    }
    EXPECT_EQ(r.status, 200) << r.body;
    if (r.status != 200) return false;
    json body = json::parse(r.body);
    EXPECT_EQ(body["accepted"].get<size_t>() + body["duplicates"].get<size_t>(), batch.ids.size()) << r.body;
    EXPECT_EQ(body["rejected_count"], 0) << r.body;
    return true;
  }

  // Client thread: new batches of 1..10 events, sometimes an acknowledged one again.
  void Client(int round, int thread, std::atomic<bool>& stop) {
    std::mt19937 rng(static_cast<unsigned>(round * 100 + thread));
    std::unique_ptr<HttpClient> client;
    for (int n = 0; !stop; ++n) {
      Batch batch;
      bool repost = false;
      {
        std::lock_guard l(ledger_.mu);
        if (rng() % 100 < 15 && !ledger_.acknowledged_batches.empty()) {
          batch = ledger_.acknowledged_batches[rng() % ledger_.acknowledged_batches.size()];
          repost = true;
        }
      }
      if (!repost) {
        const int64_t now = NowMillis();
        std::vector<json> events;
        const int size = 1 + static_cast<int>(rng() % 10);
        for (int i = 0; i < size; ++i) {
          std::string id = fmt::format("r{}-t{}-n{}-{}", round, thread, n, i);
          events.push_back(PaidEvent(id, fmt::format("u{}", rng() % kUsers),
                                     now - static_cast<int64_t>(rng() % (20 * 86'400'000LL)), 10));
          batch.ids.push_back(std::move(id));
        }
        batch.body = JsonArray(events);
        std::lock_guard l(ledger_.mu);
        ledger_.sent.insert(batch.ids.begin(), batch.ids.end());
      }
      bool ok = PostBatch(client, batch);
      std::lock_guard l(ledger_.mu);
      ++ledger_.posts;
      ledger_.reposts += repost;
      if (ok) {
        ledger_.acknowledged.insert(batch.ids.begin(), batch.ids.end());
        if (!repost) ledger_.acknowledged_batches.push_back(std::move(batch));
      } else {
        ++ledger_.kills_in_flight;
        if (!repost) ledger_.unanswered.push_back(std::move(batch));
        return;  // the server is gone
      }
    }
  }

  // Sends the batches the last crash left unanswered; each must be acknowledged now.
  void Retry() {
    std::vector<Batch> again;
    {
      std::lock_guard l(ledger_.mu);
      again.swap(ledger_.unanswered);
    }
    std::unique_ptr<HttpClient> client;
    for (Batch& b : again) {
      ASSERT_TRUE(PostBatch(client, b)) << "a retried batch failed";
      std::lock_guard l(ledger_.mu);
      ledger_.acknowledged.insert(b.ids.begin(), b.ids.end());
      ledger_.acknowledged_batches.push_back(std::move(b));
    }
  }

  // Every logged event id (each must be there once) and the recount of
  // orders_30d from them (all events are within the window).
  void ScanLog(std::set<std::string>* ids, std::map<std::string, int64_t>* counts) {
    events::EventLogOptions o;
    o.sync = false;
    auto log = events::EventLog::Open(data_, o);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    std::vector<Days> days = (*log)->days();
    if (days.empty()) return;
    Status st = (*log)->Scan(days.front(), days.back(), [&](const events::Event& e) {
      EXPECT_TRUE(ids->insert(e.event_id).second) << "event " << e.event_id << " is in the log twice";
      if (e.type == "order_paid") ++(*counts)[e.user_id];
      return Status::Ok();
    });
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  // orders_30d of every user with a value, as the server shows it.
  std::map<std::string, int64_t> ServerCounts() {
    std::map<std::string, int64_t> out;
    for (int64_t n = 1;; ++n) {
      HttpReply r = Call(port_, "POST", "/api/v1/segments/query",
                         json{{"expr", fmt::format("orders_30d = {}", n)}, {"limit", 100000}}.dump());
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) break;
      json body = json::parse(r.body);
      for (const auto& id : body["ids"]) out[id.get<std::string>()] = n;
      // Stop past the largest value.
      HttpReply more = Call(port_, "POST", "/api/v1/segments/count",
                            json{{"expr", fmt::format("orders_30d > {}", n)}}.dump());
      if (more.status != 200 || json::parse(more.body)["count"] == 0) break;
    }
    return out;
  }

  // The acknowledged events are logged once each; the log holds only sent
  // events; `server` (replayed after the crash) counts exactly the log.
  void CheckAgainstLog(const std::map<std::string, int64_t>& server, const std::set<std::string>& ids,
                       const std::map<std::string, int64_t>& recount) {
    std::lock_guard l(ledger_.mu);
    size_t missing = 0, unknown = 0;
    for (const std::string& id : ledger_.acknowledged) missing += !ids.contains(id);
    for (const std::string& id : ids) unknown += !ledger_.sent.contains(id);
    EXPECT_EQ(missing, 0u) << "acknowledged events lost";
    EXPECT_EQ(unknown, 0u) << "events in the log that nobody sent";
    EXPECT_EQ(server, recount) << "the count tag differs from a recount of the log";
  }

  TempDir tmp_;
  std::string data_;
  std::string token_;
  uint16_t port_ = 0;
  Ledger ledger_;
  uint64_t torn_tail_bytes_ = 0;  // cut off by the restarts
};

TEST_F(EventsCrashTest, KillDuringIngestionLosesNoAcknowledgedEventAndCountsNoneTwice) {
  std::mt19937 rng(std::random_device{}());
  std::map<std::string, int64_t> recount_before_start;  // set when the round scans the log first
  bool scanned = false;
  for (int round = 0; round < kRounds; ++round) {
    SCOPED_TRACE("round " + std::to_string(round));
    auto server = Start(round);
    ASSERT_NE(port_, 0);
    if (round == 0) {
      HttpReply def = Call(port_, "PUT", "/api/v1/catalog/tags/orders_30d", Orders30dDefinition().dump());
      ASSERT_EQ(def.status, 200) << def.body;
      HttpReply pub = Call(port_, "POST", "/api/v1/catalog/tags/orders_30d/publish");
      ASSERT_EQ(pub.status, 200) << pub.body;
      auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
      while (Stats(port_)["realtime"]["tags"] != 1 && std::chrono::steady_clock::now() < give_up) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
      }
    }
    // The tag is live as soon as the restarted server listens (replayed on start).
    json stats = Stats(port_);
    ASSERT_EQ(stats["realtime"]["tags"], 1) << server->Log();
    torn_tail_bytes_ += stats["log"]["truncated_tail_bytes"].get<uint64_t>();
    if (scanned) {
      // The state replayed after the crash counts exactly what the log holds.
      EXPECT_EQ(ServerCounts(), recount_before_start);
      scanned = false;
    }
    Retry();

    std::atomic<bool> stop{false};
    std::vector<std::thread> clients;
    for (int t = 0; t < kClients; ++t) clients.emplace_back([&, t] { Client(round, t, stop); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20 + rng() % 700));
    server->Signal(SIGKILL);
    EXPECT_EQ(server->Wait(), -1);
    stop = true;
    for (std::thread& t : clients) t.join();

    // Every other round, check the log as the crash left it (opening it
    // cuts a torn tail; the other rounds leave that to the server).
    if (round % 2 == 1) {
      std::set<std::string> ids;
      recount_before_start.clear();
      ScanLog(&ids, &recount_before_start);
      {
        std::lock_guard l(ledger_.mu);
        size_t missing = 0;
        for (const std::string& id : ledger_.acknowledged) missing += !ids.contains(id);
        EXPECT_EQ(missing, 0u) << "acknowledged events lost by the crash";
      }
      scanned = true;
    }
  }

  // The last restart: retry, then compare the server with the log.
  auto server = Start(kRounds);
  ASSERT_NE(port_, 0);
  if (scanned) {
    EXPECT_EQ(ServerCounts(), recount_before_start);
  }
  Retry();
  std::map<std::string, int64_t> shown = ServerCounts();
  json stats = Stats(port_);
  torn_tail_bytes_ += stats["log"]["truncated_tail_bytes"].get<uint64_t>();
  server->Signal(SIGTERM);
  EXPECT_EQ(server->Wait(), 0) << server->Log();

  std::set<std::string> ids;
  std::map<std::string, int64_t> recount;
  ScanLog(&ids, &recount);
  CheckAgainstLog(shown, ids, recount);
  {
    std::lock_guard l(ledger_.mu);
    // Every batch was answered in the end: the log is exactly what was sent.
    EXPECT_EQ(ids, ledger_.sent);
    EXPECT_EQ(ledger_.acknowledged, ledger_.sent);
    EXPECT_EQ(stats["log"]["events"], ids.size()) << stats.dump();
    EXPECT_GT(ledger_.posts, 50u);
    EXPECT_GT(ledger_.reposts, 5u);
    RecordProperty("posts", static_cast<int>(ledger_.posts));
    RecordProperty("events", static_cast<int>(ids.size()));
    RecordProperty("unanswered_at_kill", static_cast<int>(ledger_.kills_in_flight));
    std::printf(
        "%llu posts (%llu re-posts), %zu events logged, %llu requests cut by kill -9, %llu torn bytes cut\n",
        static_cast<unsigned long long>(ledger_.posts), static_cast<unsigned long long>(ledger_.reposts),
        ids.size(), static_cast<unsigned long long>(ledger_.kills_in_flight),
        static_cast<unsigned long long>(torn_tail_bytes_));
  }
}

}  // namespace
}  // namespace tagloop::testing
