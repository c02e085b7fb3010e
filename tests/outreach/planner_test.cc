// The planner: funnel order and sums, exempt and transactional rules,
// budget, control after suppression, frozen segments through the engine.
#include "outreach/planner.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "outreach/control_group.h"
#include "segment/fixture_store.h"

namespace tagloop::outreach {
namespace {

constexpr uint32_t kUsers = 1000;
constexpr int64_t kNow = 1795478400000;  // 2026-11-24T00:00:00Z (08:00 at +08:00)

std::string FixtureText() {
  std::string t = "users";
  for (uint32_t u = 0; u < kUsers; ++u) t += fmt::format(" u{:04}", u);
  t += "\n";
  const auto bool_tag = [&](const char* name, auto pred) {
    t += fmt::format("tag {} bool\nversion 2026-10-01\n", name);
    for (uint32_t u = 0; u < kUsers; ++u) t += fmt::format("u{:04} {}\n", u, pred(u) ? "true" : "false");
  };
  bool_tag("vip", [](uint32_t u) { return u % 2 == 0; });
  bool_tag("complained", [](uint32_t u) { return u % 10 == 0; });
  bool_tag("sms_off", [](uint32_t u) { return u % 10 == 2; });
  bool_tag("staff", [](uint32_t u) { return u < 100; });
  return t;
}

class PlannerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fx = testing::BuildFixtureStore(FixtureText());
    ASSERT_TRUE(fx.ok()) << fx.status().ToString();
    fx_ = std::move(*fx);
    std::filesystem::create_directories(fx_->dir.Sub("data"));
    auto s = SavedSegments::Open(Env::Default(), fx_->dir.Sub("data"));
    ASSERT_TRUE(s.ok());
    saved_ = std::move(*s);
    ASSERT_TRUE(saved_->Save("staff_seg", "staff", *fx_->store->snapshot(), *ParseDate("2026-10-31")).ok());
    auto p = SuppressionPolicy::FromJson(Json::parse(R"({
      "blacklist": "complained", "opt_out": {"sms": "sms_off"},
      "caps": [{"channels": ["*"], "max": 2, "days": 7}],
      "touched_recently": {"days": 1, "channels": ["email"]},
      "exempt": "staff_seg", "global_control": {"share": 0.05, "salt": "s1"},
      "quiet_hours": {"from": "21:00", "to": "09:00"}})"));
    ASSERT_TRUE(p.ok()) << p.status().ToString();
    policy_ = *p;
    // Touches: users 1..299 (odd) got 2 sms in the last week; 401..499 (odd) one email 3 hours ago.
    touches_ = TouchHistory::InMemory();
    std::vector<uint32_t> capped, recent;
    for (uint32_t u = 1; u < 300; u += 2) capped.push_back(u);
    for (uint32_t u = 401; u < 500; u += 2) recent.push_back(u);
    touches_->Record("sms", kNow - 48 * TouchHistory::kHourMs, Bitmap::Of(capped));
    touches_->Record("push", kNow - 30 * TouchHistory::kHourMs, Bitmap::Of(capped));
    touches_->Record("email", kNow - 3 * TouchHistory::kHourMs, Bitmap::Of(recent));
  }
  SegmentQueryOptions Options() {
    SegmentQueryOptions o;
    o.as_of = *ParseDate("2026-10-31");
    o.segments = saved_.get();
    return o;
  }
  PlanInput Input(const Bitmap& audience, const PolicySets& sets) {
    PlanInput in;
    in.campaign_id = "c00000000000000ab";
    in.channel = "sms";
    in.control_share = 0.2;
    in.policy = policy_;
    in.now_ms = kNow;
    in.audience = &audience;
    in.universe = &universe_;
    in.sets = &sets;
    in.touches = touches_.get();
    return in;
  }

  std::unique_ptr<testing::FixtureStore> fx_;
  std::unique_ptr<SavedSegments> saved_;
  SuppressionPolicy policy_;
  std::unique_ptr<TouchHistory> touches_;
  Bitmap universe_ = Bitmap::Range(0, kUsers);
};

TEST_F(PlannerTest, FunnelOrderSumsAndRules) {
  auto snap = fx_->store->snapshot();
  Audience all;
  all.expr = "ALL";
  auto audience = ResolveAudience(*snap, all, Options());
  ASSERT_TRUE(audience.ok());
  auto sets = ResolvePolicySets(*snap, policy_, "sms", Options());
  ASSERT_TRUE(sets.ok()) << sets.status().ToString();
  Bitmap running = Bitmap::Range(900, 950);  // a running campaign of the same theme
  PlanInput in = Input(*audience, *sets);
  in.same_theme_treatments = {&running};
  auto plan = PlanCampaign(in);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  const Funnel& f = plan->funnel;
  std::vector<std::string> order;
  for (const auto& [r, n] : f.suppressed) order.push_back(r);
  EXPECT_EQ(order, (std::vector<std::string>{"global_control", "blacklist", "opt_out", "frequency_cap", "duplicate",
                                             "touched_recently", "budget"}));
  EXPECT_EQ(f.audience, kUsers);
  EXPECT_EQ(f.audience, f.control + f.SuppressedTotal() + f.planned);
  EXPECT_EQ(f.control, plan->control.cardinality());
  EXPECT_EQ(f.planned, plan->treatment.cardinality());
  EXPECT_GT(f.Suppressed("global_control"), 20u);
  // Each user under its FIRST reason: complained users in the global control count there.
  Bitmap global = GlobalControlGroup(*audience, "s1", 0.05);
  uint64_t blacklisted_not_global = 0;
  for (uint32_t u = 0; u < kUsers; u += 10) blacklisted_not_global += !global.Contains(u);
  EXPECT_EQ(f.Suppressed("blacklist"), blacklisted_not_global);
  // Caps: odd users 1..299 had 2 messages (sms + push, cap on "*"), staff (< 100) exempt.
  uint64_t want_capped = 0;
  for (uint32_t u = 101; u < 300; u += 2) want_capped += !global.Contains(u) && u % 10 != 2;
  EXPECT_EQ(f.Suppressed("frequency_cap"), want_capped);
  EXPECT_GT(f.Suppressed("duplicate"), 30u);
  EXPECT_GT(f.Suppressed("touched_recently"), 30u);
  EXPECT_EQ(f.Suppressed("budget"), 0u);
  // Nobody suppressed is planned or in control; control and treatment are disjoint.
  Bitmap both = Bitmap::Or(plan->treatment.get(), plan->control.get());
  EXPECT_EQ(both.cardinality(), f.control + f.planned);
  EXPECT_TRUE(Bitmap::And(both.get(), global.get()).empty());
  for (uint32_t u : plan->treatment.ToVector()) {
    EXPECT_NE(u % 10, 0u);
    EXPECT_NE(u % 10, 2u);
  }
  // Control is the hash split of the eligible users.
  for (uint32_t u : both.ToVector()) EXPECT_EQ(plan->control.Contains(u), InGroup(CampaignControlSeed(in.campaign_id), 0.2, u));
  EXPECT_NEAR(static_cast<double>(f.control) / (f.control + f.planned), 0.2, 0.06);
  // Quiet hours: 08:00 local is quiet until 09:00.
  EXPECT_EQ(plan->first_send_ms, kNow + TouchHistory::kHourMs);
  EXPECT_EQ(Funnel::FromJson(f.ToJson())->ToJson(), f.ToJson());
}

TEST_F(PlannerTest, TransactionalSkipsCapsRecencyGlobalControlButNotBlacklist) {
  auto snap = fx_->store->snapshot();
  auto sets = ResolvePolicySets(*snap, policy_, "sms", Options());
  ASSERT_TRUE(sets.ok());
  PlanInput in = Input(universe_, *sets);
  in.campaign_class = CampaignClass::kTransactional;
  auto plan = PlanCampaign(in);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->funnel.Suppressed("global_control"), 0u);
  EXPECT_EQ(plan->funnel.Suppressed("frequency_cap"), 0u);
  EXPECT_EQ(plan->funnel.Suppressed("touched_recently"), 0u);
  EXPECT_EQ(plan->funnel.Suppressed("blacklist"), 100u);
  EXPECT_EQ(plan->funnel.Suppressed("opt_out"), 100u);
  EXPECT_EQ(plan->first_send_ms, kNow);  // no quiet hours
}

TEST_F(PlannerTest, BudgetTruncatesDeterministically) {
  PolicySets none;
  PlanInput in = Input(universe_, none);
  in.policy = SuppressionPolicy();
  in.max_recipients = 300;
  auto a = PlanCampaign(in);
  auto b = PlanCampaign(in);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(a->funnel.planned, 300u);
  EXPECT_TRUE(roaring_bitmap_equals(a->treatment.get(), b->treatment.get()));
  EXPECT_EQ(a->funnel.audience, a->funnel.control + a->funnel.SuppressedTotal() + a->funnel.planned);
  EXPECT_GT(a->funnel.Suppressed("budget"), 500u);
  // The control shrinks with the eligible users (about share / (1 - share) of the treatment).
  EXPECT_NEAR(static_cast<double>(a->funnel.control), 75.0, 25.0);
}

// The budget's cut is the shortest prefix in (budget hash, user) order that
// holds max_recipients users outside the control group: the planner selects
// it without sorting; a full sort here says what it must be.
TEST_F(PlannerTest, BudgetCutIsTheHashOrderPrefix) {
  PolicySets none;
  PlanInput in = Input(universe_, none);
  in.policy = SuppressionPolicy();
  for (uint64_t max : {1u, 17u, 300u, 1000u}) {
    in.max_recipients = max;
    auto plan = PlanCampaign(in);
    ASSERT_TRUE(plan.ok()) << plan.status().ToString();
    std::vector<std::pair<uint64_t, uint32_t>> order;
    for (uint32_t u : universe_.ToVector()) order.emplace_back(UserHash(BudgetOrderSeed(in.campaign_id), u), u);
    std::sort(order.begin(), order.end());
    std::vector<uint32_t> prefix;
    uint64_t treated = 0;
    for (const auto& [hash, u] : order) {
      if (treated == max) break;
      prefix.push_back(u);
      treated += UserHash(CampaignControlSeed(in.campaign_id), u) >= ShareThreshold(in.control_share);
    }
    Bitmap expected = Bitmap::Of(prefix);
    Bitmap got = Bitmap::Or(plan->treatment.get(), plan->control.get());
    EXPECT_TRUE(roaring_bitmap_equals(got.get(), expected.get())) << max;
    EXPECT_EQ(plan->funnel.planned, std::min<uint64_t>(max, treated)) << max;
  }
}

TEST_F(PlannerTest, FrozenSegmentsWorkInTheSegmentLanguage) {
  auto snap = fx_->store->snapshot();
  auto campaign = Campaign::FromJson(Json::parse(R"({"name": "renew_nov", "audience": {"expr": "vip"}, "channel": "sms",
                                                      "control": {"share": 0.1}})"));
  ASSERT_TRUE(campaign.ok());
  auto audience = ResolveAudience(*snap, campaign->audience, Options());
  ASSERT_TRUE(audience.ok());
  PolicySets none;
  PlanInput in = Input(*audience, none);
  in.policy = SuppressionPolicy();
  in.control_share = campaign->control_share;
  auto plan = PlanCampaign(in);
  ASSERT_TRUE(plan.ok());
  auto frozen = FreezePlan(*saved_, *campaign, *plan, *ParseDate("2026-10-31"), "tester");
  ASSERT_TRUE(frozen.ok()) << frozen.status().ToString();
  EXPECT_EQ(frozen->treatment, "campaign_renew_nov_treatment");
  auto t = CountSegment(*snap, "SEGMENT('campaign_renew_nov_treatment')", Options());
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(*t, plan->funnel.planned);
  auto c = CountSegment(*snap, "SEGMENT('campaign_renew_nov_control') AND vip", Options());
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(*c, plan->funnel.control);
  auto overlap = CountSegment(*snap, "SEGMENT('campaign_renew_nov_treatment') AND SEGMENT('campaign_renew_nov_control')",
                              Options());
  EXPECT_EQ(*overlap, 0u);
  // Reopened from disk, still there.
  auto reopened = SavedSegments::Open(Env::Default(), fx_->dir.Sub("data"));
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ((*reopened)->Get("campaign_renew_nov_control")->versions.size(), 1u);
}

TEST_F(PlannerTest, PolicyExpressionErrorsNameThePolicyField) {
  auto p = SuppressionPolicy::FromJson(Json::parse(R"({"blacklist": "no_such_tag"})"));
  ASSERT_TRUE(p.ok());
  auto sets = ResolvePolicySets(*fx_->store->snapshot(), *p, "sms", Options());
  ASSERT_FALSE(sets.ok());
  EXPECT_NE(sets.status().message().find("policy blacklist"), std::string::npos) << sets.status().message();
}

}  // namespace
}  // namespace tagloop::outreach
