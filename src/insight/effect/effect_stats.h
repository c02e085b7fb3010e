// Effect statistics: treatment against control for one metric, from each
// arm's sufficient statistics (n, Σy, Σy²; for CUPED also the pre-period
// covariate's Σx, Σx² and Σxy). The methods are those of the public
// reference engine (GrowthBook's gbstats) and are tested against its
// published vectors (tests/insight/effect_stats_test.cc):
//   - a binary metric's variance is p(1 − p) (divided by n); a mean
//     metric's is the sample variance (divided by n − 1);
//   - absolute effect Δ = μT − μC with Var = σT²/nT + σC²/nC (unpooled);
//   - relative effect Δ/|μC| with the delta method's variance
//     σT²/(μC² nT) + σC² μT²/(μC⁴ nC);
//   - two-sided Student t intervals and p-values with Welch–Satterthwaite
//     degrees of freedom; or the always-valid sequential interval of
//     Waudby-Smith et al. (2023, eq. 9) for campaigns watched while they run;
//   - CUPED: θ = Cov(Y, X)/Var(X) over both arms pooled, adjusted means
//     ȳ − θx̄, the relative effect's baseline the unadjusted control mean;
//   - sample-ratio mismatch: Pearson's χ² of the arm sizes against the
//     configured shares (df = arms − 1).
// Distributions come from Boost.Math. The contract's effect response
// (../shared/SPEC-outreach.md, "Effect") is built from these numbers.
//
// Pure functions of their arguments: thread-safe.
#pragma once

#include <span>
#include <string>

namespace tagloop::effect {

// One arm's sufficient statistics for one metric.
struct ArmStats {
  enum class Kind { kProportion, kMean };
  Kind kind = Kind::kProportion;
  double n = 0;            // users in the arm
  double sum = 0;          // Σy (a proportion: the users who converted)
  double sum_squares = 0;  // Σy² (a proportion: equal to sum)

  static ArmStats Proportion(double converted, double users) { return {Kind::kProportion, users, converted, converted}; }
  static ArmStats Mean(double sum, double sum_squares, double users) { return {Kind::kMean, users, sum, sum_squares}; }

  double mean() const { return n > 0 ? sum / n : 0; }
  // p(1 − p) for a proportion; the sample variance for a mean (0 when n ≤ 1).
  double variance() const;
};

// The pre-period covariate of an arm (CUPED): its statistics and Σxy.
struct CovariateStats {
  ArmStats pre;                 // the same kind and n as the arm's metric
  double sum_of_products = 0;   // Σ x·y over the arm's users
};

enum class Difference { kAbsolute, kRelative };
enum class Interval {
  kFixedHorizon,  // Student t (Welch), valid when looked at once
  kSequential,    // always valid (Waudby-Smith et al.), any number of looks
};

struct EffectOptions {
  Difference difference = Difference::kRelative;
  Interval interval = Interval::kFixedHorizon;
  double alpha = 0.05;                // two-sided: a 95 % interval
  double sequential_tuning = 5000;    // N* of the sequential interval (gbstats' default)
};

struct Effect {
  // False when the arms cannot be compared (error says why: a baseline
  // mean of 0, no variance, fewer than 2 users in an arm); the numbers are
  // then 0 and the p-value 1.
  bool ok = false;
  std::string error;
  double estimate = 0;        // Δ or Δ/|μC|
  double standard_error = 0;
  double ci_low = 0, ci_high = 0;
  double p_value = 1;
  double degrees_of_freedom = 0;  // Welch's ν (fixed horizon only)
};

// Treatment against control.
Effect CompareArms(const ArmStats& control, const ArmStats& treatment, const EffectOptions& options = {});

// The same with CUPED: each arm's metric adjusted by its pre-period
// covariate with θ pooled over both arms. θ is 0 (no adjustment) when the
// pooled covariate or metric has no variance.
Effect CompareArmsCuped(const ArmStats& control, const CovariateStats& control_pre, const ArmStats& treatment,
                        const CovariateStats& treatment_pre, const EffectOptions& options = {});

// The pooled CUPED coefficient θ = Cov(Y, X) / Var(X) over both arms.
double CupedTheta(const ArmStats& control, const CovariateStats& control_pre, const ArmStats& treatment,
                  const CovariateStats& treatment_pre);

// Sample-ratio mismatch: the p-value of Pearson's χ² test of the observed
// arm sizes against the expected shares (weights need not sum to 1; arms
// with a weight ≤ 0 are left out of the sum, df = arms − 1). 1 when no user
// was observed. A value below 0.001 means the split is not what was
// configured: the comparison should not be trusted.
double SampleRatioMismatchPValue(std::span<const double> users, std::span<const double> weights);

}  // namespace tagloop::effect
