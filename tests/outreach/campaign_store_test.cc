// The campaign store: lifecycle, refusals naming the state, versions,
// transitions, runs, concurrency and reopening.
#include "outreach/campaign_store.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "testing/fake_wall_clock.h"
#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

constexpr int64_t kNow = 1795478400000;  // 2026-11-24T00:00:00Z

Campaign Def(const std::string& name, std::optional<int64_t> at = std::nullopt) {
  Json j = {{"name", name}, {"audience", {{"expr", "is_vip"}}}, {"channel", "sms"}, {"theme", "renew"}};
  auto c = Campaign::FromJson(j);
  EXPECT_TRUE(c.ok());
  c->schedule_at_ms = at;
  return *c;
}

class CampaignStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto s = CampaignStore::Open(dir_.path(), &clock_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }
  std::string Draft(const std::string& name, std::optional<int64_t> at = std::nullopt) {
    auto r = store_->Create(Def(name, at), op_);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r->id;
  }
  testing::TempDir dir_;
  testing::FakeWallClock clock_{kNow};
  std::unique_ptr<CampaignStore> store_;
  Actor op_{"olivia", false}, admin_{"adam", true}, admin2_{"alice", true};
};

TEST_F(CampaignStoreTest, HappyPathToDone) {
  const std::string id = Draft("renew_nov");
  EXPECT_EQ(store_->Submit(id, op_)->state, CampaignState::kPendingApproval);
  auto approved = store_->Approve(id, admin_, "ok");
  ASSERT_TRUE(approved.ok()) << approved.status().ToString();
  EXPECT_EQ(approved->state, CampaignState::kRunning);  // no schedule: at once
  EXPECT_EQ(approved->approved_by, "adam");
  EXPECT_EQ(store_->Pause(id, op_)->state, CampaignState::kPaused);
  EXPECT_EQ(store_->Resume(id, op_)->state, CampaignState::kRunning);
  EXPECT_EQ(store_->Finish(id, admin_)->state, CampaignState::kDone);
  auto t = store_->Transitions(id);
  ASSERT_TRUE(t.ok());
  ASSERT_EQ(t->size(), 5u);
  EXPECT_EQ((*t)[0].action, "submit");
  EXPECT_EQ((*t)[0].who, "olivia");
  EXPECT_EQ((*t)[1].from, CampaignState::kPendingApproval);
  EXPECT_EQ((*t)[1].to, CampaignState::kRunning);
  EXPECT_EQ((*t)[1].comment, "ok");
  EXPECT_EQ((*t)[1].at_ms, kNow);
}

TEST_F(CampaignStoreTest, FutureScheduleIsScheduledThenStarted) {
  const std::string id = Draft("later", kNow + 3'600'000);
  ASSERT_TRUE(store_->Submit(id, op_).ok());
  EXPECT_EQ(store_->Approve(id, admin_)->state, CampaignState::kScheduled);
  EXPECT_EQ(store_->Pause(id, op_)->state, CampaignState::kPaused);
  EXPECT_EQ(store_->Resume(id, op_)->state, CampaignState::kScheduled);  // back where it was
  EXPECT_EQ(store_->Start(id, admin_)->state, CampaignState::kRunning);
}

TEST_F(CampaignStoreTest, Refusals) {
  const std::string id = Draft("renew_nov");
  // Approving a draft names the state.
  auto r = store_->Approve(id, admin_);
  EXPECT_EQ(r.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(r.status().reason(), ErrorReason::kBadTransition);
  EXPECT_NE(r.status().message().find("it is draft"), std::string::npos) << r.status().message();
  EXPECT_EQ(r.status().reason_args()[1], (std::pair<std::string, std::string>{"state", "draft"}));
  // Self-approval, even by an admin.
  ASSERT_TRUE(store_->Submit(id, admin_).ok());
  r = store_->Approve(id, admin_);
  EXPECT_EQ(r.status().code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(r.status().reason(), ErrorReason::kSelfApproval);
  EXPECT_NE(r.status().message().find("adam"), std::string::npos);
  // A non-admin.
  r = store_->Approve(id, op_);
  EXPECT_EQ(r.status().reason(), ErrorReason::kApproverNotAdmin);
  EXPECT_EQ(store_->Get(id)->state, CampaignState::kPendingApproval);
  // Reject needs a reason; then resubmit.
  EXPECT_EQ(store_->Reject(id, admin2_, " ").status().reason(), ErrorReason::kBadField);
  EXPECT_EQ(store_->Reject(id, admin2_, "too broad")->state, CampaignState::kRejected);
  EXPECT_EQ(store_->Transitions(id)->back().comment, "too broad");
  EXPECT_EQ(store_->Submit(id, op_)->state, CampaignState::kPendingApproval);
  ASSERT_TRUE(store_->Approve(id, admin2_).ok());
  ASSERT_TRUE(store_->Finish(id, admin2_).ok());
  // Resume of a done campaign.
  r = store_->Resume(id, op_);
  EXPECT_EQ(r.status().reason(), ErrorReason::kBadTransition);
  EXPECT_NE(r.status().message().find("it is done"), std::string::npos);
  EXPECT_EQ(store_->Cancel(id, op_).status().reason(), ErrorReason::kBadTransition);
  EXPECT_EQ(store_->Update(id, Def("renew_nov"), op_).status().reason(), ErrorReason::kBadTransition);
  EXPECT_EQ(store_->Get("c_missing").status().reason(), ErrorReason::kNotFound);
  EXPECT_EQ(store_->Create(Def("renew_nov"), op_).status().code(), Status::Code::kAlreadyExists);
}

TEST_F(CampaignStoreTest, EditingASubmittedCampaignReturnsItToDraft) {
  const std::string id = Draft("renew_nov");
  ASSERT_TRUE(store_->Submit(id, op_).ok());
  Campaign edited = Def("renew_nov");
  edited.title = "new title";
  auto r = store_->Update(id, edited, op_);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->state, CampaignState::kDraft);
  EXPECT_EQ(r->version, 2);
  EXPECT_TRUE(r->submitted_by.empty());
  auto versions = store_->Versions(id);
  ASSERT_EQ(versions->size(), 2u);
  EXPECT_EQ((*versions)[1].second.title, "new title");
  EXPECT_EQ(store_->Transitions(id)->back().action, "edit");
  Campaign renamed = Def("other");
  EXPECT_EQ(store_->Update(id, renamed, op_).status().reason(), ErrorReason::kBadField);
  // A cancel of a scheduled campaign.
  const std::string later = Draft("later", kNow + 3'600'000);
  ASSERT_TRUE(store_->Submit(later, op_).ok());
  ASSERT_TRUE(store_->Approve(later, admin_).ok());
  EXPECT_EQ(store_->Cancel(later, op_)->state, CampaignState::kCancelled);
}

TEST_F(CampaignStoreTest, ConcurrentApprovalsPassOnce) {
  const std::string id = Draft("renew_nov");
  ASSERT_TRUE(store_->Submit(id, op_).ok());
  std::atomic<int> ok{0}, refused{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&, i] {
      // Each thread its own store (connection), as separate processes would.
      auto s = CampaignStore::Open(dir_.path(), &clock_);
      ASSERT_TRUE(s.ok());
      auto r = (*s)->Approve(id, Actor{"admin" + std::to_string(i), true});
      (r.ok() ? ok : refused)++;
      if (!r.ok()) {
        EXPECT_EQ(r.status().reason(), ErrorReason::kBadTransition) << r.status().ToString();
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), 1);
  EXPECT_EQ(refused.load(), 3);
  EXPECT_EQ(store_->Transitions(id)->size(), 2u);
}

TEST_F(CampaignStoreTest, RunsThemesAndReopen) {
  const std::string a = Draft("a");
  const std::string b = Draft("b");
  for (const std::string& id : {a, b}) {
    ASSERT_TRUE(store_->Submit(id, op_).ok());
    ASSERT_TRUE(store_->Approve(id, admin_).ok());
  }
  EXPECT_EQ(store_->ActiveWithTheme("renew", a)->size(), 1u);
  EXPECT_EQ(store_->ActiveWithTheme("other")->size(), 0u);
  CampaignRun run;
  run.started_ms = kNow;
  run.policy_version = 3;
  run.funnel.audience = 10;
  run.funnel.control = 1;
  run.funnel.suppressed = {{"blacklist", 2}, {"frequency_cap", 3}};
  run.funnel.planned = 4;
  run.treatment_segment = "campaign_a_treatment";
  run.control_segment = "campaign_a_control";
  EXPECT_EQ(*store_->RecordRun(a, run), 0);
  EXPECT_EQ(*store_->RecordRun(a, run), 1);
  store_.reset();
  auto reopened = CampaignStore::Open(dir_.path(), &clock_);
  ASSERT_TRUE(reopened.ok());
  auto rec = (*reopened)->GetByName("a");
  ASSERT_TRUE(rec.ok());
  EXPECT_EQ(rec->state, CampaignState::kRunning);
  EXPECT_EQ(rec->ToJson()["segments"]["treatment"], "campaign_a_treatment");
  auto runs = (*reopened)->Runs(a);
  ASSERT_EQ(runs->size(), 2u);
  EXPECT_EQ((*runs)[1].funnel.ToJson(), run.funnel.ToJson());
  EXPECT_EQ((*runs)[0].policy_version, 3);
  EXPECT_EQ((*reopened)->List()->size(), 2u);
}

}  // namespace
}  // namespace tagloop::outreach
