#include "insight/numeric_buckets.h"

#include <gtest/gtest.h>

#include "core/date.h"

namespace tagloop {
namespace {

TagType Type(const char* t) { return *TagType::Parse(t); }

// Buckets must cover [min, max] without gaps or overlaps.
void ExpectCover(const std::vector<NumericBucket>& b, int64_t min, int64_t max) {
  ASSERT_FALSE(b.empty());
  EXPECT_TRUE(!b.front().lo || *b.front().lo <= min);
  EXPECT_TRUE(!b.back().hi || *b.back().hi > max);
  for (size_t i = 0; i + 1 < b.size(); ++i) {
    ASSERT_TRUE(b[i].hi && b[i + 1].lo);
    EXPECT_EQ(*b[i].hi, *b[i + 1].lo);
  }
  for (int64_t v : {min, max, (min + max) / 2}) {
    size_t i = BucketOf(b, v);
    EXPECT_TRUE((!b[i].lo || v >= *b[i].lo) && (!b[i].hi || v < *b[i].hi)) << v;
  }
}

TEST(NumericBuckets, RoundStepsOverTheBulkWithOpenTails) {
  auto b = ChooseNumericBuckets(Type("int"), 18, 150, 18, 77);
  ExpectCover(b, 18, 150);
  // 10-wide from 10 to 80, then ">= 80" for the outliers.
  EXPECT_FALSE(b.front().lo.has_value() && *b.front().lo > 18);
  EXPECT_EQ(*b[0].lo, 10);
  EXPECT_EQ(*b[0].hi, 20);
  EXPECT_FALSE(b.back().hi.has_value());
  EXPECT_EQ(*b.back().lo, 80);
  EXPECT_EQ(BucketLabel(Type("int"), b[1]), "20 – 29");
  EXPECT_EQ(BucketLabel(Type("int"), b.back()), ">= 80");
  EXPECT_EQ(BucketExpr(Type("int"), "age", b[1]), "age >= 20 AND age < 30");
  EXPECT_EQ(BucketExpr(Type("int"), "age", b.back()), "age >= 80");
}

TEST(NumericBuckets, LowTailAndSingleValues) {
  auto b = ChooseNumericBuckets(Type("int"), -1000, 9, 0, 9);
  ExpectCover(b, -1000, 9);
  EXPECT_FALSE(b.front().lo.has_value());
  EXPECT_EQ(BucketLabel(Type("int"), b.front()), "< 0");
  // 9 buckets for 0..9 after the open one: steps of 2
  EXPECT_EQ(BucketLabel(Type("int"), b[1]), "0 – 1");
  EXPECT_EQ(BucketExpr(Type("int"), "n", b[1]), "n >= 0 AND n < 2");
  auto small = ChooseNumericBuckets(Type("int"), 0, 4, 0, 4);
  EXPECT_EQ(small.size(), 5u);  // step 1: one value per bucket
  EXPECT_EQ(BucketLabel(Type("int"), small[0]), "0");
  EXPECT_EQ(BucketExpr(Type("int"), "n", small[0]), "n = 0");
  auto one = ChooseNumericBuckets(Type("int"), 5, 5, 5, 5);
  ExpectCover(one, 5, 5);
  EXPECT_EQ(one.size(), 1u);
}

TEST(NumericBuckets, DecimalsUseStoredUnits) {
  TagType t = Type("decimal:2");
  auto b = ChooseNumericBuckets(t, -1000, 499000, 0, 495000);  // -10.00 .. 4990.00
  ExpectCover(b, -1000, 499000);
  // 8 inner buckets at most for 0.00..4950.00: steps of 1000.00
  EXPECT_EQ(BucketLabel(t, b[1]), "0.00 – 999.99");
  EXPECT_EQ(BucketExpr(t, "spend", b[1]), "spend >= 0.00 AND spend < 1000.00");
}

TEST(NumericBuckets, DatesByMonthOrYear) {
  TagType t = Type("date");
  Days lo = *ParseDate("2025-12-05"), hi = *ParseDate("2026-10-31");
  auto months = ChooseNumericBuckets(t, lo - 400, hi, lo, hi);
  ExpectCover(months, lo - 400, hi);
  EXPECT_EQ(BucketLabel(t, months[1]), "2025-12");
  EXPECT_EQ(BucketExpr(t, "d", months[1]), "d >= '2025-12-01' AND d < '2026-01-01'");
  auto years = ChooseNumericBuckets(t, *ParseDate("1950-03-01"), *ParseDate("2008-01-01"), *ParseDate("1955-01-01"),
                                    *ParseDate("2005-06-01"));
  ExpectCover(years, *ParseDate("1950-03-01"), *ParseDate("2008-01-01"));
  EXPECT_LE(years.size(), 13u);
  EXPECT_EQ(BucketLabel(t, years[1]), "1955 – 1959");
  auto days = ChooseNumericBuckets(t, hi - 6, hi, hi - 6, hi);
  ExpectCover(days, hi - 6, hi);
  EXPECT_EQ(days.size(), 7u);
  EXPECT_EQ(BucketLabel(t, days[0]), "2026-10-25");
}

}  // namespace
}  // namespace tagloop
