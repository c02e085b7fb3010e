#include "catalog/tag_definition.h"

#include <gtest/gtest.h>

#include <functional>

namespace tagloop {
namespace {

using json = nlohmann::json;

json Minimal() { return json{{"name", "vip_level"}, {"type", "enum"}, {"producer", {{"kind", "import"}}}}; }

json Full() {
  return json::parse(R"({
    "name": "vip_level", "type": "enum",
    "title": {"zh": "会员等级", "en": "VIP level"}, "description": "等级 1-5",
    "owner": "crm-team", "category": "交易/会员",
    "producer": {"kind": "sql", "source": "shop", "query": "SELECT id, level FROM members", "timeout_seconds": 60},
    "schedule": "0 2 * * *", "biz_date": "today",
    "quality": {"min_coverage": 0.1}, "retention": {"keep_days": 90, "keep_versions": 7}})");
}

// The error of parsing `j`, as "message | field | what".
std::string ErrorOf(const json& j) {
  DefinitionError e;
  Result<TagDefinition> d = TagDefinitionFromJson(j, &e);
  if (d.ok()) return "(parsed)";
  EXPECT_EQ(d.status().code(), Status::Code::kInvalidArgument);
  return d.status().message() + " | " + e.field + " | " + e.what;
}

TEST(TagDefinitionTest, MinimalDefinitionGetsDefaults) {
  Result<TagDefinition> d = TagDefinitionFromJson(Minimal());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->name, "vip_level");
  EXPECT_EQ(d->type.ToString(), "enum");
  EXPECT_EQ(d->producer, ProducerKind::kImport);
  EXPECT_EQ(d->producer_config, json::object());
  EXPECT_EQ(d->title_zh, "");
  EXPECT_EQ(d->category_path, "");
  EXPECT_EQ(d->category_id, 0);
  EXPECT_EQ(d->schedule, "");
  EXPECT_EQ(d->biz_date, BizDateRule::kYesterday);
  EXPECT_EQ(d->quality, json::object());
  EXPECT_EQ(d->retention, RetentionRule{});
}

TEST(TagDefinitionTest, FullDefinitionReadsEveryField) {
  Result<TagDefinition> d = TagDefinitionFromJson(Full());
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  EXPECT_EQ(d->title_zh, "会员等级");
  EXPECT_EQ(d->title_en, "VIP level");
  EXPECT_EQ(d->description, "等级 1-5");
  EXPECT_EQ(d->owner, "crm-team");
  EXPECT_EQ(d->category_path, "交易/会员");
  EXPECT_EQ(d->category_id, 0);  // resolved by the catalog
  EXPECT_EQ(d->producer, ProducerKind::kSql);
  EXPECT_EQ(d->producer_config,
            (json{{"source", "shop"}, {"query", "SELECT id, level FROM members"}, {"timeout_seconds", 60}}));
  EXPECT_EQ(d->schedule, "0 2 * * *");
  EXPECT_EQ(d->biz_date, BizDateRule::kToday);
  EXPECT_EQ(d->quality, (json{{"min_coverage", 0.1}}));
  EXPECT_EQ(d->retention, (RetentionRule{90, 7}));
}

TEST(TagDefinitionTest, ASingleTitleIsTheChineseOne) {
  json j = Minimal();
  j["title"] = "会员等级";
  Result<TagDefinition> d = TagDefinitionFromJson(j);
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->title_zh, "会员等级");
  EXPECT_EQ(d->title_en, "");
}

TEST(TagDefinitionTest, NullFieldsAreAbsentFields) {
  json j = Minimal();
  j["title"] = nullptr;
  j["schedule"] = nullptr;
  j["retention"] = nullptr;
  EXPECT_TRUE(TagDefinitionFromJson(j).ok());
}

TEST(TagDefinitionTest, RequiredFieldsAreNamed) {
  json j = Minimal();
  j.erase("name");
  EXPECT_EQ(ErrorOf(j), "tag definition: name: is required | name | is required");
  j = Minimal();
  j.erase("type");
  EXPECT_EQ(ErrorOf(j), "tag definition: type: is required (bool, enum, set, int, decimal:N, date) | type | "
                        "is required (bool, enum, set, int, decimal:N, date)");
  j = Minimal();
  j.erase("producer");
  EXPECT_EQ(ErrorOf(j), "tag definition: producer: is required ({\"kind\": \"sql\", ...}) | producer | "
                        "is required ({\"kind\": \"sql\", ...})");
  j = Minimal();
  j["producer"] = {{"source", "shop"}};
  EXPECT_EQ(ErrorOf(j), "tag definition: producer.kind: is required (a string) | producer.kind | "
                        "is required (a string)");
}

TEST(TagDefinitionTest, UnknownFieldsAreErrorsNamingTheField) {
  json j = Minimal();
  j["nmae"] = "x";
  EXPECT_EQ(ErrorOf(j),
            "tag definition: nmae: unknown field (known: name, type, title, description, owner, category, "
            "category_id, producer, schedule, biz_date, quality, retention, personal) | nmae | unknown field (known: "
            "name, type, title, description, owner, category, category_id, producer, schedule, biz_date, quality, "
            "retention, personal)");
  j = Minimal();
  j["title"] = {{"zh", "会员"}, {"fr", "membre"}};
  EXPECT_EQ(ErrorOf(j), "tag definition: title.fr: unknown field (known: zh, en) | title.fr | "
                        "unknown field (known: zh, en)");
  j = Minimal();
  j["retention"] = {{"keep_weeks", 2}};
  EXPECT_EQ(ErrorOf(j), "tag definition: retention.keep_weeks: unknown field (known: keep_days, keep_versions) | "
                        "retention.keep_weeks | unknown field (known: keep_days, keep_versions)");
}

TEST(TagDefinitionTest, BadValuesAreErrorsNamingTheField) {
  auto with = [](const char* key, json value) {
    json j = Minimal();
    j[key] = std::move(value);
    return ErrorOf(j);
  };
  EXPECT_EQ(with("name", 5), "tag definition: name: must be a string | name | must be a string");
  EXPECT_EQ(with("name", "1vip"),
            "tag definition: name: '1vip' is not a valid tag name ([A-Za-z_][A-Za-z0-9_]*, at most 128 bytes) | "
            "name | '1vip' is not a valid tag name ([A-Za-z_][A-Za-z0-9_]*, at most 128 bytes)");
  EXPECT_NE(with("type", "float").find("| type | "), std::string::npos);
  EXPECT_EQ(with("title", 3), "tag definition: title: must be a string or {\"zh\": ..., \"en\": ...} | title | "
                              "must be a string or {\"zh\": ..., \"en\": ...}");
  EXPECT_EQ(with("producer", {{"kind", "sqll"}}),
            "tag definition: producer.kind: unknown producer 'sqll' (sql, list, composite, external, realtime, behavior, import) | "
            "producer.kind | unknown producer 'sqll' (sql, list, composite, external, realtime, behavior, import)");
  EXPECT_EQ(with("producer", "sql"),
            "tag definition: producer: must be an object with a \"kind\" | producer | must be an object with a "
            "\"kind\"");
  EXPECT_EQ(with("biz_date", "tomorrow"), "tag definition: biz_date: 'tomorrow' is not one of yesterday, today | "
                                          "biz_date | 'tomorrow' is not one of yesterday, today");
  EXPECT_EQ(with("quality", json::array()),
            "tag definition: quality: must be an object of rule overrides | quality | must be an object of rule "
            "overrides");
  EXPECT_EQ(with("retention", {{"keep_days", -1}}),
            "tag definition: retention.keep_days: must be a whole number from 0 to 1000000 | retention.keep_days | "
            "must be a whole number from 0 to 1000000");
  EXPECT_EQ(with("retention", {{"keep_versions", "7"}}).substr(0, 50),
            "tag definition: retention.keep_versions: must be a");
  EXPECT_EQ(with("category_id", "x"), "tag definition: category_id: must be an id | category_id | must be an id");
  EXPECT_EQ(with("schedule", "0 2 * * *"),
            "tag definition: schedule: import tags are written by CSV imports and cannot have a schedule | "
            "schedule | import tags are written by CSV imports and cannot have a schedule");
  EXPECT_EQ(ErrorOf(json::array()), "tag definition: must be an object of fields (JSON object or YAML mapping) |  | "
                                    "must be an object of fields (JSON object or YAML mapping)");
}

TEST(TagDefinitionTest, JsonRoundTrip) {
  Result<TagDefinition> d = TagDefinitionFromJson(Full());
  ASSERT_TRUE(d.ok());
  json out = TagDefinitionToJson(*d);
  EXPECT_EQ(out, Full());  // every field written, "category" as the path
  Result<TagDefinition> back = TagDefinitionFromJson(out);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->SameAs(*d));
  EXPECT_EQ(back->category_path, d->category_path);

  Result<TagDefinition> minimal = TagDefinitionFromJson(Minimal());
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(TagDefinitionToJson(*minimal).dump(),
            R"({"biz_date":"yesterday","category":"","description":"","name":"vip_level","owner":"",)"
            R"("producer":{"kind":"import"},"quality":{},"retention":{"keep_days":0,"keep_versions":0},)"
            R"("schedule":"","title":{"en":"","zh":""},"type":"enum"})");
  Result<TagDefinition> minimal_back = TagDefinitionFromJson(TagDefinitionToJson(*minimal));
  ASSERT_TRUE(minimal_back.ok());
  EXPECT_TRUE(minimal_back->SameAs(*minimal));
}

TEST(TagDefinitionTest, SameAsComparesEveryStoredFieldButNotThePath) {
  const TagDefinition base = *TagDefinitionFromJson(Full());
  TagDefinition d = base;
  d.category_path = "elsewhere";
  EXPECT_TRUE(d.SameAs(base));
  std::vector<std::function<void(TagDefinition&)>> edits = {
      [](TagDefinition& x) { x.type = *TagType::Parse("set"); },
      [](TagDefinition& x) { x.title_zh = "x"; },
      [](TagDefinition& x) { x.title_en = "x"; },
      [](TagDefinition& x) { x.description = "x"; },
      [](TagDefinition& x) { x.owner = "x"; },
      [](TagDefinition& x) { x.category_id = 9; },
      [](TagDefinition& x) { x.producer = ProducerKind::kList; },
      [](TagDefinition& x) { x.producer_config["query"] = "SELECT 2"; },
      [](TagDefinition& x) { x.schedule = "0 3 * * *"; },
      [](TagDefinition& x) { x.biz_date = BizDateRule::kYesterday; },
      [](TagDefinition& x) { x.quality = json::object(); },
      [](TagDefinition& x) { x.retention.keep_versions = 1; },
      [](TagDefinition& x) { x.personal = true; },
  };
  for (size_t i = 0; i < edits.size(); ++i) {
    TagDefinition e = base;
    edits[i](e);
    EXPECT_FALSE(e.SameAs(base)) << "edit " << i;
  }
}

TEST(TagDefinitionTest, DiffListsEachChangedFieldExactly) {
  const TagDefinition a = *TagDefinitionFromJson(Full());
  EXPECT_TRUE(DiffDefinitions(a, a).empty());
  TagDefinition b = a;
  b.type = *TagType::Parse("set");
  b.title_zh = "会员级别";
  b.title_en = "";
  b.description = "new";
  b.owner = "growth";
  b.producer_config["query"] = "SELECT 2";
  b.producer_config.erase("timeout_seconds");
  b.producer_config["fetch"] = 10;
  b.schedule = "";
  b.biz_date = BizDateRule::kYesterday;
  b.quality = {{"min_coverage", 0.2}};
  b.retention = {30, 7};
  EXPECT_EQ(DiffDefinitions(a, b), (std::vector<std::string>{
                                       "type: enum -> set",
                                       "title.zh: '会员等级' -> '会员级别'",
                                       "title.en: 'VIP level' -> ''",
                                       "description: changed",
                                       "owner: 'crm-team' -> 'growth'",
                                       "producer.fetch: added",
                                       "producer.query: changed",
                                       "producer.timeout_seconds: removed",
                                       "schedule: '0 2 * * *' -> ''",
                                       "biz_date: changed",
                                       R"(quality: {"min_coverage":0.1} -> {"min_coverage":0.2})",
                                       "retention: keep_days 90 keep_versions 7 -> keep_days 30 keep_versions 7",
                                   }));
  TagDefinition c = a;
  c.producer = ProducerKind::kList;
  EXPECT_EQ(DiffDefinitions(a, c), (std::vector<std::string>{"producer.kind: sql -> list"}));
}

TEST(TagDefinitionTest, DiffOfTheCategoryUsesPathsAndIds) {
  TagDefinition a = *TagDefinitionFromJson(Minimal());
  a.category_id = 1;
  a.category_path = "交易/会员";
  TagDefinition b = a;
  b.category_id = 2;
  b.category_path = "营销";
  EXPECT_EQ(DiffDefinitions(a, b), (std::vector<std::string>{"category: '交易/会员' -> '营销'"}));
  b.category_path = a.category_path;  // same path, another category (the old one was deleted and re-created)
  EXPECT_EQ(DiffDefinitions(a, b), (std::vector<std::string>{"category: moved"}));
  b = a;
  b.category_path = "renamed";  // same id: a rename, not a change of the definition
  EXPECT_TRUE(DiffDefinitions(a, b).empty());
}

TEST(TagDefinitionTest, NamesOfKindsAndStatuses) {
  for (ProducerKind k : {ProducerKind::kImport, ProducerKind::kSql, ProducerKind::kList, ProducerKind::kComposite,
                         ProducerKind::kExternal}) {
    Result<ProducerKind> back = ParseProducerKind(ProducerKindName(k));
    ASSERT_TRUE(back.ok());
    EXPECT_EQ(*back, k);
  }
  EXPECT_STREQ(ProducerKindName(ProducerKind::kComposite), "composite");
  EXPECT_FALSE(ParseProducerKind("SQL").ok());
  for (TagStatus s : {TagStatus::kDraft, TagStatus::kPublished, TagStatus::kOffline}) {
    EXPECT_EQ(*ParseTagStatus(TagStatusName(s)), s);
  }
  EXPECT_EQ(ParseTagStatus("archived").status().message(), "unknown status 'archived' (draft, published, offline)");
}

}  // namespace
}  // namespace tagloop

namespace tagloop {
namespace {

TEST(TagDefinitionTest, PersonalFlag) {
  json j = {{"name", "phone"}, {"type", "enum"}, {"producer", {{"kind", "import"}}}};
  Result<TagDefinition> plain = TagDefinitionFromJson(j);
  ASSERT_TRUE(plain.ok());
  EXPECT_FALSE(plain->personal);
  EXPECT_FALSE(TagDefinitionToJson(*plain).contains("personal"));  // unchanged form for older definitions
  j["personal"] = true;
  Result<TagDefinition> personal = TagDefinitionFromJson(j);
  ASSERT_TRUE(personal.ok());
  EXPECT_TRUE(personal->personal);
  EXPECT_EQ(TagDefinitionToJson(*personal)["personal"], true);
  EXPECT_TRUE(TagDefinitionFromJson(TagDefinitionToJson(*personal))->SameAs(*personal));
  EXPECT_EQ(DiffDefinitions(*plain, *personal), std::vector<std::string>{"personal: false -> true"});
  j["personal"] = "yes";
  EXPECT_EQ(TagDefinitionFromJson(j).status().message(), "tag definition: personal: must be true or false");
}

}  // namespace
}  // namespace tagloop
