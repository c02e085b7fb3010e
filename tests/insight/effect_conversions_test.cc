// Conversions within the goal window after each user's exposure, read from a
// real event log, and the contract's effect answer built from them.
#include "insight/effect/conversions.h"

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace tagloop::effect {
namespace {

constexpr int64_t kT0 = 1'795'000'000'000;  // 2026-11-18, the run's start
constexpr int64_t kHour = 3'600'000, kDay = 24 * kHour;

events::Event Paid(const std::string& id, const std::string& user, int64_t time_ms, double amount) {
  events::Event e;
  e.event_id = id;
  e.type = "order_paid";
  e.user_id = user;
  e.time_ms = time_ms;
  e.properties = {{"amount", amount}};
  return e;
}

class EffectConversionsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 0; i < 100; ++i) dictionary_.Intern("u" + std::to_string(i));
    auto log = events::EventLog::Open(tmp_.path());
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(log).value();
    events::Event created = Paid("c4", "u4", kT0 + kHour, 10);
    created.type = "order_created";
    std::vector<events::Event> events = {
        Paid("e1", "u1", kT0 + kHour, 100),      // treatment, in the window
        Paid("e1b", "u1", kT0 + 2 * kHour, 20),  // a second order: value 120
        Paid("e2", "u2", kT0 - kHour, 500),      // before the exposure
        Paid("e3", "u3", kT0 + 8 * kDay, 500),   // after the 7-day window
        Paid("e5a", "u5", kT0 + kDay, 500),      // before u5's own send (T0 + 2 days)
        Paid("e5b", "u5", kT0 + 3 * kDay, 50),   // within u5's window
        Paid("e61", "u61", kT0 + 2 * kDay, 30),  // control, in the window
        Paid("ez", "zz", kT0 + kHour, 10),       // unknown user
        created,                                 // another type
    };
    ASSERT_TRUE(log_->Append(events).ok());
  }

  std::vector<Arm> Arms() const {
    std::vector<Arm> arms(2);
    arms[0].name = "treatment";
    arms[0].users = Bitmap::Range(0, 60);
    arms[0].default_exposure_ms = kT0;
    arms[0].exposure_ms[5] = kT0 + 2 * kDay;
    arms[1].name = "control";
    arms[1].users = Bitmap::Range(60, 100);
    arms[1].default_exposure_ms = kT0;
    return arms;
  }

  tagloop::testing::TempDir tmp_;
  UserDictionary dictionary_;
  std::unique_ptr<events::EventLog> log_;
};

TEST_F(EffectConversionsTest, CountsGoalEventsWithinEachUsersWindow) {
  const Goal goal{"order_paid", 7, "amount"};
  Result<std::vector<ArmOutcome>> r = MeasureConversions(*log_, dictionary_, goal, Arms());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  const ArmOutcome& t = (*r)[0];
  const ArmOutcome& c = (*r)[1];
  EXPECT_EQ(t.users, 60u);
  EXPECT_EQ(t.converted, 2u);
  EXPECT_EQ(t.converters.ToVector(), (std::vector<uint32_t>{1, 5}));
  EXPECT_DOUBLE_EQ(t.value_sum, 170);
  EXPECT_DOUBLE_EQ(t.value_sum_squares, 120.0 * 120 + 50.0 * 50);
  EXPECT_EQ(c.users, 40u);
  EXPECT_EQ(c.converted, 1u);
  EXPECT_DOUBLE_EQ(c.value_sum, 30);
}

TEST_F(EffectConversionsTest, AShorterWindowDropsLateConversions) {
  Result<std::vector<ArmOutcome>> r = MeasureConversions(*log_, dictionary_, {"order_paid", 1, ""}, Arms());
  ASSERT_TRUE(r.ok());
  // u1 after an hour; u5's order comes exactly a day after its send and the
  // window is half-open [send, send + 1 day).
  EXPECT_EQ((*r)[0].converted, 1u);
  EXPECT_EQ((*r)[1].converted, 0u);  // u61 after two days
  EXPECT_EQ((*r)[0].value_sum, 0);   // no value property asked for
}

TEST_F(EffectConversionsTest, BadGoalsAreRefusedByField) {
  Result<std::vector<ArmOutcome>> r = MeasureConversions(*log_, dictionary_, {"order_paid", 0, ""}, Arms());
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("goal.window_days"), std::string::npos);
  EXPECT_FALSE(MeasureConversions(*log_, dictionary_, {"", 7, ""}, Arms()).ok());
}

TEST(EffectJsonTest, TheContractsShape) {
  ArmOutcome t{"treatment", 9000, 900, {}, 0, 0}, c{"control", 1000, 70, {}, 0, 0};
  const nlohmann::json j = EffectJson({"order_paid", 7, ""}, t, c, 0.1);
  EXPECT_EQ(j["goal"]["event"], "order_paid");
  EXPECT_EQ(j["goal"]["window_days"], 7);
  EXPECT_EQ(j["treatment"]["users"], 9000);
  EXPECT_DOUBLE_EQ(j["treatment"]["rate"].get<double>(), 0.1);
  EXPECT_DOUBLE_EQ(j["control"]["rate"].get<double>(), 0.07);
  const nlohmann::json& u = j["uplift"];
  EXPECT_NEAR(u["absolute"].get<double>(), 0.03, 1e-12);
  EXPECT_NEAR(u["relative"].get<double>(), 0.03 / 0.07, 1e-12);
  ASSERT_EQ(u["absolute_ci95"].size(), 2u);
  EXPECT_LT(u["absolute_ci95"][0].get<double>(), 0.03);
  EXPECT_GT(u["absolute_ci95"][1].get<double>(), 0.03);
  ASSERT_EQ(u["relative_ci95"].size(), 2u);
  EXPECT_LT(u["p_value"].get<double>(), 0.01);
  EXPECT_NEAR(u["incremental_conversions"].get<double>(), 270, 1e-9);
  EXPECT_DOUBLE_EQ(j["srm_p_value"].get<double>(), 1.0);  // exactly 90/10
  EXPECT_FALSE(j["health"]["srm"].get<bool>());
}

TEST(EffectJsonTest, NoControlMeansNoUplift) {
  ArmOutcome t{"treatment", 1000, 100, {}, 0, 0}, c{"control", 0, 0, {}, 0, 0};
  const nlohmann::json j = EffectJson({"order_paid", 7, ""}, t, c, 0);
  EXPECT_TRUE(j["uplift"].is_null());
  EXPECT_FALSE(j["uplift_error"].get<std::string>().empty());
  EXPECT_TRUE(j["health"]["small_sample"].get<bool>());
}

TEST(EffectJsonTest, ASplitFarFromTheShareIsFlagged) {
  ArmOutcome t{"treatment", 8000, 800, {}, 0, 0}, c{"control", 2000, 150, {}, 0, 0};
  const nlohmann::json j = EffectJson({"order_paid", 7, ""}, t, c, 0.1);
  EXPECT_LT(j["srm_p_value"].get<double>(), 1e-6);
  EXPECT_TRUE(j["health"]["srm"].get<bool>());
}

}  // namespace
}  // namespace tagloop::effect
