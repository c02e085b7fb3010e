// Journey definitions (outreach/journey.h) and the durable group state
// (outreach/journey_state.h): parsing with errors naming the step, the graph
// checks, replay, torn tails, compaction, occurrences and the user index.
#include "outreach/journey.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>

#include "outreach/campaign.h"
#include "outreach/journey_state.h"
#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

Json RescueJourney() {
  return Json::parse(R"({
    "name": "cancel_rescue", "title": "取消挽回",
    "entry": {"event": "order_cancelled", "where": {"city": "上海"}},
    "reentry": {"mode": "after", "days": 30},
    "goal": {"event": "order_paid", "window_days": 7},
    "control": {"share": 0.1},
    "steps": [
      {"name": "coupon", "type": "send", "channel": "coupon_main", "content": {"t": "{{user_id}}"}, "next": "wait_pay"},
      {"name": "wait_pay", "type": "wait_event", "event": "order_paid", "timeout": "2d", "next": "end", "timeout_next": "vip"},
      {"name": "vip", "type": "branch", "condition": "is_vip", "yes": "ab", "no": "sms"},
      {"name": "ab", "type": "split", "paths": [{"name": "a", "share": 0.45, "next": "sms"},
                                                {"name": "b", "share": 0.45, "next": "later"},
                                                {"name": "hold", "share": 0.1, "control": true}]},
      {"name": "later", "type": "wait", "until": "09:30", "next": "sms"},
      {"name": "sms", "type": "send", "channel": "sms_main", "next": "end"},
      {"name": "end", "type": "exit"}]})");
}

// The error of FromJson for `j`, or "" when it parses.
std::string ErrorOf(const Json& j) {
  Result<Campaign> c = Campaign::FromJson(j);
  return c.ok() ? "" : c.status().message();
}

TEST(JourneyTest, ParsesAndWritesBackTheSameDefinition) {
  Result<Campaign> c = Campaign::FromJson(RescueJourney());
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  ASSERT_TRUE(c->IsJourney());
  const Journey& j = *c->journey;
  EXPECT_EQ(j.entry.kind, JourneyEntry::Kind::kEvent);
  EXPECT_EQ(j.entry.event.type, "order_cancelled");
  EXPECT_EQ(j.reentry, ReentryMode::kAfter);
  EXPECT_EQ(j.reentry_days, 30);
  EXPECT_TRUE(j.exit_on_goal);  // a goal makes it the default
  EXPECT_EQ(j.start, "coupon");
  EXPECT_EQ(c->audience.expr, "ALL");  // an event entry needs no audience
  EXPECT_EQ(j.Find("wait_pay")->timeout_ms, 2 * 86'400'000);
  EXPECT_EQ(*j.Find("later")->until_minute, 9 * 60 + 30);
  EXPECT_EQ(c->Channels(), (std::vector<std::string>{"coupon_main", "sms_main"}));
  EXPECT_EQ(j.EventTypes(), (std::vector<std::string>{"order_cancelled", "order_paid"}));
  Result<Campaign> again = Campaign::FromJson(c->ToJson());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ(again->ToJson(), c->ToJson());
}

TEST(JourneyTest, BadStepsAreRefusedNamingTheField) {
  struct Case {
    std::string patch;  // a JSON merge patch of steps[i] or the top
    std::string want;   // in the message
  };
  Json j = RescueJourney();
  auto with = [&](const std::function<void(Json&)>& edit) {
    Json copy = j;
    edit(copy);
    return ErrorOf(copy);
  };
  EXPECT_NE(with([](Json& x) { x["steps"][1]["timeout_next"] = "nowhere"; }).find("steps[1].timeout_next: no step 'nowhere'"),
            std::string::npos);
  EXPECT_NE(with([](Json& x) { x["steps"][3]["paths"][0]["share"] = 0.5; }).find("steps[3].paths: the shares sum to 1.05"),
            std::string::npos);
  EXPECT_NE(with([](Json& x) { x["steps"][4]["until"] = "25:00"; }).find("steps[4].until"), std::string::npos);
  EXPECT_NE(with([](Json& x) { x["steps"][1]["timeout"] = "40d"; }).find("steps[1].timeout: '40d' is outside 1s to 31d"),
            std::string::npos);
  EXPECT_NE(with([](Json& x) { x["steps"][0]["type"] = "fax"; }).find("steps[0].type: unknown step type 'fax'"),
            std::string::npos);
  EXPECT_NE(with([](Json& x) { x["steps"][0]["condition"] = "x"; }).find("steps[0]"), std::string::npos);
  EXPECT_NE(with([](Json& x) { x["steps"][6]["name"] = "control"; }).find("'control' is reserved"), std::string::npos);
  EXPECT_NE(with([](Json& x) { x["start"] = "sms"; }).find("is not reachable from 'sms'"), std::string::npos);
  EXPECT_NE(with([](Json& x) { x["channel"] = "sms_main"; }).find("channel: a journey's channel"), std::string::npos);
  EXPECT_NE(with([](Json& x) { x["entry"] = Json::object(); }).find("entry: has either schedule"), std::string::npos);
  EXPECT_NE(with([](Json& x) { x["reentry"] = {{"mode", "after"}}; }).find("reentry.days is required"),
            std::string::npos);
  // A loop through a branch and a send with no wait: a user would go round at once.
  EXPECT_NE(with([](Json& x) { x["steps"][5]["next"] = "vip"; }).find("closes a loop that passes no wait"),
            std::string::npos);
  // The same loop through a wait is fine (a weekly reminder).
  EXPECT_EQ(with([](Json& x) { x["steps"][5]["next"] = "later"; }), "");
  // Campaigns refuse journey keys.
  Json campaign = {{"name", "c"}, {"audience", {{"expr", "ALL"}}}, {"channel", "x"}, {"reentry", {{"mode", "once"}}}};
  EXPECT_NE(ErrorOf(campaign).find("reentry: only a journey"), std::string::npos);
}

TEST(JourneyTest, Durations) {
  EXPECT_EQ(*ParseDuration("90s", "d", 0, INT64_MAX), 90'000);
  EXPECT_EQ(*ParseDuration("36h", "d", 0, INT64_MAX), 36 * 3'600'000);
  EXPECT_FALSE(ParseDuration("3 d", "d", 0, INT64_MAX).ok());
  EXPECT_FALSE(ParseDuration("d", "d", 0, INT64_MAX).ok());
  EXPECT_FALSE(ParseDuration(3, "d", 0, INT64_MAX).ok());
  EXPECT_EQ(FormatDuration(2 * 86'400'000), "2d");
  EXPECT_EQ(FormatDuration(90'000), "90s");
  EXPECT_EQ(FormatDuration(30 * 60'000), "30m");
}

Bitmap Users(std::initializer_list<uint32_t> ids) { return Bitmap::Of(std::vector<uint32_t>(ids)); }

TEST(JourneyStateTest, EntersMovesLeavesAndReplays) {
  testing::TempDir tmp;
  const std::string path = tmp.Sub("j/journey.state");
  const GroupPlace wait{1, "wait", 0, 5000};
  uint32_t g1 = 0;
  {
    auto s = JourneyState::Open(path);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    JourneyState& st = **s;
    g1 = st.Enter(Users({1, 2, 3, 4}), GroupPlace{1, "send", 0, 0}, 1000, false);
    st.HoldOut(Users({9}), 0, 1000);
    st.NoteTriggers({77}, 1000);
    ASSERT_TRUE(st.Commit().ok());
    const uint32_t g2 = st.Move(g1, Users({1, 2, 3}), wait, 2000, true, {{"sent", 3}, {"suppressed", 1}});
    st.Leave(g1, Users({4}), "completed", 2000);
    // Users arriving later at the same timer join the group.
    EXPECT_EQ(st.Enter(Users({5}), wait, 2500, true), g2);
    st.Leave(g2, Users({2}), "converted", 3000);
    ASSERT_TRUE(st.Commit().ok());
    EXPECT_FALSE(st.Group(g1).has_value());  // emptied groups go
    EXPECT_EQ(st.InsideCount(), 3u);
  }
  auto s = JourneyState::Open(path);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  JourneyState& st = **s;
  EXPECT_EQ(st.InsideCount(), 3u);
  EXPECT_EQ(st.Inside().ToVector(), (std::vector<uint32_t>{1, 3, 5}));
  ASSERT_TRUE(st.GroupOf(5).has_value());
  EXPECT_FALSE(st.GroupOf(2).has_value());
  EXPECT_EQ(st.DueGroups(4999).size(), 0u);
  ASSERT_EQ(st.DueGroups(5000).size(), 1u);
  EXPECT_EQ(st.NextWakeMs(), 5000);
  EXPECT_TRUE(st.SeenTrigger(77));
  EXPECT_EQ(st.HeldOut().ToVector(), std::vector<uint32_t>{9});
  EXPECT_EQ(st.Reached("wait").ToVector(), (std::vector<uint32_t>{1, 2, 3, 5}));
  auto tallies = st.Tallies();
  EXPECT_EQ(tallies["send"].entered, 4u);
  EXPECT_EQ(tallies["send"].sent, 3u);
  EXPECT_EQ(tallies["send"].suppressed, 1u);
  EXPECT_EQ(tallies["send"].exit_reasons["completed"], 1u);
  EXPECT_EQ(tallies["wait"].converted, 1u);
  EXPECT_EQ(st.EnteredTotal(), 6u);  // 4 + 1 held out + 1 later
  EXPECT_EQ(st.Occurrences(1), 1u);
  EXPECT_EQ(st.Occurrences(7), 0u);
}

TEST(JourneyStateTest, OccurrencesCountEveryEntry) {
  testing::TempDir tmp;
  auto s = JourneyState::Open(tmp.Sub("journey.state"));
  ASSERT_TRUE(s.ok());
  JourneyState& st = **s;
  for (int round = 0; round < 3; ++round) {
    const uint32_t g = st.Enter(round == 2 ? Users({1}) : Users({1, 2}), GroupPlace{1, "a", static_cast<uint32_t>(round), 0},
                                86'400'000LL * round, false);
    st.Leave(g, Users({1, 2}), "completed", 86'400'000LL * round);
  }
  ASSERT_TRUE(st.Commit().ok());
  EXPECT_EQ(st.Occurrences(1), 3u);
  EXPECT_EQ(st.Occurrences(2), 2u);
  auto by = st.ByOccurrence(Users({1, 2, 3}));
  EXPECT_EQ(by[3].ToVector(), std::vector<uint32_t>{1});
  EXPECT_EQ(by[2].ToVector(), std::vector<uint32_t>{2});
  EXPECT_EQ(by[0].ToVector(), std::vector<uint32_t>{3});
  EXPECT_EQ(st.EnteredSince(86'400'000LL * 2).ToVector(), std::vector<uint32_t>{1});
  EXPECT_EQ(st.EnteredSince(86'400'000LL).ToVector(), (std::vector<uint32_t>{1, 2}));
}

TEST(JourneyStateTest, ATornTailIsCutAndCompactionKeepsEverything) {
  testing::TempDir tmp;
  const std::string path = tmp.Sub("journey.state");
  std::mt19937 rng(7);
  std::map<uint32_t, uint32_t> want;  // user -> group, as a plain map
  {
    auto s = JourneyState::Open(path);
    ASSERT_TRUE(s.ok());
    JourneyState& st = **s;
    std::vector<uint32_t> groups;
    for (int i = 0; i < 300; ++i) {
      Bitmap users;
      for (int k = 0; k < 50; ++k) {
        const uint32_t u = rng() % 100'000;
        if (!st.GroupOf(u)) users.Add(u);
      }
      const uint32_t g = st.Enter(users, GroupPlace{1, "w", 0, 1000 + i % 7}, i, true);
      for (uint32_t u : users.ToVector()) want[u] = g;
      if (i % 3 == 0 && !want.empty()) {
        // Move a few users of a random group elsewhere, drop a few.
        auto it = want.begin();
        std::advance(it, rng() % want.size());
        const uint32_t from = it->second;
        std::optional<JourneyGroup> grp = st.Group(from);
        ASSERT_TRUE(grp.has_value());
        std::vector<uint32_t> members = grp->members.ToVector();
        Bitmap some = Bitmap::Of(std::vector<uint32_t>(members.begin(), members.begin() + members.size() / 2));
        const uint32_t to = st.Move(from, some, GroupPlace{1, "x", 0, 9000}, i, true);
        for (uint32_t u : some.ToVector()) want[u] = to;
        Bitmap rest = Bitmap::Of(std::vector<uint32_t>(members.begin() + members.size() / 2, members.end()));
        st.Leave(from, rest, "completed", i);
        for (uint32_t u : rest.ToVector()) want.erase(u);
      }
      ASSERT_TRUE(st.Commit().ok());
    }
    for (const auto& [u, g] : want) ASSERT_EQ(st.GroupOf(u), std::optional<uint32_t>(g)) << u;
    ASSERT_TRUE(st.Compact().ok());
    // A record after the compaction, then a torn one.
    const uint32_t last = st.Enter(Users({500'000}), GroupPlace{1, "w", 0, 1}, 1, false);
    want[500'000] = last;
    ASSERT_TRUE(st.Commit().ok());
  }
  const uint64_t size = std::filesystem::file_size(path);
  {
    std::ofstream out(path, std::ios::app | std::ios::binary);
    out << std::string("\x40\x00\x00\x00garbage", 11);
  }
  auto s = JourneyState::Open(path);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->cut_bytes(), 11u);
  EXPECT_EQ(std::filesystem::file_size(path), size);
  EXPECT_EQ((*s)->InsideCount(), want.size());
  for (const auto& [u, g] : want) ASSERT_EQ((*s)->GroupOf(u), std::optional<uint32_t>(g)) << u;
  // A read-only open replays without touching the file.
  JourneyStateOptions ro;
  ro.read_only = true;
  auto r = JourneyState::Open(path, ro);
  ASSERT_TRUE(r.ok());
  EXPECT_EQ((*r)->InsideCount(), want.size());
  EXPECT_FALSE(JourneyState::Open(tmp.Sub("none.state"), ro).ok());
}

}  // namespace
}  // namespace tagloop::outreach
