#include "catalog/tag_catalog.h"

#include <gtest/gtest.h>

#include <thread>

#include "testing/fake_wall_clock.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using json = nlohmann::json;
using Change = ApplyOutcome::Change;

constexpr int64_t kT0 = 1'790'000'000'000;  // 2026-09-21

TagDefinition Def(const std::string& name, const std::string& category = "", const std::string& title = "会员等级") {
  json j = {{"name", name},
            {"type", "enum"},
            {"title", {{"zh", title}}},
            {"category", category},
            {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT 1"}}},
            {"schedule", "0 2 * * *"}};
  Result<TagDefinition> d = TagDefinitionFromJson(j);
  EXPECT_TRUE(d.ok()) << d.status().ToString();
  return *d;
}

class TagCatalogTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto c = TagCatalog::Open(tmp_.path(), &clock_);
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    catalog_ = std::move(*c);
  }

  ApplyOutcome Apply(const TagDefinition& d, const std::string& actor = "alice") {
    Result<ApplyOutcome> out = catalog_->Apply(d, actor);
    EXPECT_TRUE(out.ok()) << out.status().ToString();
    return out.ok() ? *out : ApplyOutcome{};
  }

  int64_t Generation() {
    Result<int64_t> g = catalog_->Generation();
    EXPECT_TRUE(g.ok()) << g.status().ToString();
    return g.ok() ? *g : -1;
  }

  std::string CategoryOf(const std::string& tag) {
    Result<TagEntry> e = catalog_->Get(tag);
    EXPECT_TRUE(e.ok()) << e.status().ToString();
    return e.ok() ? e->definition.category_path : "?";
  }

  testing::TempDir tmp_;
  testing::FakeWallClock clock_{kT0};
  std::unique_ptr<TagCatalog> catalog_;
};

TEST_F(TagCatalogTest, ANewTagIsADraftAtVersionOne) {
  ApplyOutcome out = Apply(Def("vip_level"));
  EXPECT_EQ(out.change, Change::kCreated);
  EXPECT_STREQ(ApplyChangeName(out.change), "created");
  EXPECT_EQ(out.version, 1);
  EXPECT_TRUE(out.diff.empty());
  EXPECT_EQ(out.status, TagStatus::kDraft);
  Result<TagEntry> e = catalog_->Get("vip_level");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->status, TagStatus::kDraft);
  EXPECT_EQ(e->version, 1);
  EXPECT_EQ(e->created_at_ms, kT0);
  EXPECT_EQ(e->created_by, "alice");
  EXPECT_EQ(e->updated_at_ms, kT0);
  EXPECT_EQ(e->updated_by, "alice");
  EXPECT_TRUE(e->definition.SameAs(Def("vip_level")));
  EXPECT_EQ(e->definition.title_zh, "会员等级");
  Result<TagEntry> missing = catalog_->Get("nope");
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(missing.status().message(), "tag 'nope' is not defined in the catalog");
}

TEST_F(TagCatalogTest, AnIdenticalApplyChangesNothing) {
  Apply(Def("vip_level", "交易/会员"));
  const int64_t generation = Generation();
  clock_.AdvanceMillis(1000);
  ApplyOutcome out = Apply(Def("vip_level", "交易/会员"), "bob");
  EXPECT_EQ(out.change, Change::kUnchanged);
  EXPECT_EQ(out.version, 1);
  EXPECT_TRUE(out.diff.empty());
  EXPECT_EQ(Generation(), generation);
  Result<TagEntry> e = catalog_->Get("vip_level");
  EXPECT_EQ(e->updated_by, "alice");
  EXPECT_EQ(e->updated_at_ms, kT0);
  EXPECT_EQ(catalog_->History("vip_level")->size(), 1u);
}

TEST_F(TagCatalogTest, AnEditIsANewImmutableVersionWithItsDiff) {
  Apply(Def("vip_level"));
  clock_.AdvanceMillis(60'000);
  TagDefinition edited = Def("vip_level", "", "会员级别");
  edited.producer_config["query"] = "SELECT 2";
  ApplyOutcome out = Apply(edited, "bob");
  EXPECT_EQ(out.change, Change::kUpdated);
  EXPECT_EQ(out.version, 2);
  EXPECT_EQ(out.diff, (std::vector<std::string>{"title.zh: '会员等级' -> '会员级别'", "producer.query: changed"}));

  Result<TagEntry> e = catalog_->Get("vip_level");
  EXPECT_EQ(e->version, 2);
  EXPECT_EQ(e->definition.title_zh, "会员级别");
  EXPECT_EQ(e->created_by, "alice");
  EXPECT_EQ(e->updated_by, "bob");
  EXPECT_EQ(e->updated_at_ms, kT0 + 60'000);

  Result<std::vector<DefinitionVersion>> history = catalog_->History("vip_level");
  ASSERT_TRUE(history.ok());
  ASSERT_EQ(history->size(), 2u);
  EXPECT_EQ((*history)[0].version, 1);
  EXPECT_EQ((*history)[0].created_by, "alice");
  EXPECT_EQ((*history)[0].created_at_ms, kT0);
  EXPECT_EQ((*history)[0].definition.title_zh, "会员等级");
  EXPECT_EQ((*history)[0].definition.producer_config["query"], "SELECT 1");
  EXPECT_EQ((*history)[1].version, 2);
  EXPECT_EQ((*history)[1].created_by, "bob");
  EXPECT_EQ((*history)[1].created_at_ms, kT0 + 60'000);
  EXPECT_TRUE((*history)[1].definition.SameAs(edited));

  Result<DefinitionVersion> v1 = catalog_->GetVersion("vip_level", 1);
  ASSERT_TRUE(v1.ok());
  EXPECT_EQ(v1->definition.title_zh, "会员等级");
  EXPECT_EQ(v1->created_by, "alice");
  Result<DefinitionVersion> v3 = catalog_->GetVersion("vip_level", 3);
  EXPECT_EQ(v3.status().code(), Status::Code::kNotFound);
  EXPECT_EQ(v3.status().message(), "tag 'vip_level' has no definition version 3");
  EXPECT_EQ(catalog_->History("nope").status().code(), Status::Code::kNotFound);

  // Going back to the first text is a third version, not a rewrite of history.
  ApplyOutcome back = Apply(Def("vip_level"), "carol");
  EXPECT_EQ(back.version, 3);
  EXPECT_EQ(back.diff, (std::vector<std::string>{"title.zh: '会员级别' -> '会员等级'", "producer.query: changed"}));
  EXPECT_EQ(catalog_->History("vip_level")->size(), 3u);
}

TEST_F(TagCatalogTest, PreviewWritesNothing) {
  Result<ApplyOutcome> created = catalog_->Preview(Def("vip_level", "交易/会员"));
  ASSERT_TRUE(created.ok());
  EXPECT_EQ(created->change, Change::kCreated);
  EXPECT_EQ(created->version, 1);
  EXPECT_EQ(catalog_->Get("vip_level").status().code(), Status::Code::kNotFound);
  EXPECT_TRUE(catalog_->Categories()->empty());

  Apply(Def("vip_level", "交易/会员"));
  const int64_t generation = Generation();
  Result<ApplyOutcome> moved = catalog_->Preview(Def("vip_level", "营销/活动", "会员级别"));
  ASSERT_TRUE(moved.ok()) << moved.status().ToString();
  EXPECT_EQ(moved->change, Change::kUpdated);
  EXPECT_EQ(moved->version, 2);
  EXPECT_EQ(moved->diff, (std::vector<std::string>{"title.zh: '会员等级' -> '会员级别'",
                                                   "category: '交易/会员' -> '营销/活动' (new category)"}));
  Result<ApplyOutcome> same = catalog_->Preview(Def("vip_level", "交易/会员"));
  EXPECT_EQ(same->change, Change::kUnchanged);
  EXPECT_EQ(Generation(), generation);
  EXPECT_EQ(catalog_->Get("vip_level")->version, 1);
  EXPECT_EQ(catalog_->Categories()->size(), 2u);
}

TEST_F(TagCatalogTest, LifecycleDraftPublishedOfflineAndBack) {
  Apply(Def("vip_level"));
  clock_.AdvanceMillis(5);
  ASSERT_TRUE(catalog_->SetStatus("vip_level", TagStatus::kPublished, "bob").ok());
  Result<TagEntry> e = catalog_->Get("vip_level");
  EXPECT_EQ(e->status, TagStatus::kPublished);
  EXPECT_EQ(e->updated_by, "bob");
  EXPECT_EQ(e->updated_at_ms, kT0 + 5);
  EXPECT_EQ(e->version, 1);  // the lifecycle is not part of the definition

  Status back = catalog_->SetStatus("vip_level", TagStatus::kDraft, "bob");
  EXPECT_EQ(back.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(back.message(), "tag 'vip_level' is published; a tag goes back to draft only before it is first published");

  ASSERT_TRUE(catalog_->SetStatus("vip_level", TagStatus::kOffline, "carol").ok());
  EXPECT_EQ(catalog_->Get("vip_level")->status, TagStatus::kOffline);
  EXPECT_EQ(catalog_->SetStatus("vip_level", TagStatus::kDraft, "bob").code(), Status::Code::kFailedPrecondition);
  ASSERT_TRUE(catalog_->SetStatus("vip_level", TagStatus::kPublished, "carol").ok());
  EXPECT_EQ(catalog_->Get("vip_level")->status, TagStatus::kPublished);

  EXPECT_EQ(catalog_->SetStatus("nope", TagStatus::kPublished, "bob").code(), Status::Code::kNotFound);
}

TEST_F(TagCatalogTest, SettingTheSameStatusIsANoOp) {
  Apply(Def("vip_level"));
  const int64_t generation = Generation();
  clock_.AdvanceMillis(5);
  ASSERT_TRUE(catalog_->SetStatus("vip_level", TagStatus::kDraft, "bob").ok());
  EXPECT_EQ(catalog_->Get("vip_level")->updated_by, "alice");
  EXPECT_EQ(Generation(), generation);
}

TEST_F(TagCatalogTest, ADraftMayGoOfflineWithoutBeingPublished) {
  Apply(Def("vip_level"));
  ASSERT_TRUE(catalog_->SetStatus("vip_level", TagStatus::kOffline, "bob").ok());
  EXPECT_EQ(catalog_->Get("vip_level")->status, TagStatus::kOffline);
}

TEST_F(TagCatalogTest, EditsKeepTheStatus) {
  Apply(Def("vip_level"));
  ASSERT_TRUE(catalog_->SetStatus("vip_level", TagStatus::kPublished, "bob").ok());
  ApplyOutcome out = Apply(Def("vip_level", "", "新标题"));
  EXPECT_EQ(out.status_before, TagStatus::kPublished);
  EXPECT_EQ(out.status, TagStatus::kPublished);
  EXPECT_EQ(catalog_->Get("vip_level")->status, TagStatus::kPublished);
}

TEST_F(TagCatalogTest, ListHidesOfflineTagsUnlessAsked) {
  Apply(Def("b_tag"));
  Apply(Def("a_tag"));
  Apply(Def("c_tag"));
  ASSERT_TRUE(catalog_->SetStatus("c_tag", TagStatus::kOffline, "bob").ok());
  Result<std::vector<TagEntry>> shown = catalog_->List(/*include_offline=*/false);
  ASSERT_TRUE(shown.ok());
  ASSERT_EQ(shown->size(), 2u);
  EXPECT_EQ((*shown)[0].definition.name, "a_tag");
  EXPECT_EQ((*shown)[1].definition.name, "b_tag");
  Result<std::vector<TagEntry>> all = catalog_->List(/*include_offline=*/true);
  ASSERT_EQ(all->size(), 3u);
  EXPECT_EQ((*all)[2].definition.name, "c_tag");
  EXPECT_EQ((*all)[2].status, TagStatus::kOffline);
}

TEST_F(TagCatalogTest, EnsureCategoryPathCreatesEachLevelOnce) {
  Result<int64_t> id = catalog_->EnsureCategoryPath("交易/会员/等级");
  ASSERT_TRUE(id.ok()) << id.status().ToString();
  Result<std::vector<CategoryInfo>> cats = catalog_->Categories();
  ASSERT_EQ(cats->size(), 3u);
  EXPECT_EQ((*cats)[0].name, "交易");
  EXPECT_EQ((*cats)[0].parent_id, 0);
  EXPECT_EQ((*cats)[0].path, "交易");
  EXPECT_EQ((*cats)[1].path, "交易/会员");
  EXPECT_EQ((*cats)[1].parent_id, (*cats)[0].id);
  EXPECT_EQ((*cats)[2].path, "交易/会员/等级");
  EXPECT_EQ((*cats)[2].id, *id);
  EXPECT_EQ(*catalog_->EnsureCategoryPath("交易/会员/等级"), *id);
  EXPECT_EQ(*catalog_->EnsureCategoryPath("交易/会员"), (*cats)[1].id);
  EXPECT_EQ(*catalog_->EnsureCategoryPath(""), 0);
  EXPECT_EQ(catalog_->Categories()->size(), 3u);

  Result<CategoryInfo> found = catalog_->FindCategory("交易/会员");
  ASSERT_TRUE(found.ok());
  EXPECT_EQ(found->id, (*cats)[1].id);
  EXPECT_EQ(found->name, "会员");
  EXPECT_EQ(found->path, "交易/会员");
  EXPECT_EQ(catalog_->FindCategory("交易/订单").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(catalog_->FindCategory("").status().code(), Status::Code::kInvalidArgument);
}

TEST_F(TagCatalogTest, MalformedCategoryPathsAreRefused) {
  for (const char* path : {"a//b", "/a", "a/", "/", "new/b/"}) {
    Result<int64_t> id = catalog_->EnsureCategoryPath(path);
    EXPECT_EQ(id.status().code(), Status::Code::kInvalidArgument) << path;
    EXPECT_EQ(catalog_->Apply(Def("t", path), "alice").status().code(), Status::Code::kInvalidArgument) << path;
    // Preview stops at the first level that does not exist: it must still see the bad one after it.
    EXPECT_EQ(catalog_->Preview(Def("t", path)).status().code(), Status::Code::kInvalidArgument) << path;
  }
  EXPECT_EQ(catalog_->EnsureCategoryPath("new//b").status().message(),
            "category 'new//b': each level needs 1 to 64 bytes between the '/' (no leading, trailing or double '/')");
  EXPECT_EQ(catalog_->EnsureCategoryPath(std::string(65, 'x')).status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(catalog_->EnsureCategoryPath(std::string(64, 'x')).ok());
  EXPECT_EQ(catalog_->Categories()->size(), 1u);  // nothing half-created by the refused paths
}

TEST_F(TagCatalogTest, ApplyingPutsTheTagInItsCategory) {
  Apply(Def("vip_level", "交易/会员"));
  EXPECT_EQ(CategoryOf("vip_level"), "交易/会员");
  Result<CategoryInfo> cat = catalog_->FindCategory("交易/会员");
  EXPECT_EQ(catalog_->Get("vip_level")->definition.category_id, cat->id);
}

TEST_F(TagCatalogTest, RenamingACategoryTouchesNoDefinition) {
  Apply(Def("vip_level", "交易/会员"));
  Result<CategoryInfo> cat = catalog_->FindCategory("交易/会员");
  const int64_t generation = Generation();
  ASSERT_TRUE(catalog_->RenameCategory(cat->id, "会员体系", "Membership").ok());
  EXPECT_GT(Generation(), generation);
  Result<TagEntry> e = catalog_->Get("vip_level");
  EXPECT_EQ(e->version, 1);
  EXPECT_EQ(e->definition.category_path, "交易/会员体系");
  EXPECT_EQ((*catalog_->History("vip_level"))[0].definition.category_path, "交易/会员体系");
  Result<CategoryInfo> renamed = catalog_->FindCategory("交易/会员体系");
  ASSERT_TRUE(renamed.ok());
  EXPECT_EQ(renamed->title_en, "Membership");
  // The file still naming the new path is unchanged.
  EXPECT_EQ(Apply(Def("vip_level", "交易/会员体系")).change, Change::kUnchanged);

  ASSERT_TRUE(catalog_->EnsureCategoryPath("交易/订单").ok());
  Status clash = catalog_->RenameCategory(renamed->id, "订单", "");
  EXPECT_EQ(clash.code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(catalog_->RenameCategory(999, "x", "").code(), Status::Code::kNotFound);
  EXPECT_EQ(catalog_->RenameCategory(renamed->id, "a/b", "").code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(catalog_->RenameCategory(renamed->id, "", "").code(), Status::Code::kInvalidArgument);
}

TEST_F(TagCatalogTest, MovingACategoryTouchesNoDefinition) {
  Apply(Def("vip_level", "交易/会员"));
  Result<CategoryInfo> member = catalog_->FindCategory("交易/会员");
  Result<int64_t> marketing = catalog_->EnsureCategoryPath("营销");
  ASSERT_TRUE(catalog_->MoveCategory(member->id, *marketing).ok());
  Result<TagEntry> e = catalog_->Get("vip_level");
  EXPECT_EQ(e->version, 1);
  EXPECT_EQ(e->definition.category_path, "营销/会员");
  ASSERT_TRUE(catalog_->MoveCategory(member->id, 0).ok());
  EXPECT_EQ(CategoryOf("vip_level"), "会员");
  EXPECT_EQ(catalog_->Get("vip_level")->version, 1);
}

TEST_F(TagCatalogTest, ACategoryCannotMoveUnderItself) {
  ASSERT_TRUE(catalog_->EnsureCategoryPath("a/b/c").ok());
  const int64_t a = catalog_->FindCategory("a")->id;
  const int64_t c = catalog_->FindCategory("a/b/c")->id;
  Status self = catalog_->MoveCategory(a, a);
  EXPECT_EQ(self.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(self.message(), "a category cannot move under itself");
  EXPECT_EQ(catalog_->MoveCategory(a, c).code(), Status::Code::kInvalidArgument);  // under its grandchild
  EXPECT_EQ(catalog_->FindCategory("a/b/c")->id, c);                              // unchanged
  EXPECT_EQ(catalog_->MoveCategory(a, 999).code(), Status::Code::kNotFound);
  EXPECT_EQ(catalog_->MoveCategory(999, 0).code(), Status::Code::kNotFound);
  EXPECT_EQ(catalog_->MoveCategory(0, a).code(), Status::Code::kNotFound);
  ASSERT_TRUE(catalog_->EnsureCategoryPath("c").ok());
  EXPECT_EQ(catalog_->MoveCategory(c, 0).code(), Status::Code::kAlreadyExists);  // a top-level "c" exists
}

TEST_F(TagCatalogTest, DeletingACategoryThatHoldsSomethingIsRefused) {
  Apply(Def("vip_level", "交易/会员"));
  const int64_t trade = catalog_->FindCategory("交易")->id;
  const int64_t member = catalog_->FindCategory("交易/会员")->id;
  Status with_child = catalog_->DeleteCategory(trade);
  EXPECT_EQ(with_child.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(with_child.message(), "category '交易' still holds 0 tags and 1 categories");
  Status with_tag = catalog_->DeleteCategory(member);
  EXPECT_EQ(with_tag.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(with_tag.message(), "category '交易/会员' still holds 1 tags and 0 categories");

  ApplyOutcome moved = *catalog_->MoveTag("vip_level", 0, "bob");
  EXPECT_EQ(moved.version, 2);
  EXPECT_EQ(moved.diff, (std::vector<std::string>{"category: '交易/会员' -> ''"}));
  ASSERT_TRUE(catalog_->DeleteCategory(member).ok());
  ASSERT_TRUE(catalog_->DeleteCategory(trade).ok());
  EXPECT_TRUE(catalog_->Categories()->empty());
  EXPECT_EQ(catalog_->DeleteCategory(member).code(), Status::Code::kNotFound);
  EXPECT_EQ(catalog_->DeleteCategory(0).code(), Status::Code::kNotFound);

  // Version 1 named the deleted category: the history stays readable.
  Result<std::vector<DefinitionVersion>> history = catalog_->History("vip_level");
  ASSERT_TRUE(history.ok()) << history.status().ToString();
  EXPECT_EQ((*history)[0].definition.category_path, "");
  EXPECT_EQ((*history)[0].definition.category_id, member);
  EXPECT_TRUE(catalog_->GetVersion("vip_level", 1).ok());
}

TEST_F(TagCatalogTest, MovingATagIsANewDefinitionVersion) {
  Apply(Def("vip_level", "交易/会员"));
  const int64_t marketing = *catalog_->EnsureCategoryPath("营销");
  Result<ApplyOutcome> out = catalog_->MoveTag("vip_level", marketing, "bob");
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ(out->change, Change::kUpdated);
  EXPECT_EQ(out->version, 2);
  EXPECT_EQ(out->diff, (std::vector<std::string>{"category: '交易/会员' -> '营销'"}));
  EXPECT_EQ(CategoryOf("vip_level"), "营销");
  EXPECT_EQ(catalog_->MoveTag("vip_level", 999, "bob").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(catalog_->MoveTag("nope", marketing, "bob").status().code(), Status::Code::kNotFound);
}

TEST_F(TagCatalogTest, CreateCategory) {
  Result<CategoryInfo> top = catalog_->CreateCategory(0, "交易", "Trade");
  ASSERT_TRUE(top.ok());
  EXPECT_EQ(top->path, "交易");
  EXPECT_EQ(top->parent_id, 0);
  Result<CategoryInfo> child = catalog_->CreateCategory(top->id, "会员", "Members");
  ASSERT_TRUE(child.ok());
  EXPECT_EQ(child->path, "交易/会员");
  EXPECT_EQ(child->title_en, "Members");
  EXPECT_EQ(catalog_->CreateCategory(top->id, "会员", "").status().code(), Status::Code::kAlreadyExists);
  EXPECT_EQ(catalog_->CreateCategory(999, "x", "").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(catalog_->CreateCategory(0, "a/b", "").status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(catalog_->CreateCategory(0, std::string(65, 'x'), "").status().code(), Status::Code::kInvalidArgument);
}

TEST_F(TagCatalogTest, ApplyAllIsAllOrNothing) {
  Apply(Def("existing"));
  std::vector<TagDefinition> batch = {Def("new_one", "交易"), Def("existing", "", "新标题"), Def("bad", "a//b")};
  Result<std::vector<ApplyOutcome>> failed = catalog_->ApplyAll(batch, "bob", /*publish=*/false);
  EXPECT_EQ(failed.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(catalog_->Get("new_one").status().code(), Status::Code::kNotFound);
  EXPECT_EQ(catalog_->Get("existing")->version, 1);
  EXPECT_TRUE(catalog_->Categories()->empty());

  batch.pop_back();
  Result<std::vector<ApplyOutcome>> done = catalog_->ApplyAll(batch, "bob", /*publish=*/false);
  ASSERT_TRUE(done.ok()) << done.status().ToString();
  ASSERT_EQ(done->size(), 2u);
  EXPECT_EQ((*done)[0].change, Change::kCreated);
  EXPECT_EQ((*done)[1].change, Change::kUpdated);
  EXPECT_EQ((*done)[1].diff, (std::vector<std::string>{"title.zh: '会员等级' -> '新标题'"}));
  EXPECT_EQ(catalog_->Get("new_one")->status, TagStatus::kDraft);

  Result<std::vector<ApplyOutcome>> twice = catalog_->ApplyAll({Def("x"), Def("x")}, "bob", false);
  EXPECT_EQ(twice.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(twice.status().message(), "tag 'x' is defined twice (definitions 1 and 2)");
}

TEST_F(TagCatalogTest, ApplyAllCanPublish) {
  Apply(Def("was_offline"));
  ASSERT_TRUE(catalog_->SetStatus("was_offline", TagStatus::kOffline, "bob").ok());
  Apply(Def("was_published"));
  ASSERT_TRUE(catalog_->SetStatus("was_published", TagStatus::kPublished, "bob").ok());
  Result<std::vector<ApplyOutcome>> out =
      catalog_->ApplyAll({Def("brand_new"), Def("was_offline"), Def("was_published")}, "carol", /*publish=*/true);
  ASSERT_TRUE(out.ok()) << out.status().ToString();
  EXPECT_EQ((*out)[0].status_before, TagStatus::kDraft);
  EXPECT_EQ((*out)[0].status, TagStatus::kPublished);
  EXPECT_EQ((*out)[1].status_before, TagStatus::kOffline);
  EXPECT_EQ((*out)[1].status, TagStatus::kPublished);
  EXPECT_EQ((*out)[1].change, Change::kUnchanged);
  EXPECT_EQ((*out)[2].status_before, TagStatus::kPublished);
  for (const char* name : {"brand_new", "was_offline", "was_published"}) {
    EXPECT_EQ(catalog_->Get(name)->status, TagStatus::kPublished) << name;
  }
  EXPECT_EQ(catalog_->Get("was_offline")->updated_by, "carol");
  EXPECT_EQ(catalog_->Get("was_published")->updated_by, "bob");  // already published: untouched
}

TEST_F(TagCatalogTest, GenerationMovesOnEveryChange) {
  int64_t last = Generation();
  auto moved = [&](const char* what) {
    int64_t now = Generation();
    EXPECT_GT(now, last) << what;
    last = now;
  };
  Apply(Def("vip_level"));
  moved("apply new");
  Apply(Def("vip_level", "", "新"));
  moved("apply edit");
  ASSERT_TRUE(catalog_->SetStatus("vip_level", TagStatus::kPublished, "bob").ok());
  moved("publish");
  const int64_t cat = *catalog_->EnsureCategoryPath("交易");
  moved("category created");
  ASSERT_TRUE(catalog_->RenameCategory(cat, "交易2", "").ok());
  moved("category renamed");
  const int64_t other = *catalog_->EnsureCategoryPath("其他");
  last = Generation();
  ASSERT_TRUE(catalog_->MoveCategory(cat, other).ok());
  moved("category moved");
  ASSERT_TRUE(catalog_->MoveTag("vip_level", cat, "bob").ok());
  moved("tag moved");
  ASSERT_TRUE(catalog_->MoveTag("vip_level", 0, "bob").ok());
  last = Generation();
  ASSERT_TRUE(catalog_->DeleteCategory(cat).ok());
  moved("category deleted");
  // Sources: tests/source/source_registry_test.cc (ChangesMoveTheCatalogGeneration).
}

TEST_F(TagCatalogTest, GenerationSeesChangesOfAnotherCatalogOnTheSameDirectory) {
  Result<std::unique_ptr<TagCatalog>> other = TagCatalog::Open(tmp_.path(), &clock_);
  ASSERT_TRUE(other.ok());
  const int64_t before = Generation();
  ASSERT_TRUE((*other)->Apply(Def("vip_level"), "bob").ok());
  const int64_t after_apply = Generation();
  EXPECT_GT(after_apply, before);
  EXPECT_EQ(*(*other)->Generation(), after_apply);
  ASSERT_TRUE((*other)->SetStatus("vip_level", TagStatus::kPublished, "bob").ok());
  EXPECT_GT(Generation(), after_apply);
  EXPECT_EQ(catalog_->Get("vip_level")->status, TagStatus::kPublished);
}

TEST_F(TagCatalogTest, ReopeningKeepsEverything) {
  Apply(Def("vip_level", "交易/会员"));
  Apply(Def("vip_level", "交易/会员", "v2"));
  catalog_.reset();
  Result<std::unique_ptr<TagCatalog>> again = TagCatalog::Open(tmp_.path(), &clock_);
  ASSERT_TRUE(again.ok());
  Result<TagEntry> e = (*again)->Get("vip_level");
  ASSERT_TRUE(e.ok());
  EXPECT_EQ(e->version, 2);
  EXPECT_EQ(e->definition.title_zh, "v2");
  EXPECT_EQ(e->definition.category_path, "交易/会员");
}

TEST_F(TagCatalogTest, ConcurrentAppliesFromSeveralThreads) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this, t] {
      for (int i = 0; i < 10; ++i) {
        TagDefinition d = Def("tag_" + std::to_string(t), "shared", "v" + std::to_string(i));
        EXPECT_TRUE(catalog_->Apply(d, "thread").ok());
      }
    });
  }
  for (std::thread& th : threads) th.join();
  for (int t = 0; t < 4; ++t) EXPECT_EQ(catalog_->Get("tag_" + std::to_string(t))->version, 10);
  EXPECT_EQ(catalog_->Categories()->size(), 1u);
}

TEST(TagCatalogOpenTest, AMissingDirectoryIsNotFound) {
  testing::TempDir tmp;
  Result<std::unique_ptr<TagCatalog>> c = TagCatalog::Open(tmp.Sub("missing"));
  EXPECT_EQ(c.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace tagloop
