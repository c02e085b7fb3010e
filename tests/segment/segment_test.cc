// The facade (segment.h): the stages together, and what every entry point
// promises about errors, counts and thread-safety.
#include "segment/segment.h"

#include <gtest/gtest.h>

#include <thread>

#include "fixture_store.h"
#include "segment/executor.h"

namespace tagloop {
namespace {

Days D(const char* s) { return *ParseDate(s); }

class SegmentTest : public testing::GoldenStoreTest {
 protected:
  void SetUp() override {
    GoldenStoreTest::SetUp();
    if (HasFatalFailure()) return;
    options_.as_of = D("2026-03-01");
    options_.segments = &fx_->segments;
  }
  SegmentQueryOptions options_;
};

TEST_F(SegmentTest, CountEvaluateValidateExplain) {
  auto n = CountSegment(*snap_, "city = '上海' AND NOT vip", options_);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 1u);
  auto users = EvaluateSegment(*snap_, "city = '上海' AND NOT vip", options_);
  ASSERT_TRUE(users.ok());
  EXPECT_EQ(users->ToVector(), std::vector<uint32_t>{2});  // u03
  EXPECT_TRUE(ValidateSegment(*snap_, "age > 3", options_).ok());
  auto plan = ExplainSegment(*snap_, "age > 3", options_);
  ASSERT_TRUE(plan.ok());
  EXPECT_NE(plan->find("BSI age > 3"), std::string::npos);
}

TEST_F(SegmentTest, EveryEntryPointReportsTheSameError) {
  const char* bad = "vip AND agee > 3";
  Status a = CountSegment(*snap_, bad, options_).status();
  Status b = EvaluateSegment(*snap_, bad, options_).status();
  Status c = ValidateSegment(*snap_, bad, options_);
  Status d = ExplainSegment(*snap_, bad, options_).status();
  for (const Status* s : {&a, &b, &c, &d}) {
    EXPECT_EQ(s->code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(s->position(), 8u);
    EXPECT_EQ(s->message(), "unknown tag 'agee' at position 8; did you mean 'age'?");
  }
}

TEST_F(SegmentTest, WithoutAResolverSegmentsAreErrors) {
  SegmentQueryOptions o;
  o.as_of = options_.as_of;
  Status st = CountSegment(*snap_, "SEGMENT('seg_vip')", o).status();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.position(), 0u);
}

TEST_F(SegmentTest, APreparedPlanRunsManyTimes) {
  auto plan = PlanSegment(*snap_, "interests = 'music' OR age < 20", options_);
  ASSERT_TRUE(plan.ok());
  for (int i = 0; i < 3; ++i) EXPECT_EQ(segment::CountPlan(*plan), 6u);  // u01 u02 u03 u09 u04 u07
}

TEST_F(SegmentTest, QueriesRunConcurrently) {
  const std::vector<std::pair<std::string, uint64_t>> queries = {
      {"vip", 3},
      {"NOT vip", 9},
      {"age BETWEEN 18 AND 31", 4},
      {"interests CONTAINS ALL ('sports', 'music')", 2},
      {"SEGMENT('nested')", 4},
      {"city IS NULL OR spend > 50", 6}};
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 50; ++i) {
        for (const auto& [q, want] : queries) {
          auto n = CountSegment(*snap_, q, options_);
          if (!n.ok() || *n != want) ++wrong;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace tagloop
