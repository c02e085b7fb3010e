// A gateway's Retry-After (429/503): parsed in both of its forms, obeyed by
// the retry (not earlier, capped) and by the channel's lane (paused, its
// token bucket slowed down), against the test receiver's
// `--rule MATCH=429/retry-after=N`.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>

#include "outreach/channel_factory.h"
#include "outreach/channels/channel_util.h"
#include "outreach/dispatcher.h"
#include "outreach/rate_limiter.h"
#include "receiver_process.h"
#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

using testing::ReceiverProcess;
using testing::TempDir;

TEST(RetryAfterTest, ParsesSecondsAndTheThreeHttpDateForms) {
  // Sun, 06 Nov 1994 08:49:37 GMT
  const int64_t at = 784111777000;
  EXPECT_EQ(ParseRetryAfter("2", at), 2000);
  EXPECT_EQ(ParseRetryAfter("0", at), 0);
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:49:47 GMT", at), 10000);
  EXPECT_EQ(ParseRetryAfter("Sunday, 06-Nov-94 08:50:37 GMT", at), 60000);
  EXPECT_EQ(ParseRetryAfter("Sun Nov  6 08:49:39 1994", at), 2000);
  EXPECT_EQ(ParseRetryAfter("Sun, 06 Nov 1994 08:00:00 GMT", at), 0);  // in the past: now
  EXPECT_EQ(ParseRetryAfter("99999999999999999999", at), int64_t{366} * 24 * 3600 * 1000);
  EXPECT_EQ(ParseRetryAfter("soon", at), -1);
  EXPECT_EQ(ParseRetryAfter("-5", at), -1);
  EXPECT_EQ(ParseRetryAfter("", at), -1);
}

TEST(RetryAfterTest, ThrottleHalvesTheRateWhichClimbsBack) {
  int64_t now_us = 0;
  RateLimiter limiter(1000, 50, [&] { return now_us; });
  EXPECT_EQ(limiter.TryAcquire(100), 50u);  // the burst
  limiter.Throttle();
  EXPECT_DOUBLE_EQ(limiter.rate(), 500);
  EXPECT_EQ(limiter.TryAcquire(100), 0u);
  now_us += 100000;  // 0.1 s at about 500/s
  const size_t got = limiter.TryAcquire(100);
  EXPECT_GE(got, 49u);
  EXPECT_LE(got, 51u);
  limiter.Throttle();
  limiter.Throttle();
  EXPECT_LT(limiter.rate(), 200);
  now_us += static_cast<int64_t>(2 * RateLimiter::kRecoverySeconds * 1e6);
  EXPECT_DOUBLE_EQ(limiter.rate(), 1000);  // recovered, never above the configured rate
  for (int i = 0; i < 20; ++i) limiter.Throttle();
  EXPECT_DOUBLE_EQ(limiter.rate(), 1000.0 / 64);  // the floor
}

ChannelSpec Hook(const std::string& url, double rate = 1e6) {
  ChannelSpec s;
  s.name = "hook_ra";
  s.kind = "webhook";
  s.rate_per_second = rate;
  s.concurrency = 2;
  s.max_attempts = 5;
  s.timeout_ms = 3000;
  s.settings = {{"url", url}};
  s.secrets["secret"] = "k";
  return s;
}

TEST(RetryAfterTest, TheWebhookChannelReportsTheGatewaysRetryAfter) {
  TempDir dir;
  ReceiverProcess rx(dir.path(),
                     {"--secret", "k", "--rule", "\"u1\"=429/retry-after=2", "--rule", "\"u2\"=503"});
  auto ch = MakeChannel(Hook(rx.url("/hook")));
  ASSERT_TRUE(ch.ok()) << ch.status().ToString();
  std::vector<OutgoingMessage> batch(3);
  for (int i = 0; i < 3; ++i) {
    batch[i].message_id = "m" + std::to_string(i);
    batch[i].external_user_id = "u" + std::to_string(i);
  }
  auto out = (*ch)->Send(batch, 2);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kSent);
  EXPECT_EQ(out[1].kind, SendOutcome::Kind::kTransient);
  EXPECT_EQ(out[1].error, "HTTP 429");
  EXPECT_EQ(out[1].retry_after_ms, 2000);
  EXPECT_EQ(out[2].kind, SendOutcome::Kind::kTransient);
  EXPECT_EQ(out[2].retry_after_ms, -1);  // no header: the dispatcher's backoff
}

struct RetryRun {
  double seconds = 0;
  LedgerRecord first_answer;  // user 1's retry record
  size_t requests_for_u1 = 0;
  uint16_t attempts_u2 = 0;
  DispatchProgress progress;
};

// Dispatches users 0..9 (user 1 gets `rule`'s answer) with a fast backoff
// at `rate` a second (a burst of rate/20), in batches of 4, and reads user
// 1's retry record back from the ledger.
RetryRun Dispatch(const std::string& rule, DispatchOptions options, double rate = 1e6) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "k", "--rule", rule});
  RetryRun run;
  const std::string path = dir.Sub("ra/run-0.ledger");
  auto ledger = Ledger::Open(path);
  EXPECT_TRUE(ledger.ok());
  auto ch = MakeChannel(Hook(rx.url("/hook"), rate));
  EXPECT_TRUE(ch.ok());
  DispatchJob job;
  job.campaign_id = "ra";
  job.plan = Bitmap::Range(0, 10);
  job.ledger = ledger->get();
  job.channel = std::shared_ptr<Channel>(std::move(ch).value());
  job.render = [](uint32_t u) {
    RenderResult r;
    r.external_user_id = "u" + std::to_string(u);
    r.content = {{"n", u}};
    return r;
  };
  options.backoff_base_ms = 20;
  options.commit_batch = 4;
  options.commit_interval_ms = 1000;
  Dispatcher d(options);
  const auto start = std::chrono::steady_clock::now();
  auto h = d.Start(std::move(job));
  EXPECT_TRUE(h.ok());
  EXPECT_TRUE((*h)->WaitFor(20000));
  run.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  run.progress = (*h)->Progress();
  run.attempts_u2 = (*ledger)->Lookup(2, "send", 0).attempt;
  std::ifstream in(path, std::ios::binary);
  std::stringstream bytes;
  bytes << in.rdbuf();
  uint64_t end = 0;
  auto records = DecodeLedger(bytes.str(), &end);
  EXPECT_TRUE(records.ok());
  for (const LedgerRecord& r : *records) {
    if (r.user == 1 && r.state == DeliveryState::kRetry) run.first_answer = r;
  }
  for (const auto& r : rx.Requests()) run.requests_for_u1 += r.body.find("\"u1\"") != std::string::npos;
  return run;
}

TEST(RetryAfterTest, TheRetryWaitsAsLongAsTheGatewayAsked) {
  // 40/s: chunks of two, so u2 and u3 (the rest of u1's batch) are held
  // back unsent by the lane's pause, not answered.
  RetryRun run = Dispatch("\"u1\"=429/retry-after=2*1", DispatchOptions{}, 40);
  EXPECT_EQ(run.progress.sent, 10u);
  EXPECT_EQ(run.progress.transient, 1u);
  EXPECT_EQ(run.attempts_u2, 1);
  EXPECT_EQ(run.requests_for_u1, 2u);
  EXPECT_EQ(run.first_answer.detail, "HTTP 429");
  EXPECT_GE(run.first_answer.next_ms - run.first_answer.time_ms, 2000);  // not the 20 ms backoff
  EXPECT_GE(run.seconds, 2.0);
  EXPECT_LT(run.seconds, 10.0);
}

TEST(RetryAfterTest, ARetryAfterBeyondTheCapIsCut) {
  DispatchOptions options;
  options.retry_after_max_ms = 300;
  RetryRun run = Dispatch("\"u1\"=503/retry-after=3600*1", options);
  EXPECT_EQ(run.progress.sent, 10u);
  EXPECT_EQ(run.first_answer.next_ms - run.first_answer.time_ms, 300);
  EXPECT_LT(run.seconds, 5.0);
}

}  // namespace
}  // namespace tagloop::outreach
