// RuleState (events/rule_state.h): each rule's semantics with hand-made
// events — out of order, ties, windows expiring as the clock moves, at_least,
// where, map, decimal scaling and rounding, business dates.
#include "events/rule_state.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "events/event_time.h"
#include "events/rule_state_testing.h"

namespace tagloop::events {
namespace {

using testing_events::Changes;
using testing_events::Ev;
using testing_events::MakeRule;
using testing_events::Ms;
using testing_events::PropertyValues;

constexpr int64_t kDay = 86'400'000;
constexpr int kShanghai = 480;

TagValueChange Text(uint32_t user, std::string text) { return {user, true, std::move(text), 0}; }
TagValueChange Number(uint32_t user, int64_t n) { return {user, true, "", n}; }
TagValueChange None(uint32_t user) { return {user, false, "", 0}; }

TEST(BusinessDateTest, UsesTheOffset) {
  const int64_t late_evening = Ms("2026-11-24T23:30:00+08:00");
  const int64_t after_midnight = Ms("2026-11-24T16:30:00Z");  // 00:30 on the 25th in Shanghai
  EXPECT_EQ(FormatDate(BusinessDateOf(late_evening, kShanghai)), "2026-11-24");
  EXPECT_EQ(FormatDate(BusinessDateOf(after_midnight, kShanghai)), "2026-11-25");
  EXPECT_EQ(FormatDate(BusinessDateOf(after_midnight, 0)), "2026-11-24");
  EXPECT_EQ(FormatDate(BusinessDateOf(Ms("1969-12-31T23:59:59.999Z"), 0)), "1969-12-31");
  const Days d = *ParseDate("2026-11-24");
  EXPECT_EQ(EndOfBusinessDateMillis(d, kShanghai), Ms("2026-11-24T23:59:59.999+08:00"));
  EXPECT_EQ(BusinessDateOf(EndOfBusinessDateMillis(d, kShanghai) + 1, kShanghai), d + 1);
}

TEST(RuleStateTest, LatestTypeWithMapOutOfOrderAndTies) {
  RuleState s(MakeRule(R"({"rule": "latest", "events": ["order_created", "order_paid", "car_returned"],
      "property": "$type", "map": {"order_created": "已下单", "order_paid": "已支付"}})",
                       "enum"),
              *TagType::Parse("enum"), kShanghai);
  std::vector<TagValueChange> c;
  s.Apply(1, Ev("order_created", 100), &c);
  s.Apply(1, Ev("order_paid", 200), &c);
  s.Apply(1, Ev("order_created", 150), &c);  // older: no change
  s.Apply(1, Ev("message_sent", 300), &c);   // not read
  s.Apply(2, Ev("car_returned", 50), &c);    // not in the map: kept as it is
  EXPECT_EQ(c, (Changes{Text(1, "已下单"), Text(1, "已支付"), Text(2, "car_returned")}));
  c.clear();
  s.Apply(1, Ev("order_paid", 250), &c);    // same value: no change
  s.Apply(1, Ev("car_returned", 250), &c);  // tie: applied later wins
  s.Apply(1, Ev("order_created", 250), &c);
  EXPECT_EQ(c, (Changes{Text(1, "car_returned"), Text(1, "已下单")}));
  EXPECT_EQ(s.ValueOf(1), Text(1, "已下单"));
  EXPECT_EQ(s.ValueOf(3), std::nullopt);
  EXPECT_EQ(s.users(), 2u);
  c.clear();
  s.AdvanceTo(1'000'000'000'000, &c);  // no window: time changes nothing
  EXPECT_TRUE(c.empty());
}

TEST(RuleStateTest, LatestPropertyScalesDecimalsHalfAwayFromZero) {
  RuleState s(MakeRule(R"({"rule": "latest", "events": ["order_paid"], "property": "amount"})", "decimal:2"),
              *TagType::Parse("decimal:2"), 0);
  std::vector<TagValueChange> c;
  const struct {
    PropertyValue amount;
    int64_t scaled;
  } cases[] = {{0.285, 29}, {-0.285, -29},        {1.005, 101},   {2.675, 268}, {0.125, 13},
               {0.124, 12}, {-0.125, -13},        {399.0, 39900}, {1e-9, 0},    {int64_t{7}, 700},
               {0.5e-2, 1}, {12345.675, 1234568}, {-0.004999, 0}};
  int64_t t = 0;
  for (const auto& k : cases) {
    c.clear();
    s.Apply(1, Ev("order_paid", ++t, {{"amount", k.amount}}), &c);
    EXPECT_EQ(s.ValueOf(1), Number(1, k.scaled))
        << std::visit([](auto v) { return fmt::format("{}", v); }, k.amount);
  }
  // Without the property, or with another kind of value, the event does not match.
  c.clear();
  s.Apply(1, Ev("order_paid", ++t), &c);
  s.Apply(1, Ev("order_paid", ++t, {{"amount", std::string("12")}}), &c);
  EXPECT_TRUE(c.empty());
}

TEST(RuleStateTest, LatestTimePropertyGivesBusinessDate) {
  RuleState s(MakeRule(R"({"rule": "latest", "events": ["trip_ended"], "property": "ended_at"})", "date"),
              *TagType::Parse("date"), kShanghai);
  std::vector<TagValueChange> c;
  s.Apply(7, Ev("trip_ended", 1, {{"ended_at", Ms("2026-11-24T16:30:00Z")}}), &c);
  EXPECT_EQ(c, (Changes{Number(7, *ParseDate("2026-11-25"))}));
}

TEST(RuleStateTest, FlagFollowsTheLatestStartOrEnd) {
  RuleState s(MakeRule(R"({"rule": "flag", "start": ["car_picked_up"], "end": ["car_returned",
      "order_cancelled"]})",
                       "bool"),
              *TagType::Parse("bool"), 0);
  std::vector<TagValueChange> c;
  s.Apply(1, Ev("car_returned", 100), &c);  // never started: no value
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(s.ValueOf(1), std::nullopt);
  s.Apply(1, Ev("car_picked_up", 50), &c);  // started, but ended later
  s.Apply(1, Ev("car_picked_up", 200), &c);
  s.Apply(1, Ev("car_picked_up", 300), &c);    // still true: no change
  s.Apply(1, Ev("order_cancelled", 250), &c);  // older than the latest start
  s.Apply(1, Ev("order_cancelled", 300), &c);  // tie: applied later wins
  s.Apply(1, Ev("car_picked_up", 300), &c);
  EXPECT_EQ(c, (Changes{Text(1, "false"), Text(1, "true"), Text(1, "false"), Text(1, "true")}));
  EXPECT_EQ(s.users(), 1u);
}

TEST(RuleStateTest, CountWindowSlidesWithTheClock) {
  RuleState s(MakeRule(R"({"rule": "count", "events": ["order_paid"], "window_days": 2})", "int"),
              *TagType::Parse("int"), 0);
  std::vector<TagValueChange> c;
  s.Apply(1, Ev("order_paid", 10 * kDay), &c);
  s.Apply(1, Ev("order_paid", 11 * kDay), &c);
  s.Apply(1, Ev("order_paid", 9 * kDay), &c);  // out of order, before any clock
  s.Apply(2, Ev("order_paid", 11 * kDay), &c);
  EXPECT_EQ(c, (Changes{Number(1, 1), Number(1, 2), Number(1, 3), Number(2, 1)}));
  c.clear();
  s.AdvanceTo(11 * kDay - 1, &c);  // (9d - 1ms, 11d - 1ms]: all still in
  EXPECT_TRUE(c.empty());
  s.AdvanceTo(11 * kDay, &c);  // the 9d event leaves exactly at 9d + 2d
  EXPECT_EQ(c, (Changes{Number(1, 2)}));
  c.clear();
  s.Apply(1, Ev("order_paid", 9 * kDay), &c);  // already out of the window: ignored
  EXPECT_EQ(s.ValueOf(1), Number(1, 2));
  s.Apply(1, Ev("order_paid", 9 * kDay + 1), &c);  // still in for 1 ms
  s.AdvanceTo(11 * kDay + 1, &c);
  s.Apply(3, Ev("order_paid", 20 * kDay), &c);  // later than now (clock skew): counts
  EXPECT_EQ(c, (Changes{Number(1, 3), Number(1, 2), Number(3, 1)}));
  c.clear();
  s.AdvanceTo(12 * kDay, &c);
  EXPECT_EQ(c, (Changes{Number(1, 1)}));
  c.clear();
  s.AdvanceTo(10 * kDay, &c);  // the clock never goes back
  EXPECT_EQ(s.now(), 12 * kDay);
  s.AdvanceTo(13 * kDay + 1, &c);  // both users' last events leave: no value, not 0
  std::sort(c.begin(), c.end(), [](const auto& a, const auto& b) { return a.user < b.user; });
  EXPECT_EQ(c, (Changes{None(1), None(2)}));
  EXPECT_EQ(s.ValueOf(1), std::nullopt);
  EXPECT_EQ(s.users(), 1u);  // user 3 only
  c.clear();
  s.AdvanceTo(22 * kDay, &c);
  EXPECT_EQ(c, (Changes{None(3)}));
  EXPECT_EQ(s.users(), 0u);
}

TEST(RuleStateTest, CountAtLeastIsTrueOrNothing) {
  RuleState s(MakeRule(R"({"rule": "count", "events": ["order_paid"], "window_days": 30, "at_least": 2,
      "where": {"city": ["上海", "北京"]}})",
                       "bool"),
              *TagType::Parse("bool"), 0);
  std::vector<TagValueChange> c;
  const auto city = [](const char* name) { return PropertyValues{{"city", std::string(name)}}; };
  s.Apply(1, Ev("order_paid", 1 * kDay, city("上海")), &c);
  s.Apply(1, Ev("order_paid", 2 * kDay, city("广州")), &c);  // where fails
  s.Apply(1, Ev("order_paid", 3 * kDay), &c);                // no city: where fails
  EXPECT_TRUE(c.empty());
  EXPECT_EQ(s.users(), 1u);
  s.Apply(1, Ev("order_paid", 4 * kDay, city("北京")), &c);
  s.Apply(1, Ev("order_paid", 5 * kDay, city("北京")), &c);  // still true
  EXPECT_EQ(c, (Changes{Text(1, "true")}));
  c.clear();
  s.AdvanceTo(31 * kDay, &c);  // the day-1 event leaves; two remain
  EXPECT_TRUE(c.empty());
  s.AdvanceTo(34 * kDay, &c);
  EXPECT_EQ(c, (Changes{None(1)}));
}

TEST(RuleStateTest, SumAvgMinMaxOverAWindow) {
  const char* kinds[] = {"sum", "avg", "min", "max"};
  // amounts 1.25 (day 1), 3.5 (day 2), -0.75 (day 3) at decimal:1 -> 13, 35, -8 (half away from zero)
  const int64_t expected[4][3] = {{13, 48, 40}, {13, 24, 13}, {13, 13, -8}, {13, 35, 35}};
  const int64_t after_expiry[4] = {27, 14, -8, 35};  // days 2 and 3 remain: min and max do not change
  for (int k = 0; k < 4; ++k) {
    SCOPED_TRACE(kinds[k]);
    RuleState s(MakeRule(fmt::format(R"({{"rule": "{}", "events": ["order_paid"], "property": "amount",
        "window_days": 2}})",
                                     kinds[k]),
                         "decimal:1"),
                *TagType::Parse("decimal:1"), 0);
    std::vector<TagValueChange> c;
    const double amounts[] = {1.25, 3.5, -0.75};
    for (int i = 0; i < 3; ++i) {
      s.Apply(1, Ev("order_paid", (i + 1) * kDay, {{"amount", amounts[i]}}), &c);
      EXPECT_EQ(s.ValueOf(1), Number(1, expected[k][i])) << i;
    }
    c.clear();
    s.AdvanceTo(3 * kDay, &c);
    EXPECT_EQ(s.ValueOf(1), Number(1, after_expiry[k]));
    EXPECT_EQ(c, after_expiry[k] == expected[k][2] ? Changes{} : Changes{Number(1, after_expiry[k])});
    c.clear();
    s.AdvanceTo(5 * kDay, &c);
    EXPECT_EQ(c, (Changes{None(1)}));
    EXPECT_EQ(s.users(), 0u);
  }
}

TEST(RuleStateTest, AvgRoundsHalfAwayFromZero) {
  RuleState s(MakeRule(R"({"rule": "avg", "events": ["order_paid"], "property": "rent_days"})", "int"),
              *TagType::Parse("int"), 0);
  std::vector<TagValueChange> c;
  s.Apply(1, Ev("order_paid", 1, {{"rent_days", int64_t{1}}}), &c);
  s.Apply(1, Ev("order_paid", 2, {{"rent_days", int64_t{2}}}), &c);  // 1.5 -> 2
  s.Apply(2, Ev("order_paid", 1, {{"rent_days", int64_t{-1}}}), &c);
  s.Apply(2, Ev("order_paid", 2, {{"rent_days", int64_t{-2}}}), &c);  // -1.5 -> -2
  s.Apply(3, Ev("order_paid", 1, {{"rent_days", int64_t{1}}}), &c);
  s.Apply(3, Ev("order_paid", 2, {{"rent_days", int64_t{1}}}), &c);
  s.Apply(3, Ev("order_paid", 3, {{"rent_days", int64_t{2}}}), &c);  // 1.33 -> 1
  EXPECT_EQ(s.ValueOf(1), Number(1, 2));
  EXPECT_EQ(s.ValueOf(2), Number(2, -2));
  EXPECT_EQ(s.ValueOf(3), Number(3, 1));
}

TEST(RuleStateTest, FirstAndLastTimeUseTheBusinessDate) {
  RuleState first(MakeRule(R"({"rule": "first_time", "events": ["order_paid"]})", "date"),
                  *TagType::Parse("date"), kShanghai);
  RuleState last(
      MakeRule(R"({"rule": "last_time", "events": ["order_paid"], "where": {"amount": {">": 0}}})", "date"),
      *TagType::Parse("date"), kShanghai);
  std::vector<TagValueChange> c1, c2;
  for (const char* t : {"2026-11-24T23:30:00+08:00", "2026-11-24T16:30:00Z", "2026-11-20T10:00:00+08:00",
                        "2026-11-24T16:45:00Z"}) {
    first.Apply(1, Ev("order_paid", Ms(t), {{"amount", 1.0}}), &c1);
    last.Apply(1, Ev("order_paid", Ms(t), {{"amount", 1.0}}), &c2);
  }
  last.Apply(1, Ev("order_paid", Ms("2026-12-01T00:00:00Z"), {{"amount", 0.0}}), &c2);  // where fails
  const Days d24 = *ParseDate("2026-11-24");
  EXPECT_EQ(c1, (Changes{Number(1, d24), Number(1, d24 - 4)}));
  EXPECT_EQ(c2, (Changes{Number(1, d24), Number(1, d24 + 1)}));  // 16:45Z is on the same date: no change
}

TEST(RuleStateTest, FromToCountsBusinessDatesInTheRange) {
  RuleState s(
      MakeRule(R"({"rule": "count", "events": ["order_paid"], "from": "2026-01-01", "to": "2026-01-31"})",
               "int", /*realtime=*/false),
      *TagType::Parse("int"), kShanghai);
  std::vector<TagValueChange> c;
  s.Apply(1, Ev("order_paid", Ms("2025-12-31T16:00:00Z")), &c);      // 2026-01-01 00:00 in Shanghai
  s.Apply(1, Ev("order_paid", Ms("2025-12-31T15:59:59.999Z")), &c);  // 2025-12-31
  s.Apply(1, Ev("order_paid", Ms("2026-01-31T23:59:00+08:00")), &c);
  s.Apply(1, Ev("order_paid", Ms("2026-01-31T16:00:00Z")), &c);  // 2026-02-01
  EXPECT_EQ(c, (Changes{Number(1, 1), Number(1, 2)}));
  c.clear();
  s.AdvanceTo(Ms("2027-01-01T00:00:00Z"), &c);  // no sliding window
  EXPECT_TRUE(c.empty());
}

TEST(RuleStateTest, ForEachValueAndMemory) {
  RuleState s(
      MakeRule(R"({"rule": "count", "events": ["order_paid"], "window_days": 1, "at_least": 2})", "bool"),
      *TagType::Parse("bool"), 0);
  std::vector<TagValueChange> c;
  for (uint32_t u = 0; u < 100; ++u) {
    for (uint32_t i = 0; i <= u % 3; ++i) s.Apply(u * 100'000, Ev("order_paid", i), &c);  // sparse users
  }
  size_t seen = 0;
  s.ForEachValue([&](uint32_t user, const TagValueChange& v) {
    ++seen;
    EXPECT_EQ(v, Text(user, "true"));
    EXPECT_NE(user / 100'000 % 3, 0u);
  });
  EXPECT_EQ(seen, 66u);
  EXPECT_EQ(s.users(), 100u);
  EXPECT_GT(s.memory_bytes(), 100 * 16u);
  EXPECT_LT(s.memory_bytes(), 4u << 20);  // 100 index pages of 16 KiB, not 10M ids x 4 bytes
}

}  // namespace
}  // namespace tagloop::events
