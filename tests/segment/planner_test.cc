#include "segment/planner.h"

#include <gtest/gtest.h>

#include "fixture_store.h"
#include "segment/binder.h"
#include "segment/executor.h"
#include "segment/parser.h"

namespace tagloop::segment {
namespace {

Days D(const char* s) { return *ParseDate(s); }

class PlannerTest : public testing::GoldenStoreTest {
 protected:
  SegmentPlan Plan(std::string_view text, Days as_of = D("2026-03-01")) {
    auto ast = Parse(text);
    EXPECT_TRUE(ast.ok()) << text;
    BindOptions o;
    o.as_of = as_of;
    o.segments = &fx_->segments;
    auto bound = Bind(*snap_, *ast, o);
    EXPECT_TRUE(bound.ok()) << text << ": " << bound.status().ToString();
    SegmentPlan plan = PlanSegment(*snap_, *bound);
    // Whatever the shape, both execution paths agree.
    EXPECT_EQ(CountPlan(plan), EvaluatePlan(plan).cardinality()) << text;
    return plan;
  }
};

TEST_F(PlannerTest, NotEqualIsExistsAndNotValue) {
  SegmentPlan p = Plan("city != '上海'");
  ASSERT_EQ(p.root.op, PlanOp::kAnd);
  ASSERT_EQ(p.root.children.size(), 1u);
  EXPECT_EQ(p.root.children[0].op, PlanOp::kStored);
  EXPECT_NE(p.root.children[0].label.find("city IS NOT NULL"), std::string::npos);
  ASSERT_EQ(p.root.excluded.size(), 1u);
  EXPECT_NE(p.root.excluded[0].label.find("city = '上海'"), std::string::npos);
  EXPECT_TRUE(p.universe_is_dense);
  EXPECT_EQ(p.universe_size, 12u);
  EXPECT_EQ(p.versions.size(), 1u);
}

TEST_F(PlannerTest, AndChainsAreFlattenedAndOrderedCheapestFirst) {
  SegmentPlan p = Plan("(age > 30 AND (city = '北京' AND vip)) AND spend > 0");
  ASSERT_EQ(p.root.op, PlanOp::kAnd);
  ASSERT_EQ(p.root.children.size(), 4u);
  EXPECT_TRUE(p.root.excluded.empty());
  EXPECT_NE(p.root.children[0].label.find("city = '北京'"), std::string::npos);  // exactly 2 users
  EXPECT_NE(p.root.children[1].label.find("vip = 'true'"), std::string::npos);   // exactly 3
  for (size_t i = 1; i < p.root.children.size(); ++i) {
    EXPECT_LE(p.root.children[i - 1].estimate, p.root.children[i].estimate);
  }
}

TEST_F(PlannerTest, AndNotAndDoubleNegation) {
  SegmentPlan a = Plan("vip AND NOT (city = '上海' OR city = '北京')");
  ASSERT_EQ(a.root.op, PlanOp::kAnd);
  EXPECT_EQ(a.root.children.size(), 1u);
  EXPECT_EQ(a.root.excluded.size(), 2u);  // x - (p OR q) = x - p - q
  SegmentPlan b = Plan("vip AND NOT NOT city = '上海'");
  EXPECT_EQ(b.root.children.size(), 2u);
  EXPECT_TRUE(b.root.excluded.empty());
  EXPECT_EQ(Plan("NOT NOT vip").root.op, PlanOp::kStored);
}

TEST_F(PlannerTest, NotUnderOrBecomesOneComplement) {
  // vip OR NOT city = '上海'  =  NOT (city = '上海' ANDNOT vip)
  SegmentPlan p = Plan("vip OR NOT city = '上海'");
  ASSERT_TRUE(p.root.is_complement());
  ASSERT_EQ(p.root.excluded.size(), 1u);
  const PlanNode& inner = p.root.excluded[0];
  ASSERT_EQ(inner.op, PlanOp::kAnd);
  ASSERT_EQ(inner.children.size(), 1u);
  EXPECT_NE(inner.children[0].label.find("city = '上海'"), std::string::npos);
  ASSERT_EQ(inner.excluded.size(), 1u);
  EXPECT_NE(inner.excluded[0].label.find("vip"), std::string::npos);

  SegmentPlan nulls = Plan("vip IS NULL OR city IS NULL");
  ASSERT_TRUE(nulls.root.is_complement());
  ASSERT_EQ(nulls.root.excluded.size(), 1u);
  EXPECT_EQ(nulls.root.excluded[0].children.size(), 2u);  // NOT (exists(vip) AND exists(city))
}

TEST_F(PlannerTest, ConstantsFold) {
  EXPECT_EQ(Plan("ALL").root.op, PlanOp::kUniverse);
  EXPECT_EQ(Plan("NOT ALL").root.op, PlanOp::kEmpty);
  EXPECT_EQ(Plan("active").root.op, PlanOp::kUniverse);  // stored, as large as the universe
  EXPECT_EQ(Plan("NOT active").root.op, PlanOp::kEmpty);
  EXPECT_EQ(Plan("city = '深圳'").root.op, PlanOp::kEmpty);
  EXPECT_EQ(Plan("city = '深圳' OR vip").root.op, PlanOp::kStored);
  EXPECT_EQ(Plan("vip AND NOT vip").root.op, PlanOp::kEmpty);
  EXPECT_EQ(Plan("vip OR ALL").root.op, PlanOp::kUniverse);
  EXPECT_EQ(Plan("vip AND ALL").root.op, PlanOp::kStored);
  EXPECT_EQ(Plan("age BETWEEN 5 AND 1").root.op, PlanOp::kEmpty);
  EXPECT_EQ(Plan("age NOT BETWEEN 5 AND 1").root.op, PlanOp::kStored);
  EXPECT_EQ(Plan("interests CONTAINS ALL ('sports', 'cooking')").root.op, PlanOp::kEmpty);
  EXPECT_EQ(Plan("age > 1", D("2025-01-01")).root.op, PlanOp::kEmpty);
  EXPECT_EQ(Plan("age IS NULL", D("2025-01-01")).root.op, PlanOp::kUniverse);
  EXPECT_EQ(Plan("city IN ('上海', '上海')").root.op, PlanOp::kStored);
}

TEST_F(PlannerTest, OrOfValuesIsOneUnion) {
  SegmentPlan p = Plan("city IN ('上海', '北京', '深圳') OR city = '广州'");
  ASSERT_EQ(p.root.op, PlanOp::kOr);
  EXPECT_EQ(p.root.children.size(), 3u);  // flattened, the missing value dropped
  EXPECT_EQ(p.root.estimate, 6u);
}

TEST_F(PlannerTest, ExplainShowsTheTree) {
  auto text = ExplainPlan(Plan("vip AND age > 30 AND NOT city = '北京'"));
  EXPECT_NE(text.find("universe: 12 users"), std::string::npos) << text;
  EXPECT_NE(text.find("AND  ~3"), std::string::npos) << text;
  EXPECT_NE(text.find("BITMAP vip = 'true' (version 2026-02-01)  =3"), std::string::npos) << text;
  EXPECT_NE(text.find("BSI age > 30 (version 2026-02-15)"), std::string::npos) << text;
  EXPECT_NE(text.find("ANDNOT"), std::string::npos) << text;
  auto missing = ExplainPlan(Plan("age@2025-01-01 > 3 OR vip"));
  EXPECT_NE(missing.find("BITMAP vip"), std::string::npos) << missing;
}

}  // namespace
}  // namespace tagloop::segment
