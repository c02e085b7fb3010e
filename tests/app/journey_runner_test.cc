// Journeys end to end in one process (app/journey_runner.h): a workspace
// with the real-time engine and the runner on a fake clock, events ingested
// the way POST /events does, and a real webhook gateway (demo/gateway) as a
// child process. Days of waiting pass in milliseconds.
#include "app/journey_runner.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <thread>

#include <fmt/format.h>

#include "app/workspace.h"
#include "outreach/message_id.h"
#include "outreach/receiver_process.h"
#include "testing/fake_wall_clock.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using nlohmann::json;
using outreach::Actor;
using outreach::CampaignRecord;

constexpr int kUsers = 200;
constexpr int64_t kDayMs = 86'400'000;
// 2026-11-20 09:00:00 +08:00.
constexpr int64_t kStart = 1'795'568'400'000;

class JourneyRunnerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.Sub("data");
    std::filesystem::create_directories(data_);
    std::ofstream csv(tmp_.Sub("members.csv"));
    csv << "user_id,is_vip\n";
    for (int i = 0; i < kUsers; ++i) csv << "u" << i << ',' << (i % 2 == 0 ? "true" : "false") << '\n';
    csv.close();
    testing::RunResult r = testing::RunProgram({TAGLOOP_BINARY, "import", "--data", data_, "--csv",
                                                tmp_.Sub("members.csv"), "--id-column", "user_id", "--types",
                                                "is_vip:bool", "--version", "2026-11-01"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    rx_ = std::make_unique<testing::ReceiverProcess>(tmp_.Sub(""), std::vector<std::string>{"--secret", "k"});
    ASSERT_NE(rx_->port(), 0);
    Open();
    outreach::ChannelSpec hook;
    hook.name = "hook";
    hook.kind = "webhook";
    hook.settings = {{"url", rx_->url("/hook")}};
    hook.secrets["secret"] = "k";
    ASSERT_TRUE(ws_->outreach().channels().Put(hook, "test").ok());
  }

  void TearDown() override { Close(); }

  void Open() {
    WorkspaceOptions o;
    o.production.run_schedules = false;
    o.production.run_realtime = true;
    o.production.realtime_tick = std::chrono::milliseconds(10);
    o.production.clock = &clock_;
    o.sync_event_log = false;
    o.run_outreach = true;
    o.outreach.clock = &clock_;
    o.outreach.tick_ms = 20;
    o.outreach.dispatch.backoff_base_ms = 10;
    auto w = Workspace::Open(data_, o);
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ws_ = std::move(*w);
    ASSERT_TRUE(ws_->Start().ok());
  }
  void Close() {
    if (ws_) ws_->Stop();
    ws_.reset();
  }

  // Creates, submits and approves a journey; returns its id.
  std::string Launch(const json& definition) {
    Result<outreach::Campaign> c = outreach::Campaign::FromJson(definition);
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    SegmentQueryOptions q;
    q.segments = &ws_->segments();
    Status checked = ws_->outreach().CheckCampaign(*c, q);
    EXPECT_TRUE(checked.ok()) << checked.ToString();
    Result<CampaignRecord> r = ws_->outreach().campaigns().Create(*c, Actor{"li", false});
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_TRUE(ws_->outreach().Move(r->id, "submit", Actor{"li", false}, "").ok());
    Result<CampaignRecord> approved = ws_->outreach().Approve(r->id, Actor{"boss", true}, "");
    EXPECT_TRUE(approved.ok()) << approved.status().ToString();
    WaitFor([&] { return View(r->id).active; });
    return r->id;
  }

  // Events through the log and the real-time engine, as POST /events does.
  void Ingest(const std::string& type, const std::vector<int>& users, const std::string& tag) {
    std::vector<events::Event> batch;
    for (int u : users) {
      events::Event e;
      e.event_id = fmt::format("{}-{}-{}", type, tag, u);
      e.type = type;
      e.user_id = fmt::format("u{}", u);
      e.time_ms = clock_.NowUnixMillis();
      if (type == "order_paid") e.properties = {{"amount", 99.0}, {"order_id", fmt::format("o{}", u)}};
      if (type == "order_cancelled") e.properties = {{"order_id", fmt::format("o{}", u)}};
      if (type == "message_clicked") e.properties = {{"campaign_id", std::string("c")}};
      batch.push_back(std::move(e));
    }
    RealtimeEngine* engine = ws_->production().realtime();
    ASSERT_NE(engine, nullptr);
    std::shared_lock<std::shared_mutex> lock = engine->IngestLock();
    Result<events::AppendResult> appended = ws_->event_log()->Append(batch);
    ASSERT_TRUE(appended.ok()) << appended.status().ToString();
    std::vector<events::Event> fresh;
    for (uint32_t i : appended->new_indexes) fresh.push_back(batch[i]);
    const uint64_t ticket = engine->Submit(std::move(fresh), appended->first_sequence);
    lock.unlock();
    ASSERT_TRUE(engine->WaitVisible(ticket, std::chrono::seconds(10)));
  }

  JourneyView View(const std::string& id) {
    Result<CampaignRecord> r = ws_->outreach().campaigns().Get(id);
    EXPECT_TRUE(r.ok());
    Result<JourneyView> v = ws_->outreach().journeys().View(*r);
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    return v.ok() ? *v : JourneyView{};
  }
  static const JourneyStepView& Step(const JourneyView& v, const std::string& name) {
    for (const JourneyStepView& s : v.steps) {
      if (s.name == name) return s;
    }
    static JourneyStepView none;
    ADD_FAILURE() << "no step " << name;
    return none;
  }

  template <typename Pred>
  void WaitFor(Pred done, int max_ms = 10'000) {
    for (int i = 0; i < max_ms / 5 && !done(); ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ASSERT_TRUE(done());
  }
  // Moves the fake clock and lets the runner see it.
  void Advance(int64_t ms) {
    clock_.AdvanceMillis(ms);
    ws_->outreach().journeys().Wake();
  }

  // Webhook requests by step: user ids (a user sent twice appears twice).
  std::map<std::string, std::vector<std::string>> Received() {
    std::map<std::string, std::vector<std::string>> out;
    for (const testing::ReceivedRequest& r : rx_->Requests()) {
      json body = json::parse(r.body, nullptr, false);
      if (body.is_discarded()) continue;
      out[body["step"].get<std::string>()].push_back(body["user_id"].get<std::string>());
      EXPECT_EQ(body["message_id"], outreach::MessageId(body["campaign_id"].get<std::string>(),
                                                        body["step"].get<std::string>(),
                                                        body["user_id"].get<std::string>(), 0));
    }
    return out;
  }
  size_t ReceivedCount() { return rx_->Requests().size(); }

  json RescueJourney() {
    return json::parse(R"({
      "name": "rescue", "title": "挽回",
      "entry": {"event": "order_cancelled"},
      "goal": {"event": "order_paid", "window_days": 7},
      "steps": [
        {"name": "coupon", "type": "send", "channel": "hook", "content": {"text": "coupon {{user_id}}"}, "next": "wait_click"},
        {"name": "wait_click", "type": "wait_event", "event": "message_clicked", "timeout": "2d",
         "next": "vip", "timeout_next": "remind"},
        {"name": "vip", "type": "branch", "condition": "is_vip", "yes": "thanks", "no": "end"},
        {"name": "thanks", "type": "send", "channel": "hook", "content": {"text": "thanks"}, "next": "end"},
        {"name": "remind", "type": "send", "channel": "hook", "content": {"text": "remind"}, "next": "pause"},
        {"name": "pause", "type": "wait", "duration": "1d", "next": "end"},
        {"name": "end", "type": "exit"}]})");
  }

  testing::TempDir tmp_;
  testing::FakeWallClock clock_{kStart};
  std::string data_;
  std::unique_ptr<testing::ReceiverProcess> rx_;
  std::unique_ptr<Workspace> ws_;
};

TEST_F(JourneyRunnerTest, EventEntryWaitsForClicksBranchesTimesOutAndLeavesOnTheGoal) {
  const std::string id = Launch(RescueJourney());
  Ingest("order_cancelled", {0, 1, 2, 3, 4, 5, 6, 7, 8, 9}, "a");
  WaitFor([&] { return ReceivedCount() >= 10; });
  WaitFor([&] { return Step(View(id), "wait_click").inside == 10; });
  // Clicks: u0 and u2 are VIPs (thanks), u1 and u3 are not (end); u4 pays (the goal).
  Ingest("message_clicked", {0, 1, 2, 3}, "a");
  Ingest("order_paid", {4}, "a");
  WaitFor([&] { return ReceivedCount() >= 12; });
  WaitFor([&] { return View(id).inside == 5; });
  // Two days later the other five time out to the reminder, then wait a day and leave.
  Advance(2 * kDayMs + 60'000);
  WaitFor([&] { return ReceivedCount() >= 17; });
  WaitFor([&] { return Step(View(id), "pause").inside == 5; });
  Advance(kDayMs + 60'000);
  WaitFor([&] { return View(id).inside == 0; });

  std::map<std::string, std::vector<std::string>> got = Received();
  EXPECT_EQ(got["coupon"].size(), 10u);
  EXPECT_EQ(std::set<std::string>(got["thanks"].begin(), got["thanks"].end()), (std::set<std::string>{"u0", "u2"}));
  EXPECT_EQ(std::set<std::string>(got["remind"].begin(), got["remind"].end()),
            (std::set<std::string>{"u5", "u6", "u7", "u8", "u9"}));
  EXPECT_EQ(ReceivedCount(), 17u);  // nobody twice
  const JourneyView v = View(id);
  EXPECT_EQ(v.entered, 10u);
  EXPECT_EQ(v.converted, 1u);
  EXPECT_EQ(v.completed, 9u);
  EXPECT_EQ(Step(v, "coupon").sent, 10u);
  EXPECT_EQ(Step(v, "wait_click").entered, 10u);
  EXPECT_EQ(Step(v, "wait_click").converted, 1u);
  EXPECT_EQ(Step(v, "vip").entered, 4u);  // passed through: counted, nobody stays
  EXPECT_EQ(Step(v, "vip").inside, 0u);
  EXPECT_EQ(Step(v, "end").entered, 9u);
  EXPECT_EQ(Step(v, "end").exit_reasons.at("completed"), 9u);
  EXPECT_EQ(Step(v, "thanks").sent, 2u);
  EXPECT_EQ(Step(v, "remind").sent, 5u);
  // The same event again enters nobody (the user entered once, the default).
  Ingest("order_cancelled", {0, 1}, "b");
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  EXPECT_EQ(View(id).entered, 10u);
  // Every step's population is a segment, live for the journey's branches.
  Result<std::optional<FrozenMembers>> thanks = ws_->outreach().journeys().MembersOf("campaign_rescue_thanks", 0, true);
  ASSERT_TRUE(thanks.ok() && thanks->has_value());
  EXPECT_EQ((*thanks)->members->cardinality(), 2u);
}

TEST_F(JourneyRunnerTest, AGatewaysClickReceiptMovesTheUserOn) {
  const std::string id = Launch(RescueJourney());
  Ingest("order_cancelled", {30, 31}, "a");
  WaitFor([&] { return Step(View(id), "wait_click").inside == 2; });
  // The gateway reports a click on u30's coupon message by its id (journey
  // messages are found through the journey's ledger); an unknown id is listed back.
  outreach::Receipt click{outreach::MessageId(id, "coupon", "u30", 0), outreach::ReceiptKind::kClicked, 0, ""};
  outreach::Receipt stray{outreach::MessageId(id, "coupon", "u99", 0), outreach::ReceiptKind::kClicked, 0, ""};
  Result<ReceiptsRecorded> r = ws_->outreach().RecordReceipts("hook", {click, stray});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->recorded, 1u);
  EXPECT_EQ(r->unknown, std::vector<std::string>{stray.message_id});
  WaitFor([&] { return ReceivedCount() >= 3; });  // u30 is a VIP: thanks
  EXPECT_EQ(Received()["thanks"], std::vector<std::string>{"u30"});
  EXPECT_EQ(Step(View(id), "wait_click").inside, 1u);
}

TEST_F(JourneyRunnerTest, ARestartLosesNoWaitAndSendsNothingTwice) {
  const std::string id = Launch(RescueJourney());
  Ingest("order_cancelled", {10, 11, 12, 13}, "a");
  WaitFor([&] { return ReceivedCount() >= 4; });
  WaitFor([&] { return Step(View(id), "wait_click").inside == 4; });
  Close();
  // While the server is down: u10 clicks (logged, never seen by the runner), and
  // two days pass.
  {
    auto log = events::EventLog::Open(data_, {Env::Default(), 480, false});
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    events::Event e;
    e.event_id = "click-10";
    e.type = "message_clicked";
    e.user_id = "u10";
    e.time_ms = clock_.NowUnixMillis() + 1000;
    e.properties = {{"campaign_id", std::string("c")}};
    ASSERT_TRUE((*log)->Append(std::vector<events::Event>{e}).ok());
  }
  clock_.AdvanceMillis(2 * kDayMs + 60'000);
  Open();
  // u10 clicked (VIP: thanks); u11..u13 time out to the reminder; nobody gets the coupon again.
  WaitFor([&] { return ReceivedCount() >= 8; });
  WaitFor([&] { return Step(View(id), "pause").inside == 3; });
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  std::map<std::string, std::vector<std::string>> got = Received();
  EXPECT_EQ(got["coupon"].size(), 4u);
  EXPECT_EQ(got["thanks"], std::vector<std::string>{"u10"});
  EXPECT_EQ(got["remind"].size(), 3u);
  EXPECT_EQ(ReceivedCount(), 8u);
}

TEST_F(JourneyRunnerTest, AScheduledEntryTakesTheAudienceOncePerRunWithAControlGroup) {
  json j = json::parse(R"({
    "name": "weekly", "entry": {"schedule": "0 10 * * *"}, "audience": {"expr": "is_vip"},
    "control": {"share": 0.2},
    "steps": [{"name": "hello", "type": "send", "channel": "hook", "content": {"text": "hi"}, "next": "end"},
              {"name": "end", "type": "exit"}]})");
  const std::string id = Launch(j);
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_EQ(ReceivedCount(), 0u);  // 09:00: not yet
  Advance(3'600'000 + 1000);       // 10:00:01
  WaitFor([&] { return View(id).entered == 100; });
  const JourneyView v = View(id);
  EXPECT_GT(v.control, 5u);
  EXPECT_LT(v.control, 40u);
  WaitFor([&] { return ReceivedCount() == 100 - v.control; });
  WaitFor([&] { return View(id).inside == 0; });
  Result<std::vector<outreach::CampaignRun>> runs = ws_->outreach().campaigns().Runs(id);
  ASSERT_TRUE(runs.ok());
  ASSERT_EQ(runs->size(), 1u);
  EXPECT_EQ((*runs)[0].funnel.audience, 100u);
  EXPECT_EQ((*runs)[0].funnel.planned + (*runs)[0].funnel.control, 100u);
  // The next day's run finds everyone entered already ("once"; the control too).
  Advance(kDayMs);
  WaitFor([&] {
    Result<std::vector<outreach::CampaignRun>> r = ws_->outreach().campaigns().Runs(id);
    return r.ok() && r->size() == 2;
  });
  runs = ws_->outreach().campaigns().Runs(id);
  EXPECT_EQ((*runs)[1].funnel.planned, 0u);
  EXPECT_EQ((*runs)[1].funnel.Suppressed("reentry"), 100u);
  EXPECT_EQ(ReceivedCount(), 100 - v.control);
}

TEST_F(JourneyRunnerTest, TestRunTracesOneUserWithSimulatedTime) {
  const std::string id = Launch(RescueJourney());
  Result<CampaignRecord> r = ws_->outreach().campaigns().Get(id);
  ASSERT_TRUE(r.ok());
  Result<json> t = ws_->outreach().journeys().TestRun(*r, "u2", {{"message_clicked", 3'600'000, json::object()}},
                                                      30 * kDayMs);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  std::vector<std::string> steps;
  for (const json& x : (*t)["trace"]) steps.push_back(x["step"]);
  EXPECT_EQ(steps, (std::vector<std::string>{"coupon", "coupon", "wait_click", "vip", "thanks", "end"})) << t->dump();
  EXPECT_EQ((*t)["outcome"], "completed");
  // Without a click: the reminder two days later.
  t = ws_->outreach().journeys().TestRun(*r, "u3", {}, 30 * kDayMs);
  ASSERT_TRUE(t.ok());
  EXPECT_NE(t->dump().find("timed out to remind"), std::string::npos) << t->dump();
  // Paying first ends it.
  t = ws_->outreach().journeys().TestRun(*r, "u3", {{"order_paid", 60'000, {{"amount", 1.0}, {"order_id", "x"}}}},
                                         30 * kDayMs);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ((*t)["outcome"], "converted") << t->dump();
  EXPECT_EQ(ReceivedCount(), 0u);  // a test run sends nothing
  EXPECT_FALSE(ws_->outreach().journeys().TestRun(*r, "nobody", {}, kDayMs).ok());
}

TEST_F(JourneyRunnerTest, EditingARunningJourneyKeepsUsersOnTheirVersionUntilMigrated) {
  const std::string id = Launch(RescueJourney());
  Ingest("order_cancelled", {20, 21}, "a");
  WaitFor([&] { return Step(View(id), "wait_click").inside == 2; });
  json v2 = RescueJourney();
  v2["steps"][1]["timeout"] = "3d";
  Result<outreach::Campaign> c = outreach::Campaign::FromJson(v2);
  ASSERT_TRUE(c.ok());
  // Operators may not change a running journey; admins may.
  EXPECT_EQ(ws_->outreach().campaigns().Update(id, *c, Actor{"li", false}).status().code(),
            Status::Code::kPermissionDenied);
  Result<CampaignRecord> updated = ws_->outreach().campaigns().Update(id, *c, Actor{"boss", true});
  ASSERT_TRUE(updated.ok()) << updated.status().ToString();
  EXPECT_EQ(updated->state, outreach::CampaignState::kRunning);
  ws_->outreach().journeys().Wake();
  WaitFor([&] { return View(id).version == 2; });
  Result<JourneyMigration> dry = ws_->outreach().journeys().Migrate(*updated, 1, true);
  ASSERT_TRUE(dry.ok()) << dry.status().ToString();
  EXPECT_EQ(dry->moves["wait_click"], 2u);
  EXPECT_EQ(View(id).inside_by_version[1], 2u);
  Result<JourneyMigration> real = ws_->outreach().journeys().Migrate(*updated, 1, false);
  ASSERT_TRUE(real.ok());
  EXPECT_EQ(real->moved, 2u);
  EXPECT_EQ(View(id).inside_by_version[2], 2u);
  // The stuck-users view says who waits where and why.
  int64_t next = 0;
  Result<std::vector<JourneyUserRow>> rows = ws_->outreach().journeys().Users(*updated, "wait_click", 10, -1, &next);
  ASSERT_TRUE(rows.ok());
  ASSERT_EQ(rows->size(), 2u);
  EXPECT_EQ((*rows)[0].user_id, "u20");
  EXPECT_NE((*rows)[0].why.find("waiting for 'message_clicked'"), std::string::npos) << (*rows)[0].why;
}

}  // namespace
}  // namespace tagloop
