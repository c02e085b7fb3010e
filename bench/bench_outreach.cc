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
//
// With --store DIR (a store of tagloop_gen_store's wide model, e.g. the one
// scripts/bench-server.sh caches) the audience, the blacklist and the
// channel's opt-out are expressions the segment engine evaluates on that
// store in every timed run, as a campaign's planning does (Estimate and the
// start of a run: ResolveAudience, ResolvePolicySets, PlanCampaign): the
// whole planning but the frozen segments' write. The touch history and the
// running campaign of the same theme stay synthetic.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <vector>

#include "core/date.h"
#include "outreach/planner.h"
#include "store/tag_store.h"

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
  std::string store_dir, as_of_text = "2026-10-31";
  // At 10M users: an audience of ~1.67M that plans exactly 1M (the budget cuts).
  std::string audience_expr = "t003 BETWEEN 10000 AND 31000", blacklist_expr = "t009 < 2000",
              opt_out_expr = "t015 < 3000";
  app.add_option("--store", store_dir, "a wide-model tag store: audience and policy sets from the segment engine");
  app.add_option("--as-of", as_of_text, "the store's query date");
  app.add_option("--audience", audience_expr, "with --store: the audience");
  app.add_option("--blacklist", blacklist_expr, "with --store: the policy's blacklist");
  app.add_option("--opt-out", opt_out_expr, "with --store: the sms channel's opt-out");
  CLI11_PARSE(app, argc, argv);

  const auto t0 = std::chrono::steady_clock::now();
  std::unique_ptr<TagStore> store;
  std::shared_ptr<const Snapshot> snapshot;
  SegmentQueryOptions query;
  if (!store_dir.empty()) {
    auto opened = TagStore::Open(store_dir);
    auto as_of = ParseDate(as_of_text);
    if (!opened.ok() || !as_of.ok()) {
      fmt::print(stderr, "{}\n", !opened.ok() ? opened.status().ToString() : as_of.status().ToString());
      return 1;
    }
    store = std::move(*opened);
    snapshot = store->snapshot();
    users = snapshot->user_count();
    query.as_of = *as_of;
  }
  Bitmap universe = Bitmap::Range(0, users);
  Bitmap audience = store ? Bitmap() : Draw(users, audience_share, 1);
  PolicySets sets;
  if (!store) {
    sets.blacklist = Draw(users, 0.02, 2);
    sets.opt_out = Draw(users, 0.03, 3);
  }
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
  nlohmann::json policy_json = nlohmann::json::parse(R"({
    "blacklist": "blacklisted", "opt_out": {"sms": "sms_off"},
    "caps": [{"channels": ["*"], "max": 2, "days": 7}, {"channels": ["sms"], "max": 1, "days": 1}],
    "dedup_by_theme": true, "touched_recently": {"days": 1, "channels": ["email"]},
    "exempt": "vip_exempt", "global_control": {"share": 0.05, "salt": "2026"},
    "quiet_hours": {"from": "21:00", "to": "09:00", "mode": "defer"}})");
  if (store) {
    policy_json["blacklist"] = blacklist_expr;
    policy_json["opt_out"] = {{"sms", opt_out_expr}};
    policy_json.erase("exempt");  // a saved segment: the synthetic exempt set stands in
  }
  auto policy = SuppressionPolicy::FromJson(policy_json);
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

  std::vector<double> times, engine_times;
  Result<CampaignPlan> plan = Status::Internal("not run");
  for (int r = 0; r < runs; ++r) {
    const auto s = std::chrono::steady_clock::now();
    if (store) {
      // What the segment engine evaluates for every planning.
      Audience a;
      a.kind = Audience::Kind::kExpr;
      a.expr = audience_expr;
      Result<Bitmap> resolved = ResolveAudience(*snapshot, a, query);
      Result<PolicySets> resolved_sets = ResolvePolicySets(*snapshot, *policy, "sms", query);
      if (!resolved.ok() || !resolved_sets.ok()) {
        fmt::print(stderr, "{}\n", !resolved.ok() ? resolved.status().ToString() : resolved_sets.status().ToString());
        return 1;
      }
      audience = std::move(*resolved);
      resolved_sets->exempt = std::move(sets.exempt);
      sets = std::move(*resolved_sets);
      engine_times.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - s).count());
    }
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
  if (store) {
    std::sort(engine_times.begin(), engine_times.end());
    fmt::print("store {}: audience `{}`, blacklist `{}`, opt-out `{}` as of {}\n", store_dir, audience_expr,
               blacklist_expr, opt_out_expr, as_of_text);
    fmt::print("segment engine (audience + policy sets): median {:.3f} s\n", engine_times[engine_times.size() / 2]);
  }
  fmt::print("plan{}: median {:.3f} s, min {:.3f} s, max {:.3f} s over {} runs (target <= 1 s)\n",
             store ? " with the segment engine" : "", times[times.size() / 2], times.front(), times.back(),
             times.size());
  return times[times.size() / 2] <= 1.0 ? 0 : 2;
}
