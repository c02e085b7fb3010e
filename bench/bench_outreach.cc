// tagloop_bench_outreach: planning a campaign at scale (docs/outreach.md,
// "Planning": target <= 1 s for 1M recipients at 10M users).
//
// Synthetic populations over a universe of --users dense ids (deterministic
// hashes, no tag store: the segment engine's own cost is measured by
// tagloop_bench_segments): an audience of ~--audience-share of the users,
// a 2% blacklist, 3% opted out of the channel, a 1% exempt list, a running
// campaign of the same theme holding 5%, and a realistic sent history: 7
// days x 24 hours x 3 channels with --daily-messages messages a day (users
// drawn with a skew, so some get several a day). The policy uses every
// filter: global control 5%, blacklist, opt-out, caps (2 per 7 days on all
// channels, 1 per day on the campaign's), dedup by theme, touched recently
// (1 day on e-mail), quiet hours; control 10%; budget --budget recipients.
// Prints the funnel and the median of --runs timed plans.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "outreach/planner.h"

using namespace tagloop;
using namespace tagloop::outreach;

namespace {

uint64_t Mix(uint64_t x) {
  x += 0x9e3779b97f4a7c15ull;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
  return x ^ (x >> 31);
}

// Users u < n with Mix(u + salt) below share.
Bitmap Draw(uint32_t n, double share, uint64_t salt) {
  const uint64_t t = static_cast<uint64_t>(share * 18446744073709551615.0);
  std::vector<uint32_t> v;
  for (uint32_t u = 0; u < n; ++u) {
    if (Mix(u ^ (salt << 32)) < t) v.push_back(u);
  }
  Bitmap b = Bitmap::Of(v);
  b.Optimize();
  return b;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{"tagloop_bench_outreach: plan one campaign with every filter"};
  uint32_t users = 10'000'000;
  double audience_share = 0.16;
  uint64_t daily = 1'500'000;
  uint64_t budget = 1'000'000;
  int runs = 5;
  app.add_option("--users", users, "universe size");
  app.add_option("--audience-share", audience_share, "audience as a share of the universe");
  app.add_option("--daily-messages", daily, "messages sent per day in the touch history");
  app.add_option("--budget", budget, "max_recipients (0: none)");
  app.add_option("--runs", runs, "timed plans");
  CLI11_PARSE(app, argc, argv);

  const auto t0 = std::chrono::steady_clock::now();
  Bitmap universe = Bitmap::Range(0, users);
  Bitmap audience = Draw(users, audience_share, 1);
  PolicySets sets;
  sets.blacklist = Draw(users, 0.02, 2);
  sets.opt_out = Draw(users, 0.03, 3);
  sets.exempt = Draw(users, 0.01, 4);
  Bitmap running = Draw(users, 0.05, 5);
  const int64_t now = 1795478400000 + 13 * TouchHistory::kHourMs;  // 21:00 at +08:00: quiet hours
  auto touches = TouchHistory::InMemory();
  const char* channels[] = {"sms", "email", "push"};
  uint64_t recorded = 0;
  for (int hour = 0; hour < 7 * 24; ++hour) {
    for (int c = 0; c < 3; ++c) {
      // A skewed draw: half the hour's messages go to a "heavy" 10% of users.
      const uint64_t per_bucket = daily / 24 / 3;
      std::vector<uint32_t> v;
      v.reserve(per_bucket);
      for (uint64_t i = 0; i < per_bucket; ++i) {
        const uint64_t r = Mix((uint64_t{static_cast<uint32_t>(hour)} << 40) ^ (uint64_t(c) << 36) ^ i);
        v.push_back(static_cast<uint32_t>(i % 2 ? r % users : r % (users / 10)));
      }
      // Users drawn twice in one bucket get two messages (two Records).
      std::sort(v.begin(), v.end());
      std::vector<uint32_t> first, again;
      for (size_t i = 0; i < v.size(); ++i) (i > 0 && v[i] == v[i - 1] ? again : first).push_back(v[i]);
      const int64_t at = now - int64_t{7 * 24 - hour} * TouchHistory::kHourMs;
      touches->Record(channels[c], at, Bitmap::Of(first));
      if (!again.empty()) touches->Record(channels[c], at, Bitmap::Of(again));
      recorded += v.size();
    }
  }
  auto policy = SuppressionPolicy::FromJson(nlohmann::json::parse(R"({
    "blacklist": "blacklisted", "opt_out": {"sms": "sms_off"},
    "caps": [{"channels": ["*"], "max": 2, "days": 7}, {"channels": ["sms"], "max": 1, "days": 1}],
    "dedup_by_theme": true, "touched_recently": {"days": 1, "channels": ["email"]},
    "exempt": "vip_exempt", "global_control": {"share": 0.05, "salt": "2026"},
    "quiet_hours": {"from": "21:00", "to": "09:00", "mode": "defer"}})"));
  if (!policy.ok()) {
    fmt::print(stderr, "{}\n", policy.status().ToString());
    return 1;
  }
  const double setup_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();

  PlanInput in;
  in.campaign_id = "c0123456789abcdef";
  in.channel = "sms";
  in.control_share = 0.1;
  if (budget > 0) in.max_recipients = budget;
  in.policy = *policy;
  in.now_ms = now;
  in.audience = &audience;
  in.universe = &universe;
  in.sets = &sets;
  in.touches = touches.get();
  in.same_theme_treatments = {&running};

  std::vector<double> times;
  Result<CampaignPlan> plan = Status::Internal("not run");
  for (int r = 0; r < runs; ++r) {
    const auto s = std::chrono::steady_clock::now();
    plan = PlanCampaign(in);
    times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count());
    if (!plan.ok()) {
      fmt::print(stderr, "{}\n", plan.status().ToString());
      return 1;
    }
  }
  std::sort(times.begin(), times.end());
  fmt::print("users {}  audience {}  touch history {} messages over 7 days x 3 channels (set-up {:.1f} s)\n", users,
             audience.cardinality(), recorded, setup_s);
  fmt::print("funnel {}\n", plan->funnel.ToJson().dump());
  fmt::print("plan: median {:.3f} s, min {:.3f} s, max {:.3f} s over {} runs (target <= 1 s)\n",
             times[times.size() / 2], times.front(), times.back(), times.size());
  return times[times.size() / 2] <= 1.0 ? 0 : 2;
}
