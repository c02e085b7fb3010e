// Campaign definitions: parsing, defaults, round trip, errors naming fields.
#include "outreach/campaign.h"

#include <gtest/gtest.h>

namespace tagloop::outreach {
namespace {

Json Minimal() {
  return Json::parse(R"({"name": "renew_nov", "audience": {"expr": "is_vip"}, "channel": "sms_main"})");
}

std::string FieldOf(const Status& s) {
  for (const auto& [k, v] : s.reason_args()) {
    if (k == "field") return v;
  }
  return "";
}

TEST(CampaignTest, MinimalGetsDefaults) {
  auto c = Campaign::FromJson(Minimal());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->title, "renew_nov");
  EXPECT_EQ(c->control_share, 0);
  EXPECT_EQ(c->campaign_class, CampaignClass::kMarketing);
  ASSERT_EQ(c->steps.size(), 1u);
  EXPECT_EQ(c->steps[0].name, "send");
  EXPECT_EQ(*c->audience.Expression(), "is_vip");
  EXPECT_EQ(c->TreatmentSegment(), "campaign_renew_nov_treatment");
}

TEST(CampaignTest, FullRoundTrip) {
  Json j = Json::parse(R"({"name": "renew_nov", "title": "续租提醒", "theme": "续租",
    "audience": {"segment": "vip"}, "channel": "sms_main", "content": {"text": "hi {{user_id}}"},
    "control": {"share": 0.1}, "goal": {"event": "order_paid", "window_days": 7},
    "budget": {"max_recipients": 1000, "cost_per_message": 0.05},
    "schedule": {"at": "2026-11-25T10:00:00+08:00"}, "class": "transactional",
    "policy": {"caps": [{"channels": ["*"], "max": 3, "days": 7}]},
    "steps": [{"name": "send", "type": "send"}]})");
  auto c = Campaign::FromJson(j);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(*c->audience.Expression(), "SEGMENT('vip')");
  EXPECT_EQ(*c->budget.max_recipients, 1000u);
  EXPECT_EQ(*c->schedule_at_ms, 1795572000000);  // 02:00Z
  EXPECT_EQ(c->campaign_class, CampaignClass::kTransactional);
  auto again = Campaign::FromJson(c->ToJson());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ToJson(), c->ToJson());
}

TEST(CampaignTest, AudienceKinds) {
  Json j = Minimal();
  j["audience"] = {{"list", "uploaded"}};
  EXPECT_EQ(Campaign::FromJson(j)->audience.kind, Audience::Kind::kList);
  j["audience"] = {{"report", "r1"}, {"cell", {{"row", "city=a"}}}};
  auto c = Campaign::FromJson(j);
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->audience.Expression().status().code(), Status::Code::kFailedPrecondition);
  j["audience"]["expr"] = "city = 'a'";
  EXPECT_EQ(*Campaign::FromJson(j)->audience.Expression(), "city = 'a'");
  j["audience"] = {{"expr", "a"}, {"segment", "b"}};
  EXPECT_EQ(FieldOf(Campaign::FromJson(j).status()), "audience");
}

TEST(CampaignTest, ErrorsNameTheField) {
  struct Case {
    const char* patch;
    const char* field;
    ErrorReason reason;
  } cases[] = {
      {R"({"control": {"share": 1}})", "control.share", ErrorReason::kBadField},
      {R"({"control": {"share": -0.1}})", "control.share", ErrorReason::kBadField},
      {R"({"name": "Bad Name"})", "name", ErrorReason::kBadField},
      {R"({"channel": null})", "channel", ErrorReason::kMissingField},
      {R"({"goal": {"window_days": 3}})", "goal.event", ErrorReason::kMissingField},
      {R"({"goal": {"event": "x", "window_days": 0}})", "goal.window_days", ErrorReason::kBadField},
      {R"({"budget": {"max_recipients": 0}})", "budget.max_recipients", ErrorReason::kBadField},
      {R"({"schedule": {"at": "tomorrow"}})", "schedule.at", ErrorReason::kBadField},
      {R"({"class": "spam"})", "class", ErrorReason::kBadField},
      {R"({"colour": 1})", "colour", ErrorReason::kUnknownField},
      {R"({"steps": [{"name": "send", "type": "wait"}]})", "steps[0].type", ErrorReason::kBadField},
      {R"({"policy": {"blacklist": "x"}})", "policy.blacklist", ErrorReason::kUnknownField},
      {R"({"policy": {"caps": [{"max": 0, "days": 1}]}})", "policy.caps[0].max", ErrorReason::kBadField},
      {R"({"content": "text"})", "content", ErrorReason::kBadField},
  };
  for (const Case& c : cases) {
    Json j = Minimal();
    j.merge_patch(Json::parse(c.patch));
    if (j.contains("channel") && j["channel"].is_null()) j.erase("channel");
    auto r = Campaign::FromJson(j);
    ASSERT_FALSE(r.ok()) << c.patch;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << c.patch;
    EXPECT_EQ(r.status().reason(), c.reason) << c.patch << ": " << r.status().message();
    EXPECT_EQ(FieldOf(r.status()), c.field) << c.patch << ": " << r.status().message();
  }
}

}  // namespace
}  // namespace tagloop::outreach
