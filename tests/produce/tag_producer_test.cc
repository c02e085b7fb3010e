// TagProducer end to end on a real store, a real catalog database and a
// real SQLite business database: sql, list, composite and external tags,
// quality gates, repair, provenance and the run history.
#include "produce/tag_producer.h"

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <sqlite3.h>

#include <mutex>

#include "produce/list_file.h"
#include "segment/segment.h"
#include "testing/fake_wall_clock.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using json = nlohmann::json;

class CollectingAlerts final : public AlertSink {
 public:
  void Send(const Alert& alert) override {
    std::lock_guard lock(mu_);
    alerts.push_back(alert);
  }
  std::vector<Alert> alerts;

 private:
  std::mutex mu_;
};

// Runs SQL on DIR/business.db (the embedded business database).
void BusinessSql(const std::string& dir, const std::string& sql) {
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open((dir + "/business.db").c_str(), &db), SQLITE_OK);
  char* error = nullptr;
  int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &error);
  std::string message = error ? error : "";
  sqlite3_free(error);
  sqlite3_close(db);
  ASSERT_EQ(rc, SQLITE_OK) << message;
}

class TagProducerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.create_if_missing = true;
    store_ = std::move(TagStore::Open(dir_.path(), options)).value();
    catalog_ = std::move(TagCatalog::Open(dir_.path())).value();
    runs_ = std::move(RunHistory::Open(dir_.path())).value();
    sources_ = std::move(SourceRegistry::Open(dir_.path())).value();
    ProducerOptions p;
    p.threads = 2;
    p.alerts = &alerts_;
    p.lock_wait = std::chrono::seconds(5);
    producer_ = std::make_unique<TagProducer>(store_.get(), catalog_.get(), runs_.get(), sources_.get(), nullptr, p);
    SourceSpec shop{"shop", "sqlite", "business.db", "", "", 1000, 0, ""};
    ASSERT_TRUE(sources_->Put(shop, "test", false).ok());
    // 100 members u000..u099; orders per day for the first 60.
    std::string sql =
        "BEGIN; CREATE TABLE members (id TEXT, level TEXT, vip INTEGER);"
        "CREATE TABLE orders (user_id TEXT, day TEXT, amount REAL);";
    for (int i = 0; i < 100; ++i) {
      sql += fmt::format("INSERT INTO members VALUES ('u{:03}', '{}', {});", i, i % 3 == 0 ? "gold" : "silver",
                         i % 2);
      if (i < 60) sql += fmt::format("INSERT INTO orders VALUES ('u{:03}', '2026-11-20', {}.50);", i, i);
      if (i < 30) sql += fmt::format("INSERT INTO orders VALUES ('u{:03}', '2026-11-21', {});", i, i * 2);
    }
    BusinessSql(dir_.path(), sql + "COMMIT;");
  }

  void Define(const json& definition, bool publish = true) {
    Result<TagDefinition> def = TagDefinitionFromJson(definition);
    ASSERT_TRUE(def.ok()) << def.status().ToString();
    ASSERT_TRUE(catalog_->Apply(*def, "test").ok());
    if (publish) {
      ASSERT_TRUE(catalog_->SetStatus(def->name, TagStatus::kPublished, "test").ok());
    }
  }

  ProduceResult Produce(const std::string& tag, const char* date, RunTrigger trigger = RunTrigger::kManual,
                        std::optional<int64_t> definition_version = std::nullopt) {
    ProduceRequest r;
    r.definition_version = definition_version;
    r.tag = tag;
    r.biz_date = *ParseDate(date);
    r.trigger = trigger;
    r.requested_by = "test";
    Result<ProduceResult> result = producer_->Produce(r);
    EXPECT_TRUE(result.ok()) << result.status().ToString();
    return result.ok() ? *result : ProduceResult{};
  }

  uint64_t Count(const std::string& expr, const char* as_of) {
    SegmentQueryOptions options;
    options.as_of = *ParseDate(as_of);
    Result<uint64_t> n = CountSegment(*store_->snapshot(), expr, options);
    EXPECT_TRUE(n.ok()) << n.status().ToString();
    return n.ok() ? *n : 0;
  }

  std::vector<std::string> ValuesOf(const std::string& tag, const std::string& user, const char* as_of) {
    auto snap = store_->snapshot();
    auto dict = snap->dictionary();
    auto dense = (*dict)->Find(user);
    if (!dense) return {};
    auto version = snap->VersionAsOf(tag, *ParseDate(as_of));
    if (!version.ok() || !*version) return {};
    return (*version)->ValuesOf(*dense);
  }

  testing::TempDir dir_;
  std::unique_ptr<TagStore> store_;
  std::unique_ptr<TagCatalog> catalog_;
  std::unique_ptr<RunHistory> runs_;
  std::unique_ptr<SourceRegistry> sources_;
  CollectingAlerts alerts_;
  std::unique_ptr<TagProducer> producer_;
};

TEST_F(TagProducerTest, SqlTagFromSqlitePublishesAVersionWithProvenance) {
  Define({{"name", "level"}, {"type", "enum"},
          {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id, level FROM members"}}}});
  ProduceResult r = Produce("level", "2026-11-20");
  ASSERT_EQ(r.state, RunState::kSucceeded) << r.error.ToString();
  EXPECT_EQ(r.rows, 100u);
  EXPECT_EQ(r.users, 100u);
  EXPECT_GT(r.generation, 0u);
  EXPECT_EQ(Count("level = 'gold'", "2026-11-20"), 34u);
  EXPECT_EQ(ValuesOf("level", "u003", "2026-11-20"), std::vector<std::string>{"gold"});

  Result<RunRecord> run = runs_->Get(r.run_id);
  ASSERT_TRUE(run.ok());
  EXPECT_EQ(run->state, RunState::kSucceeded);
  EXPECT_EQ(run->rows, 100u);
  EXPECT_EQ(run->definition_version, 1);
  EXPECT_NE(run->log.find("published 100 users"), std::string::npos) << run->log;
  auto origins = runs_->DataVersions("level");
  ASSERT_TRUE(origins.ok());
  ASSERT_EQ(origins->size(), 1u);
  EXPECT_EQ((*origins)[0].biz_date, *ParseDate("2026-11-20"));
  EXPECT_EQ((*origins)[0].definition_version, 1);
  EXPECT_EQ((*origins)[0].run_id, r.run_id);
}

TEST_F(TagProducerTest, BizDateTemplateSelectsEachDatesRows) {
  Define({{"name", "spend"}, {"type", "decimal:2"},
          {"quality", {{"max_user_change", 1.0}, {"max_psi", 100}}},
          {"producer",
           {{"kind", "sql"}, {"source", "shop"},
            {"query", "SELECT user_id, amount FROM orders WHERE day = '{{biz_date}}'"}}}});
  ASSERT_EQ(Produce("spend", "2026-11-20").state, RunState::kSucceeded);
  ASSERT_EQ(Produce("spend", "2026-11-21").state, RunState::kSucceeded);
  EXPECT_EQ(Count("spend >= 0", "2026-11-20"), 60u);
  EXPECT_EQ(Count("spend >= 0", "2026-11-21"), 30u);
  EXPECT_EQ(ValuesOf("spend", "u007", "2026-11-20"), std::vector<std::string>{"7.50"});
  EXPECT_EQ(ValuesOf("spend", "u007", "2026-11-21"), std::vector<std::string>{"14.00"});
}

TEST_F(TagProducerTest, BoolTagFromAOneColumnQuery) {
  Define({{"name", "vip"}, {"type", "bool"},
          {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id FROM members WHERE vip = 1"}}}});
  ASSERT_EQ(Produce("vip", "2026-11-20").state, RunState::kSucceeded);
  EXPECT_EQ(Count("vip = true", "2026-11-20"), 50u);
}

TEST_F(TagProducerTest, TwoValuesForOneUserFailTheRunNamingBothRows) {
  Define({{"name", "last_day"}, {"type", "enum"},
          {"producer", {{"kind", "sql"}, {"source", "shop"},
                        {"query", "SELECT user_id, day FROM orders ORDER BY user_id, day"}}}});
  ProduceResult r = Produce("last_day", "2026-11-21");
  EXPECT_EQ(r.state, RunState::kFailed);
  EXPECT_EQ(r.error.message(),
            "user 'u000' has two values: '2026-11-20' (row 1) and '2026-11-21' (row 2); a tag of type enum holds one "
            "value per user");
  EXPECT_EQ(store_->snapshot()->FindTag("last_day"), nullptr);  // nothing published
  auto run = runs_->Get(r.run_id);
  EXPECT_EQ(run->state, RunState::kFailed);
  EXPECT_NE(run->error.find("has two values"), std::string::npos);
}

TEST_F(TagProducerTest, BadValueAndMissingSourceFailWithClearErrors) {
  Define({{"name", "age"}, {"type", "int"},
          {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id, level FROM members"}}}});
  ProduceResult r = Produce("age", "2026-11-20");
  EXPECT_EQ(r.state, RunState::kFailed);
  EXPECT_NE(r.error.message().find("row 1 (user 'u000')"), std::string::npos) << r.error.ToString();
  Define({{"name", "age2"}, {"type", "int"},
          {"producer", {{"kind", "sql"}, {"source", "nope"}, {"query", "SELECT 1, 2"}}}});
  r = Produce("age2", "2026-11-20");
  EXPECT_EQ(r.state, RunState::kFailed);
  EXPECT_EQ(r.error.message(), "no source named 'nope'");
}

TEST_F(TagProducerTest, FailingQualityCheckKeepsThePreviousVersionAndAlerts) {
  Define({{"name", "buyer"}, {"type", "bool"},
          {"producer", {{"kind", "sql"}, {"source", "shop"},
                        {"query", "SELECT user_id FROM orders WHERE day = '{{biz_date}}'"}}}});
  ASSERT_EQ(Produce("buyer", "2026-11-20").state, RunState::kSucceeded);  // 60 users
  ProduceResult r = Produce("buyer", "2026-11-21");                        // 30 users: -50% is allowed
  ASSERT_EQ(r.state, RunState::kSucceeded) << r.error.ToString();
  BusinessSql(dir_.path(), "DELETE FROM orders WHERE day = '2026-11-21' AND user_id > 'u004'");
  r = Produce("buyer", "2026-11-22");  // nothing on the 22nd: empty
  EXPECT_EQ(r.state, RunState::kRejected);
  r = Produce("buyer", "2026-11-21", RunTrigger::kRepair);  // 5 users vs 60 before: -92%
  EXPECT_EQ(r.state, RunState::kRejected);
  EXPECT_NE(r.error.message().find("quality check failed"), std::string::npos) << r.error.ToString();
  EXPECT_EQ(Count("buyer = true", "2026-11-21"), 30u);  // still the old version
  ASSERT_EQ(alerts_.alerts.size(), 2u);
  EXPECT_EQ(alerts_.alerts[1].kind, "quality_rejected");
  EXPECT_EQ(alerts_.alerts[1].tag, "buyer");
  auto quality = runs_->Quality("buyer", 100);
  ASSERT_TRUE(quality.ok());
  bool saw_failed_change = false;
  for (const QualityEntry& q : *quality) {
    if (q.run_id == r.run_id && q.record.check == "user_change" && !q.record.passed) saw_failed_change = true;
  }
  EXPECT_TRUE(saw_failed_change);
  EXPECT_EQ(runs_->Get(r.run_id)->state, RunState::kRejected);
}

TEST_F(TagProducerTest, SourceFreshnessQueryGatesTheVersion) {
  Define({{"name", "buyer"}, {"type", "bool"},
          {"producer", {{"kind", "sql"}, {"source", "shop"},
                        {"query", "SELECT DISTINCT user_id FROM orders WHERE day = '{{biz_date}}'"},
                        {"freshness_query", "SELECT date(max(day), '+1 day') FROM orders"}}}});
  ProduceResult ok = Produce("buyer", "2026-11-21");  // the source has data through the 21st
  ASSERT_EQ(ok.state, RunState::kSucceeded) << ok.error.ToString();
  ASSERT_FALSE(ok.checks.empty());
  EXPECT_EQ(ok.checks[0].name, "source_fresh");
  EXPECT_EQ(ok.checks[0].message, "newest source data '2026-11-22' reaches the end of 2026-11-21");
  ProduceResult stale = Produce("buyer", "2026-11-22");  // ... but not through the 22nd
  EXPECT_EQ(stale.state, RunState::kRejected);
  EXPECT_EQ(stale.checks[0].message, "newest source data '2026-11-22' does not reach the end of 2026-11-22");
  EXPECT_EQ(Count("buyer = true", "2026-11-22"), 30u);  // the 21st's version still answers
}

TEST_F(TagProducerTest, RepairReplacesOneDatesVersionWhileASnapshotKeepsTheOld) {
  Define({{"name", "level"}, {"type", "enum"}, {"quality", {{"max_psi", 10}}},
          {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id, level FROM members"}}}});
  ASSERT_EQ(Produce("level", "2026-11-20").state, RunState::kSucceeded);
  std::shared_ptr<const Snapshot> before = store_->snapshot();
  BusinessSql(dir_.path(), "UPDATE members SET level = 'gold' WHERE id < 'u010'");
  ASSERT_EQ(Produce("level", "2026-11-20", RunTrigger::kRepair).state, RunState::kSucceeded);
  EXPECT_EQ(Count("level = 'gold'", "2026-11-20"), 40u);  // 34 + the 6 silver among u000..u009
  SegmentQueryOptions options;
  options.as_of = *ParseDate("2026-11-20");
  EXPECT_EQ(*CountSegment(*before, "level = 'gold'", options), 34u);  // a reader's snapshot is untouched
  EXPECT_EQ(store_->snapshot()->FindTag("level")->versions.size(), 1u);
}

TEST_F(TagProducerTest, ListTagFromAnUploadedFile) {
  Result<std::string> file = StoreListFile(dir_.path(), "crowd", "user_id\nu001\nu002\n\n# comment\nnew_user\n");
  ASSERT_TRUE(file.ok()) << file.status().ToString();
  EXPECT_TRUE(file->starts_with("lists/crowd-"));
  Define({{"name", "crowd"}, {"type", "bool"}, {"producer", {{"kind", "list"}, {"file", *file}}}});
  ProduceResult r = Produce("crowd", "2026-11-20");
  ASSERT_EQ(r.state, RunState::kSucceeded) << r.error.ToString();
  EXPECT_EQ(r.users, 3u);
  EXPECT_EQ(Count("crowd = true", "2026-11-20"), 3u);
  EXPECT_EQ(StoreListFile(dir_.path(), "crowd", "u1,a\nu2\n").status().message(),
            "upload:2: user 'u2' has no value while other lines have one");
}

TEST_F(TagProducerTest, CompositeTagReadsItsInputsAsOfTheDate) {
  Define({{"name", "level"}, {"type", "enum"},
          {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id, level FROM members"}}}});
  Define({{"name", "vip"}, {"type", "bool"},
          {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id FROM members WHERE vip = 1"}}}});
  ASSERT_EQ(Produce("level", "2026-11-20").state, RunState::kSucceeded);
  ASSERT_EQ(Produce("vip", "2026-11-20").state, RunState::kSucceeded);
  Define({{"name", "gold_vip"}, {"type", "bool"},
          {"producer", {{"kind", "composite"}, {"expression", "level = 'gold' AND vip = true"}}}});
  ProduceResult r = Produce("gold_vip", "2026-11-20");
  ASSERT_EQ(r.state, RunState::kSucceeded) << r.error.ToString();
  EXPECT_EQ(Count("gold_vip = true", "2026-11-20"), Count("level = 'gold' AND vip = true", "2026-11-20"));
  Define({{"name", "tier"}, {"type", "enum"},
          {"producer", {{"kind", "composite"},
                        {"rules", {{{"value", "top"}, {"when", "level = 'gold' AND vip = true"}},
                                   {{"value", "good"}, {"when", "level = 'gold'"}}}},
                        {"else", "other"}}}});
  ASSERT_EQ(Produce("tier", "2026-11-20").state, RunState::kSucceeded);
  EXPECT_EQ(Count("tier = 'top'", "2026-11-20"), Count("gold_vip = true", "2026-11-20"));
  EXPECT_EQ(Count("tier = 'good'", "2026-11-20"), 34u - Count("gold_vip = true", "2026-11-20"));
  EXPECT_EQ(Count("tier = 'other'", "2026-11-20"), 66u);
}

TEST_F(TagProducerTest, ExternalTagsTakePushedValuesAndKeepTheRest) {
  Define({{"name", "score"}, {"type", "int"}, {"quality", {{"max_user_change", 100}}},
          {"producer", {{"kind", "external"}}}});
  Days day = *ParseDate("2026-11-20");
  ValuePush first;
  first.set = {{"u001", "10"}, {"u002", "20"}, {"u003", "30"}};
  Result<ProduceResult> r = producer_->PushValues("score", day, first, "crm");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->state, RunState::kSucceeded) << r->error.ToString();
  ValuePush second;
  second.set = {{"u002", "25"}};
  second.unset = {"u003"};
  r = producer_->PushValues("score", day, second, "crm");
  ASSERT_EQ(r->state, RunState::kSucceeded) << r->error.ToString();
  EXPECT_EQ(ValuesOf("score", "u001", "2026-11-20"), std::vector<std::string>{"10"});
  EXPECT_EQ(ValuesOf("score", "u002", "2026-11-20"), std::vector<std::string>{"25"});
  EXPECT_TRUE(ValuesOf("score", "u003", "2026-11-20").empty());
  EXPECT_EQ(runs_->Get(r->run_id)->trigger, RunTrigger::kPush);
  // Only external tags take pushes; and external tags have no job to run.
  Define({{"name", "level"}, {"type", "enum"},
          {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id, level FROM members"}}}});
  EXPECT_EQ(producer_->PushValues("level", day, first, "crm").status().code(), Status::Code::kFailedPrecondition);
  ProduceResult run = Produce("score", "2026-11-20");
  EXPECT_EQ(run.state, RunState::kFailed);
}

TEST_F(TagProducerTest, TypeOfATagWithDataCannotChange) {
  Define({{"name", "level"}, {"type", "enum"},
          {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id, level FROM members"}}}});
  ASSERT_EQ(Produce("level", "2026-11-20").state, RunState::kSucceeded);
  Define({{"name", "level"}, {"type", "set"},
          {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id, level FROM members"}}}});
  ProduceResult r = Produce("level", "2026-11-21", RunTrigger::kManual, 2);
  EXPECT_EQ(r.state, RunState::kFailed);
  EXPECT_EQ(r.definition_version, 2);
  EXPECT_EQ(r.error.code(), Status::Code::kInvalidArgument) << r.error.ToString();
}

TEST_F(TagProducerTest, DefinitionValidAtADateIsTheNewestCreatedByTheEndOfThatDay) {
  // Definitions made at known times (UTC+8 business calendar by default).
  testing::FakeWallClock clock(*ParseDate("2026-11-01") * 86'400'000LL);  // 2026-11-01 08:00 in UTC+8
  auto catalog = std::move(TagCatalog::Open(dir_.path(), &clock)).value();
  json def = {{"name", "level"}, {"type", "enum"},
              {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT id, level FROM members"}}}};
  ASSERT_TRUE(catalog->Apply(*TagDefinitionFromJson(def), "t").ok());
  clock.AdvanceMillis(9LL * 86'400'000);  // 2026-11-10 08:00 (+08:00)
  def["owner"] = "crm";
  ASSERT_TRUE(catalog->Apply(*TagDefinitionFromJson(def), "t").ok());
  EXPECT_EQ(producer_->DefinitionAt("level", *ParseDate("2026-10-01"))->version, 1);  // before any: the first
  EXPECT_EQ(producer_->DefinitionAt("level", *ParseDate("2026-11-09"))->version, 1);
  EXPECT_EQ(producer_->DefinitionAt("level", *ParseDate("2026-11-10"))->version, 2);
  EXPECT_EQ(producer_->DefinitionAt("level", *ParseDate("2030-01-01"))->version, 2);
}

}  // namespace
}  // namespace tagloop
