#include "catalog/catalog_db.h"

#include <gtest/gtest.h>
#include <sys/stat.h>

#include <fstream>
#include <thread>

#include "catalog/catalog_schema.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using testing::TempDir;

int64_t LatestVersion() { return CatalogMigrations().back().version; }

TEST(CatalogDbTest, CreatesAMigratedWalDatabaseOnlyTheOwnerCanRead) {
  TempDir tmp;
  auto db = CatalogDb::Open(tmp.path());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  EXPECT_EQ((*db)->path(), tmp.Sub("tagloop.db"));
  EXPECT_EQ(*(*db)->SchemaVersion(), LatestVersion());
  auto mode = (*db)->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->Text(0), "wal");
  auto fk = (*db)->Prepare("PRAGMA foreign_keys");
  ASSERT_TRUE(*fk->Step());
  EXPECT_EQ(fk->Int(0), 1);
  struct stat st {};
  ASSERT_EQ(::stat(tmp.Sub("tagloop.db").c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(CatalogDbTest, MigrationsAreNumberedInOrder) {
  int64_t expected = 1;
  for (const CatalogMigration& m : CatalogMigrations()) EXPECT_EQ(m.version, expected++);
}

TEST(CatalogDbTest, ReopeningKeepsDataAndDoesNotMigrateAgain) {
  TempDir tmp;
  {
    auto db = CatalogDb::Open(tmp.path());
    ASSERT_TRUE(db.ok());
    auto ins = (*db)->Prepare("INSERT INTO catalog_state (key, value) VALUES (?1, ?2)");
    ASSERT_TRUE(ins.ok());
    ASSERT_TRUE(ins->Bind(1, std::string_view("marker")).Bind(2, int64_t{42}).Run().ok());
  }
  for (int i = 0; i < 3; ++i) {
    auto db = CatalogDb::Open(tmp.path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    EXPECT_EQ(*(*db)->SchemaVersion(), LatestVersion());
    auto sel = (*db)->Prepare("SELECT value FROM catalog_state WHERE key = ?1");
    ASSERT_TRUE(*sel->Bind(1, std::string_view("marker")).Step());
    EXPECT_EQ(sel->Int(0), 42);
  }
}

TEST(CatalogDbTest, ConcurrentFirstOpensMigrateOnce) {
  TempDir tmp;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      auto db = CatalogDb::Open(tmp.path());
      if (!db.ok() || *(*db)->SchemaVersion() != LatestVersion()) ++failures;
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(CatalogDbTest, RefusesANewerSchema) {
  TempDir tmp;
  {
    auto db = CatalogDb::Open(tmp.path());
    ASSERT_TRUE(db.ok());
    ASSERT_TRUE((*db)->Exec("PRAGMA user_version = 999").ok());
  }
  auto db = CatalogDb::Open(tmp.path());
  ASSERT_FALSE(db.ok());
  EXPECT_EQ(db.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(db.status().message().find("999"), std::string::npos);
}

TEST(CatalogDbTest, ErrorsNameTheFile) {
  TempDir tmp;
  auto missing = CatalogDb::Open(tmp.Sub("nope"));
  ASSERT_FALSE(missing.ok());
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);

  CatalogOptions no_create;
  no_create.create_if_missing = false;
  auto absent = CatalogDb::Open(tmp.path(), no_create);
  EXPECT_EQ(absent.status().code(), Status::Code::kNotFound);

  std::ofstream(tmp.Sub("tagloop.db")) << std::string(8192, 'x');
  auto garbage = CatalogDb::Open(tmp.path());
  ASSERT_FALSE(garbage.ok());
  EXPECT_EQ(garbage.status().code(), Status::Code::kCorruption) << garbage.status().ToString();
  EXPECT_NE(garbage.status().message().find(tmp.Sub("tagloop.db")), std::string::npos);
}

TEST(CatalogDbTest, ParametersAreBoundNotSpliced) {
  TempDir tmp;
  auto db = CatalogDb::Open(tmp.path());
  ASSERT_TRUE(db.ok());
  const std::string evil = "x'); DROP TABLE api_tokens; --";
  auto ins = (*db)->Prepare("INSERT INTO catalog_state (key, value) VALUES (?1, 1)");
  ASSERT_TRUE(ins->Bind(1, evil).Run().ok());
  auto sel = (*db)->Prepare("SELECT key FROM catalog_state WHERE key = ?1");
  ASSERT_TRUE(*sel->Bind(1, evil).Step());
  EXPECT_EQ(sel->Text(0), evil);
  EXPECT_TRUE((*db)->Prepare("SELECT count(*) FROM api_tokens").ok());
}

TEST(CatalogDbTest, TransactionsRollBackUnlessCommitted) {
  TempDir tmp;
  auto db = CatalogDb::Open(tmp.path());
  ASSERT_TRUE(db.ok());
  {
    auto tx = (*db)->Begin();
    ASSERT_TRUE(tx.ok());
    ASSERT_TRUE((*db)->Exec("INSERT INTO catalog_state (key, value) VALUES ('a', 1)").ok());
  }  // rolled back
  {
    auto tx = (*db)->Begin();
    ASSERT_TRUE((*db)->Exec("INSERT INTO catalog_state (key, value) VALUES ('b', 1)").ok());
    ASSERT_TRUE(tx->Commit().ok());
  }
  auto sel = (*db)->Prepare("SELECT group_concat(key) FROM catalog_state WHERE key IN ('a', 'b')");
  ASSERT_TRUE(*sel->Step());
  EXPECT_EQ(sel->Text(0), "b");
}

TEST(CatalogDbTest, DataVersionMovesOnlyForOtherConnections) {
  TempDir tmp;
  auto a = CatalogDb::Open(tmp.path());
  auto b = CatalogDb::Open(tmp.path());
  ASSERT_TRUE(a.ok() && b.ok());
  int64_t v0 = *(*a)->DataVersion();
  ASSERT_TRUE((*a)->Exec("INSERT INTO catalog_state (key, value) VALUES ('a', 1)").ok());
  EXPECT_EQ(*(*a)->DataVersion(), v0);
  ASSERT_TRUE((*b)->Exec("INSERT INTO catalog_state (key, value) VALUES ('b', 1)").ok());
  EXPECT_NE(*(*a)->DataVersion(), v0);
}

TEST(CatalogDbTest, ABadSqlStatementIsAnInternalError) {
  TempDir tmp;
  auto db = CatalogDb::Open(tmp.path());
  auto bad = (*db)->Prepare("SELEC nothing");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kInternal);
  auto step = (*db)->Prepare("INSERT INTO catalog_state (key, value) VALUES (?1, NULL)");
  ASSERT_TRUE(step.ok());
  auto r = step->Bind(1, std::string_view("k")).Step();  // NOT NULL constraint
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace tagloop
