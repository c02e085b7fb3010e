// The suppression policy: parsing, validation naming fields, overrides, quiet hours.
#include "outreach/policy.h"

#include <gtest/gtest.h>

namespace tagloop::outreach {
namespace {

std::string FieldOf(const Status& s) {
  for (const auto& [k, v] : s.reason_args()) {
    if (k == "field") return v;
  }
  return "";
}

TEST(PolicyTest, ContractDocumentAndExtensions) {
  auto p = SuppressionPolicy::FromJson(Json::parse(R"({
    "blacklist": "complained", "caps": [{"channels": ["*"], "max": 2, "days": 7}, {"channels": ["sms", "sms"], "max": 1, "days": 1}],
    "quiet_hours": {"from": "21:00", "to": "09:00", "mode": "defer"},
    "opt_out": {"sms": "sms_opt_out", "*": "unsubscribed"}, "dedup_by_theme": false,
    "touched_recently": {"days": 3}, "exempt": "vip_exempt", "global_control": {"share": 0.05, "salt": "2026"}})"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->caps.size(), 2u);
  EXPECT_TRUE(p->caps[0].channels.all);
  EXPECT_EQ(p->caps[1].channels.names, std::vector<std::string>{"sms"});
  EXPECT_TRUE(p->caps[1].channels.Contains("sms"));
  EXPECT_FALSE(p->caps[1].channels.Contains("email"));
  EXPECT_EQ(p->quiet_hours->from_minute, 21 * 60);
  EXPECT_FALSE(p->dedup_by_theme);
  EXPECT_TRUE(p->touched_recently->channels.all);
  EXPECT_EQ(p->OptOutExpression("sms"), "(unsubscribed) OR (sms_opt_out)");
  EXPECT_EQ(p->OptOutExpression("email"), "(unsubscribed)");
  auto again = SuppressionPolicy::FromJson(p->ToJson());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->ToJson(), p->ToJson());
  EXPECT_TRUE(SuppressionPolicy::FromJson(Json::object()).ok());
}

TEST(PolicyTest, ValidationNamesTheField) {
  struct Case {
    const char* doc;
    const char* field;
  } cases[] = {
      {R"({"caps": [{"channels": ["*"], "max": 0, "days": 7}]})", "caps[0].max"},
      {R"({"caps": [{"channels": ["*"], "max": 2}]})", "caps[0].days"},
      {R"({"caps": [{"channels": [], "max": 2, "days": 1}]})", "caps[0].channels"},
      {R"({"caps": [{"channels": ["SMS!"], "max": 2, "days": 1}]})", "caps[0].channels[0]"},
      {R"({"caps": {"max": 2}})", "caps"},
      {R"({"quiet_hours": {"from": "25:00", "to": "09:00"}})", "quiet_hours.from"},
      {R"({"quiet_hours": {"from": "21:00"}})", "quiet_hours.to"},
      {R"({"quiet_hours": {"from": "21:00", "to": "21:00"}})", "quiet_hours.to"},
      {R"({"quiet_hours": {"from": "21:00", "to": "09:00", "mode": "later"}})", "quiet_hours.mode"},
      {R"({"blacklist": "  "})", "blacklist"},
      {R"({"blacklist": 3})", "blacklist"},
      {R"({"opt_out": {"sms": 1}})", "opt_out.sms"},
      {R"({"global_control": {"share": 1}})", "global_control.share"},
      {R"({"global_control": {"salt": "x"}})", "global_control.share"},
      {R"({"touched_recently": {"days": 0}})", "touched_recently.days"},
      {R"({"frequency": 1})", "frequency"},
  };
  for (const Case& c : cases) {
    auto p = SuppressionPolicy::FromJson(Json::parse(c.doc));
    ASSERT_FALSE(p.ok()) << c.doc;
    EXPECT_EQ(FieldOf(p.status()), c.field) << c.doc << ": " << p.status().message();
    EXPECT_NE(p.status().message().find(c.field), std::string::npos) << p.status().message();
  }
}

TEST(PolicyTest, OverridesReplaceOnlyOverridableKeys) {
  auto p = SuppressionPolicy::FromJson(Json::parse(
      R"({"blacklist": "bad", "caps": [{"channels": ["*"], "max": 2, "days": 7}], "dedup_by_theme": true})"));
  ASSERT_TRUE(p.ok());
  auto o = p->WithOverrides(Json::parse(R"({"caps": [], "dedup_by_theme": false})"));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_TRUE(o->caps.empty());
  EXPECT_FALSE(o->dedup_by_theme);
  EXPECT_EQ(o->blacklist, "bad");
  auto refused = p->WithOverrides(Json::parse(R"({"blacklist": ""})"));
  EXPECT_EQ(FieldOf(refused.status()), "policy.blacklist");
}

TEST(PolicyTest, QuietHoursWrapOverMidnight) {
  QuietHours q{21 * 60, 9 * 60, QuietHours::Mode::kDefer};
  EXPECT_TRUE(q.Quiet(22 * 60));
  EXPECT_TRUE(q.Quiet(3 * 60));
  EXPECT_FALSE(q.Quiet(9 * 60));
  EXPECT_FALSE(q.Quiet(20 * 60 + 59));
  // 2026-11-24T14:00Z = 22:00 at +08:00 -> next allowed 2026-11-25T09:00+08:00 = 01:00Z.
  const int64_t day = 1795478400000;  // 2026-11-24T00:00:00Z
  const int64_t h = 3'600'000;
  EXPECT_EQ(q.NextAllowedMs(day + 14 * h, 480), day + 25 * h);
  // 03:00 local (19:00Z the day before) -> 09:00 local the same local day.
  EXPECT_EQ(q.NextAllowedMs(day - 5 * h, 480), day + h);
  // 12:00 local: allowed now.
  EXPECT_EQ(q.NextAllowedMs(day + 4 * h, 480), day + 4 * h);
  QuietHours lunch{12 * 60, 13 * 60, QuietHours::Mode::kDrop};
  EXPECT_EQ(lunch.NextAllowedMs(day + 12 * h + 30 * 60'000, 0), day + 13 * h);
}

}  // namespace
}  // namespace tagloop::outreach
