#include "core/bsi.h"

#include <gtest/gtest.h>

#include <random>

namespace tagloop {

namespace {

struct Fixture {
  std::vector<uint32_t> users;
  std::vector<int64_t> values;
  BsiBuild build;
  std::vector<const roaring_bitmap_t*> slices;
  BsiView view() {
    slices.clear();
    for (auto& s : build.slices) slices.push_back(s.get());
    return BsiView{build.base, build.exists.get(), slices};
  }
};

bool Holds(CompareOp op, int64_t v, int64_t c) {
  switch (op) {
    case CompareOp::kEq: return v == c;
    case CompareOp::kNe: return v != c;
    case CompareOp::kLt: return v < c;
    case CompareOp::kLe: return v <= c;
    case CompareOp::kGt: return v > c;
    case CompareOp::kGe: return v >= c;
  }
  return false;
}

}  // namespace

TEST(BsiTest, ComparisonsMatchANaiveScan) {
  std::mt19937_64 rng(42);
  for (int round = 0; round < 20; ++round) {
    Fixture f;
    const int64_t lo = static_cast<int64_t>(rng() % 2000) - 1000;
    const int64_t width = 1 + static_cast<int64_t>(rng() % (round % 2 ? 5 : 100000));
    for (uint32_t u = 0; u < 3000; ++u) {
      if (rng() % 4 == 0) continue;  // NULL
      f.users.push_back(u * 3 + static_cast<uint32_t>(rng() % 3));
      f.values.push_back(lo + static_cast<int64_t>(rng() % static_cast<uint64_t>(width)));
    }
    f.build = BuildBsi(f.users, f.values);
    BsiView v = f.view();
    for (int q = 0; q < 40; ++q) {
      const int64_t c = lo - 2 + static_cast<int64_t>(rng() % static_cast<uint64_t>(width + 4));
      for (CompareOp op : {CompareOp::kEq, CompareOp::kNe, CompareOp::kLt, CompareOp::kLe, CompareOp::kGt,
                           CompareOp::kGe}) {
        Bitmap got = BsiCompare(v, op, c);
        uint64_t want = 0;
        for (size_t i = 0; i < f.users.size(); ++i) {
          if (Holds(op, f.values[i], c)) {
            ++want;
            ASSERT_TRUE(got.Contains(f.users[i])) << "op " << int(op) << " c " << c;
          }
        }
        ASSERT_EQ(got.cardinality(), want) << "op " << int(op) << " c " << c;
      }
    }
  }
}

TEST(BsiTest, ExtremeValuesAndBetween) {
  Fixture f;
  f.users = {1, 2, 3, 4};
  f.values = {INT64_MIN, -1, 0, INT64_MAX};
  f.build = BuildBsi(f.users, f.values);
  BsiView v = f.view();
  EXPECT_EQ(BsiCompare(v, CompareOp::kLt, 0).ToVector(), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(BsiCompare(v, CompareOp::kGe, INT64_MAX).ToVector(), (std::vector<uint32_t>{4}));
  EXPECT_EQ(BsiCompare(v, CompareOp::kLe, INT64_MIN).ToVector(), (std::vector<uint32_t>{1}));
  EXPECT_EQ(BsiBetween(v, -1, 0).ToVector(), (std::vector<uint32_t>{2, 3}));
  EXPECT_TRUE(BsiBetween(v, 5, 4).empty());
  int64_t x;
  ASSERT_TRUE(BsiValueOf(v, 1, &x));
  EXPECT_EQ(x, INT64_MIN);
  ASSERT_TRUE(BsiValueOf(v, 4, &x));
  EXPECT_EQ(x, INT64_MAX);
  EXPECT_FALSE(BsiValueOf(v, 9, &x));
}

TEST(BsiTest, SumOverAFilter) {
  Fixture f;
  f.users = {0, 1, 2, 5};
  f.values = {10, -3, 7, 100};
  f.build = BuildBsi(f.users, f.values);
  BsiView v = f.view();
  uint64_t n;
  EXPECT_EQ(static_cast<int64_t>(BsiSum(v, nullptr, &n)), 114);
  EXPECT_EQ(n, 4u);
  Bitmap filter = Bitmap::Of(std::vector<uint32_t>{1, 2, 3});
  EXPECT_EQ(static_cast<int64_t>(BsiSum(v, filter.get(), &n)), 4);
  EXPECT_EQ(n, 2u);
}

TEST(BsiTest, ConstantColumnHasNoSlices) {
  Fixture f;
  f.users = {3, 1, 2};
  f.values = {5, 5, 5};
  f.build = BuildBsi(f.users, f.values);
  EXPECT_TRUE(f.build.slices.empty());
  BsiView v = f.view();
  EXPECT_EQ(BsiCompare(v, CompareOp::kEq, 5).cardinality(), 3u);
  EXPECT_EQ(BsiCompare(v, CompareOp::kGt, 5).cardinality(), 0u);
  EXPECT_EQ(BsiCompare(v, CompareOp::kNe, 4).cardinality(), 3u);
}

}  // namespace tagloop

namespace tagloop {

// Many containers (the two-thread path), with array, bitset and run containers.
TEST(BsiTest, ManyContainersOfEveryKindMatchANaiveScan) {
  std::mt19937_64 rng(7);
  Fixture f;
  for (uint32_t u = 0; u < 200000; ++u) {  // dense run at the start: bitset/run containers
    f.users.push_back(u);
    f.values.push_back(static_cast<int64_t>(rng() % 5000));
  }
  for (uint32_t k = 0; k < 300; ++k) {  // sparse far away: array containers
    f.users.push_back(1000000 + k * 70001);
    f.values.push_back(static_cast<int64_t>(rng() % 5000));
  }
  f.build = BuildBsi(f.users, f.values);
  BsiView v = f.view();
  for (int64_t c : {-1, 0, 1, 17, 2500, 4999, 5000}) {
    for (CompareOp op : {CompareOp::kEq, CompareOp::kNe, CompareOp::kLt, CompareOp::kLe, CompareOp::kGt,
                         CompareOp::kGe}) {
      uint64_t want = 0;
      for (int64_t x : f.values) want += Holds(op, x, c);
      ASSERT_EQ(BsiCompare(v, op, c).cardinality(), want) << int(op) << " " << c;
    }
  }
  uint64_t want = 0;
  for (int64_t x : f.values) want += x >= 100 && x <= 3000;
  EXPECT_EQ(BsiBetween(v, 100, 3000).cardinality(), want);
}

}  // namespace tagloop

namespace tagloop {

// Count-only and `within` variants agree with the plain comparison ∩ filter.
TEST(BsiTest, CountAndWithinVariantsAgree) {
  std::mt19937_64 rng(11);
  Fixture f;
  for (uint32_t u = 0; u < 4000000; u += 1 + static_cast<uint32_t>(rng() % 3)) {
    if (rng() % 5 == 0) continue;
    f.users.push_back(u);
    f.values.push_back(static_cast<int64_t>(rng() % 1000) - 100);
  }
  f.build = BuildBsi(f.users, f.values);
  BsiView v = f.view();
  Bitmap filter;
  for (uint32_t u = 0; u < 5000000; u += 1 + static_cast<uint32_t>(rng() % 7)) {
    if ((u >> 16) % 3 != 1) filter.Add(u);  // some containers absent from the filter
  }
  filter.Optimize();
  for (int64_t c : {-101, -100, 0, 450, 899, 900}) {
    for (CompareOp op : {CompareOp::kEq, CompareOp::kNe, CompareOp::kLt, CompareOp::kLe, CompareOp::kGt,
                         CompareOp::kGe}) {
      Bitmap plain = BsiCompare(v, op, c);
      ASSERT_EQ(BsiCompareCount(v, op, c), plain.cardinality());
      Bitmap want = Bitmap::And(plain.get(), filter.get());
      Bitmap got = BsiCompare(v, op, c, filter.get());
      ASSERT_TRUE(roaring_bitmap_equals(want.get(), got.get())) << int(op) << " " << c;
      ASSERT_EQ(BsiCompareCount(v, op, c, filter.get()), want.cardinality());
    }
  }
  Bitmap between = BsiBetween(v, -50, 300);
  EXPECT_EQ(BsiBetweenCount(v, -50, 300), between.cardinality());
  Bitmap want = Bitmap::And(between.get(), filter.get());
  EXPECT_EQ(BsiBetweenCount(v, -50, 300, filter.get()), want.cardinality());
  EXPECT_TRUE(roaring_bitmap_equals(BsiBetween(v, -50, 300, filter.get()).get(), want.get()));
}

}  // namespace tagloop
