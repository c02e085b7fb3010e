#include "source/source_registry.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include "catalog/tag_catalog.h"
#include "testing/fake_wall_clock.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

constexpr int64_t kT0 = 1'790'000'000'000;
constexpr const char* kSecret = "s3cr3t-Pa55";

SourceSpec Shop(std::string password = kSecret) {
  SourceSpec s;
  s.name = "shop";
  s.kind = "postgresql";
  s.connection = "host=db port=5432 dbname=shop user=tagloop";
  s.password = std::move(password);
  s.fetch_rows = 5000;
  return s;
}

class SourceRegistryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto r = SourceRegistry::Open(tmp_.path(), &clock_);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    sources_ = std::move(*r);
  }

  SourceSpec Get(const std::string& name) {
    Result<SourceSpec> s = sources_->Get(name);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return s.ok() ? *s : SourceSpec{};
  }

  // The error of Put, checked never to quote the secret.
  Status PutError(const SourceSpec& s) {
    Status st = sources_->Put(s, "alice", /*keep_password=*/false);
    EXPECT_FALSE(st.ok());
    EXPECT_EQ(st.message().find(kSecret), std::string::npos) << st.message();
    return st;
  }

  testing::TempDir tmp_;
  testing::FakeWallClock clock_{kT0};
  std::unique_ptr<SourceRegistry> sources_;
};

TEST_F(SourceRegistryTest, PutThenGetWithThePassword) {
  ASSERT_TRUE(sources_->Put(Shop(), "alice", /*keep_password=*/false).ok());
  SourceSpec s = Get("shop");
  EXPECT_EQ(s.name, "shop");
  EXPECT_EQ(s.kind, "postgresql");
  EXPECT_EQ(s.connection, "host=db port=5432 dbname=shop user=tagloop");
  EXPECT_EQ(s.password, kSecret);
  EXPECT_EQ(s.password_env, "");
  EXPECT_EQ(s.fetch_rows, 5000);
  EXPECT_EQ(s.updated_at_ms, kT0);
  EXPECT_EQ(s.updated_by, "alice");
  Result<SourceSpec> missing = sources_->Get("nope");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "no source named 'nope'");
}

TEST_F(SourceRegistryTest, AnUpdateWithKeepPasswordKeepsTheStoredOne) {
  ASSERT_TRUE(sources_->Put(Shop(), "alice", false).ok());
  SourceSpec edit = Shop("");
  edit.connection = "host=db2 port=5432 dbname=shop user=tagloop";
  clock_.AdvanceMillis(10);
  ASSERT_TRUE(sources_->Put(edit, "bob", /*keep_password=*/true).ok());
  SourceSpec s = Get("shop");
  EXPECT_EQ(s.connection, "host=db2 port=5432 dbname=shop user=tagloop");
  EXPECT_EQ(s.password, kSecret);
  EXPECT_EQ(s.updated_by, "bob");
  EXPECT_EQ(s.updated_at_ms, kT0 + 10);

  // A new password replaces it, with or without keep_password.
  ASSERT_TRUE(sources_->Put(Shop("other"), "bob", /*keep_password=*/true).ok());
  EXPECT_EQ(Get("shop").password, "other");
  // Without keep_password an empty password clears it.
  ASSERT_TRUE(sources_->Put(Shop(""), "bob", /*keep_password=*/false).ok());
  EXPECT_EQ(Get("shop").password, "");
}

TEST_F(SourceRegistryTest, SwitchingToPasswordEnvDropsTheStoredPassword) {
  ASSERT_TRUE(sources_->Put(Shop(), "alice", false).ok());
  SourceSpec env = Shop("");
  env.password_env = "SHOP_PASSWORD";
  ASSERT_TRUE(sources_->Put(env, "bob", /*keep_password=*/true).ok());
  SourceSpec s = Get("shop");
  EXPECT_EQ(s.password, "");  // never both
  EXPECT_EQ(s.password_env, "SHOP_PASSWORD");
}

TEST_F(SourceRegistryTest, ListNeverShowsPasswords) {
  SourceSpec env = Shop("");
  env.name = "warehouse";
  env.kind = "odbc";
  env.connection = "DSN=warehouse";
  env.password_env = "WH_PASSWORD";
  ASSERT_TRUE(sources_->Put(env, "alice", false).ok());
  ASSERT_TRUE(sources_->Put(Shop(), "alice", false).ok());
  SourceSpec local = Shop("");
  local.name = "biz";
  local.kind = "sqlite";
  local.connection = "business.db";
  ASSERT_TRUE(sources_->Put(local, "alice", false).ok());

  Result<std::vector<SourceRegistry::Listed>> list = sources_->List();
  ASSERT_TRUE(list.ok()) << list.status().ToString();
  ASSERT_EQ(list->size(), 3u);
  EXPECT_EQ((*list)[0].source.name, "biz");
  EXPECT_FALSE((*list)[0].has_password);
  EXPECT_EQ((*list)[1].source.name, "shop");
  EXPECT_TRUE((*list)[1].has_password);
  EXPECT_EQ((*list)[1].source.password, "");
  EXPECT_EQ((*list)[1].source.connection, "host=db port=5432 dbname=shop user=tagloop");
  EXPECT_EQ((*list)[2].source.name, "warehouse");
  EXPECT_FALSE((*list)[2].has_password);
  EXPECT_EQ((*list)[2].source.password_env, "WH_PASSWORD");
  for (const auto& l : *list) EXPECT_EQ(l.source.password, "");
}

TEST_F(SourceRegistryTest, BadSettingsAreRefusedWithoutQuotingThePassword) {
  SourceSpec s = Shop();
  s.kind = "mysql";
  EXPECT_EQ(PutError(s).message(),
            "source 'shop': kind: unknown source kind 'mysql' (expected sqlite, postgresql or odbc)");
  for (const std::string& name : {std::string(), std::string("Shop"), std::string("1shop"), std::string("shop-db"),
                                  std::string(65, 'a')}) {
    s = Shop();
    s.name = name;
    EXPECT_EQ(PutError(s).code(), Status::Code::kInvalidArgument) << name;
  }
  s = Shop();
  s.fetch_rows = 0;
  EXPECT_EQ(PutError(s).message(), "source 'shop': fetch_rows: 0 is out of range (1..1000000)");
  s = Shop();
  s.password_env = "SHOP_PASSWORD";
  EXPECT_EQ(PutError(s).message(), "source 'shop': password, password_env: set one or the other, not both");
  s = Shop();
  s.kind = "sqlite";
  s.connection = "business.db";
  EXPECT_EQ(PutError(s).message(), "source 'shop': password: an sqlite source takes no password");
  for (std::string connection : {std::string("host=db password=") + kSecret, std::string("host=db PassWord = x"),
                                 std::string("host=db sslpassword=") + kSecret,
                                 std::string("postgresql://tagloop:") + kSecret + "@db/shop",
                                 // URIs are refused even without a password: one check, one rule.
                                 std::string("postgresql://tagloop@db/shop")}) {
    s = Shop("");
    s.connection = connection;
    EXPECT_EQ(PutError(s).code(), Status::Code::kInvalidArgument) << connection;
  }
  for (std::string connection : {std::string("DSN=x;PWD=") + kSecret, std::string("DSN=x;SSLPassword=") + kSecret}) {
    s = Shop("");
    s.kind = "odbc";
    s.connection = connection;
    EXPECT_EQ(PutError(s).code(), Status::Code::kInvalidArgument) << connection;
  }
  EXPECT_EQ(sources_->Get("shop").status().code(), Status::Code::kNotFound);
}

TEST_F(SourceRegistryTest, Remove) {
  ASSERT_TRUE(sources_->Put(Shop(), "alice", false).ok());
  ASSERT_TRUE(sources_->Remove("shop").ok());
  EXPECT_EQ(sources_->Get("shop").status().code(), Status::Code::kNotFound);
  Status again = sources_->Remove("shop");
  EXPECT_EQ(again.code(), Status::Code::kNotFound);
  EXPECT_EQ(again.message(), "no source named 'shop'");
}

TEST_F(SourceRegistryTest, AnotherRegistryOnTheSameDirectorySeesTheSources) {
  ASSERT_TRUE(sources_->Put(Shop(), "alice", false).ok());
  Result<std::unique_ptr<SourceRegistry>> other = SourceRegistry::Open(tmp_.path(), &clock_);
  ASSERT_TRUE(other.ok());
  Result<SourceSpec> s = (*other)->Get("shop");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->password, kSecret);
}

TEST_F(SourceRegistryTest, ChangesMoveTheCatalogGeneration) {
  auto catalog = TagCatalog::Open(tmp_.path(), &clock_);
  ASSERT_TRUE(catalog.ok());
  int64_t before = *(*catalog)->Generation();
  ASSERT_TRUE(sources_->Put(Shop(), "bob", false).ok());
  int64_t added = *(*catalog)->Generation();
  EXPECT_GT(added, before) << "source added";
  ASSERT_TRUE(sources_->Remove("shop").ok());
  EXPECT_GT(*(*catalog)->Generation(), added) << "source removed";
}

// A sql tag reading `source` (offline tags count too: they can come back).
TagDefinition SqlTag(const std::string& name, const std::string& source) {
  nlohmann::json j = {{"name", name},
                      {"type", "bool"},
                      {"title", {{"zh", name}}},
                      {"producer", {{"kind", "sql"}, {"source", source}, {"query", "SELECT id FROM t"}}}};
  Result<TagDefinition> d = TagDefinitionFromJson(j);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return *d;
}

TEST_F(SourceRegistryTest, RemovingASourceThatDefinitionsNameIsRefusedUnlessForced) {
  auto catalog = TagCatalog::Open(tmp_.path(), &clock_);
  ASSERT_TRUE(catalog.ok());
  ASSERT_TRUE(sources_->Put(Shop(), "alice", false).ok());
  SourceSpec other = Shop("");
  other.name = "other";
  ASSERT_TRUE(sources_->Put(other, "alice", false).ok());
  ASSERT_TRUE((*catalog)->Apply(SqlTag("vip", "shop"), "alice").ok());
  ASSERT_TRUE((*catalog)->Apply(SqlTag("churned", "shop"), "alice").ok());
  ASSERT_TRUE((*catalog)->Apply(SqlTag("elsewhere", "other"), "alice").ok());
  ASSERT_TRUE((*catalog)->SetStatus("churned", TagStatus::kOffline, "alice").ok());

  Result<std::vector<std::string>> naming = TagsNamingSource(**catalog, "shop");
  ASSERT_TRUE(naming.ok());
  EXPECT_EQ(*naming, (std::vector<std::string>{"churned", "vip"}));

  std::vector<std::string> tags;
  Status refused = RemoveSource(*sources_, **catalog, "shop", /*force=*/false, &tags);
  EXPECT_EQ(refused.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(refused.message(),
            "source 'shop' is used by tags churned, vip; change their definitions first, or force the removal");
  EXPECT_EQ(tags, (std::vector<std::string>{"churned", "vip"}));
  EXPECT_TRUE(sources_->Get("shop").ok()) << "still there";

  ASSERT_TRUE(RemoveSource(*sources_, **catalog, "shop", /*force=*/true, &tags).ok());
  EXPECT_EQ(tags, (std::vector<std::string>{"churned", "vip"})) << "the tags that still name it";
  EXPECT_EQ(sources_->Get("shop").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(RemoveSource(*sources_, **catalog, "shop", false, nullptr).code(), Status::Code::kNotFound);

  // Once no definition names it, no force is needed.
  ASSERT_TRUE((*catalog)->Apply(SqlTag("elsewhere", "shop"), "alice").ok());
  ASSERT_TRUE(RemoveSource(*sources_, **catalog, "other", false, &tags).ok());
  EXPECT_TRUE(tags.empty());
}

}  // namespace
}  // namespace tagloop
