// The dispatcher with real channels against the real test receiver:
// delivery, send-time suppression, retries and dead letters, independent
// lanes, pause/resume/cancel, rate limits and resuming from the ledger.
#include "outreach/dispatcher.h"

#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "outreach/channel_factory.h"
#include "outreach/message_id.h"
#include "receiver_process.h"
#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

using testing::ReceiverProcess;
using testing::TempDir;

std::shared_ptr<Channel> Hook(const std::string& name, const std::string& url, double rate = 1e6,
                              int64_t timeout_ms = 3000, int max_attempts = 5) {
  ChannelSpec s;
  s.name = name;
  s.kind = "webhook";
  s.rate_per_second = rate;
  s.concurrency = 4;
  s.max_attempts = max_attempts;
  s.timeout_ms = timeout_ms;
  s.settings = {{"url", url}};
  s.secrets["secret"] = "k";
  auto ch = MakeChannel(s);
  EXPECT_TRUE(ch.ok()) << ch.status().ToString();
  return std::shared_ptr<Channel>(std::move(ch).value());
}

DispatchJob Job(const std::string& campaign, Ledger* ledger, std::shared_ptr<Channel> ch, Bitmap plan) {
  DispatchJob j;
  j.campaign_id = campaign;
  j.plan = std::move(plan);
  j.ledger = ledger;
  j.channel = std::move(ch);
  j.render = [](uint32_t u) {
    RenderResult r;
    r.external_user_id = "u" + std::to_string(u);
    r.content = {{"n", u}};
    if (u % 20 == 8) r.suppressed = "no_address";
    return r;
  };
  return j;
}

DispatchOptions FastRetries() {
  DispatchOptions o;
  o.backoff_base_ms = 20;
  o.backoff_factor = 2;
  return o;
}

TEST(DispatcherTest, DeliversThePlanOnceAndSuppressesAtSendTime) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "k"});
  auto ledger = Ledger::Open(dir.Sub("c1/run-0.ledger"));
  ASSERT_TRUE(ledger.ok());
  Bitmap plan;
  for (uint32_t u = 0; u < 200; u += 2) plan.Add(u);  // odd ids are not planned
  std::mutex mu;
  std::map<uint32_t, std::string> committed;
  DispatchJob job = Job("c1", ledger->get(), Hook("h", rx.url("/hook")), std::move(plan));
  job.on_committed = [&](const std::vector<CommittedSend>& sent) {
    std::lock_guard lock(mu);
    for (const auto& s : sent) EXPECT_TRUE(committed.emplace(s.user, s.message_id).second);
  };
  Dispatcher d;
  auto h = d.Start(std::move(job));
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE((*h)->Wait().ok());
  DispatchProgress p = (*h)->Progress();
  EXPECT_EQ(p.planned, 100u);
  EXPECT_EQ(p.sent, 90u);
  EXPECT_EQ(p.suppressed, 10u);  // 8, 28, 48, ...
  EXPECT_EQ(p.pending, 0u);
  EXPECT_EQ(committed.size(), 90u);
  auto got = rx.WaitFor(90);
  EXPECT_EQ(got.size(), 90u);
  std::set<std::string> keys;
  for (const auto& r : got) {
    auto body = nlohmann::json::parse(r.body);
    uint32_t u = body["content"]["n"];
    EXPECT_EQ(u % 2, 0u);
    EXPECT_NE(u % 20, 8u);
    EXPECT_EQ(r.key, MessageId("c1", "send", "u" + std::to_string(u), 0));
    keys.insert(r.key);
  }
  EXPECT_EQ(keys.size(), 90u);
  EXPECT_EQ((*ledger)->Lookup(28, "send", 0).state, DeliveryState::kSuppressed);
  EXPECT_EQ((*ledger)->Lookup(4, "send", 0).state, DeliveryState::kSent);
}

// Pipelined commits: while one batch is committed the next is sent, yet a
// send is reported (on_committed, Progress().sent) only once its record is
// written and synced: each reported user is in the ledger file as sent.
TEST(DispatcherTest, ReportsASendOnlyOnceItsRecordIsInTheLedgerFile) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "k"});
  const std::string path = dir.Sub("c1/run-0.ledger");
  auto ledger = Ledger::Open(path);
  ASSERT_TRUE(ledger.ok());
  std::mutex mu;
  size_t reported = 0, missing = 0, calls = 0;
  DispatchJob job = Job("c1", ledger->get(), Hook("h", rx.url("/hook")), Bitmap::Range(0, 2000));
  job.on_committed = [&](const std::vector<CommittedSend>& sent) {
    std::ifstream in(path, std::ios::binary);
    std::stringstream bytes;
    bytes << in.rdbuf();
    uint64_t end = 0;
    auto records = DecodeLedger(bytes.str(), &end);
    ASSERT_TRUE(records.ok());
    std::set<uint32_t> in_file;
    for (const LedgerRecord& r : *records) {
      if (r.state == DeliveryState::kSent) in_file.insert(r.user);
    }
    std::lock_guard lock(mu);
    ++calls;
    for (const CommittedSend& c : sent) missing += !in_file.count(c.user);
    reported += sent.size();
  };
  DispatchOptions options;
  options.commit_batch = 64;
  Dispatcher d(options);
  auto h = d.Start(std::move(job));
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE((*h)->Wait().ok());
  EXPECT_EQ(reported, 1900u);  // 100 suppressed
  EXPECT_EQ(missing, 0u);
  EXPECT_GE(calls, 2000u / 64);
  EXPECT_EQ((*h)->Progress().sent, 1900u);
  EXPECT_EQ((*h)->Progress().pending, 0u);
}

TEST(DispatcherTest, RetriesWithBackoffThenDeadLetters) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "k", "--rule", "\"n\":1}=500*2", "--rule", "\"n\":2}=503",
                                  "--rule", "\"n\":3}=404", "--rule", "\"n\":4}=hang*1"});
  auto ledger = Ledger::Open(dir.Sub("l.ledger"));
  ASSERT_TRUE(ledger.ok());
  Dispatcher d(FastRetries());
  auto h = d.Start(Job("c1", ledger->get(), Hook("h", rx.url("/hook"), 1e6, 300, 3), Bitmap::Range(0, 5)));
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE((*h)->WaitFor(20000));
  DispatchProgress p = (*h)->Progress();
  EXPECT_EQ(p.sent, 3u);    // 0, 1 (third try), 4 (after a time-out)
  EXPECT_EQ(p.failed, 1u);  // 3: 404
  EXPECT_EQ(p.dead, 1u);    // 2: three 503s
  EXPECT_EQ((*ledger)->Lookup(1, "send", 0).attempt, 3);
  EXPECT_EQ((*ledger)->Lookup(2, "send", 0).state, DeliveryState::kDead);
  auto dead = (*ledger)->DeadLetters("send", 0);
  ASSERT_TRUE(dead.ok());
  ASSERT_EQ(dead->size(), 1u);
  EXPECT_EQ((*dead)[0].detail, "HTTP 503");
  // Every attempt of one recipient carries the same id and body.
  std::map<std::string, std::set<std::string>> bodies;
  for (const auto& r : rx.Requests()) bodies[r.key].insert(r.body);
  EXPECT_EQ(bodies.size(), 5u);
  for (const auto& [k, b] : bodies) EXPECT_EQ(b.size(), 1u) << k;
  EXPECT_EQ(rx.Requests().size(), 1u + 3u + 3u + 1u + 2u);
}

TEST(DispatcherTest, AHangingGatewayDoesNotStallAnotherLane) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "k", "--rule", "\"campaign_id\":\"slow\"=hang"});
  auto slow_ledger = Ledger::Open(dir.Sub("slow.ledger"));
  auto fast_ledger = Ledger::Open(dir.Sub("fast.ledger"));
  ASSERT_TRUE(slow_ledger.ok() && fast_ledger.ok());
  Dispatcher d(FastRetries());
  auto slow = d.Start(Job("slow", slow_ledger->get(), Hook("slow_gw", rx.url("/hook"), 1e6, 4000), Bitmap::Range(0, 4)));
  auto fast = d.Start(Job("fast", fast_ledger->get(), Hook("fast_gw", rx.url("/hook")), Bitmap::Range(0, 500)));
  ASSERT_TRUE(slow.ok() && fast.ok());
  const auto start = std::chrono::steady_clock::now();
  ASSERT_TRUE((*fast)->WaitFor(3500));
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(3500));
  EXPECT_EQ((*fast)->Progress().sent, 475u);  // 25 suppressed
  EXPECT_FALSE((*slow)->Progress().done);
  EXPECT_EQ((*slow)->Progress().sent, 0u);
  (*slow)->Cancel();
  EXPECT_EQ((*slow)->Wait().code(), Status::Code::kCancelled);
}

TEST(DispatcherTest, PausesResumesAndResumesFromTheLedger) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "k"});
  const std::string path = dir.Sub("l.ledger");
  {
    auto ledger = Ledger::Open(path);
    ASSERT_TRUE(ledger.ok());
    Dispatcher d;
    auto h = d.Start(Job("c1", ledger->get(), Hook("h", rx.url("/hook"), 200), Bitmap::Range(0, 100)));
    ASSERT_TRUE(h.ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(150));
    (*h)->Pause();
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    const uint64_t at_pause = (*h)->Progress().sent;
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    EXPECT_TRUE((*h)->Progress().paused);
    EXPECT_LE((*h)->Progress().sent, at_pause + 10);  // at most the batch in flight
    EXPECT_LT((*h)->Progress().sent, 95u);
    (*h)->Cancel();
    EXPECT_EQ((*h)->Wait().code(), Status::Code::kCancelled);
  }
  auto ledger = Ledger::Open(path);
  ASSERT_TRUE(ledger.ok());
  Dispatcher d;
  auto h = d.Start(Job("c1", ledger->get(), Hook("h", rx.url("/hook")), Bitmap::Range(0, 100)));
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE((*h)->Wait().ok());
  EXPECT_EQ((*h)->Progress().sent, 95u);  // 5 suppressed
  EXPECT_EQ(rx.WaitFor(95).size(), 95u);  // nothing committed was sent again
}

TEST(DispatcherTest, KeepsTheChannelsRate) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "k"});
  auto ledger = Ledger::Open(dir.Sub("l.ledger"));
  ASSERT_TRUE(ledger.ok());
  Dispatcher d;
  const auto start = std::chrono::steady_clock::now();
  auto h = d.Start(Job("c1", ledger->get(), Hook("h", rx.url("/hook"), 100), Bitmap::Range(0, 60)));
  ASSERT_TRUE(h.ok());
  ASSERT_TRUE((*h)->Wait().ok());
  const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::steady_clock::now() - start).count();
  // 54 sends at 100/s with a burst of 5: about 0.5 s.
  EXPECT_GE(ms, 400);
  EXPECT_LT(ms, 3000);
}

}  // namespace
}  // namespace tagloop::outreach
