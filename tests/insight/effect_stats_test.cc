// The effect statistics against the published test vectors of GrowthBook's
// gbstats (packages/stats/tests/frequentist/test_tests.py), rounded to 5
// decimals as there, and the χ² sample-ratio test against its closed form.
#include "insight/effect/effect_stats.h"

#include <cmath>
#include <vector>

#include <gtest/gtest.h>

namespace tagloop::effect {
namespace {

constexpr double kTol = 0.5e-5;  // the vectors are rounded to 5 decimals

void ExpectEffect(const Effect& e, double estimate, double se, double lo, double hi, double p) {
  ASSERT_TRUE(e.ok) << e.error;
  EXPECT_NEAR(e.estimate, estimate, kTol);
  EXPECT_NEAR(e.standard_error, se, kTol);
  EXPECT_NEAR(e.ci_low, lo, kTol);
  EXPECT_NEAR(e.ci_high, hi, kTol);
  EXPECT_NEAR(e.p_value, p, kTol);
}

const ArmStats kMeanControl = ArmStats::Mean(1396.87, 52377.9767, 3407);
const ArmStats kMeanTreatment = ArmStats::Mean(2422.7, 134698.29, 3461);

TEST(EffectStatsTest, MeanMetricRelative) {
  ExpectEffect(CompareArms(kMeanControl, kMeanTreatment), 0.70732, 0.37879, -0.03526, 1.44989, 0.06191);
}

TEST(EffectStatsTest, MeanMetricAbsolute) {
  const Effect e = CompareArms(kMeanControl, kMeanTreatment, {.difference = Difference::kAbsolute});
  ExpectEffect(e, 0.29, 0.12478, 0.04538, 0.53462, 0.02016);
  // Welch's ν lies between the smaller arm's n − 1 and nC + nT − 2.
  EXPECT_GT(e.degrees_of_freedom, 3406);
  EXPECT_LT(e.degrees_of_freedom, 6866);
}

TEST(EffectStatsTest, ProportionRelative) {
  // 14 of 28 against 16 of 30: variance p(1 − p), ν ≈ 55.7.
  const Effect e = CompareArms(ArmStats::Proportion(14, 28), ArmStats::Proportion(16, 30));
  ExpectEffect(e, (16.0 / 30 - 0.5) / 0.5, 0.2717, -0.47767, 0.61101, 0.80707);
  EXPECT_NEAR(e.degrees_of_freedom, 55.7, 0.05);
}

TEST(EffectStatsTest, ProportionAbsoluteIsTheUnpooledTwoSampleTest) {
  const Effect e = CompareArms(ArmStats::Proportion(14, 28), ArmStats::Proportion(16, 30),
                               {.difference = Difference::kAbsolute});
  ASSERT_TRUE(e.ok);
  const double se = std::sqrt(0.25 / 28 + (16.0 / 30) * (14.0 / 30) / 30);
  EXPECT_NEAR(e.estimate, 16.0 / 30 - 0.5, 1e-12);
  EXPECT_NEAR(e.standard_error, se, 1e-12);
  EXPECT_GT(e.p_value, 0.79);
  EXPECT_LT(e.ci_low, 0);
  EXPECT_GT(e.ci_high, 0);
}

TEST(EffectStatsTest, AnArmWithoutVarianceIsRefused) {
  // n = 2 with these sums gives a negative sample variance.
  const Effect e = CompareArms(ArmStats::Mean(1396.87, 52377.9767, 2), kMeanTreatment);
  EXPECT_FALSE(e.ok);
  EXPECT_EQ(e.p_value, 1);
  EXPECT_FALSE(CompareArms(ArmStats::Proportion(0, 100), ArmStats::Proportion(5, 100)).ok);  // no baseline
  EXPECT_FALSE(CompareArms(ArmStats::Proportion(1, 1), ArmStats::Proportion(5, 100)).ok);
}

TEST(EffectStatsTest, SequentialMeanMetric) {
  const EffectOptions options{.interval = Interval::kSequential, .sequential_tuning = 1000};
  const Effect e = CompareArms(ArmStats::Mean(1396.87, 52377.9767, 3000), kMeanTreatment, options);
  ExpectEffect(e, 0.50336, 0.33341, -0.55844, 1.56516, 1);
}

TEST(EffectStatsTest, SequentialProportion) {
  const Effect e = CompareArms(ArmStats::Proportion(1396, 3000), ArmStats::Proportion(2422, 3461),
                               {.interval = Interval::kSequential});
  ExpectEffect(e, 0.50386, 0.03386, 0.40098, 0.60675, 0.0);
}

TEST(EffectStatsTest, SequentialCuped) {
  const CovariateStats control_pre{ArmStats::Mean(16.87, 527.9767, 3000), 1};
  const CovariateStats treatment_pre{ArmStats::Mean(22.7, 1348.29, 3461), 1};
  const Effect e = CompareArmsCuped(ArmStats::Mean(1396.87, 52377.9767, 3000), control_pre, kMeanTreatment,
                                    treatment_pre, {.interval = Interval::kSequential});
  ExpectEffect(e, 0.50338, 0.33341, -0.50969, 1.51646, 1);
}

TEST(EffectStatsTest, CupedShrinksTheIntervalWhenThePastPredictsTheFuture) {
  // y = x + noise: the pre-period explains most of the variance.
  const double n = 1000;
  double cx = 0, cxx = 0, cy = 0, cyy = 0, cxy = 0, tx = 0, txx = 0, ty = 0, tyy = 0, txy = 0;
  for (int i = 0; i < n; ++i) {
    const double x = (i * 37) % 101;
    const double noise = ((i * 13) % 7) - 3;
    const double yc = x + noise, yt = x + noise + 2;
    cx += x, cxx += x * x, cy += yc, cyy += yc * yc, cxy += x * yc;
    tx += x, txx += x * x, ty += yt, tyy += yt * yt, txy += x * yt;
  }
  const ArmStats c = ArmStats::Mean(cy, cyy, n), t = ArmStats::Mean(ty, tyy, n);
  const Effect plain = CompareArms(c, t, {.difference = Difference::kAbsolute});
  const Effect cuped = CompareArmsCuped(c, {ArmStats::Mean(cx, cxx, n), cxy}, t, {ArmStats::Mean(tx, txx, n), txy},
                                        {.difference = Difference::kAbsolute});
  ASSERT_TRUE(plain.ok && cuped.ok);
  EXPECT_NEAR(cuped.estimate, 2, 1e-9);
  EXPECT_NEAR(CupedTheta(c, {ArmStats::Mean(cx, cxx, n), cxy}, t, {ArmStats::Mean(tx, txx, n), txy}), 1, 0.01);
  EXPECT_LT(cuped.standard_error, plain.standard_error / 5);
  EXPECT_LT(cuped.p_value, 1e-6);
}

TEST(EffectStatsTest, SampleRatioMismatchMatchesTheClosedForm) {
  // Two arms, df = 1: p = erfc(sqrt(χ²/2)).
  const std::vector<double> users{1000, 1200}, weights{0.5, 0.5};
  const double chi2 = 2 * 100.0 * 100.0 / 1100;
  EXPECT_NEAR(SampleRatioMismatchPValue(users, weights), std::erfc(std::sqrt(chi2 / 2)), 1e-12);
  // A 10 % control split as configured: no mismatch.
  const std::vector<double> ok_users{9012, 988}, ok_weights{0.9, 0.1};
  EXPECT_GT(SampleRatioMismatchPValue(ok_users, ok_weights), 0.2);
  // Nothing observed, or a weight of 0 left out.
  const std::vector<double> none{0, 0};
  EXPECT_EQ(SampleRatioMismatchPValue(none, weights), 1);
  const std::vector<double> three{500, 500, 40}, three_weights{1, 1, 0};
  EXPECT_LT(SampleRatioMismatchPValue(three, three_weights), 1);
}

}  // namespace
}  // namespace tagloop::effect
