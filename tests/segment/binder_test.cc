#include "segment/binder.h"

#include <gtest/gtest.h>

#include <limits>

#include "fixture_store.h"
#include "segment/parser.h"
#include "segment/suggest.h"

namespace tagloop::segment {
namespace {

Days D(const char* s) { return *ParseDate(s); }

class BinderTest : public testing::GoldenStoreTest {
 protected:
  Result<BoundExpr> BindText(std::string_view text, Days as_of = D("2026-03-01"),
                             const SegmentResolver* segments = nullptr) {
    auto ast = Parse(text);
    if (!ast.ok()) return ast.status();
    BindOptions o;
    o.as_of = as_of;
    o.segments = segments ? segments : &fx_->segments;
    return Bind(*snap_, *ast, o);
  }

  BoundPredicate Pred(std::string_view text, Days as_of = D("2026-03-01")) {
    auto b = BindText(text, as_of);
    EXPECT_TRUE(b.ok()) << text << ": " << b.status().ToString();
    EXPECT_EQ(b.ok() ? b->kind : BoundKind::kAll, BoundKind::kPredicate);
    return b.ok() ? b->predicate : BoundPredicate{};
  }
};

TEST_F(BinderTest, BoolLiteralsBecomeStoredValues) {
  EXPECT_EQ(Pred("vip").values, std::vector<std::string>{"true"});
  EXPECT_EQ(Pred("vip = 0").values, std::vector<std::string>{"false"});
  EXPECT_EQ(Pred("vip = 'TRUE'").values, std::vector<std::string>{"true"});
  EXPECT_EQ(Pred("vip IN (1, TRUE, 'true')").values, std::vector<std::string>{"true"});  // distinct
}

TEST_F(BinderTest, NumericLiteralsUseTheSharedParsers) {
  EXPECT_EQ(Pred("spend = 12.5").numbers, std::vector<int64_t>{1250});
  EXPECT_EQ(Pred("spend = '-0.25'").numbers, std::vector<int64_t>{-25});
  EXPECT_EQ(Pred("age = -7").numbers, std::vector<int64_t>{-7});
  EXPECT_EQ(Pred("last_order = '1970-01-02'").numbers, std::vector<int64_t>{1});
  EXPECT_EQ(Pred("last_order = DAYS_AGO(10)").numbers, std::vector<int64_t>{D("2026-02-19")});
  EXPECT_EQ(Pred("last_order > DAYS_AGO(10)", D("2026-01-11")).numbers,
            std::vector<int64_t>{D("2026-01-01")});
  // BETWEEN keeps both bounds even when equal; IN drops duplicates.
  EXPECT_EQ(Pred("age BETWEEN 3 AND 3").numbers, (std::vector<int64_t>{3, 3}));
  EXPECT_EQ(Pred("age IN (3, 3, 4)").numbers, (std::vector<int64_t>{3, 4}));
}

// A literal finer than the tag binds as its exact equivalent (bound.h).
TEST_F(BinderTest, FinerNumericLiteralsBindAsExactEquivalents) {
  auto expect = [&](std::string_view text, PredicateKind kind, CompareOp op, std::vector<int64_t> numbers) {
    BoundPredicate p = Pred(text);
    EXPECT_EQ(p.kind, kind) << text;
    if (kind == PredicateKind::kCompare) {
      EXPECT_EQ(p.op, op) << text;
    }
    EXPECT_EQ(p.numbers, numbers) << text;
  };
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
  expect("age > 30.5", PredicateKind::kCompare, CompareOp::kGt, {30});
  expect("age >= 30.5", PredicateKind::kCompare, CompareOp::kGt, {30});
  expect("age < 30.5", PredicateKind::kCompare, CompareOp::kLe, {30});
  expect("age <= 30.5", PredicateKind::kCompare, CompareOp::kLe, {30});
  expect("age < -0.5", PredicateKind::kCompare, CompareOp::kLe, {-1});
  expect("age >= -30.5", PredicateKind::kCompare, CompareOp::kGt, {-31});
  expect("age = 30.0", PredicateKind::kCompare, CompareOp::kEq, {30});
  expect("age = 30.5", PredicateKind::kIn, CompareOp::kEq, {});
  expect("age != 30.5", PredicateKind::kNotIn, CompareOp::kEq, {});
  expect("spend > 1.005", PredicateKind::kCompare, CompareOp::kGt, {100});
  expect("spend < -1.005", PredicateKind::kCompare, CompareOp::kLe, {-101});
  expect("age IN (1.5, 2, 2.0, 3.25, 1)", PredicateKind::kIn, CompareOp::kEq, {2, 1});
  expect("age NOT IN (1.5)", PredicateKind::kNotIn, CompareOp::kEq, {});
  expect("age BETWEEN 1.5 AND 4", PredicateKind::kBetween, CompareOp::kEq, {2, 4});
  expect("age BETWEEN -4.5 AND -1.5", PredicateKind::kBetween, CompareOp::kEq, {-4, -2});
  expect("age NOT BETWEEN 1.2 AND 1.8", PredicateKind::kNotBetween, CompareOp::kEq, {2, 1});
  // The ends of the 64-bit range: nothing is beyond them.
  expect("points < -9223372036854775808.5", PredicateKind::kCompare, CompareOp::kLt, {kMin});
  expect("points > -9223372036854775808.5", PredicateKind::kCompare, CompareOp::kGe, {kMin});
  expect("points > 9223372036854775807.5", PredicateKind::kCompare, CompareOp::kGt, {kMax});
  expect("points BETWEEN 9223372036854775807.5 AND 9223372036854775807.7", PredicateKind::kBetween,
         CompareOp::kEq, {kMax, kMin});
  expect("points BETWEEN 0 AND -9223372036854775808.5", PredicateKind::kBetween, CompareOp::kEq, {kMax, kMin});
  // Only the digits the tag keeps must be in range; dates are no numbers.
  auto bad = BindText("points > 9223372036854775808.5");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "type error: int '9223372036854775808.5' is out of the 64-bit range for tag 'points' (int) at "
            "position 9");
  EXPECT_FALSE(BindText("last_order > 2026.5").ok());
}

// Repeated literals are kept once, the first where it was written (a sort,
// not a search per literal: long lists bind in O(n log n)).
TEST_F(BinderTest, ListsKeepTheFirstOfRepeatedValues) {
  EXPECT_EQ(Pred("city IN ('b', 'a', 'b', 'c', 'a')").values, (std::vector<std::string>{"b", "a", "c"}));
  EXPECT_EQ(Pred("interests CONTAINS ALL ('x', 'x')").values, std::vector<std::string>{"x"});
  EXPECT_EQ(Pred("age NOT IN (5, 3, 5, 4, 3)").numbers, (std::vector<int64_t>{5, 3, 4}));
  EXPECT_EQ(Pred("spend IN (1.5, 1.50, '1.500')").numbers, std::vector<int64_t>{150});
}

TEST_F(BinderTest, PredicateKinds) {
  EXPECT_EQ(Pred("city != 'x'").kind, PredicateKind::kCompare);
  EXPECT_EQ(Pred("city != 'x'").op, CompareOp::kNe);
  EXPECT_EQ(Pred("city NOT IN ('x')").kind, PredicateKind::kNotIn);
  EXPECT_EQ(Pred("interests CONTAINS ANY ('x')").kind, PredicateKind::kIn);
  EXPECT_EQ(Pred("interests CONTAINS ALL ('x')").kind, PredicateKind::kContainsAll);
  EXPECT_EQ(Pred("age NOT BETWEEN 1 AND 2").kind, PredicateKind::kNotBetween);
  EXPECT_EQ(Pred("age IS NOT NULL").kind, PredicateKind::kIsNotNull);
}

TEST_F(BinderTest, VersionsFollowAsOfAndExplicitDates) {
  BoundPredicate latest = Pred("age > 1");
  ASSERT_NE(latest.tag.version, nullptr);
  EXPECT_EQ(latest.tag.version->date(), D("2026-02-15"));
  EXPECT_FALSE(latest.tag.explicit_version);
  BoundPredicate older = Pred("age > 1", D("2026-02-14"));
  ASSERT_NE(older.tag.version, nullptr);
  EXPECT_EQ(older.tag.version->date(), D("2026-01-01"));
  BoundPredicate at = Pred("age@2026-01-31 > 1");
  EXPECT_TRUE(at.tag.explicit_version);
  EXPECT_EQ(at.tag.as_of, D("2026-01-31"));
  EXPECT_EQ(at.tag.version->date(), D("2026-01-01"));
  // No version yet: bound, with no values.
  BoundPredicate none = Pred("age > 1", D("2025-01-01"));
  EXPECT_EQ(none.tag.version, nullptr);
  EXPECT_EQ(none.tag.type.kind, TagKind::kInt);
}

TEST_F(BinderTest, UnknownValuesAreNotErrors) {
  EXPECT_EQ(Pred("city = 'nowhere'").values, std::vector<std::string>{"nowhere"});
  EXPECT_EQ(Pred("interests CONTAINS ALL ('x', 'y')").values.size(), 2u);
}

TEST_F(BinderTest, SegmentsExpandAndRememberTheirName) {
  auto b = BindText("vip OR SEGMENT('shanghai_adults')");
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  ASSERT_EQ(b->children.size(), 2u);
  EXPECT_EQ(b->children[1].from_segment, "shanghai_adults");
  EXPECT_EQ(b->children[1].kind, BoundKind::kAnd);
}

TEST_F(BinderTest, SegmentErrors) {
  BindOptions none;
  none.as_of = D("2026-03-01");
  auto ast = Parse("SEGMENT('seg_vip')");
  ASSERT_TRUE(ast.ok());
  auto r = Bind(*snap_, *ast, none);
  EXPECT_NE(r.status().message().find("no saved segments"), std::string::npos);

  class Failing : public SegmentResolver {
   public:
    Result<std::string> ExpressionOf(std::string_view) const override {
      return Status::IOError("disk on fire");
    }
    std::vector<std::string> Names() const override { return {}; }
  } failing;
  auto io = BindText("SEGMENT('x')", D("2026-03-01"), &failing);
  EXPECT_EQ(io.status().code(), Status::Code::kIOError);

  testing::MapSegmentResolver deep;
  for (int i = 0; i < kMaxSegmentDepth + 5; ++i) {
    deep.segments["s" + std::to_string(i)] = "SEGMENT('s" + std::to_string(i + 1) + "')";
  }
  deep.segments["s" + std::to_string(kMaxSegmentDepth + 5)] = "vip";
  auto too_deep = BindText("SEGMENT('s0')", D("2026-03-01"), &deep);
  EXPECT_NE(too_deep.status().message().find("nested more than"), std::string::npos)
      << too_deep.status().ToString();
  auto fine = BindText("SEGMENT('s10')", D("2026-03-01"), &deep);
  EXPECT_TRUE(fine.ok()) << fine.status().ToString();
}

TEST_F(BinderTest, ErrorsCarryPositions) {
  auto r = BindText("vip AND agee > 1");
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(r.status().position(), 8u);
  EXPECT_EQ(r.status().message(), "unknown tag 'agee' at position 8; did you mean 'age'?");
  EXPECT_EQ(BindText("age > 'x'").status().position(), 6u);
  EXPECT_EQ(BindText("vip AND city > 1").status().position(), 8u);
}

TEST_F(BinderTest, ReferencesAndVersionlessBinding) {
  auto ast = Parse("age@2026-01-01 > 3 AND SEGMENT('nested') AND NOT age < 2");
  ASSERT_TRUE(ast.ok());
  BindOptions o;
  o.as_of = D("2026-03-01");
  o.segments = &fx_->segments;
  o.open_versions = false;
  SegmentReferences refs;
  auto b = Bind(*snap_, *ast, o, &refs);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(refs.tags, (std::vector<std::string>{"age", "city", "vip"}));
  EXPECT_EQ(refs.segments, (std::vector<std::string>{"nested", "seg_vip", "shanghai_adults"}));
  // Without opening files every tag is bound with its type but no version.
  ASSERT_EQ(b->children.size(), 3u);
  EXPECT_EQ(b->children[0].predicate.tag.version, nullptr);
  EXPECT_EQ(b->children[0].predicate.tag.as_of, D("2026-01-01"));
  EXPECT_EQ(b->children[0].predicate.tag.type.kind, TagKind::kInt);
  // A failed bind leaves the references untouched.
  SegmentReferences untouched{{"x"}, {"y"}};
  auto bad = Parse("vip AND agee > 1");
  ASSERT_TRUE(bad.ok());
  EXPECT_FALSE(Bind(*snap_, *bad, o, &untouched).ok());
  EXPECT_EQ(untouched, (SegmentReferences{{"x"}, {"y"}}));
}

TEST_F(BinderTest, TagAccessRefusesAtTheReference) {
  class NoCity : public TagAccess {
   public:
    Status Check(std::string_view tag) const override {
      asked.push_back(std::string(tag));
      return tag == "city" ? Status::PermissionDenied("tag 'city' is offline") : Status::Ok();
    }
    mutable std::vector<std::string> asked;
  } no_city;
  BindOptions o;
  o.as_of = D("2026-03-01");
  o.segments = &fx_->segments;
  o.tag_access = &no_city;
  auto bind = [&](std::string_view text) {
    auto ast = Parse(text);
    EXPECT_TRUE(ast.ok()) << text;
    return Bind(*snap_, *ast, o).status();
  };
  // Refused before the predicate's own type check ("city > 3" is a type error);
  // a refusal by the caller's role stays one (the server's 403), at the reference.
  Status st = bind("vip AND vip = false AND city > 3");
  EXPECT_EQ(st.code(), Status::Code::kPermissionDenied);
  EXPECT_EQ(st.position(), 24u);
  EXPECT_EQ(st.message(), "tag 'city' is offline at position 24");
  EXPECT_EQ(no_city.asked, (std::vector<std::string>{"vip", "city"}));  // once per name
  // Unknown tags are reported as unknown; the hook only sees existing tags.
  no_city.asked.clear();
  EXPECT_EQ(bind("cty = 'x'").message(), "unknown tag 'cty' at position 0; did you mean 'city'?");
  EXPECT_TRUE(no_city.asked.empty());
  EXPECT_TRUE(bind("vip AND age > 3").ok());
}

TEST(SuggestTest, EditDistance) {
  EXPECT_EQ(EditDistance("", ""), 0u);
  EXPECT_EQ(EditDistance("age", "age"), 0u);
  EXPECT_EQ(EditDistance("agee", "age"), 1u);
  EXPECT_EQ(EditDistance("ciyt", "city"), 1u);  // a swap
  EXPECT_EQ(EditDistance("AGE", "age"), 0u);
  EXPECT_EQ(EditDistance("kitten", "sitting"), 3u);
  EXPECT_EQ(EditDistance("", "abc"), 3u);
}

TEST(SuggestTest, ClosestName) {
  const std::vector<std::string_view> names = {"age", "city", "vip", "last_order", "interests"};
  EXPECT_EQ(ClosestName("agee", names), "age");
  EXPECT_EQ(ClosestName("Age", names), "age");
  EXPECT_EQ(ClosestName("lastorder", names), "last_order");
  EXPECT_EQ(ClosestName("zzzzzz", names), std::nullopt);
  EXPECT_EQ(ClosestName("age", names), std::nullopt);  // never itself
  EXPECT_EQ(ClosestName("x", {}), std::nullopt);
  EXPECT_EQ(DidYouMean("vp", names), "; did you mean 'vip'?");
  EXPECT_EQ(DidYouMean("qqqq", names), "");
}

}  // namespace
}  // namespace tagloop::segment
