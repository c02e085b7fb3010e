// The facade (segment.h): the stages together, and what every entry point
// promises about errors, counts and thread-safety.
#include "segment/segment.h"

#include <gtest/gtest.h>

#include <atomic>
#include <fstream>
#include <set>
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

// A number finer than its tag is compared exactly; the plan says what it became.
TEST_F(SegmentTest, ExplainShowsTheExactEquivalentOfAFinerNumber) {
  auto plan = ExplainSegment(*snap_, "age > 30.5", options_);
  ASSERT_TRUE(plan.ok()) << plan.status().ToString();
  EXPECT_NE(plan->find("BSI age > 30 "), std::string::npos) << *plan;
  plan = ExplainSegment(*snap_, "spend = 1.005", options_);
  ASSERT_TRUE(plan.ok());
  EXPECT_NE(plan->find("EMPTY spend IN (): no listed number fits decimal:2"), std::string::npos) << *plan;
  plan = ExplainSegment(*snap_, "spend != 1.005", options_);
  ASSERT_TRUE(plan.ok());
  EXPECT_NE(plan->find("BITMAP spend IS NOT NULL"), std::string::npos) << *plan;
  plan = ExplainSegment(*snap_, "age BETWEEN 1.5 AND 4", options_);
  ASSERT_TRUE(plan.ok());
  EXPECT_NE(plan->find("BSI age BETWEEN 2 AND 4"), std::string::npos) << *plan;
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

TEST_F(SegmentTest, ReferencesOfNamesEveryTagAndSegmentRead) {
  auto refs = ReferencesOf(*snap_, "vip AND age@2026-01-01 > 3 OR SEGMENT('nested') OR age < 2", options_);
  ASSERT_TRUE(refs.ok()) << refs.status().ToString();
  EXPECT_EQ(refs->tags, (std::vector<std::string>{"age", "city", "vip"}));
  EXPECT_EQ(refs->segments, (std::vector<std::string>{"nested", "seg_vip", "shanghai_adults"}));
  // Folded-away and versionless references still count; sorted by bytes.
  refs = ReferencesOf(*snap_, "ALL OR future = 'x' OR SEGMENT('高价值') OR active", options_);
  ASSERT_TRUE(refs.ok());
  EXPECT_EQ(refs->tags, (std::vector<std::string>{"active", "future", "spend"}));
  EXPECT_EQ(refs->segments, std::vector<std::string>{"高价值"});
  refs = ReferencesOf(*snap_, "ALL", options_);
  ASSERT_TRUE(refs.ok());
  EXPECT_EQ(*refs, SegmentReferences{});
  // The same errors as every other entry point.
  Status st = ReferencesOf(*snap_, "vip AND agee > 3", options_).status();
  EXPECT_EQ(st.position(), 8u);
  EXPECT_EQ(st.message(), "unknown tag 'agee' at position 8; did you mean 'age'?");
  EXPECT_EQ(ReferencesOf(*snap_, "SEGMENT('loop_a')", options_).status().code(),
            Status::Code::kInvalidArgument);
}

TEST_F(SegmentTest, APlanCarriesItsReferences) {
  const char* expr = "SEGMENT('shanghai_adults') AND NOT interests CONTAINS ANY ('x')";
  auto plan = PlanSegment(*snap_, expr, options_);
  ASSERT_TRUE(plan.ok());
  EXPECT_EQ(plan->references.tags, (std::vector<std::string>{"age", "city", "interests"}));
  EXPECT_EQ(plan->references.segments, std::vector<std::string>{"shanghai_adults"});
  EXPECT_EQ(plan->references, *ReferencesOf(*snap_, expr, options_));
}

TEST(SegmentReferencesTest, ReferencesOfReadsNoVersionFile) {
  auto fx = testing::BuildFixtureStore(
      "users a b\n"
      "tag age int\nversion 2026-01-01\na 30\n"
      "tag vip bool\nversion 2026-01-01\nb true\n");
  ASSERT_TRUE(fx.ok()) << fx.status().ToString();
  auto snap = (*fx)->store->snapshot();
  // Damage age's only version: anything that opens it fails.
  const std::string path = (*fx)->store->dir() + "/" + snap->FindTag("age")->versions.at(0).file;
  {
    std::ofstream f(path, std::ios::binary | std::ios::trunc);
    f << "not a version file";
  }
  SegmentQueryOptions o;
  o.as_of = D("2026-03-01");
  auto refs = ReferencesOf(*snap, "age > 3 OR vip", o);
  ASSERT_TRUE(refs.ok()) << refs.status().ToString();
  EXPECT_EQ(refs->tags, (std::vector<std::string>{"age", "vip"}));
  EXPECT_EQ(CountSegment(*snap, "age > 3 OR vip", o).status().code(), Status::Code::kCorruption);
}

// Refuses the tags in `offline`, counting the questions.
class OfflineTags : public TagAccess {
 public:
  explicit OfflineTags(std::set<std::string, std::less<>> offline) : offline_(std::move(offline)) {}
  Status Check(std::string_view tag) const override {
    ++asked;
    if (offline_.count(tag)) return Status::FailedPrecondition(fmt::format("tag '{}' is offline", tag));
    return Status::Ok();
  }
  mutable std::atomic<int> asked{0};

 private:
  std::set<std::string, std::less<>> offline_;
};

TEST_F(SegmentTest, TagAccessFailsTheQueryUpFront) {
  OfflineTags offline({"city"});
  options_.tag_access = &offline;
  const char* bad = "vip AND city = '上海'";
  Status a = CountSegment(*snap_, bad, options_).status();
  Status b = EvaluateSegment(*snap_, bad, options_).status();
  Status c = ValidateSegment(*snap_, bad, options_);
  Status d = ExplainSegment(*snap_, bad, options_).status();
  Status e = PlanSegment(*snap_, bad, options_).status();
  Status f = ReferencesOf(*snap_, bad, options_).status();
  for (const Status* s : {&a, &b, &c, &d, &e, &f}) {
    EXPECT_EQ(s->code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(s->position(), 8u);
    EXPECT_EQ(s->message(), "tag 'city' is offline at position 8");
  }
  // Other tags run as before.
  offline.asked = 0;
  auto n = CountSegment(*snap_, "vip OR vip = false OR age > 30", options_);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 6u);                   // vip: u01 u05 u06; false: u02 u03 u07; age > 30: u01 u03 u06
  EXPECT_EQ(offline.asked.load(), 2);  // vip, age: once per name
  // No hook: every tag may be read.
  options_.tag_access = nullptr;
  EXPECT_TRUE(CountSegment(*snap_, bad, options_).ok());
}

TEST_F(SegmentTest, TagAccessReachesIntoSavedSegments) {
  OfflineTags offline({"age"});
  options_.tag_access = &offline;
  Status st = CountSegment(*snap_, "vip OR SEGMENT('nested')", options_).status();
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.position(), 7u);
  EXPECT_EQ(st.message(),
            "in segment 'nested' at position 7: in segment 'shanghai_adults' at position 22: "
            "tag 'age' is offline at position 20");
  EXPECT_EQ(ReferencesOf(*snap_, "vip OR SEGMENT('nested')", options_).status().message(), st.message());
  // A saved segment that reads no refused tag is fine.
  auto n = CountSegment(*snap_, "SEGMENT('seg_vip')", options_);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 3u);
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
