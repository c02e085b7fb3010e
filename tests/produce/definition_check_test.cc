// Checking tag definitions before they are stored (produce/definition_check.h):
// type changes of tags with data, producer settings, SQL sources and
// templates, list files, composite expressions and cycles, event rules,
// schedules and quality overrides, one at a time (the API) and as a batch
// whose definitions read each other (`tagloop tags apply`).
#include "produce/definition_check.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <set>

#include "segment/fixture_store.h"

namespace tagloop {
namespace {

using Json = nlohmann::json;

// Three users; a_tag and b_tag are composites with data (b_tag reads a_tag).
constexpr char kFixture[] = R"(
users m1 m2 m3
tag age int
version 2026-10-01
m1 30
m2 45
tag city enum
version 2026-10-01
m1 上海
m2 北京
tag is_vip bool
version 2026-10-01
m1 true
m2 false
tag tier enum
version 2026-10-01
m1 gold
tag a_tag bool
version 2026-10-01
m1 true
tag b_tag bool
version 2026-10-01
m1 true
segment bs b_tag
)";

TagDefinition Def(Json j) {
  Result<TagDefinition> d = TagDefinitionFromJson(j);
  EXPECT_TRUE(d.ok()) << j.dump() << ": " << d.status().ToString();
  return d.ok() ? *d : TagDefinition{};
}

Json Composite(const std::string& name, const std::string& expr) {
  return {{"name", name}, {"type", "bool"}, {"producer", {{"kind", "composite"}, {"expression", expr}}}};
}

Json Sql(const std::string& name, const std::string& type, Json producer) {
  producer["kind"] = "sql";
  return {{"name", name}, {"type", type}, {"producer", std::move(producer)}};
}

// Refuses one tag, as an analyst's access refuses a draft.
class RefuseTag final : public TagAccess {
 public:
  explicit RefuseTag(std::string tag) : tag_(std::move(tag)) {}
  Status Check(std::string_view tag) const override {
    if (tag == tag_)
      return Status::InvalidArgument(fmt::format("tag '{}' is a draft: it is not published yet", tag));
    return Status::Ok();
  }

 private:
  std::string tag_;
};

class DefinitionCheckTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fx = testing::BuildFixtureStore(kFixture);
    ASSERT_TRUE(fx.ok()) << fx.status().ToString();
    fx_ = std::move(*fx);
    dir_ = fx_->dir.Sub("store");
    auto catalog = TagCatalog::Open(dir_);
    ASSERT_TRUE(catalog.ok()) << catalog.status().ToString();
    catalog_ = std::move(*catalog);
    // The stored composites: b_tag reads a_tag.
    ASSERT_TRUE(catalog_->Apply(Def(Composite("a_tag", "is_vip")), "test").ok());
    ASSERT_TRUE(catalog_->Apply(Def(Composite("b_tag", "a_tag AND age > 20")), "test").ok());
    event_types_ = events::EventTypeRegistry::BuiltinOnly();

    ctx_.snapshot = fx_->store->snapshot();
    ctx_.catalog = catalog_.get();
    ctx_.source_exists = [this](std::string_view name) -> Result<bool> {
      if (name == "broken") return Status::IOError("source registry: disk I/O error");
      return sources_.contains(std::string(name));
    };
    ctx_.event_types = event_types_.get();
    ctx_.segments = &fx_->segments;
    ctx_.today = *ParseDate("2026-10-02");
    ctx_.data_dir = dir_;
    ctx_.hints.sources = "GET /api/v1/catalog/sources lists them";  // as the API says it
    ctx_.hints.list_upload = "PUT /api/v1/catalog/tags/{tag}/list uploads one";
  }

  // The message of the first problem of `def` (checked alone).
  std::string Refusal(const Json& def) {
    Status st = CheckDefinition(ctx_, Def(def));
    EXPECT_FALSE(st.ok()) << def.dump();
    return st.message();
  }

  std::unique_ptr<testing::FixtureStore> fx_;
  std::string dir_;
  std::unique_ptr<TagCatalog> catalog_;
  std::unique_ptr<events::EventTypeRegistry> event_types_;
  std::set<std::string> sources_ = {"shop"};
  DefinitionCheckContext ctx_;
};

TEST_F(DefinitionCheckTest, ATagWithDataKeepsItsType) {
  Status st =
      CheckDefinition(ctx_, Def({{"name", "tier"}, {"type", "set"}, {"producer", {{"kind", "external"}}}}));
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(
      st.message(),
      "tag definition: type: tag 'tier' has data of type enum; its type cannot change to set (define a new "
      "tag)");
  EXPECT_EQ(
      Refusal({{"name", "city"}, {"type", "int"}, {"producer", {{"kind", "import"}}}}),
      "tag definition: type: tag 'city' has data of type enum; its type cannot change to int (define a new "
      "tag)");
  // An imported tag may be described in the catalog with its own type.
  EXPECT_TRUE(
      CheckDefinition(ctx_, Def({{"name", "city"}, {"type", "enum"}, {"producer", {{"kind", "import"}}}}))
          .ok());
}

TEST_F(DefinitionCheckTest, SqlProducersNeedAKnownSourceAndAQueryThatExpands) {
  EXPECT_EQ(Refusal(Sql("s1", "int", {{"source", "nope"}, {"query", "SELECT 1"}})),
            "tag definition: producer.source: no source 'nope' (GET /api/v1/catalog/sources lists them)");
  EXPECT_EQ(Refusal(Sql("s1", "int", {{"source", "shop"}})), "tag definition: producer.query: is required");
  EXPECT_EQ(Refusal(Sql("s1", "int", {{"source", "shop"}, {"query", ""}})),
            "tag definition: producer.query: must be a non-empty string");
  EXPECT_EQ(Refusal(Sql("s1", "int", {{"source", "shop"}, {"query", "SELECT 1"}, {"qurey", "x"}})),
            "tag definition: producer.qurey: unknown field for a sql producer (known: kind, source, query, "
            "freshness_query, timeout_seconds)");
  EXPECT_EQ(Refusal(Sql("s1", "int", {{"source", "shop"}, {"query", "SELECT 1"}, {"timeout_seconds", 0}})),
            "tag definition: producer.timeout_seconds: must be a whole number of seconds from 1 to 86400");
  EXPECT_EQ(Refusal(Sql("s1", "int", {{"source", "shop"}, {"query", "SELECT {{bizdate}}"}}))
                .rfind("tag definition: producer.query: ", 0),
            0u);
  EXPECT_EQ(Refusal(Sql("s1", "int",
                        {{"source", "shop"}, {"query", "SELECT 1"}, {"freshness_query", "SELECT {{nope}}"}}))
                .rfind("tag definition: producer.freshness_query: ", 0),
            0u);
  // A registry that cannot answer is a failure, not a problem of the definition.
  Status broken = CheckDefinition(ctx_, Def(Sql("s1", "int", {{"source", "broken"}, {"query", "SELECT 1"}})));
  EXPECT_EQ(broken.code(), Status::Code::kIOError) << broken.ToString();
  auto batch = CheckDefinitions(
      ctx_, std::vector<TagDefinition>{Def(Sql("s1", "int", {{"source", "broken"}, {"query", "SELECT 1"}}))});
  EXPECT_EQ(batch.status().code(), Status::Code::kIOError);

  EXPECT_TRUE(
      CheckDefinition(ctx_, Def(Sql("s1", "int",
                                    {{"source", "shop"},
                                     {"query", "SELECT user_id, amount FROM orders WHERE d = '{{biz_date}}'"},
                                     {"timeout_seconds", 60}})))
          .ok());
  // The hint is the caller's.
  ctx_.hints.sources = "tagloop sources list lists them";
  EXPECT_EQ(Refusal(Sql("s1", "int", {{"source", "nope"}, {"query", "SELECT 1"}})),
            "tag definition: producer.source: no source 'nope' (tagloop sources list lists them)");
  ctx_.hints.sources = "";
  EXPECT_EQ(Refusal(Sql("s1", "int", {{"source", "nope"}, {"query", "SELECT 1"}})),
            "tag definition: producer.source: no source 'nope'");
}

TEST_F(DefinitionCheckTest, ListFilesAreUploadedListsThatExist) {
  auto list = [](const std::string& file) {
    return Json{{"name", "s1"}, {"type", "bool"}, {"producer", {{"kind", "list"}, {"file", file}}}};
  };
  EXPECT_EQ(
      Refusal(list("lists/none.txt")),
      "tag definition: producer.file: 'lists/none.txt' does not exist (PUT /api/v1/catalog/tags/s1/list "
      "uploads one)");
  EXPECT_EQ(Refusal(list("../tagloop.db")),
            "tag definition: producer.file: '../tagloop.db' is not an uploaded list (lists/NAME.txt)");
  EXPECT_EQ(Refusal(list("lists/a/b.txt")),
            "tag definition: producer.file: 'lists/a/b.txt' is not an uploaded list (lists/NAME.txt)");
  // No file yet: it is uploaded after the definition.
  EXPECT_TRUE(
      CheckDefinition(ctx_, Def({{"name", "s1"}, {"type", "bool"}, {"producer", {{"kind", "list"}}}})).ok());
  std::filesystem::create_directories(dir_ + "/lists");
  std::ofstream(dir_ + "/lists/crowd.txt") << "m1\n";
  EXPECT_TRUE(CheckDefinition(ctx_, Def(list("lists/crowd.txt"))).ok());
}

TEST_F(DefinitionCheckTest, SchedulesAreCronAndNotForExternalTags) {
  auto scheduled = [](const std::string& cron, const std::string& kind) {
    Json producer = {{"kind", kind}};
    if (kind == "sql") producer = {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT 1"}};
    return Json{{"name", "s1"}, {"type", "int"}, {"schedule", cron}, {"producer", producer}};
  };
  EXPECT_EQ(Refusal(scheduled("0 25 * * *", "sql")),
            "tag definition: schedule: cron '0 25 * * *': hour 25 is out of range 0-23");
  EXPECT_EQ(
      Refusal(scheduled("99 99 * * *", "sql")).rfind("tag definition: schedule: cron '99 99 * * *': ", 0),
      0u);
  EXPECT_EQ(Refusal(scheduled("@daily", "external")),
            "tag definition: schedule: external tags get their values pushed and cannot have a schedule");
  EXPECT_TRUE(CheckDefinition(ctx_, Def(scheduled("0 2 * * *", "sql"))).ok());
}

TEST_F(DefinitionCheckTest, QualityOverridesMustApplyToTheDefaults) {
  auto with_quality = [](Json quality) {
    return Json{{"name", "s1"},
                {"type", "int"},
                {"quality", std::move(quality)},
                {"producer", {{"kind", "external"}}}};
  };
  EXPECT_EQ(Refusal(with_quality({{"min_coverag", 0.1}})).rfind("tag definition: quality: ", 0), 0u);
  EXPECT_EQ(Refusal(with_quality({{"min_coverage", 0.9}, {"max_coverage", 0.5}}))
                .rfind("tag definition: quality: ", 0),
            0u);
  EXPECT_TRUE(CheckDefinition(ctx_, Def(with_quality({{"min_coverage", 0.1}}))).ok());
}

TEST_F(DefinitionCheckTest, EventRulesAreCheckedAgainstTheRegisteredTypes) {
  auto realtime = [](Json events) {
    return Json{
        {"name", "paid_30d"},
        {"type", "int"},
        {"producer",
         {{"kind", "realtime"}, {"rule", "count"}, {"events", std::move(events)}, {"window_days", 30}}}};
  };
  EXPECT_EQ(Refusal(realtime({"order_payed"})).rfind("tag definition: producer.events", 0), 0u)
      << Refusal(realtime({"order_payed"}));
  EXPECT_TRUE(CheckDefinition(ctx_, Def(realtime({"order_paid"}))).ok());
  EXPECT_EQ(Refusal({{"name", "e1"}, {"type", "bool"}, {"producer", {{"kind", "external"}, {"x", 1}}}}),
            "tag definition: producer.x: unknown field for a external producer (known: kind)");
}

TEST_F(DefinitionCheckTest, CompositeExpressionsBindWithTheCallersAccess) {
  Status unknown = CheckDefinition(ctx_, Def(Composite("c_tag", "agee > 3")));
  EXPECT_EQ(unknown.message(),
            "tag definition: producer.expression: unknown tag 'agee' at position 0; did you mean 'age'?");
  EXPECT_EQ(unknown.position().value_or(999), 0u);
  EXPECT_EQ(Refusal({{"name", "d_tag"},
                     {"type", "enum"},
                     {"producer", {{"kind", "composite"}, {"rules", {{{"value", "x"}}}}}}})
                .rfind("tag definition: producer: rules[0].when", 0),
            0u);
  EXPECT_EQ(
      Refusal(
          {{"name", "d_tag"},
           {"type", "enum"},
           {"producer",
            {{"kind", "composite"},
             {"rules", {{{"value", "x"}, {"when", "is_vip"}}, {{"value", "y"}, {"when", "city = 3 AND"}}}}}}})
          .rfind("tag definition: producer.rules[1].when: ", 0),
      0u);
  RefuseTag refuse("is_vip");
  ctx_.tag_access = &refuse;
  EXPECT_EQ(
      Refusal(Composite("c_tag", "age > 3 AND is_vip")),
      "tag definition: producer.expression: tag 'is_vip' is a draft: it is not published yet at position 12");
  EXPECT_TRUE(CheckDefinition(ctx_, Def(Composite("c_tag", "age > 3 AND city = '上海'"))).ok());
}

TEST_F(DefinitionCheckTest, CompositeCyclesAreRefusedWithThePath) {
  EXPECT_EQ(Refusal(Composite("a_tag", "b_tag OR is_vip")),
            "composite tag 'a_tag' would create a cycle: a_tag -> b_tag -> a_tag");
  EXPECT_EQ(Refusal(Composite("a_tag", "a_tag")),
            "composite tag 'a_tag' would create a cycle: a_tag -> a_tag");
  // Through a saved segment too.
  EXPECT_EQ(Refusal(Composite("a_tag", "SEGMENT('bs')")),
            "composite tag 'a_tag' would create a cycle: a_tag -> b_tag -> a_tag");
  // A cycle is the problem told even when the schedule is bad too (the producer is checked first).
  Json both = Composite("a_tag", "b_tag");
  both["schedule"] = "99 99 * * *";
  auto problems = CheckDefinitions(ctx_, std::vector<TagDefinition>{Def(both)});
  ASSERT_TRUE(problems.ok());
  ASSERT_EQ(problems->size(), 1u);
  EXPECT_EQ((*problems)[0].error.field, "producer");
  EXPECT_EQ((*problems)[0].error.what, "composite tag 'a_tag' would create a cycle: a_tag -> b_tag -> a_tag");
  EXPECT_TRUE(CheckDefinition(ctx_, Def(Composite("a_tag", "is_vip AND age > 40"))).ok());
}

TEST_F(DefinitionCheckTest, OneAtATimeACompositeReadsOnlyTagsWithData) {
  // Defined in the catalog, not produced yet.
  ASSERT_TRUE(
      catalog_->Apply(Def(Sql("spend", "int", {{"source", "shop"}, {"query", "SELECT 1"}})), "test").ok());
  EXPECT_EQ(Refusal(Composite("big", "spend > 100"))
                .rfind("tag definition: producer.expression: unknown tag 'spend'", 0),
            0u);
  ctx_.inputs_may_lack_data = true;
  EXPECT_TRUE(CheckDefinition(ctx_, Def(Composite("big", "spend > 100"))).ok());
  // Typed by its definition: an int is no enum.
  EXPECT_EQ(Refusal(Composite("big", "spend = 'gold' AND is_vip"))
                .rfind("tag definition: producer.expression: ", 0),
            0u);
}

TEST_F(DefinitionCheckTest, ABatchMayReadItsOwnTagsBeforeTheyHaveData) {
  ctx_.inputs_may_lack_data = true;
  std::vector<TagDefinition> batch = {
      Def(Sql("spend_365d", "int", {{"source", "shop"}, {"query", "SELECT 1"}})),
      Def(Sql("member_level", "enum", {{"source", "shop"}, {"query", "SELECT 1"}})),
      Def(Composite("high_value", "spend_365d >= 5000 OR member_level IN ('白金', '钻石')")),
      Def({{"name", "value_tier"},
           {"type", "enum"},
           {"producer",
            {{"kind", "composite"},
             {"rules", {{{"value", "高"}, {"when", "high_value AND is_vip"}}}},
             {"else", "一般"}}}}),
  };
  auto problems = CheckDefinitions(ctx_, batch);
  ASSERT_TRUE(problems.ok()) << problems.status().ToString();
  EXPECT_TRUE(problems->empty()) << (problems->empty() ? "" : (*problems)[0].status.message());

  // Without a store at all (nothing imported yet) the same batch passes.
  ctx_.snapshot = nullptr;
  batch[3] =
      Def({{"name", "value_tier"},
           {"type", "enum"},
           {"producer", {{"kind", "composite"}, {"rules", {{{"value", "高"}, {"when", "high_value"}}}}}}});
  problems = CheckDefinitions(ctx_, batch);
  ASSERT_TRUE(problems.ok()) << problems.status().ToString();
  EXPECT_TRUE(problems->empty()) << (problems->empty() ? "" : (*problems)[0].status.message());
}

TEST_F(DefinitionCheckTest, ABatchReportsEveryRefusedDefinitionInOrder) {
  ctx_.inputs_may_lack_data = true;
  Json cron = Sql("s1", "int", {{"source", "shop"}, {"query", "SELECT 1"}});
  cron["schedule"] = "99 99 * * *";
  std::vector<TagDefinition> batch = {
      Def(cron),
      Def(Composite("ok_tag", "is_vip")),
      Def(Composite("c_tag", "nowhere AND is_vip")),  // neither stored, defined nor in the batch
      Def(Sql("s2", "int", {{"source", "nope"}, {"query", "SELECT 1"}})),
  };
  auto problems = CheckDefinitions(ctx_, batch);
  ASSERT_TRUE(problems.ok()) << problems.status().ToString();
  ASSERT_EQ(problems->size(), 3u);
  EXPECT_EQ((*problems)[0].index, 0u);
  EXPECT_EQ((*problems)[0].error.field, "schedule");
  EXPECT_EQ((*problems)[0].error.what.rfind("cron '99 99 * * *': ", 0), 0u);
  EXPECT_EQ((*problems)[1].index, 2u);
  EXPECT_EQ((*problems)[1].error.field, "producer.expression");
  EXPECT_EQ((*problems)[1].error.what.rfind("unknown tag 'nowhere' at position 0", 0), 0u);
  EXPECT_EQ((*problems)[2].index, 3u);
  EXPECT_EQ((*problems)[2].error.field, "producer.source");
  EXPECT_EQ((*problems)[2].status.message(),
            "tag definition: producer.source: no source 'nope' (GET /api/v1/catalog/sources lists them)");
}

TEST_F(DefinitionCheckTest, ABatchIsCheckedForCyclesAsAWhole) {
  ctx_.inputs_may_lack_data = true;
  // Two new composites reading each other.
  auto problems =
      CheckDefinitions(ctx_, std::vector<TagDefinition>{Def(Composite("x_tag", "y_tag AND is_vip")),
                                                        Def(Composite("y_tag", "x_tag"))});
  ASSERT_TRUE(problems.ok()) << problems.status().ToString();
  ASSERT_EQ(problems->size(), 2u);
  EXPECT_EQ((*problems)[0].status.message(),
            "composite tag 'x_tag' would create a cycle: x_tag -> y_tag -> x_tag");
  EXPECT_EQ((*problems)[1].status.message(),
            "composite tag 'y_tag' would create a cycle: y_tag -> x_tag -> y_tag");

  // A new definition closing a cycle through a stored one (b_tag reads a_tag).
  problems = CheckDefinitions(ctx_, std::vector<TagDefinition>{Def(Composite("a_tag", "b_tag"))});
  ASSERT_TRUE(problems.ok());
  ASSERT_EQ(problems->size(), 1u);
  EXPECT_EQ((*problems)[0].error.what, "composite tag 'a_tag' would create a cycle: a_tag -> b_tag -> a_tag");

  // The batch's definitions replace the stored ones: turning the edge around is no cycle.
  problems = CheckDefinitions(ctx_, std::vector<TagDefinition>{Def(Composite("a_tag", "b_tag")),
                                                               Def(Composite("b_tag", "age > 20"))});
  ASSERT_TRUE(problems.ok());
  EXPECT_TRUE(problems->empty()) << (problems->empty() ? "" : (*problems)[0].status.message());

  // Through a stored composite without data: the graph sees defined tags.
  ASSERT_TRUE(catalog_->Apply(Def(Composite("p_tag", "q_tag")), "test").ok());  // q_tag: defined below
  problems = CheckDefinitions(ctx_, std::vector<TagDefinition>{Def(Composite("q_tag", "p_tag OR is_vip"))});
  ASSERT_TRUE(problems.ok());
  ASSERT_EQ(problems->size(), 1u);
  EXPECT_EQ((*problems)[0].error.what, "composite tag 'q_tag' would create a cycle: q_tag -> p_tag -> q_tag");
}

}  // namespace
}  // namespace tagloop
