#include "catalog/run_history.h"

#include <gtest/gtest.h>

#include "testing/fake_wall_clock.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

constexpr int64_t kT0 = 1'790'000'000'000;
constexpr Days kDay = 20'700;  // 2026-09-04

class RunHistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto h = RunHistory::Open(tmp_.path(), &clock_);
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    runs_ = std::move(*h);
  }

  int64_t Enqueue(const std::string& tag, Days day = kDay, RunTrigger trigger = RunTrigger::kSchedule) {
    RunRecord r;
    r.tag = tag;
    r.biz_date = day;
    r.definition_version = 3;
    r.trigger = trigger;
    r.requested_by = "scheduler";
    Result<int64_t> id = runs_->Enqueue(r);
    EXPECT_TRUE(id.ok()) << id.status().ToString();
    return id.ok() ? *id : 0;
  }

  RunRecord Get(int64_t id) {
    Result<RunRecord> r = runs_->Get(id);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    return r.ok() ? *r : RunRecord{};
  }

  testing::TempDir tmp_;
  testing::FakeWallClock clock_{kT0};
  std::unique_ptr<RunHistory> runs_;
};

TEST_F(RunHistoryTest, ARunGoesQueuedRunningFinished) {
  const int64_t id = Enqueue("vip_level");
  RunRecord r = Get(id);
  EXPECT_EQ(r.id, id);
  EXPECT_EQ(r.tag, "vip_level");
  EXPECT_EQ(r.biz_date, kDay);
  EXPECT_EQ(r.definition_version, 3);
  EXPECT_EQ(r.trigger, RunTrigger::kSchedule);
  EXPECT_EQ(r.state, RunState::kQueued);
  EXPECT_EQ(r.attempt, 1);
  EXPECT_EQ(r.requested_by, "scheduler");
  EXPECT_EQ(r.queued_at_ms, kT0);
  EXPECT_FALSE(r.started_at_ms);
  EXPECT_FALSE(r.finished_at_ms);

  clock_.AdvanceMillis(1000);
  ASSERT_TRUE(runs_->MarkRunning(id, 2).ok());
  r = Get(id);
  EXPECT_EQ(r.state, RunState::kRunning);
  EXPECT_EQ(r.attempt, 2);
  EXPECT_EQ(r.started_at_ms, kT0 + 1000);

  clock_.AdvanceMillis(4000);
  ASSERT_TRUE(runs_->Finish(id, RunState::kSucceeded, 1200, 1000, "", "read 1200 rows\n").ok());
  r = Get(id);
  EXPECT_EQ(r.state, RunState::kSucceeded);
  EXPECT_EQ(r.started_at_ms, kT0 + 1000);
  EXPECT_EQ(r.finished_at_ms, kT0 + 5000);
  EXPECT_EQ(r.rows, 1200u);
  EXPECT_EQ(r.users, 1000u);
  EXPECT_EQ(r.error, "");
  EXPECT_EQ(r.log, "read 1200 rows\n");
}

TEST_F(RunHistoryTest, AFailedRunKeepsItsError) {
  const int64_t id = Enqueue("vip_level", kDay, RunTrigger::kManual);
  ASSERT_TRUE(runs_->MarkRunning(id, 1).ok());
  ASSERT_TRUE(runs_->Finish(id, RunState::kFailed, 0, 0, "source 'shop': no connection", "connecting\n").ok());
  RunRecord r = Get(id);
  EXPECT_EQ(r.state, RunState::kFailed);
  EXPECT_EQ(r.trigger, RunTrigger::kManual);
  EXPECT_EQ(r.error, "source 'shop': no connection");
}

TEST_F(RunHistoryTest, FinishingARunThatNeverStartedSetsItsStartToo) {
  const int64_t id = Enqueue("vip_level");
  clock_.AdvanceMillis(7);
  ASSERT_TRUE(runs_->Finish(id, RunState::kCancelled, 0, 0, "cancelled by bob", "").ok());
  RunRecord r = Get(id);
  EXPECT_EQ(r.state, RunState::kCancelled);
  EXPECT_EQ(r.started_at_ms, kT0 + 7);
  EXPECT_EQ(r.finished_at_ms, kT0 + 7);
}

TEST_F(RunHistoryTest, FinishNeedsAFinishedState) {
  const int64_t id = Enqueue("vip_level");
  for (RunState s : {RunState::kQueued, RunState::kRunning}) {
    Status st = runs_->Finish(id, s, 0, 0, "", "");
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  }
  EXPECT_EQ(runs_->Finish(id, RunState::kRunning, 0, 0, "", "").message(),
            "run " + std::to_string(id) + ": 'running' does not finish a run");
  EXPECT_EQ(Get(id).state, RunState::kQueued);
}

TEST_F(RunHistoryTest, UnknownRunsAreNotFound) {
  EXPECT_EQ(runs_->Get(42).status().code(), Status::Code::kNotFound);
  EXPECT_EQ(runs_->Get(42).status().message(), "no run 42");
  EXPECT_EQ(runs_->MarkRunning(42, 1).code(), Status::Code::kNotFound);
  EXPECT_EQ(runs_->Finish(42, RunState::kFailed, 0, 0, "", "").code(), Status::Code::kNotFound);
}

TEST_F(RunHistoryTest, ListIsNewestFirstPerTagAndLimited) {
  const int64_t a1 = Enqueue("a");
  const int64_t b1 = Enqueue("b");
  const int64_t a2 = Enqueue("a", kDay + 1);
  Result<std::vector<RunRecord>> all = runs_->List("", 10);
  ASSERT_TRUE(all.ok());
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[0].id, a2);
  EXPECT_EQ((*all)[1].id, b1);
  EXPECT_EQ((*all)[2].id, a1);
  Result<std::vector<RunRecord>> a = runs_->List("a", 10);
  ASSERT_EQ(a->size(), 2u);
  EXPECT_EQ((*a)[0].id, a2);
  EXPECT_EQ((*a)[0].biz_date, kDay + 1);
  EXPECT_EQ((*a)[1].id, a1);
  Result<std::vector<RunRecord>> limited = runs_->List("", 1);
  ASSERT_EQ(limited->size(), 1u);
  EXPECT_EQ((*limited)[0].id, a2);
  EXPECT_TRUE(runs_->List("c", 10)->empty());
}

TEST_F(RunHistoryTest, RecoverInterruptedFailsQueuedAndRunningRuns) {
  const int64_t done = Enqueue("a");
  ASSERT_TRUE(runs_->Finish(done, RunState::kSucceeded, 1, 1, "", "").ok());
  const int64_t queued = Enqueue("b");
  const int64_t running = Enqueue("c");
  ASSERT_TRUE(runs_->MarkRunning(running, 1).ok());
  clock_.AdvanceMillis(60'000);

  // A new process (the scheduler starting again) opens the same database.
  Result<std::unique_ptr<RunHistory>> restarted = RunHistory::Open(tmp_.path(), &clock_);
  ASSERT_TRUE(restarted.ok());
  Result<std::vector<RunRecord>> recovered = (*restarted)->RecoverInterrupted();
  ASSERT_TRUE(recovered.ok()) << recovered.status().ToString();
  ASSERT_EQ(recovered->size(), 2u);
  EXPECT_EQ((*recovered)[0].id, queued);
  EXPECT_EQ((*recovered)[0].state, RunState::kQueued);  // as it was
  EXPECT_EQ((*recovered)[0].tag, "b");
  EXPECT_EQ((*recovered)[1].id, running);
  EXPECT_EQ((*recovered)[1].state, RunState::kRunning);

  for (int64_t id : {queued, running}) {
    RunRecord r = Get(id);
    EXPECT_EQ(r.state, RunState::kFailed);
    EXPECT_EQ(r.error, "interrupted: the server stopped during the run");
    EXPECT_EQ(r.finished_at_ms, kT0 + 60'000);
  }
  EXPECT_EQ(Get(done).state, RunState::kSucceeded);
  EXPECT_TRUE((*restarted)->RecoverInterrupted()->empty());
}

TEST_F(RunHistoryTest, LastSuccessIsTheNewestSucceededRun) {
  EXPECT_FALSE(*runs_->LastSuccess("a"));
  const int64_t first = Enqueue("a");
  ASSERT_TRUE(runs_->Finish(first, RunState::kSucceeded, 1, 1, "", "").ok());
  const int64_t second = Enqueue("a", kDay + 1);
  ASSERT_TRUE(runs_->Finish(second, RunState::kSucceeded, 2, 2, "", "").ok());
  const int64_t failed = Enqueue("a", kDay + 2);
  ASSERT_TRUE(runs_->Finish(failed, RunState::kRejected, 3, 3, "coverage 0.01 < 0.1", "").ok());
  Result<std::optional<RunRecord>> last = runs_->LastSuccess("a");
  ASSERT_TRUE(last.ok());
  ASSERT_TRUE(last->has_value());
  EXPECT_EQ((*last)->id, second);
  EXPECT_EQ((*last)->rows, 2u);
  EXPECT_FALSE(*runs_->LastSuccess("b"));
}

TEST_F(RunHistoryTest, ALongLogKeepsItsEnd) {
  const int64_t id = Enqueue("a");
  std::string log(kMaxRunLogBytes, 'x');
  log += "\nerror: the query failed at the end\n";
  ASSERT_TRUE(runs_->Finish(id, RunState::kFailed, 0, 0, "failed", log).ok());
  const std::string stored = Get(id).log;
  EXPECT_EQ(stored.size(), kMaxRunLogBytes);
  EXPECT_EQ(stored, log.substr(log.size() - kMaxRunLogBytes));
  EXPECT_TRUE(stored.ends_with("error: the query failed at the end\n"));
}

TEST_F(RunHistoryTest, ALongLogIsCutAtACharacterBoundary) {
  const int64_t id = Enqueue("a");
  std::string log = "x";
  while (log.size() < kMaxRunLogBytes + 10) log += "失败";  // 3 bytes per character
  ASSERT_TRUE(runs_->Finish(id, RunState::kFailed, 0, 0, "failed", log).ok());
  const std::string stored = Get(id).log;
  ASSERT_FALSE(stored.empty());
  EXPECT_LE(stored.size(), kMaxRunLogBytes);
  EXPECT_GT(stored.size(), kMaxRunLogBytes - 3);
  EXPECT_NE(static_cast<unsigned char>(stored[0]) & 0xC0, 0x80) << "starts inside a character";
  EXPECT_EQ(stored.size() % 3, 0u);
  EXPECT_TRUE(log.ends_with(stored));
}

TEST_F(RunHistoryTest, AShortLogIsKeptWhole) {
  const int64_t id = Enqueue("a");
  const std::string log(kMaxRunLogBytes, 'y');
  ASSERT_TRUE(runs_->Finish(id, RunState::kSucceeded, 0, 0, "", log).ok());
  EXPECT_EQ(Get(id).log, log);
}

TEST_F(RunHistoryTest, QualityResultsNewestFirst) {
  const int64_t run = Enqueue("vip_level");
  std::vector<QualityRecord> checks = {
      {"coverage", true, 0.42, 0.1, "coverage 42% >= 10%"},
      {"psi", false, 0.31, 0.25, "PSI 0.31 > 0.25 (distribution shifted)"},
  };
  ASSERT_TRUE(runs_->RecordQuality(run, "vip_level", kDay, checks).ok());
  clock_.AdvanceMillis(10);
  ASSERT_TRUE(runs_->RecordQuality(run, "other", kDay, {{"coverage", true, 1, 0.1, "ok"}}).ok());

  Result<std::vector<QualityEntry>> q = runs_->Quality("vip_level", 10);
  ASSERT_TRUE(q.ok()) << q.status().ToString();
  ASSERT_EQ(q->size(), 2u);
  EXPECT_EQ((*q)[0].record.check, "psi");
  EXPECT_FALSE((*q)[0].record.passed);
  EXPECT_DOUBLE_EQ((*q)[0].record.observed, 0.31);
  EXPECT_DOUBLE_EQ((*q)[0].record.bound, 0.25);
  EXPECT_EQ((*q)[0].record.message, "PSI 0.31 > 0.25 (distribution shifted)");
  EXPECT_EQ((*q)[0].run_id, run);
  EXPECT_EQ((*q)[0].biz_date, kDay);
  EXPECT_EQ((*q)[0].at_ms, kT0);
  EXPECT_EQ((*q)[1].record.check, "coverage");
  EXPECT_TRUE((*q)[1].record.passed);
  EXPECT_EQ(runs_->Quality("vip_level", 1)->size(), 1u);
  EXPECT_EQ(runs_->Quality("other", 10)->size(), 1u);
  EXPECT_TRUE(runs_->Quality("none", 10)->empty());
  EXPECT_TRUE(runs_->RecordQuality(run, "vip_level", kDay, {}).ok());
}

TEST_F(RunHistoryTest, DataVersionOrigins) {
  // A CSV import: no definition version, no run; published now.
  ASSERT_TRUE(runs_->RecordDataVersion("vip_level", {kDay + 1, std::nullopt, std::nullopt, 0}).ok());
  const int64_t run = Enqueue("vip_level");
  ASSERT_TRUE(runs_->RecordDataVersion("vip_level", {kDay, 3, run, kT0 - 5}).ok());
  ASSERT_TRUE(runs_->RecordDataVersion("other", {kDay, 1, run, kT0}).ok());

  Result<std::vector<DataVersionOrigin>> v = runs_->DataVersions("vip_level");
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].biz_date, kDay);  // ascending by date
  EXPECT_EQ((*v)[0].definition_version, 3);
  EXPECT_EQ((*v)[0].run_id, run);
  EXPECT_EQ((*v)[0].published_at_ms, kT0 - 5);
  EXPECT_EQ((*v)[1].biz_date, kDay + 1);
  EXPECT_FALSE((*v)[1].definition_version);
  EXPECT_FALSE((*v)[1].run_id);
  EXPECT_EQ((*v)[1].published_at_ms, kT0);

  // Re-producing a date replaces its origin.
  ASSERT_TRUE(runs_->RecordDataVersion("vip_level", {kDay, 4, run + 1, kT0 + 1}).ok());
  v = runs_->DataVersions("vip_level");
  ASSERT_EQ(v->size(), 2u);
  EXPECT_EQ((*v)[0].definition_version, 4);
  EXPECT_EQ((*v)[0].run_id, run + 1);
  EXPECT_TRUE(runs_->DataVersions("none")->empty());
}

TEST(RunStateTest, Names) {
  for (RunState s : {RunState::kQueued, RunState::kRunning, RunState::kSucceeded, RunState::kFailed,
                     RunState::kRejected, RunState::kCancelled}) {
    Result<RunState> back = ParseRunState(RunStateName(s));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, s);
  }
  EXPECT_FALSE(ParseRunState("done").ok());
  EXPECT_FALSE(IsFinished(RunState::kQueued));
  EXPECT_FALSE(IsFinished(RunState::kRunning));
  EXPECT_TRUE(IsFinished(RunState::kRejected));
  EXPECT_STREQ(RunTriggerName(RunTrigger::kBackfill), "backfill");
  EXPECT_STREQ(RunTriggerName(RunTrigger::kPush), "push");
}

}  // namespace
}  // namespace tagloop
