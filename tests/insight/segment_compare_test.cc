// Overlap regions, history and diff against brute force.
#include "insight/segment_compare.h"

#include <gtest/gtest.h>

#include <random>

#include "insight/insight_fixture.h"

namespace tagloop {
namespace {

TEST(Overlap, MatrixExclusivePartsAndEveryVennRegion) {
  std::mt19937_64 rng(5);
  for (size_t n : {2u, 3u, 5u, 8u, 9u}) {
    SCOPED_TRACE(n);
    std::vector<Bitmap> sets(n);
    std::vector<uint32_t> membership(20000, 0);
    for (uint32_t u = 0; u < membership.size(); ++u) {
      for (size_t i = 0; i < n; ++i) {
        if (rng() % 100 < 20 + 5 * i) {
          sets[i].Add(u);
          membership[u] |= 1u << i;
        }
      }
    }
    std::vector<const roaring_bitmap_t*> ptrs;
    for (const Bitmap& b : sets) ptrs.push_back(b.get());
    auto o = ComputeOverlap(ptrs);
    ASSERT_TRUE(o.ok()) << o.status().ToString();
    std::map<uint32_t, uint64_t> regions;
    for (uint32_t m : membership) {
      if (m) ++regions[m];
    }
    uint64_t union_n = 0;
    for (auto& [m, c] : regions) union_n += c;
    EXPECT_EQ(o->union_users, union_n);
    EXPECT_EQ(o->common_users, regions[(1u << n) - 1]);
    for (size_t i = 0; i < n; ++i) {
      EXPECT_EQ(o->exclusive[i], regions[1u << i]);
      for (size_t j = 0; j < n; ++j) {
        uint64_t both = 0;
        for (uint32_t m : membership) both += ((m >> i) & 1) && ((m >> j) & 1);
        EXPECT_EQ(o->intersections[i][j], both);
      }
    }
    if (n <= kMaxVennSegments) {
      std::map<uint32_t, uint64_t> got;
      for (const OverlapRegion& r : o->regions) got[r.members] = r.users;
      std::erase_if(regions, [](const auto& kv) { return kv.second == 0; });
      EXPECT_EQ(got, regions);
    } else {
      EXPECT_TRUE(o->regions.empty());
    }
  }
}

TEST(Overlap, RefusesTooFewOrTooMany) {
  Bitmap a;
  std::vector<const roaring_bitmap_t*> one = {a.get()};
  EXPECT_EQ(ComputeOverlap(one).status().code(), Status::Code::kInvalidArgument);
  std::vector<const roaring_bitmap_t*> many(kMaxOverlapSegments + 1, a.get());
  EXPECT_EQ(ComputeOverlap(many).status().code(), Status::Code::kInvalidArgument);
}

// Three versions of one tag: history and diff follow them.
class HistoryTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.create_if_missing = true;
    store_ = TagStore::Open(dir_.Sub("s"), options).value();
    auto w = store_->BeginWrite().value();
    std::vector<std::string> ids;
    for (int i = 0; i < 10; ++i) ids.push_back("u" + std::to_string(i));
    std::vector<std::string_view> views(ids.begin(), ids.end());
    std::vector<uint32_t> dense;
    ASSERT_TRUE(w->InternUsers(views, &dense).ok());
    // version day d has users [d0 .. d0+k)
    for (auto [date, lo, hi] : {std::tuple{"2026-10-01", 0, 4}, std::tuple{"2026-10-03", 2, 7},
                                std::tuple{"2026-10-06", 5, 10}}) {
      TagVersionBuilder b(*TagType::Parse("bool"), *ParseDate(date));
      for (int u = lo; u < hi; ++u) b.AddBool(static_cast<uint32_t>(u), true);
      ASSERT_TRUE(w->PutVersion("active", b.Finish()).ok());
    }
    ASSERT_TRUE(w->Commit().ok());
  }
  testing::TempDir dir_;
  std::unique_ptr<TagStore> store_;
};

TEST_F(HistoryTest, SizesPerDayFollowTheVersionsInForce) {
  auto snap = store_->snapshot();
  SegmentQueryOptions o;
  auto h = SegmentHistory(*snap, "active", o, *ParseDate("2026-09-30"), *ParseDate("2026-10-07"));
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  std::vector<uint64_t> sizes;
  for (const HistoryPoint& p : *h) sizes.push_back(p.users);
  EXPECT_EQ(sizes, (std::vector<uint64_t>{0, 4, 4, 5, 5, 5, 5, 5}));
  EXPECT_EQ(FormatDate(h->front().date), "2026-09-30");
  auto stepped = SegmentHistory(*snap, "NOT active", o, *ParseDate("2026-10-01"), *ParseDate("2026-10-07"), 3);
  ASSERT_TRUE(stepped.ok());
  ASSERT_EQ(stepped->size(), 3u);  // 10-01, 10-04, 10-07
  EXPECT_EQ((*stepped)[1].users, 5u);
  EXPECT_FALSE(SegmentHistory(*snap, "active", o, *ParseDate("2026-10-07"), *ParseDate("2026-10-01")).ok());
  EXPECT_FALSE(SegmentHistory(*snap, "active", o, *ParseDate("2020-01-01"), *ParseDate("2026-10-01")).ok());
  auto bad = SegmentHistory(*snap, "actve", o, *ParseDate("2026-10-01"), *ParseDate("2026-10-02"));
  ASSERT_FALSE(bad.ok());
  EXPECT_NE(bad.status().message().find("active"), std::string::npos);  // did you mean
}

TEST_F(HistoryTest, DiffNamesWhoEnteredAndLeft) {
  auto snap = store_->snapshot();
  SegmentQueryOptions o;
  auto d = DiffSegment(*snap, "active", o, *ParseDate("2026-10-01"), *ParseDate("2026-10-06"));
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->from_users, 4u);
  EXPECT_EQ(d->to_users, 5u);
  EXPECT_EQ(d->stayed, 0u);
  EXPECT_EQ(d->entered.ToVector(), (std::vector<uint32_t>{5, 6, 7, 8, 9}));
  EXPECT_EQ(d->left.ToVector(), (std::vector<uint32_t>{0, 1, 2, 3}));
  auto d2 = DiffSegment(*snap, "active", o, *ParseDate("2026-10-03"), *ParseDate("2026-10-06"));
  ASSERT_TRUE(d2.ok());
  EXPECT_EQ(d2->stayed, 2u);  // u5, u6
}

}  // namespace
}  // namespace tagloop
