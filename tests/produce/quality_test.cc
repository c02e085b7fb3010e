#include "produce/quality.h"

#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "core/date.h"

namespace tagloop {
namespace {

using ValueUsers = std::vector<std::pair<std::string, uint64_t>>;

// Stats of a content and of the version it encodes to; both must agree.
VersionStats BothStats(TagVersionContent content, uint64_t universe,
                       const VersionStats* buckets_from = nullptr) {
  VersionStats from_content = StatsOf(content, universe, buckets_from);
  auto version = TagVersion::FromBytes(EncodeTagVersion(content));
  EXPECT_TRUE(version.ok()) << version.status().ToString();
  auto from_version = StatsOf(**version, universe, buckets_from);
  EXPECT_TRUE(from_version.ok());
  EXPECT_EQ(from_version->type, from_content.type);
  EXPECT_EQ(from_version->users, from_content.users);
  EXPECT_EQ(from_version->universe, from_content.universe);
  EXPECT_EQ(from_version->value_users, from_content.value_users);
  EXPECT_EQ(from_version->min, from_content.min);
  EXPECT_EQ(from_version->max, from_content.max);
  EXPECT_EQ(from_version->bucket_lower, from_content.bucket_lower);
  EXPECT_EQ(from_version->bucket_users, from_content.bucket_users);
  return from_content;
}

TagVersionContent IntContent(const std::vector<int64_t>& values, uint32_t first_user = 0) {
  TagVersionBuilder b(TagType{TagKind::kInt}, 100);
  for (size_t i = 0; i < values.size(); ++i) b.AddNumber(first_user + static_cast<uint32_t>(i), values[i]);
  return b.Finish();
}

// ---- statistics ----

TEST(QualityStatsTest, EnumCountsUsersPerValueSortedByValue) {
  TagVersionBuilder b(TagType{TagKind::kEnum}, 100);
  for (uint32_t u = 0; u < 10; ++u) b.AddValue(u, u < 5 ? "gold" : u < 8 ? "bronze" : "silver");
  const VersionStats s = BothStats(b.Finish(), 20);
  EXPECT_EQ(s.type, TagType{TagKind::kEnum});
  EXPECT_EQ(s.users, 10u);
  EXPECT_EQ(s.universe, 20u);
  EXPECT_DOUBLE_EQ(s.coverage(), 0.5);
  EXPECT_EQ(s.value_users, (ValueUsers{{"bronze", 3}, {"gold", 5}, {"silver", 2}}));
  EXPECT_TRUE(s.bucket_lower.empty());
}

TEST(QualityStatsTest, SetCountsEachUserOnce) {
  TagVersionBuilder b(TagType{TagKind::kSet}, 100);
  b.AddValue(1, "x");
  b.AddValue(1, "y");
  b.AddValue(2, "x");
  b.AddValue(3, "y");
  b.AddValue(3, "z");
  const VersionStats s = BothStats(b.Finish(), 4);
  EXPECT_EQ(s.users, 3u);
  EXPECT_EQ(s.value_users, (ValueUsers{{"x", 2}, {"y", 2}, {"z", 1}}));
  EXPECT_DOUBLE_EQ(s.coverage(), 0.75);
}

TEST(QualityStatsTest, BoolValues) {
  TagVersionBuilder b(TagType{TagKind::kBool}, 100);
  for (uint32_t u = 0; u < 7; ++u) b.AddBool(u, u % 3 == 0);
  const VersionStats s = BothStats(b.Finish(), 7);
  EXPECT_EQ(s.users, 7u);
  EXPECT_EQ(s.value_users, (ValueUsers{{"false", 4}, {"true", 3}}));
}

TEST(QualityStatsTest, EmptyVersions) {
  const VersionStats e = BothStats(TagVersionBuilder(TagType{TagKind::kEnum}, 1).Finish(), 100);
  EXPECT_EQ(e.users, 0u);
  EXPECT_TRUE(e.value_users.empty());
  const VersionStats n = BothStats(IntContent({}), 100);
  EXPECT_EQ(n.users, 0u);
  EXPECT_EQ(n.min, 0);
  EXPECT_EQ(n.max, 0);
  EXPECT_TRUE(n.bucket_lower.empty());
  EXPECT_TRUE(n.bucket_users.empty());
  EXPECT_DOUBLE_EQ(n.coverage(), 0.0);
}

TEST(QualityStatsTest, NumericHistogramHasTenEqualBuckets) {
  std::vector<int64_t> values(100);
  for (int i = 0; i < 100; ++i) values[i] = 99 - i;  // users need not be in value order
  const VersionStats s = BothStats(IntContent(values), 1000);
  EXPECT_EQ(s.users, 100u);
  EXPECT_EQ(s.min, 0);
  EXPECT_EQ(s.max, 99);
  EXPECT_EQ(s.bucket_lower, (std::vector<int64_t>{0, 10, 20, 30, 40, 50, 60, 70, 80, 90}));
  EXPECT_EQ(s.bucket_users, std::vector<uint64_t>(10, 10));
}

TEST(QualityStatsTest, NumericHistogramOfASkewedVersion) {
  // min -5, max 14: 20 possible values, buckets 2 wide starting at -5.
  const VersionStats s = BothStats(IntContent({-5, 0, 0, 1, 2, 3, 7, 7, 7, 14}), 10);
  EXPECT_EQ(s.min, -5);
  EXPECT_EQ(s.max, 14);
  EXPECT_EQ(s.bucket_lower, (std::vector<int64_t>{-5, -3, -1, 1, 3, 5, 7, 9, 11, 13}));
  EXPECT_EQ(s.bucket_users, (std::vector<uint64_t>{1, 0, 2, 2, 1, 0, 3, 0, 0, 1}));
}

TEST(QualityStatsTest, NumericHistogramWithFewPossibleValues) {
  // 15 possible values over 10 buckets: widths 1 and 2 alternate.
  const VersionStats fifteen = BothStats(IntContent({0, 1, 2, 3, 14, 14}), 10);
  EXPECT_EQ(fifteen.bucket_lower, (std::vector<int64_t>{0, 1, 3, 4, 6, 7, 9, 10, 12, 13}));
  EXPECT_EQ(fifteen.bucket_users, (std::vector<uint64_t>{1, 2, 1, 0, 0, 0, 0, 0, 0, 2}));
  // 4 possible values: one bucket each.
  const VersionStats four = BothStats(IntContent({5, 6, 6, 8}), 10);
  EXPECT_EQ(four.bucket_lower, (std::vector<int64_t>{5, 6, 7, 8}));
  EXPECT_EQ(four.bucket_users, (std::vector<uint64_t>{1, 2, 0, 1}));
  // One value.
  const VersionStats one = BothStats(IntContent({42, 42}), 10);
  EXPECT_EQ(one.min, 42);
  EXPECT_EQ(one.max, 42);
  EXPECT_EQ(one.bucket_lower, std::vector<int64_t>{42});
  EXPECT_EQ(one.bucket_users, std::vector<uint64_t>{2});
}

TEST(QualityStatsTest, NumericHistogramOverTheWholeInt64Range) {
  constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
  const VersionStats s = BothStats(IntContent({kMin, kMax, -1, 0}), 4);
  EXPECT_EQ(s.min, kMin);
  EXPECT_EQ(s.max, kMax);
  ASSERT_EQ(s.bucket_lower.size(), 10u);
  // 2^64 / 10 = 1844674407370955161.6
  EXPECT_EQ(s.bucket_lower[1], kMin + 1844674407370955161);
  EXPECT_EQ(s.bucket_lower[5], 0);
  EXPECT_EQ(s.bucket_lower[9], 7378697629483820646);  // kMin + 16602069666338596454
  EXPECT_EQ(s.bucket_users, (std::vector<uint64_t>{1, 0, 0, 0, 1, 1, 0, 0, 0, 1}));
}

TEST(QualityStatsTest, MinAndMaxDoNotTrustTheBase) {
  // A BSI whose base is below every value (as after users were deleted):
  // user 1 has offset 1, user 2 offset 3, so the values are 101 and 103.
  TagVersionContent c;
  c.type = TagType{TagKind::kInt};
  c.bsi.base = 100;
  c.bsi.exists = Bitmap::Of(std::vector<uint32_t>{1, 2});
  c.bsi.slices.push_back(Bitmap::Of(std::vector<uint32_t>{1, 2}));
  c.bsi.slices.push_back(Bitmap::Of(std::vector<uint32_t>{2}));
  const VersionStats s = BothStats(std::move(c), 2);
  EXPECT_EQ(s.min, 101);
  EXPECT_EQ(s.max, 103);
  EXPECT_EQ(s.bucket_lower, (std::vector<int64_t>{101, 102, 103}));
  EXPECT_EQ(s.bucket_users, (std::vector<uint64_t>{1, 0, 1}));
}

TEST(QualityStatsTest, NumericHistogramOverThePreviousVersionsBuckets) {
  std::vector<int64_t> values(100);
  for (int i = 0; i < 100; ++i) values[i] = i;
  const VersionStats prev = BothStats(IntContent(values), 100);
  // Values outside the previous range fall into the open first and last buckets.
  const VersionStats next = BothStats(IntContent({-3, 5, 150, 95, 42}), 100, &prev);
  EXPECT_EQ(next.min, -3);
  EXPECT_EQ(next.max, 150);
  EXPECT_EQ(next.bucket_lower, prev.bucket_lower);
  EXPECT_EQ(next.bucket_users, (std::vector<uint64_t>{2, 0, 0, 0, 1, 0, 0, 0, 0, 2}));
  // An empty version keeps the buckets, with no users in them.
  const VersionStats empty = BothStats(IntContent({}), 100, &prev);
  EXPECT_EQ(empty.bucket_lower, prev.bucket_lower);
  EXPECT_EQ(empty.bucket_users, std::vector<uint64_t>(10, 0));
}

TEST(QualityStatsTest, DecimalAndDateKeepStoredValues) {
  TagVersionBuilder d(TagType{TagKind::kDecimal, 2}, 1);
  d.AddNumber(0, 150);  // 1.50
  d.AddNumber(1, -25);  // -0.25
  const VersionStats dec = BothStats(d.Finish(), 2);
  EXPECT_EQ(dec.type, (TagType{TagKind::kDecimal, 2}));
  EXPECT_EQ(dec.min, -25);
  EXPECT_EQ(dec.max, 150);
  TagVersionBuilder t(TagType{TagKind::kDate}, 1);
  t.AddNumber(0, *ParseDate("2024-02-29"));
  const VersionStats date = BothStats(t.Finish(), 1);
  EXPECT_EQ(date.min, 19782);
  EXPECT_EQ(date.bucket_users, std::vector<uint64_t>{1});
}

// ---- checks ----

VersionStats Categorical(uint64_t users, uint64_t universe, ValueUsers values,
                         TagType type = TagType{TagKind::kEnum}) {
  VersionStats s;
  s.type = type;
  s.users = users;
  s.universe = universe;
  s.value_users = std::move(values);
  return s;
}

const QualityCheck& Find(const std::vector<QualityCheck>& checks, std::string_view name) {
  for (const QualityCheck& c : checks) {
    if (c.name == name) return c;
  }
  ADD_FAILURE() << "no check " << name;
  return checks.front();
}

TEST(QualityCheckTest, AlwaysTheSameFiveChecksInOrder) {
  const auto checks = CheckVersion(Categorical(10, 10, {{"a", 10}}), nullptr, QualityRules{});
  std::vector<std::string> names;
  for (const auto& c : checks) names.push_back(c.name);
  EXPECT_EQ(names,
            (std::vector<std::string>{"not_empty", "min_coverage", "max_coverage", "user_change", "psi"}));
  EXPECT_TRUE(AllPassed(checks));
}

TEST(QualityCheckTest, FirstVersionPassesChangeAndPsi) {
  const auto checks = CheckVersion(Categorical(500, 1000, {{"a", 500}}), nullptr, QualityRules{});
  EXPECT_TRUE(AllPassed(checks));
  EXPECT_EQ(Find(checks, "user_change").message, "no previous version");
  EXPECT_EQ(Find(checks, "psi").message, "no previous version");
  EXPECT_EQ(Find(checks, "not_empty").message, "500 users have a value");
  EXPECT_EQ(Find(checks, "min_coverage").message, "coverage 50.0% is at least the minimum 0.0%");
}

TEST(QualityCheckTest, Coverage) {
  QualityRules rules;
  rules.min_coverage = 0.1;
  rules.max_coverage = 0.95;
  auto low = CheckVersion(Categorical(32, 1000, {{"a", 32}}), nullptr, rules);
  const QualityCheck& min = Find(low, "min_coverage");
  EXPECT_FALSE(min.passed);
  EXPECT_DOUBLE_EQ(min.observed, 0.032);
  EXPECT_DOUBLE_EQ(min.bound, 0.1);
  EXPECT_EQ(min.message, "coverage 3.2% is below the minimum 10.0%");
  EXPECT_TRUE(Find(low, "max_coverage").passed);
  EXPECT_FALSE(AllPassed(low));

  auto high = CheckVersion(Categorical(990, 1000, {{"a", 990}}), nullptr, rules);
  const QualityCheck& max = Find(high, "max_coverage");
  EXPECT_FALSE(max.passed);
  EXPECT_DOUBLE_EQ(max.observed, 0.99);
  EXPECT_DOUBLE_EQ(max.bound, 0.95);
  EXPECT_EQ(max.message, "coverage 99.0% is above the maximum 95.0%");
  EXPECT_TRUE(Find(high, "min_coverage").passed);

  // The bounds themselves pass.
  EXPECT_TRUE(AllPassed(CheckVersion(Categorical(100, 1000, {{"a", 100}}), nullptr, rules)));
  EXPECT_TRUE(AllPassed(CheckVersion(Categorical(950, 1000, {{"a", 950}}), nullptr, rules)));
}

TEST(QualityCheckTest, UserChange) {
  const VersionStats prev = Categorical(1000, 5000, {{"a", 1000}});
  const QualityRules rules;  // ±50%
  const QualityCheck up =
      Find(CheckVersion(Categorical(1625, 5000, {{"a", 1625}}), &prev, rules), "user_change");
  EXPECT_FALSE(up.passed);
  EXPECT_DOUBLE_EQ(up.observed, 0.625);
  EXPECT_DOUBLE_EQ(up.bound, 0.5);
  EXPECT_EQ(up.message, "users changed by +62.5% (1000 -> 1625), more than the allowed ±50.0%");

  const QualityCheck down =
      Find(CheckVersion(Categorical(400, 5000, {{"a", 400}}), &prev, rules), "user_change");
  EXPECT_FALSE(down.passed);
  EXPECT_DOUBLE_EQ(down.observed, -0.6);
  EXPECT_EQ(down.message, "users changed by -60.0% (1000 -> 400), more than the allowed ±50.0%");

  const QualityCheck edge =
      Find(CheckVersion(Categorical(1500, 5000, {{"a", 1500}}), &prev, rules), "user_change");
  EXPECT_TRUE(edge.passed);
  EXPECT_EQ(edge.message, "users changed by +50.0% (1000 -> 1500)");

  const QualityCheck small =
      Find(CheckVersion(Categorical(970, 5000, {{"a", 970}}), &prev, rules), "user_change");
  EXPECT_TRUE(small.passed);
  EXPECT_DOUBLE_EQ(small.observed, -0.03);
  EXPECT_EQ(small.message, "users changed by -3.0% (1000 -> 970)");

  const VersionStats empty_prev = Categorical(0, 5000, {});
  const QualityCheck from_empty =
      Find(CheckVersion(Categorical(970, 5000, {{"a", 970}}), &empty_prev, rules), "user_change");
  EXPECT_TRUE(from_empty.passed);
  EXPECT_EQ(from_empty.message, "the previous version had no users");
}

TEST(QualityCheckTest, EmptyVersion) {
  const VersionStats prev = Categorical(1000, 5000, {{"a", 1000}});
  const VersionStats empty = Categorical(0, 5000, {});
  QualityRules rules;
  rules.min_coverage = 0.1;
  auto refused = CheckVersion(empty, &prev, rules);
  EXPECT_FALSE(AllPassed(refused));
  EXPECT_FALSE(Find(refused, "not_empty").passed);
  EXPECT_EQ(Find(refused, "not_empty").message, "the version has no users (allow_empty is off)");
  EXPECT_FALSE(Find(refused, "min_coverage").passed);
  EXPECT_EQ(Find(refused, "user_change").message,
            "users changed by -100.0% (1000 -> 0), more than the allowed ±50.0%");
  EXPECT_TRUE(Find(refused, "psi").passed);
  EXPECT_EQ(Find(refused, "psi").message, "not computed: the version has no users");

  rules.allow_empty = true;
  auto allowed = CheckVersion(empty, &prev, rules);
  EXPECT_TRUE(AllPassed(allowed));
  ASSERT_EQ(allowed.size(), 5u);
  EXPECT_EQ(allowed[0].message, "the version has no users (allowed)");
  EXPECT_EQ(allowed[1].message, "not checked: an empty version is allowed");
}

TEST(QualityCheckTest, CategoricalPsiByHand) {
  // 50/30/20 -> 40/30/20 plus a new value "d" with 10%.
  const VersionStats prev = Categorical(100, 100, {{"a", 50}, {"b", 30}, {"c", 20}});
  const VersionStats next = Categorical(100, 100, {{"a", 40}, {"b", 30}, {"c", 20}, {"d", 10}});
  const double expected = (0.4 - 0.5) * std::log(0.4 / 0.5) + (0.1 - 1e-4) * std::log(0.1 / 1e-4);
  const QualityCheck psi = Find(CheckVersion(next, &prev, QualityRules{}), "psi");
  EXPECT_NEAR(psi.observed, expected, 1e-12);
  EXPECT_NEAR(psi.observed, 0.712399, 1e-6);
  EXPECT_FALSE(psi.passed);
  EXPECT_DOUBLE_EQ(psi.bound, 0.25);
  EXPECT_EQ(psi.message, "value distribution shifted: PSI 0.712 is above the maximum 0.250");

  // A mild shift 50/50 -> 55/45; a value that disappears counts too.
  const VersionStats p2 = Categorical(200, 200, {{"a", 100}, {"b", 100}});
  const VersionStats n2 = Categorical(100, 200, {{"a", 55}, {"b", 45}});
  const QualityCheck mild = Find(CheckVersion(n2, &p2, QualityRules{}), "psi");
  EXPECT_NEAR(mild.observed, 0.05 * std::log(1.1) - 0.05 * std::log(0.9), 1e-12);
  EXPECT_NEAR(mild.observed, 0.0100335, 1e-7);
  EXPECT_TRUE(mild.passed);
  EXPECT_EQ(mild.message, "PSI 0.010 is within the maximum 0.250");
  const VersionStats n3 = Categorical(100, 200, {{"a", 100}});
  EXPECT_NEAR(Find(CheckVersion(n3, &p2, QualityRules{}), "psi").observed,
              0.5 * std::log(1 / 0.5) + (1e-4 - 0.5) * std::log(1e-4 / 0.5), 1e-12);
  // Identical distributions.
  EXPECT_DOUBLE_EQ(Find(CheckVersion(p2, &p2, QualityRules{}), "psi").observed, 0.0);
}

TEST(QualityCheckTest, SetPsiUsesTheShareOfUsersPerValue) {
  const TagType set{TagKind::kSet};
  // prev: 100 users, x 80, y 40; next: 100 users, x 60, y 60.
  const VersionStats prev = Categorical(100, 100, {{"x", 80}, {"y", 40}}, set);
  const VersionStats next = Categorical(100, 100, {{"x", 60}, {"y", 60}}, set);
  const double expected = (0.6 - 0.8) * std::log(0.6 / 0.8) + (0.6 - 0.4) * std::log(0.6 / 0.4);
  EXPECT_NEAR(Find(CheckVersion(next, &prev, QualityRules{}), "psi").observed, expected, 1e-12);
  EXPECT_NEAR(expected, 0.138629, 1e-6);
}

TEST(QualityCheckTest, NumericPsiOverThePreviousBuckets) {
  std::vector<int64_t> values(100);
  for (int i = 0; i < 100; ++i) values[i] = i;
  const VersionStats prev = StatsOf(IntContent(values), 100);
  // Users 0..89 keep their values; 10 more have -1, below the first edge.
  std::vector<int64_t> next_values(100);
  for (int i = 0; i < 90; ++i) next_values[i] = i;
  for (int i = 90; i < 100; ++i) next_values[i] = -1;
  const VersionStats next = StatsOf(IntContent(next_values), 100, &prev);
  ASSERT_EQ(next.bucket_users, (std::vector<uint64_t>{20, 10, 10, 10, 10, 10, 10, 10, 10, 0}));
  const double expected = (0.2 - 0.1) * std::log(2.0) + (1e-4 - 0.1) * std::log(1e-4 / 0.1);
  const QualityCheck psi = Find(CheckVersion(next, &prev, QualityRules{}), "psi");
  EXPECT_NEAR(psi.observed, expected, 1e-12);
  EXPECT_NEAR(psi.observed, 0.759399, 1e-6);
  EXPECT_FALSE(psi.passed);

  // Stats computed over their own buckets cannot be compared.
  const VersionStats own = StatsOf(IntContent(next_values), 100);
  const QualityCheck wrong = Find(CheckVersion(own, &prev, QualityRules{}), "psi");
  EXPECT_FALSE(wrong.passed);
  EXPECT_EQ(wrong.message,
            "the version's histogram does not use the previous version's buckets "
            "(compute its stats with buckets_from = the previous version's stats)");
}

TEST(QualityCheckTest, TypeChangeFailsPsi) {
  const VersionStats prev = Categorical(10, 10, {{"a", 10}});
  const VersionStats next = Categorical(10, 10, {{"a", 10}}, TagType{TagKind::kSet});
  const QualityCheck psi = Find(CheckVersion(next, &prev, QualityRules{}), "psi");
  EXPECT_FALSE(psi.passed);
  EXPECT_EQ(psi.message, "the tag's type changed from enum to set; the distributions cannot be compared");
}

// ---- staleness ----

TEST(QualityStalenessTest, ComparesTheAgeWithTheAllowance) {
  const QualityCheck stale = CheckStaleness(1000, 1000 + 7500, 3600);
  EXPECT_EQ(stale.name, "staleness");
  EXPECT_FALSE(stale.passed);
  EXPECT_DOUBLE_EQ(stale.observed, 7500);
  EXPECT_DOUBLE_EQ(stale.bound, 3600);
  EXPECT_EQ(stale.message, "the newest version is 2h 5m old, more than the allowed 1h 0m");
  const QualityCheck fresh = CheckStaleness(1000, 1000 + 3600, 3600);
  EXPECT_TRUE(fresh.passed);
  EXPECT_EQ(fresh.message, "the newest version is 1h 0m old, within the allowed 1h 0m");
  EXPECT_EQ(CheckStaleness(1000, 1000 + 90061, 2 * 86400).message,
            "the newest version is 1d 1h old, within the allowed 2d 0h");
  EXPECT_EQ(CheckStaleness(1000, 1045, 60).message,
            "the newest version is 45s old, within the allowed 1m 0s");
  const QualityCheck future = CheckStaleness(2000, 1000, 0);
  EXPECT_TRUE(future.passed);
  EXPECT_DOUBLE_EQ(future.observed, 0);
  const QualityCheck unlimited = CheckStaleness(0, 400000, std::numeric_limits<int64_t>::max());
  EXPECT_TRUE(unlimited.passed);
  EXPECT_EQ(unlimited.message, "the newest version is 4d 15h old (no limit)");
}

TEST(QualityStalenessTest, DerivedFromTheSchedule) {
  auto daily = CronSchedule::Parse("0 2 * * *");  // 02:00 in China = 18:00 UTC the day before
  ASSERT_TRUE(daily.ok());
  const int64_t jan1_1800_utc = int64_t{*ParseDate("2024-01-01")} * 86400 + 18 * 3600;
  // 03:30 local with an hour of grace: the 02:00 run must have published.
  EXPECT_EQ(ScheduledStaleness(*daily, 480, jan1_1800_utc + 5400, 3600), 5400);
  // 02:30 local: the 02:00 run may still be running; the day before's is due.
  EXPECT_EQ(ScheduledStaleness(*daily, 480, jan1_1800_utc + 1800, 3600), 86400 + 1800);
  const int64_t now = jan1_1800_utc + 5400;
  EXPECT_TRUE(CheckStaleness(jan1_1800_utc + 600, now, ScheduledStaleness(*daily, 480, now, 3600)).passed);
  EXPECT_FALSE(CheckStaleness(jan1_1800_utc - 60, now, ScheduledStaleness(*daily, 480, now, 3600)).passed);
  EXPECT_EQ(ScheduledStaleness(*daily, 0, std::numeric_limits<int64_t>::min() / 2, 0),
            std::numeric_limits<int64_t>::max());
}

// ---- rules ----

TEST(QualityRulesTest, DefaultsAndJsonRoundTrip) {
  const QualityRules defaults;
  EXPECT_EQ(QualityRulesToJson(defaults).dump(),
            R"({"allow_empty":false,"max_coverage":1.0,"max_psi":0.25,"max_staleness_seconds":0,)"
            R"("max_user_change":0.5,"min_coverage":0.0})");
  auto empty = QualityRulesFromJson(nlohmann::json::object());
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(*empty, defaults);

  QualityRules r;
  r.min_coverage = 0.1;
  r.max_coverage = 0.9;
  r.max_user_change = 0.3;
  r.max_psi = 0.2;
  r.allow_empty = true;
  r.max_staleness_seconds = 7200;
  auto back = QualityRulesFromJson(nlohmann::json::parse(QualityRulesToJson(r).dump()));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(*back, r);

  auto parsed = QualityRulesFromJson(nlohmann::json::parse(R"({"min_coverage":0.1,"max_psi":0.2})"));
  ASSERT_TRUE(parsed.ok());
  EXPECT_DOUBLE_EQ(parsed->min_coverage, 0.1);
  EXPECT_DOUBLE_EQ(parsed->max_psi, 0.2);
  EXPECT_DOUBLE_EQ(parsed->max_user_change, 0.5);
  EXPECT_DOUBLE_EQ(parsed->max_coverage, 1.0);
}

TEST(QualityRulesTest, Errors) {
  const std::pair<const char*, const char*> cases[] = {
      {R"({"max_psy":0.2})",
       "unknown quality rule 'max_psy' (expected one of min_coverage, max_coverage, max_user_change, "
       "max_psi, "
       "allow_empty, max_staleness_seconds)"},
      {R"({"max_psi":"0.2"})", "quality rule 'max_psi' must be a number"},
      {R"({"allow_empty":1})", "quality rule 'allow_empty' must be true or false"},
      {R"({"max_staleness_seconds":1.5})",
       "quality rule 'max_staleness_seconds' must be a whole number of seconds"},
      {R"({"max_staleness_seconds":-1})", "quality rule 'max_staleness_seconds' must be at least 0, got -1"},
      {R"({"min_coverage":1.5})", "quality rule 'min_coverage' must be between 0 and 1, got 1.5"},
      {R"({"max_coverage":-0.1})", "quality rule 'max_coverage' must be between 0 and 1, got -0.1"},
      {R"({"max_user_change":-1})", "quality rule 'max_user_change' must be at least 0, got -1"},
      {R"({"max_psi":-0.5})", "quality rule 'max_psi' must be at least 0, got -0.5"},
      {R"({"min_coverage":0.6,"max_coverage":0.5})",
       "quality rule 'min_coverage' 0.6 is above 'max_coverage' 0.5"},
      {R"([1,2])", "quality rules must be a JSON object, got array"},
      {R"(null)", "quality rules must be a JSON object, got null"},
  };
  for (const auto& [text, message] : cases) {
    auto r = QualityRulesFromJson(nlohmann::json::parse(text));
    ASSERT_FALSE(r.ok()) << text;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(r.status().message(), message) << text;
  }
}

TEST(QualityRulesTest, PerTagOverridesOntoDefaults) {
  auto defaults = QualityRulesFromJson(nlohmann::json::parse(R"({"min_coverage":0.1,"max_psi":0.2})"));
  ASSERT_TRUE(defaults.ok());
  auto tag = ApplyQualityOverrides(*defaults, nlohmann::json::parse(R"({"max_psi":0.5,"allow_empty":true})"));
  ASSERT_TRUE(tag.ok());
  QualityRules want;
  want.min_coverage = 0.1;
  want.max_psi = 0.5;
  want.allow_empty = true;
  EXPECT_EQ(*tag, want);
  // The defaults are untouched, and an empty override changes nothing.
  EXPECT_DOUBLE_EQ(defaults->max_psi, 0.2);
  EXPECT_EQ(*ApplyQualityOverrides(*defaults, nlohmann::json::object()), *defaults);
  // The merged result is validated as a whole.
  auto bad = ApplyQualityOverrides(*defaults, nlohmann::json::parse(R"({"max_coverage":0.05})"));
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(), "quality rule 'min_coverage' 0.1 is above 'max_coverage' 0.05");
}

}  // namespace
}  // namespace tagloop
