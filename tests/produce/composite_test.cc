// Composite tags (produce/composite.h): settings parsing, validation,
// references, and the exact users each value gets.
#include "produce/composite.h"

#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "segment/fixture_store.h"

namespace tagloop {
namespace {

using Json = nlohmann::json;
using UsersByValue = std::map<std::string, std::vector<std::string>>;

Days D(const char* s) { return *ParseDate(s); }
TagType Type(const char* s) { return *TagType::Parse(s); }

// Six users; spend and age change on 2026-02-01, vip starts then.
constexpr char kFixture[] = R"(
users u1 u2 u3 u4 u5 u6
tag age int
version 2026-01-01
u1 20
u2 35
u3 50
u4 70
version 2026-02-01
u1 21
u2 36
u3 51
u4 71
u5 40
tag city enum
version 2026-01-01
u1 sh
u2 bj
u3 sh
u5 gz
tag spend int
version 2026-01-01
u1 100
u2 5000
u3 20000
version 2026-02-01
u1 30000
u2 5000
u3 200
u6 9000
tag vip bool
version 2026-02-01
u1 true
u2 false
tag last_order date
version 2026-01-01
u1 2025-12-20
u2 2026-01-10
segment big_spenders spend >= 10000
segment sh_big SEGMENT('big_spenders') AND city = 'sh'
)";

class CompositeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fx = testing::BuildFixtureStore(kFixture);
    ASSERT_TRUE(fx.ok()) << fx.status().ToString();
    fx_ = std::move(*fx);
    snap_ = fx_->store->snapshot();
    options_.as_of = D("2026-02-01");
    options_.segments = &fx_->segments;
  }

  CompositeSpec Bool(std::string expr) {
    CompositeSpec s;
    s.type = Type("bool");
    s.expression = std::move(expr);
    return s;
  }
  CompositeSpec Enum(std::vector<CompositeRule> rules, std::optional<std::string> else_value = std::nullopt) {
    CompositeSpec s;
    s.type = Type("enum");
    s.rules = std::move(rules);
    s.else_value = std::move(else_value);
    return s;
  }

  // Builds as of `as_of` and lists each value's users by external id.
  UsersByValue Build(const CompositeSpec& spec, Days as_of) {
    SegmentQueryOptions o = options_;
    o.as_of = as_of;
    auto content = BuildComposite(*snap_, spec, as_of, o);
    EXPECT_TRUE(content.ok()) << content.status().ToString();
    if (!content.ok()) return {};
    EXPECT_EQ(content->type, spec.type);
    EXPECT_EQ(content->date, as_of);
    EXPECT_TRUE(std::is_sorted(content->values.begin(), content->values.end()));
    UsersByValue out;
    for (size_t i = 0; i < content->values.size(); ++i) {
      std::vector<std::string>& users = out[content->values[i]];
      for (uint32_t u : content->value_users[i].ToVector()) users.push_back(fx_->users.at(u));
    }
    return out;
  }
  UsersByValue Build(const CompositeSpec& spec) { return Build(spec, options_.as_of); }

  std::unique_ptr<testing::FixtureStore> fx_;
  std::shared_ptr<const Snapshot> snap_;
  SegmentQueryOptions options_;
};

TEST_F(CompositeTest, BoolIsTrueInTheSegmentAndFalseForTheRestOfTheUniverse) {
  EXPECT_EQ(Build(Bool("spend >= 10000 OR vip")),
            (UsersByValue{{"false", {"u2", "u3", "u4", "u5", "u6"}}, {"true", {"u1"}}}));
  // Nobody in the segment: only "false"; everybody: only "true".
  EXPECT_EQ(Build(Bool("age > 1000")), (UsersByValue{{"false", {"u1", "u2", "u3", "u4", "u5", "u6"}}}));
  EXPECT_EQ(Build(Bool("ALL")), (UsersByValue{{"true", {"u1", "u2", "u3", "u4", "u5", "u6"}}}));
}

TEST_F(CompositeTest, InputsAreReadAsOfTheProducedDate) {
  const CompositeSpec spec = Bool("spend >= 10000 OR vip");
  // On 01-15 spend is the 01-01 version (u3 20000) and vip has no version yet.
  EXPECT_EQ(Build(spec, D("2026-01-15")),
            (UsersByValue{{"false", {"u1", "u2", "u4", "u5", "u6"}}, {"true", {"u3"}}}));
  // Before any input exists everybody is outside the segment.
  EXPECT_EQ(Build(spec, D("2025-12-31")), (UsersByValue{{"false", {"u1", "u2", "u3", "u4", "u5", "u6"}}}));
  // tag@DATE pins one input whatever the produced date.
  EXPECT_EQ(Build(Bool("spend@2026-01-01 >= 10000")),
            (UsersByValue{{"false", {"u1", "u2", "u4", "u5", "u6"}}, {"true", {"u3"}}}));
  // DAYS_AGO counts back from the produced date: 01-02 on 02-01, 12-16 on 01-15.
  const CompositeSpec recent = Bool("last_order >= DAYS_AGO(30)");
  EXPECT_EQ(Build(recent), (UsersByValue{{"false", {"u1", "u3", "u4", "u5", "u6"}}, {"true", {"u2"}}}));
  EXPECT_EQ(Build(recent, D("2026-01-15")),
            (UsersByValue{{"false", {"u3", "u4", "u5", "u6"}}, {"true", {"u1", "u2"}}}));
}

TEST_F(CompositeTest, TheBuiltVersionMeansWhatItsExpressionMeans) {
  auto content = BuildComposite(*snap_, Bool("city = 'sh' OR spend > 8000"), D("2026-02-01"), options_);
  ASSERT_TRUE(content.ok()) << content.status().ToString();
  {
    auto w = fx_->store->BeginWrite();
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->PutVersion("sh_or_rich", std::move(*content)).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }
  auto snap = fx_->store->snapshot();
  auto count = [&](const char* expr) {
    auto n = CountSegment(*snap, expr, options_);
    EXPECT_TRUE(n.ok()) << expr << ": " << n.status().ToString();
    return n.ok() ? *n : ~uint64_t{0};
  };
  EXPECT_EQ(count("sh_or_rich"), 3u);  // u1 u3 u6
  EXPECT_EQ(count("sh_or_rich = false"), 3u);
  EXPECT_EQ(count("NOT sh_or_rich"), 3u);
  EXPECT_EQ(count("sh_or_rich IS NULL"), 0u);
  EXPECT_EQ(count("sh_or_rich = false AND (city = 'sh' OR spend > 8000)"), 0u);
}

TEST_F(CompositeTest, DeletedUsersGetNoValue) {
  {
    auto w = fx_->store->BeginWrite();
    ASSERT_TRUE(w.ok());
    const std::vector<uint32_t> gone = {4};  // u5
    ASSERT_TRUE((*w)->DeleteUsers(gone).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }
  snap_ = fx_->store->snapshot();
  EXPECT_EQ(Build(Bool("vip")), (UsersByValue{{"false", {"u2", "u3", "u4", "u6"}}, {"true", {"u1"}}}));
  EXPECT_EQ(Build(Enum({{"x", "age > 30"}}, "y")),
            (UsersByValue{{"x", {"u2", "u3", "u4"}}, {"y", {"u1", "u6"}}}));
}

TEST_F(CompositeTest, EnumFirstMatchingRuleWins) {
  const std::vector<CompositeRule> tiers = {
      {"high", "spend >= 10000"}, {"mid", "spend >= 1000"}, {"low", "spend IS NOT NULL"}};
  EXPECT_EQ(Build(Enum(tiers)), (UsersByValue{{"high", {"u1"}}, {"low", {"u3"}}, {"mid", {"u2", "u6"}}}));
  EXPECT_EQ(Build(Enum(tiers, "none")),
            (UsersByValue{{"high", {"u1"}}, {"low", {"u3"}}, {"mid", {"u2", "u6"}}, {"none", {"u4", "u5"}}}));
  // As of 01-15 the inputs are the 01-01 versions.
  EXPECT_EQ(Build(Enum(tiers, "none"), D("2026-01-15")),
            (UsersByValue{{"high", {"u3"}}, {"low", {"u1"}}, {"mid", {"u2"}}, {"none", {"u4", "u5", "u6"}}}));
  // Order matters: a broader rule first takes everyone it holds.
  EXPECT_EQ(Build(Enum({{"low", "spend IS NOT NULL"}, {"high", "spend >= 10000"}})),
            (UsersByValue{{"low", {"u1", "u2", "u3", "u6"}}}));
}

TEST_F(CompositeTest, EnumRepeatedValuesMergeAndEmptyValuesAreLeftOut) {
  const std::vector<CompositeRule> rules = {
      {"a", "city = 'sh'"}, {"b", "age > 40"}, {"a", "vip OR city = 'gz'"}, {"c", "age > 1000"}};
  // a: u1 u3 (rule 0), u5 (rule 2; u1 was taken); b: u4 (u3 was taken); c: nobody.
  EXPECT_EQ(Build(Enum(rules)), (UsersByValue{{"a", {"u1", "u3", "u5"}}, {"b", {"u4"}}}));
  // `else` may repeat a rule's value.
  EXPECT_EQ(Build(Enum(rules, "b")), (UsersByValue{{"a", {"u1", "u3", "u5"}}, {"b", {"u2", "u4", "u6"}}}));
  // No rule holds anyone and no else: an empty version.
  auto content = BuildComposite(*snap_, Enum({{"x", "age > 1000"}}), D("2026-02-01"), options_);
  ASSERT_TRUE(content.ok());
  EXPECT_TRUE(content->values.empty());
  EXPECT_TRUE(content->value_users.empty());
}

TEST_F(CompositeTest, SavedSegmentsAndReferences) {
  EXPECT_EQ(Build(Enum({{"sh_big", "SEGMENT('sh_big')"}}, "other"), D("2026-01-15")),
            (UsersByValue{{"other", {"u1", "u2", "u4", "u5", "u6"}}, {"sh_big", {"u3"}}}));
  auto refs = CompositeReferences(
      *snap_, Enum({{"a", "SEGMENT('sh_big') OR vip"}, {"b", "age@2026-01-01 > 3 AND vip = false"}}),
      options_);
  ASSERT_TRUE(refs.ok()) << refs.status().ToString();
  EXPECT_EQ(refs->tags, (std::vector<std::string>{"age", "city", "spend", "vip"}));
  EXPECT_EQ(refs->segments, (std::vector<std::string>{"big_spenders", "sh_big"}));
  refs = CompositeReferences(*snap_, Bool("ALL"), options_);
  ASSERT_TRUE(refs.ok());
  EXPECT_EQ(*refs, SegmentReferences{});
}

TEST_F(CompositeTest, BadExpressionsNameTheFieldAndKeepThePosition) {
  const CompositeSpec bad_bool = Bool("vip AND agee > 3");
  Status v = ValidateComposite(*snap_, bad_bool, options_);
  Status r = CompositeReferences(*snap_, bad_bool, options_).status();
  Status b = BuildComposite(*snap_, bad_bool, D("2026-02-01"), options_).status();
  for (const Status* s : {&v, &r, &b}) {
    EXPECT_EQ(s->code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(s->position(), 8u);
    EXPECT_EQ(s->message(), "expression: unknown tag 'agee' at position 8; did you mean 'age'?");
  }
  // The second rule's type error; nothing is built although the first rule is fine.
  const CompositeSpec bad_rule = Enum({{"a", "vip"}, {"b", "city > 3"}});
  Status st = BuildComposite(*snap_, bad_rule, D("2026-02-01"), options_).status();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.position(), 0u);
  EXPECT_EQ(st.message(),
            "rules[1].when: type error: '>' needs an int, decimal or date tag; 'city' is enum at position 0");
  EXPECT_EQ(ValidateComposite(*snap_, bad_rule, options_).message(), st.message());
  // Syntax errors, unknown segments, a bare non-bool tag.
  st = ValidateComposite(*snap_, Enum({{"a", "vip AND"}}), options_);
  EXPECT_EQ(st.position(), 7u);
  EXPECT_EQ(st.message().rfind("rules[0].when: ", 0), 0u) << st.message();
  st = ValidateComposite(*snap_, Bool("SEGMENT('big_spender')"), options_);
  EXPECT_EQ(st.message(),
            "expression: unknown segment 'big_spender' at position 0; did you mean 'big_spenders'?");
  st = ValidateComposite(*snap_, Bool("city"), options_);
  EXPECT_EQ(st.message(),
            "expression: type error: tag 'city' is enum; only a bool tag can stand alone (compare it, e.g. "
            "city IS NOT NULL) at position 0");
  EXPECT_TRUE(ValidateComposite(*snap_, Bool("vip AND age > 3"), options_).ok());
}

TEST_F(CompositeTest, ValidationOpensNoVersionFile) {
  const TagInfo* spend = snap_->FindTag("spend");
  for (const VersionInfo& v : spend->versions) {
    std::ofstream f(fx_->store->dir() + "/" + v.file, std::ios::binary | std::ios::trunc);
    f << "not a version file";
  }
  const CompositeSpec spec = Enum({{"rich", "spend > 1000"}, {"vip", "vip"}});
  EXPECT_TRUE(ValidateComposite(*snap_, spec, options_).ok());
  EXPECT_TRUE(CompositeReferences(*snap_, spec, options_).ok());
  EXPECT_EQ(BuildComposite(*snap_, spec, D("2026-02-01"), options_).status().code(),
            Status::Code::kCorruption);
}

TEST_F(CompositeTest, OfflineInputsAreRefused) {
  class Offline : public TagAccess {
   public:
    Status Check(std::string_view tag) const override {
      return tag == "spend" ? Status::FailedPrecondition("tag 'spend' is offline") : Status::Ok();
    }
  } offline;
  options_.tag_access = &offline;
  Status st = BuildComposite(*snap_, Enum({{"a", "vip"}, {"b", "age > 3 OR SEGMENT('big_spenders')"}}),
                             D("2026-02-01"), options_)
                  .status();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.position(), 11u);
  EXPECT_EQ(st.message(),
            "rules[1].when: in segment 'big_spenders' at position 11: tag 'spend' is offline at position 0");
  EXPECT_TRUE(ValidateComposite(*snap_, Bool("vip OR age > 3"), options_).ok());
}

TEST_F(CompositeTest, OnlyBoolAndEnumComposites) {
  for (const char* t : {"set", "int", "decimal:2", "date"}) {
    CompositeSpec spec = Bool("vip");
    spec.type = Type(t);
    const std::string want = fmt::format("a composite tag is bool or enum; this tag is {}", t);
    EXPECT_EQ(ParseCompositeSpec(Type(t), Json{{"expression", "vip"}}).status().message(), want);
    EXPECT_EQ(ValidateComposite(*snap_, spec, options_).message(), want);
    EXPECT_EQ(BuildComposite(*snap_, spec, D("2026-02-01"), options_).status().code(),
              Status::Code::kInvalidArgument);
  }
}

TEST(CompositeSpecTest, ParsesBoolAndEnumSettings) {
  auto b = ParseCompositeSpec(Type("bool"), Json::parse(R"({"expression": "vip AND age > 3"})"));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->type, Type("bool"));
  EXPECT_EQ(b->expression, "vip AND age > 3");
  EXPECT_EQ(CompositeSpecToJson(*b), Json::parse(R"({"expression": "vip AND age > 3"})"));

  const Json enum_json = Json::parse(
      R"({"rules": [{"value": "high", "when": "spend > 100"}, {"value": "低", "when": "ALL"}], "else": "none"})");
  auto e = ParseCompositeSpec(Type("enum"), enum_json);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->rules, (std::vector<CompositeRule>{{"high", "spend > 100"}, {"低", "ALL"}}));
  EXPECT_EQ(e->else_value, "none");
  EXPECT_EQ(CompositeSpecToJson(*e), enum_json);
  auto no_else =
      ParseCompositeSpec(Type("enum"), Json::parse(R"({"rules": [{"value": "x", "when": "vip"}]})"));
  ASSERT_TRUE(no_else.ok());
  EXPECT_EQ(no_else->else_value, std::nullopt);
}

TEST(CompositeSpecTest, ErrorsNameTheField) {
  auto error = [](const char* type, const char* json) {
    return ParseCompositeSpec(Type(type), Json::parse(json)).status().message();
  };
  EXPECT_EQ(error("bool", "[]"), "composite settings must be a JSON object");
  EXPECT_EQ(error("bool", "{}"), "expression: is required");
  EXPECT_EQ(error("bool", R"({"expression": ""})"), "expression: must be a non-empty string");
  EXPECT_EQ(error("bool", R"({"expression": 3})"), "expression: must be a non-empty string");
  EXPECT_EQ(error("bool", R"({"expression": "vip", "expr": "x"})"),
            "expr: unknown field (expected expression)");
  EXPECT_EQ(error("bool", R"({"rules": []})"),
            "rules: a bool composite has one \"expression\"; rules are for enum tags");
  EXPECT_EQ(error("enum", R"({"expression": "vip"})"),
            "expression: an enum composite has \"rules\" (and \"else\"); \"expression\" is for bool tags");
  EXPECT_EQ(error("enum", "{}"), "rules: is required");
  EXPECT_EQ(error("enum", R"({"rules": []})"), "rules: must be a non-empty array");
  EXPECT_EQ(error("enum", R"({"rules": {"value": "a"}})"), "rules: must be a non-empty array");
  EXPECT_EQ(error("enum", R"({"rules": ["a"]})"),
            "rules[0]: must be an object {\"value\": ..., \"when\": ...}");
  EXPECT_EQ(error("enum", R"({"rules": [{"value": "a", "when": "vip"}, {"value": "b"}]})"),
            "rules[1].when: is required");
  EXPECT_EQ(error("enum", R"({"rules": [{"value": "", "when": "vip"}]})"),
            "rules[0].value: must be a non-empty string");
  EXPECT_EQ(error("enum", R"({"rules": [{"value": "a", "when": "vip", "then": 1}]})"),
            "rules[0].then: unknown field (expected value, when)");
  EXPECT_EQ(error("enum", R"({"rules": [{"value": "a", "when": "vip"}], "else": null})"),
            "else: must be a non-empty string");
  EXPECT_EQ(error("enum", R"({"rules": [{"value": "a", "when": "vip"}], "els": "b"})"),
            "els: unknown field (expected rules, else)");
  // Values must be valid UTF-8 (a JSON string from bytes can hold anything).
  Json bad_utf8 = {{"rules", Json::array({Json{{"value", "a"}, {"when", "vip"}}})},
                   {"else", std::string("\xff")}};
  EXPECT_EQ(ParseCompositeSpec(Type("enum"), bad_utf8).status().message(),
            "else: is not valid UTF-8 (byte 0)");
  EXPECT_EQ(ParseCompositeSpec(Type("int"), Json::object()).status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace tagloop
