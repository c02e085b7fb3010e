// The scheduler on a real store and catalog: queued jobs, waiting, retries,
// dependency re-runs, production on publish, backfill, recovery of
// interrupted runs, and the catalog view's hot updates.
#include "produce/scheduler.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <thread>

#include "produce/production_fixture.h"
#include "segment/segment.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using json = nlohmann::json;
using namespace std::chrono_literals;

class SchedulerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.create_if_missing = true;
    store_ = std::move(TagStore::Open(dir_.path(), options)).value();
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() + "/business.db").c_str(), &db), SQLITE_OK);
    std::string sql = "BEGIN; CREATE TABLE members (id TEXT, level TEXT);";
    for (int i = 0; i < 50; ++i) sql += fmt::format("INSERT INTO members VALUES ('m{}', '{}');", i, i < 20 ? "a" : "b");
    sql += "COMMIT;";
    ASSERT_EQ(sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(db);
    Open();
    ASSERT_TRUE(parts_->sources->Put(SourceSpec{"shop", "sqlite", "business.db", "", "", 100, 0, ""}, "t", false).ok());
  }

  void Open() {
    ProductionOptions p;
    p.workers = 2;
    p.run_schedules = false;
    p.poll_interval = 20ms;
    p.retry_backoff = 50ms;
    p.threads = 2;
    parts_ = std::move(testing::ProductionFixture::Open(store_.get(), p)).value();
    production_ = parts_->production.get();
  }

  void Define(const json& definition, bool publish) {
    Result<TagDefinition> def = TagDefinitionFromJson(definition);
    ASSERT_TRUE(def.ok()) << def.status().ToString();
    ASSERT_TRUE(parts_->catalog->Apply(*def, "test").ok());
    if (publish) {
      ASSERT_TRUE(parts_->catalog->SetStatus(def->name, TagStatus::kPublished, "t").ok());
    }
  }

  uint64_t Count(const std::string& expr, Days as_of) {
    SegmentQueryOptions options;
    options.as_of = as_of;
    Result<uint64_t> n = CountSegment(*store_->snapshot(), expr, options);
    return n.ok() ? *n : UINT64_MAX;
  }

  // Waits until `tag` has a version for `date` (runs triggered by the scheduler itself).
  bool WaitForVersion(const std::string& tag, Days date, std::chrono::milliseconds limit = 10s) {
    auto give_up = std::chrono::steady_clock::now() + limit;
    while (std::chrono::steady_clock::now() < give_up) {
      (void)store_->Refresh();
      const TagInfo* info = store_->snapshot()->FindTag(tag);
      if (info != nullptr) {
        for (const VersionInfo& v : info->versions) {
          if (v.date == date) return true;
        }
      }
      std::this_thread::sleep_for(10ms);
    }
    return false;
  }

  Days day_ = *ParseDate("2026-11-20");
  testing::TempDir dir_;
  std::unique_ptr<TagStore> store_;
  std::unique_ptr<testing::ProductionFixture> parts_;
  Production* production_ = nullptr;
};

const json kLevel = {{"name", "level"}, {"type", "enum"}, {"quality", {{"max_user_change", 10}, {"max_psi", 100}}},
                     {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id, level FROM members"}}}};

TEST_F(SchedulerTest, EnqueuedJobRunsAndWaitReturnsItsRecord) {
  ASSERT_TRUE(production_->Start().ok());
  Define(kLevel, false);
  Result<int64_t> id = production_->scheduler().Enqueue(JobRequest{"level", day_, std::nullopt, RunTrigger::kManual, "t"});
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Result<RunRecord> run = production_->scheduler().Wait(*id, 10s);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state, RunState::kSucceeded) << run->error;
  EXPECT_EQ(run->users, 50u);
  EXPECT_EQ(Count("level = 'a'", day_), 20u);
}

TEST_F(SchedulerTest, ImportAndExternalTagsHaveNoJob) {
  ASSERT_TRUE(production_->Start().ok());
  Define({{"name", "ext"}, {"type", "int"}, {"producer", {{"kind", "external"}}}}, true);
  Result<int64_t> id = production_->scheduler().Enqueue(JobRequest{"ext", day_, std::nullopt, RunTrigger::kManual, "t"});
  EXPECT_EQ(id.status().message(), "tag 'ext' has producer 'external': it has no job to run");
  EXPECT_EQ(production_->scheduler().Enqueue(JobRequest{"nope", day_, std::nullopt, RunTrigger::kManual, "t"}).status().code(), Status::Code::kNotFound);
}

TEST_F(SchedulerTest, FailedRunsAreRetriedWithBackoffThenGiveUp) {
  ASSERT_TRUE(production_->Start().ok());
  Define({{"name", "broken"}, {"type", "enum"},
          {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id, level FROM no_such_table"}}}},
         false);
  ASSERT_TRUE(production_->scheduler().Enqueue(JobRequest{"broken", day_, std::nullopt, RunTrigger::kManual, "t"}).ok());
  auto give_up = std::chrono::steady_clock::now() + 10s;
  std::vector<RunRecord> runs;
  while (std::chrono::steady_clock::now() < give_up) {
    runs = *parts_->runs->List("broken", 10);
    if (runs.size() == 3 && IsFinished(runs[0].state)) break;
    std::this_thread::sleep_for(20ms);
  }
  ASSERT_EQ(runs.size(), 3u);
  for (const RunRecord& r : runs) {
    EXPECT_EQ(r.state, RunState::kFailed);
    EXPECT_NE(r.error.find("no_such_table"), std::string::npos) << r.error;
  }
  EXPECT_EQ(runs[0].attempt, 3);  // newest first
  EXPECT_EQ(runs[2].attempt, 1);
  std::this_thread::sleep_for(300ms);
  EXPECT_EQ(parts_->runs->List("broken", 10)->size(), 3u);  // no fourth attempt
}

TEST_F(SchedulerTest, PublishingATagWithoutDataProducesItAndDependentsFollow) {
  ASSERT_TRUE(production_->Start().ok());
  Define(kLevel, false);
  Define({{"name", "is_a"}, {"type", "bool"}, {"producer", {{"kind", "composite"}, {"expression", "level = 'a'"}}}},
         false);
  // Drafts are not produced.
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(store_->snapshot()->FindTag("level"), nullptr);
  ASSERT_TRUE(parts_->catalog->SetStatus("level", TagStatus::kPublished, "t").ok());
  Days expected = production_->scheduler().BizDateFor(parts_->catalog->Get("level")->definition,
                                                      std::time(nullptr));
  ASSERT_TRUE(WaitForVersion("level", expected));
  // The composite reads level: published now, it is produced at once too,
  // and re-produced when level gets a new version.
  ASSERT_TRUE(production_->scheduler().RefreshNow().ok());
  ASSERT_TRUE(parts_->catalog->SetStatus("is_a", TagStatus::kPublished, "t").ok());
  ASSERT_TRUE(WaitForVersion("is_a", expected));
  EXPECT_EQ(Count("is_a = true", expected), 20u);
  Result<int64_t> run = production_->scheduler().Enqueue(JobRequest{"level", day_, std::nullopt, RunTrigger::kManual, "t"});
  ASSERT_TRUE(run.ok());
  ASSERT_EQ(production_->scheduler().Wait(*run, 10s)->state, RunState::kSucceeded);
  ASSERT_TRUE(WaitForVersion("is_a", day_));
  auto runs = *parts_->runs->List("is_a", 10);
  ASSERT_FALSE(runs.empty());
  EXPECT_EQ(runs[0].trigger, RunTrigger::kDependency);
  EXPECT_EQ(runs[0].requested_by, "dependency:level");
}

TEST_F(SchedulerTest, BackfillProducesEveryDateWithTheDefinitionValidThen) {
  ASSERT_TRUE(production_->Start().ok());
  Define(kLevel, false);
  Result<std::vector<int64_t>> ids = production_->scheduler().Backfill(
      JobRequest{"level", 0, std::nullopt, RunTrigger::kBackfill, "t"}, day_ - 4, day_);
  ASSERT_TRUE(ids.ok()) << ids.status().ToString();
  ASSERT_EQ(ids->size(), 5u);
  for (int64_t id : *ids) EXPECT_EQ(production_->scheduler().Wait(id, 10s)->state, RunState::kSucceeded);
  ASSERT_TRUE(store_->Refresh().ok());
  EXPECT_EQ(store_->snapshot()->FindTag("level")->versions.size(), 5u);
  EXPECT_EQ(production_->scheduler().Backfill(JobRequest{"level", 0, std::nullopt, RunTrigger::kBackfill, "t"}, day_, day_ - 1).status().code(),
            Status::Code::kInvalidArgument);
}

TEST_F(SchedulerTest, RunsInterruptedByAStopAreRequeuedAtTheNextStart) {
  Define(kLevel, false);
  // A run recorded as queued by a process that died before running it.
  RunRecord orphan;
  orphan.tag = "level";
  orphan.biz_date = day_;
  orphan.definition_version = 1;
  orphan.trigger = RunTrigger::kManual;
  ASSERT_TRUE(parts_->runs->Enqueue(orphan).ok());
  ASSERT_TRUE(production_->Start().ok());
  ASSERT_TRUE(WaitForVersion("level", day_));
  auto runs = *parts_->runs->List("level", 10);
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[1].state, RunState::kFailed);
  EXPECT_NE(runs[1].error.find("interrupted"), std::string::npos);
}

TEST_F(SchedulerTest, CatalogViewFollowsChangesFromAnotherConnection) {
  ASSERT_TRUE(production_->Start().ok());
  Define(kLevel, false);
  auto other = std::move(TagCatalog::Open(dir_.path())).value();  // another process, say the CLI
  ASSERT_TRUE(other->SetStatus("level", TagStatus::kPublished, "cli").ok());
  auto give_up = std::chrono::steady_clock::now() + 5s;
  while (production_->scheduler().view()->StatusOf("level") != TagStatus::kPublished &&
         std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(5ms);
  }
  EXPECT_EQ(production_->scheduler().view()->StatusOf("level"), TagStatus::kPublished);
  ASSERT_TRUE(other->SetStatus("level", TagStatus::kOffline, "cli").ok());
  ASSERT_TRUE(production_->scheduler().RefreshNow().ok());
  EXPECT_EQ(production_->scheduler().view()->StatusOf("level"), TagStatus::kOffline);
  EXPECT_EQ(production_->scheduler().view()->StatusOf("not_in_catalog"), TagStatus::kPublished);
}

TEST_F(SchedulerTest, CancelStopsAQueuedJob) {
  Define(kLevel, false);
  // Not started: the job stays queued.
  ASSERT_TRUE(production_->scheduler().RefreshNow().ok());
  Result<int64_t> id = production_->scheduler().Enqueue(JobRequest{"level", day_, std::nullopt, RunTrigger::kManual, "t"});
  ASSERT_TRUE(id.ok());
  ASSERT_TRUE(production_->scheduler().Cancel(*id).ok());
  EXPECT_EQ(parts_->runs->Get(*id)->state, RunState::kCancelled);
  EXPECT_EQ(production_->scheduler().Cancel(*id).code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace tagloop
