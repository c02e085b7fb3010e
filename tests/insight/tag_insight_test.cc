// DistributeTags and Characterize against a brute-force computation over
// random data: counts, shares, TGI, buckets, statistics and percentiles, and
// every row's `expr` counted back through the segment language.
#include "insight/tag_insight.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "insight/characterize.h"
#include "insight/insight_fixture.h"
#include "segment/segment.h"

namespace tagloop {
namespace {

using testing::BuildInsightData;
using testing::InsightData;
using testing::TickingEnv;

Bitmap Evaluate(const Snapshot& snap, const std::string& expr, Days as_of) {
  SegmentQueryOptions o;
  o.as_of = as_of;
  auto r = EvaluateSegment(snap, expr, o);
  EXPECT_TRUE(r.ok()) << expr << ": " << r.status().ToString();
  return r.ok() ? std::move(*r) : Bitmap();
}

uint64_t Count(const Snapshot& snap, const std::string& expr, Days as_of) {
  SegmentQueryOptions o;
  o.as_of = as_of;
  auto r = CountSegment(snap, expr, o);
  EXPECT_TRUE(r.ok()) << expr << ": " << r.status().ToString();
  return r.ok() ? *r : 0;
}

int64_t BrutePercentile(std::vector<int64_t> values, double p) {
  std::sort(values.begin(), values.end());
  uint64_t rank = static_cast<uint64_t>(std::ceil(p * static_cast<double>(values.size()) - 1e-9));
  rank = std::clamp<uint64_t>(rank, 1, values.size());
  return values[rank - 1];
}

// Checks one tag's insight for `segment_expr` against the maps of `d`.
void CheckTag(const InsightData& d, const Snapshot& snap, const std::string& segment_expr, const TagInsight& t) {
  SCOPED_TRACE(segment_expr + " / " + t.tag);
  Bitmap seg = Evaluate(snap, segment_expr, d.date);
  const uint64_t seg_n = seg.cardinality(), uni_n = snap.universe_size();
  const auto& values = d.text.at(t.tag);
  uint64_t seg_with = 0, uni_with = 0;
  for (const auto& [u, v] : values) {
    if (!roaring_bitmap_contains(snap.universe(), u)) continue;
    ++uni_with;
    if (roaring_bitmap_contains(seg.get(), u)) ++seg_with;
  }
  for (const ValueShare& row : t.values) {
    uint64_t seg_c = 0, uni_c = 0;
    for (const auto& [u, v] : values) {
      if (!roaring_bitmap_contains(snap.universe(), u)) continue;
      bool match;
      if (row.is_null) {
        match = false;
      } else if (t.type.is_numeric()) {
        int64_t x = d.numbers.at(t.tag).at(u);
        match = (!row.bucket.lo || x >= *row.bucket.lo) && (!row.bucket.hi || x < *row.bucket.hi);
      } else {
        match = std::find(v.begin(), v.end(), row.value) != v.end();
      }
      if (match) {
        ++uni_c;
        if (roaring_bitmap_contains(seg.get(), u)) ++seg_c;
      }
    }
    if (row.is_null) {
      seg_c = seg_n - seg_with;
      uni_c = uni_n - uni_with;
    }
    EXPECT_EQ(row.segment_users, seg_c) << row.value;
    EXPECT_EQ(row.universe_users, uni_c) << row.value;
    EXPECT_DOUBLE_EQ(row.segment_share, static_cast<double>(seg_c) / static_cast<double>(seg_n));
    if (uni_c > 0) {
      ASSERT_TRUE(row.tgi.has_value());
      double expect = 100.0 * (static_cast<double>(seg_c) / seg_n) / (static_cast<double>(uni_c) / uni_n);
      EXPECT_NEAR(*row.tgi, expect, 1e-9);
    }
    // The row's condition selects exactly its users.
    EXPECT_EQ(Count(snap, "(" + segment_expr + ") AND (" + row.expr + ")", d.date), seg_c) << row.expr;
    EXPECT_EQ(Count(snap, row.expr, d.date), uni_c) << row.expr;
  }
  if (t.type.is_numeric()) {
    std::vector<int64_t> in_seg, in_uni;
    for (const auto& [u, x] : d.numbers.at(t.tag)) {
      if (!roaring_bitmap_contains(snap.universe(), u)) continue;
      in_uni.push_back(x);
      if (roaring_bitmap_contains(seg.get(), u)) in_seg.push_back(x);
    }
    ASSERT_TRUE(t.segment_stats.has_value());
    ASSERT_TRUE(t.universe_stats.has_value());
    for (auto [stats, list] : {std::pair{&*t.segment_stats, &in_seg}, std::pair{&*t.universe_stats, &in_uni}}) {
      EXPECT_EQ(stats->count, list->size());
      __int128 sum = 0;
      for (int64_t x : *list) sum += x;
      EXPECT_TRUE(stats->sum == sum);
      EXPECT_EQ(stats->min, *std::min_element(list->begin(), list->end()));
      EXPECT_EQ(stats->max, *std::max_element(list->begin(), list->end()));
      ASSERT_EQ(stats->percentiles.size(), 5u);
      for (const auto& [p, v] : stats->percentiles) EXPECT_EQ(v, BrutePercentile(*list, p)) << "p" << p;
    }
  }
}

class TagInsightTest : public ::testing::TestWithParam<uint32_t> {};

TEST_P(TagInsightTest, MatchesBruteForceOnEveryTagAndSegment) {
  auto d = BuildInsightData(3000, 42 + GetParam(), GetParam());
  auto snap = d->store->snapshot();
  std::vector<std::string> tags = {"is_vip", "city", "interests", "age", "spend", "last_order", "score"};
  UniverseBaselines cache;
  for (std::string expr : {"ALL", "is_vip", "city = '上海' OR age >= 60", "NOT interests CONTAINS ANY ('suv')",
                           "spend < 0", "age = 999"}) {
    auto seg = Evaluate(*snap, expr, d->date);
    auto result = DistributeTags(*snap, seg.get(), tags, d->date, InsightOptions{}, &cache);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    ASSERT_EQ(result->size(), tags.size());
    for (const TagInsight& t : *result) {
      if (seg.cardinality() == 0) {
        for (const ValueShare& row : t.values) EXPECT_EQ(row.segment_users, 0u);
        continue;
      }
      CheckTag(*d, *snap, expr, t);
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Deleted, TagInsightTest, ::testing::Values(0u, 40u));

TEST(TagInsight, UnknownTagAndMissingVersion) {
  auto d = BuildInsightData(100, 1);
  auto snap = d->store->snapshot();
  Bitmap all = Bitmap::Copy(snap->universe());
  std::vector<std::string> unknown = {"city", "citty"};
  auto r = DistributeTags(*snap, all.get(), unknown, d->date, InsightOptions{}, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kNotFound);
  EXPECT_NE(r.status().message().find("citty"), std::string::npos);
  // Before the first version every user is "no value".
  std::vector<std::string> city = {"city"};
  auto early = DistributeTags(*snap, all.get(), city, d->date - 10, InsightOptions{}, nullptr);
  ASSERT_TRUE(early.ok());
  EXPECT_FALSE((*early)[0].version.has_value());
  ASSERT_EQ((*early)[0].values.size(), 1u);
  EXPECT_TRUE((*early)[0].values[0].is_null);
  EXPECT_EQ((*early)[0].values[0].segment_users, snap->universe_size());
}

TEST(TagInsight, ADeadlineStopsBetweenTags) {
  auto d = BuildInsightData(500, 5);
  auto snap = d->store->snapshot();
  Bitmap all = Bitmap::Copy(snap->universe());
  std::vector<std::string> tags = {"is_vip", "city", "interests", "age", "spend", "last_order", "score"};
  TickingEnv clock;
  Deadline deadline = Deadline::After(&clock, 3);  // passes at the third tag
  InsightOptions options;
  options.threads = 1;
  options.deadline = &deadline;
  auto r = DistributeTags(*snap, all.get(), tags, d->date, options, nullptr);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(r.status().message().find("computing the values of 7 tags"), std::string::npos) << r.status().message();
  // The deadline, two tags, the third that saw it pass, the error: the
  // other four tags were not computed.
  EXPECT_EQ(clock.reads(), 1 + 2 + 1 + 1);
  // Characterisation goes through the same steps.
  CharacterizeOptions characterize;
  characterize.insight = options;
  Deadline expired = Deadline::After(&clock, 0);
  characterize.insight.deadline = &expired;
  auto c = Characterize(*snap, all.get(), tags, d->date, characterize, nullptr);
  EXPECT_EQ(c.status().code(), Status::Code::kUnavailable);
}

TEST(TagInsight, FoldsRareValuesIntoOther) {
  auto d = BuildInsightData(2000, 3);
  auto snap = d->store->snapshot();
  Bitmap all = Bitmap::Copy(snap->universe());
  InsightOptions options;
  options.max_values = 2;
  std::vector<std::string> city = {"city"};
  auto r = DistributeTags(*snap, all.get(), city, d->date, options, nullptr);
  ASSERT_TRUE(r.ok());
  const auto& rows = (*r)[0].values;
  ASSERT_EQ(rows.size(), 4u);  // two values, (other), no value
  EXPECT_EQ(rows[2].value, "(other)");
  uint64_t total = 0;
  for (const ValueShare& row : rows) total += row.segment_users;
  EXPECT_EQ(total, snap->universe_size());
  EXPECT_EQ(Count(*snap, rows[2].expr, d->date), rows[2].segment_users);
}

TEST(TagInsight, StatsOfOffsetsCountingAndSelection) {
  for (uint64_t span : {10ull, 1ull << 40}) {
    std::vector<uint64_t> offsets;
    std::vector<int64_t> values;
    std::mt19937_64 rng(span);
    for (int i = 0; i < 1001; ++i) {
      uint64_t v = rng() % span;
      offsets.push_back(v);
      values.push_back(static_cast<int64_t>(v) - 5);
    }
    std::vector<double> ps = {0.01, 0.5, 0.99, 1.0};
    NumericStats s = StatsOfOffsets(offsets, -5, ps);
    EXPECT_EQ(s.count, 1001u);
    for (const auto& [p, v] : s.percentiles) EXPECT_EQ(v, BrutePercentile(values, p)) << p;
  }
}

TEST(Characterize, RanksByTgiWithSupportAndDrillsDown) {
  auto d = BuildInsightData(4000, 9);
  auto snap = d->store->snapshot();
  // Users in 上海 aged 60+: age and city values should rank on top.
  std::string expr = "city = '上海' AND age >= 60";
  Bitmap seg = Evaluate(*snap, expr, d->date);
  std::vector<std::string> tags = {"is_vip", "city", "interests", "age", "spend", "last_order", "score"};
  CharacterizeOptions options;
  options.min_users = 5;
  options.min_share = 0.02;
  auto r = Characterize(*snap, seg.get(), tags, d->date, options, nullptr);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_FALSE(r->over.empty());
  EXPECT_EQ(r->over[0].tag == "city" || r->over[0].tag == "age", true) << r->over[0].tag;
  for (size_t i = 0; i < r->over.size(); ++i) {
    const ValueShare& s = r->over[i].share;
    EXPECT_GT(*s.tgi, 100);
    EXPECT_GE(s.segment_users, options.min_users);
    EXPECT_GE(s.segment_share, options.min_share);
    if (i > 0) {
      EXPECT_LE(*s.tgi, *r->over[i - 1].share.tgi);
    }
    EXPECT_EQ(Count(*snap, "(" + expr + ") AND (" + s.expr + ")", d->date), s.segment_users) << s.expr;
  }
  for (size_t i = 0; i < r->under.size(); ++i) {
    EXPECT_LT(*r->under[i].share.tgi, 100);
    if (i > 0) {
      EXPECT_GE(*r->under[i].share.tgi, *r->under[i - 1].share.tgi);
    }
  }
  // Every city other than 上海 is absent from the segment: below the support, not ranked.
  for (const RankedValue& v : r->under) EXPECT_NE(v.tag, "city");
}

}  // namespace
}  // namespace tagloop
