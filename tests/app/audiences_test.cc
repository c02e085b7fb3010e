// Audiences outside the server (app/audiences.h): id lists matched against
// the store and stored as list versions, the kind check before an upload,
// and sql segments run on a SQLite source — their reports, versions,
// descriptions and errors.
#include "app/audiences.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "import/wide_csv_import.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

class AudiencesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    WorkspaceOptions o;
    o.production.run_schedules = false;
    o.sync_event_log = false;
    auto opened = Workspace::Open(dir_.path(), o);
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    w_ = std::move(*opened);
    ImportOptions import;
    import.id_column = "id";
    import.version = *ParseDate("2026-11-20");
    import.threads = 1;
    auto imported = ImportWideCsv(w_->store(), "id,level\nm1,a\nm2,b\nm3,a\nm4,b\n", import);
    ASSERT_TRUE(imported.ok()) << imported.status().ToString();
  }

  void AddShop() {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open((dir_.path() + "/business.db").c_str(), &db), SQLITE_OK);
    ASSERT_EQ(sqlite3_exec(db,
                           "CREATE TABLE orders (user_id TEXT, amount INTEGER);"
                           "INSERT INTO orders VALUES ('m1', 300), ('m2', 50), ('m3', 120), ('m9', 700);",
                           nullptr, nullptr, nullptr),
              SQLITE_OK);
    sqlite3_close(db);
    ASSERT_TRUE(w_->sources().Put(SourceSpec{"shop", "sqlite", "business.db", "", "", 100, 0, ""}, "t", false).ok());
  }

  Result<UploadMatch> Match(std::string_view text) {
    return MatchIdList(text, IdListOptions{}, *w_->store().snapshot());
  }

  testing::TempDir dir_;
  std::unique_ptr<Workspace> w_;
  const Days day_ = *ParseDate("2026-11-21");
};

TEST_F(AudiencesTest, MatchIdListReportsWithoutStoring) {
  auto m = Match("m1\nm2\n\nm1\nzz9\n");
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->match.lines, 4u);
  EXPECT_EQ(m->blank_lines, 1u);
  EXPECT_EQ(m->match.distinct, 3u);
  EXPECT_EQ(m->match.duplicates, 1u);
  EXPECT_EQ(m->match.matched, 2u);
  EXPECT_EQ(m->match.unknown_sample, std::vector<std::string>{"zz9"});
  EXPECT_EQ(UploadDescription(*m), "upload: 4 lines, 1 unknown");
  EXPECT_TRUE(w_->segments().List().empty());

  IdListOptions csv;
  csv.format = IdListFormat::kCsv;
  csv.column = "missing";
  auto bad = MatchIdList("id\nm1\n", csv, *w_->store().snapshot());
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
}

TEST_F(AudiencesTest, SaveUploadedListCreatesThenAddsVersions) {
  auto first = Match("m1\nm3\nzz9\n");
  ASSERT_TRUE(first.ok());
  auto stored = SaveUploadedList(*w_, "crowd", *first, day_, "alice");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_TRUE(stored->created);
  EXPECT_EQ(stored->version.number, 1);
  EXPECT_EQ(stored->version.members, 2u);
  EXPECT_EQ(stored->version.created_by, "alice");
  EXPECT_EQ(stored->version.date, day_);
  EXPECT_EQ(stored->version.source, "upload: 3 lines, 1 unknown");
  EXPECT_EQ(first->match.matched, 2u);  // the report stays with the caller

  auto second = Match("m2\n");
  ASSERT_TRUE(second.ok());
  stored = SaveUploadedList(*w_, "crowd", *second, day_ + 1, "bob");
  ASSERT_TRUE(stored.ok()) << stored.status().ToString();
  EXPECT_FALSE(stored->created);
  EXPECT_EQ(stored->version.number, 2);
  auto saved = w_->segments().Get("crowd");
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->kind, SegmentKind::kList);
  EXPECT_EQ(saved->versions.size(), 2u);
}

TEST_F(AudiencesTest, CheckListTargetRefusesBadNamesAndOtherKinds) {
  EXPECT_TRUE(CheckListTarget(w_->segments(), "new_list").ok());
  EXPECT_EQ(CheckListTarget(w_->segments(), "").code(), Status::Code::kInvalidArgument);
  ASSERT_TRUE(w_->segments().Save("dyn", "level = 'a'", *w_->store().snapshot(), day_).ok());
  Status st = CheckListTarget(w_->segments(), "dyn");
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(st.message().find("segment 'dyn' is a dynamic segment, not a list"), std::string::npos) << st.message();
  auto upload = Match("m1\n");
  ASSERT_TRUE(upload.ok());
  EXPECT_EQ(SaveUploadedList(*w_, "dyn", *upload, day_, "t").status().code(), Status::Code::kFailedPrecondition);
}

TEST_F(AudiencesTest, SqlAudienceRunsTheQueryAndStoresItsUsers) {
  AddShop();
  auto run = RunSqlAudience(*w_, "shop", "SELECT user_id FROM orders WHERE amount >= 100", day_,
                            *w_->store().snapshot());
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->lines, 3u);
  EXPECT_EQ(run->matched, 2u);  // m1 m3; m9 is unknown
  EXPECT_EQ(run->unknown, 1u);
  EXPECT_TRUE(w_->segments().List().empty());  // a run alone stores nothing

  SqlAudienceRequest request;
  request.name = "big_spenders";
  request.source = "shop";
  request.query = "SELECT user_id FROM orders WHERE amount >= 100";
  request.biz_date = day_;
  request.created_by = "olga";
  request.description = "orders of 100 or more";
  auto made = SaveSqlAudience(*w_, request, *w_->store().snapshot());
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  EXPECT_EQ(made->version.number, 1);
  EXPECT_EQ(made->version.members, 2u);
  EXPECT_EQ(made->match.matched, 2u);
  EXPECT_EQ(made->version.source,
            "sql 'shop' for 2026-11-21: 3 rows, 1 unknown: SELECT user_id FROM orders WHERE amount >= 100");
  auto saved = w_->segments().Get("big_spenders");
  ASSERT_TRUE(saved.ok());
  EXPECT_EQ(saved->kind, SegmentKind::kSql);
  EXPECT_EQ(saved->source_name, "shop");
  EXPECT_EQ(saved->description, "orders of 100 or more");
}

TEST_F(AudiencesTest, SqlAudienceErrorsStoreNothing) {
  AddShop();
  auto snap = w_->store().snapshot();
  EXPECT_EQ(RunSqlAudience(*w_, "nope", "SELECT 1", day_, *snap).status().code(), Status::Code::kNotFound);
  Status two = RunSqlAudience(*w_, "shop", "SELECT user_id, amount FROM orders", day_, *snap).status();
  EXPECT_EQ(two.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(two.message().find("returns one column"), std::string::npos) << two.message();
  SqlAudienceRequest request;
  request.name = "two_columns";
  request.source = "shop";
  request.query = "SELECT user_id, amount FROM orders";
  request.biz_date = day_;
  EXPECT_FALSE(SaveSqlAudience(*w_, request, *snap).ok());
  EXPECT_FALSE(w_->segments().Get("two_columns").ok());
}

}  // namespace
}  // namespace tagloop
