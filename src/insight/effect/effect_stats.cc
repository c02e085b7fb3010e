#include "insight/effect/effect_stats.h"

#include <algorithm>
#include <cmath>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/students_t.hpp>

namespace tagloop::effect {
namespace {

// One arm as the comparison sees it: the (adjusted) mean and variance, and
// the unadjusted mean the relative effect divides by.
struct Arm {
  double n = 0;
  double mean = 0;
  double variance = 0;
  double unadjusted_mean = 0;
};

Arm Plain(const ArmStats& s) { return {s.n, s.mean(), s.variance(), s.mean()}; }

// Cov(Y, X) of one group: for two proportions Σxy/n − ΣyΣx/n², otherwise
// the sample covariance (Σxy − ΣyΣx/n)/(n − 1).
double Covariance(const ArmStats& y, const ArmStats& x, double sum_of_products) {
  const double n = y.n;
  if (n <= 1) return 0;
  if (y.kind == ArmStats::Kind::kProportion && x.kind == ArmStats::Kind::kProportion) {
    return sum_of_products / n - y.sum * x.sum / (n * n);
  }
  return (sum_of_products - y.sum * x.sum / n) / (n - 1);
}

Effect Refused(std::string why) {
  Effect e;
  e.error = std::move(why);
  return e;
}

// Welch–Satterthwaite degrees of freedom of two arms' variances.
double WelchDof(const Arm& c, const Arm& t) {
  const double a = t.variance / t.n + c.variance / c.n;
  const double b = t.variance * t.variance / (t.n * t.n * (t.n - 1)) +
                   c.variance * c.variance / (c.n * c.n * (c.n - 1));
  return a * a / b;
}

// Fills the interval and p-value of `e` (estimate and standard error set).
void Conclude(Effect& e, double n_control, double n_treatment, double dof, const EffectOptions& options) {
  if (options.interval == Interval::kFixedHorizon) {
    e.degrees_of_freedom = dof;
    const boost::math::students_t t(dof);
    const double statistic = e.estimate / e.standard_error;
    e.p_value = 2 * boost::math::cdf(boost::math::complement(t, std::abs(statistic)));
    const double halfwidth = boost::math::quantile(t, 1 - options.alpha / 2) * e.standard_error;
    e.ci_low = e.estimate - halfwidth;
    e.ci_high = e.estimate + halfwidth;
    return;
  }
  // Waudby-Smith et al. 2023 (arXiv 2103.06476v7): eq. 161 for ρ, eq. 9 for
  // the half-width, eq. 155 for the always-valid p-value.
  const double n = n_control + n_treatment;
  const double alpha = options.alpha;
  const double rho = std::sqrt((-2 * std::log(alpha) + std::log(-2 * std::log(alpha) + 1)) / options.sequential_tuning);
  const double s2 = e.standard_error * e.standard_error * n;
  const double nr2p1 = n * rho * rho + 1;
  const double halfwidth = std::sqrt(s2) * std::sqrt(2 * nr2p1 * std::log(std::sqrt(nr2p1) / alpha) / ((n * rho) * (n * rho)));
  e.ci_low = e.estimate - halfwidth;
  e.ci_high = e.estimate + halfwidth;
  const double st2 = e.estimate * e.estimate * n / (e.standard_error * e.standard_error);
  const double evalue = std::exp(rho * rho * st2 / (2 * nr2p1)) / std::sqrt(nr2p1);
  e.p_value = std::min(1 / evalue, 1.0);
}

// Why two arms cannot be compared, or empty.
std::string Incomparable(const Arm& c, const Arm& t) {
  if (c.n < 2 || t.n < 2) return "each arm needs at least 2 users";
  if (!(c.variance > 0) || !(t.variance > 0)) return "an arm's metric has no variance";
  if (c.mean == 0 || c.unadjusted_mean == 0) return "the control's mean is 0: no baseline to compare with";
  return {};
}

// An effect from its estimate and variance (ok when the variance is positive).
Effect FromMoments(const Arm& c, const Arm& t, double estimate, double variance, const EffectOptions& options) {
  if (!(variance > 0)) return Refused("an arm's metric has no variance");
  Effect e;
  e.ok = true;
  e.estimate = estimate;
  e.standard_error = std::sqrt(variance);
  Conclude(e, c.n, t.n, WelchDof(c, t), options);
  return e;
}

// Δ = μT − μC with the unpooled variance σT²/nT + σC²/nC.
Effect Absolute(const Arm& c, const Arm& t, const EffectOptions& options) {
  return FromMoments(c, t, t.mean - c.mean, t.variance / t.n + c.variance / c.n, options);
}

}  // namespace

double ArmStats::variance() const {
  if (n <= 0) return 0;
  if (kind == Kind::kProportion) {
    const double p = sum / n;
    return p * (1 - p);
  }
  if (n <= 1) return 0;
  return (sum_squares - sum * sum / n) / (n - 1);
}

Effect CompareArms(const ArmStats& control, const ArmStats& treatment, const EffectOptions& options) {
  const Arm c = Plain(control), t = Plain(treatment);
  if (std::string why = Incomparable(c, t); !why.empty()) return Refused(std::move(why));
  if (options.difference == Difference::kAbsolute) return Absolute(c, t, options);
  // The delta method for μT/μC (the two arms are independent).
  const double variance =
      t.variance / t.n / (c.mean * c.mean) + c.variance / c.n * t.mean * t.mean / std::pow(c.mean, 4);
  return FromMoments(c, t, (t.mean - c.mean) / std::abs(c.mean), variance, options);
}

double CupedTheta(const ArmStats& control, const CovariateStats& control_pre, const ArmStats& treatment,
                  const CovariateStats& treatment_pre) {
  const double n = control.n + treatment.n;
  const ArmStats post{control.kind, n, control.sum + treatment.sum, control.sum_squares + treatment.sum_squares};
  const ArmStats pre{control_pre.pre.kind, n, control_pre.pre.sum + treatment_pre.pre.sum,
                     control_pre.pre.sum_squares + treatment_pre.pre.sum_squares};
  if (!(pre.variance() > 0) || !(post.variance() > 0)) return 0;
  return Covariance(post, pre, control_pre.sum_of_products + treatment_pre.sum_of_products) / pre.variance();
}

Effect CompareArmsCuped(const ArmStats& control, const CovariateStats& control_pre, const ArmStats& treatment,
                        const CovariateStats& treatment_pre, const EffectOptions& options) {
  const double theta = CupedTheta(control, control_pre, treatment, treatment_pre);
  const auto adjusted = [theta](const ArmStats& y, const CovariateStats& x) {
    const double cov = Covariance(y, x.pre, x.sum_of_products);
    Arm a;
    a.n = y.n;
    a.mean = y.mean() - theta * x.pre.mean();
    a.variance = y.n <= 1 ? 0 : y.variance() + theta * theta * x.pre.variance() - 2 * theta * cov;
    a.unadjusted_mean = y.mean();
    return a;
  };
  const Arm c = adjusted(control, control_pre), t = adjusted(treatment, treatment_pre);
  if (std::string why = Incomparable(c, t); !why.empty()) return Refused(std::move(why));
  if (options.difference == Difference::kAbsolute) return Absolute(c, t, options);
  // The relative effect divides by the unadjusted control mean; its
  // variance by the delta method over (ȳT − θx̄T, ȳC, x̄C) as gbstats does.
  const double base = c.unadjusted_mean;
  const double v_treatment = t.variance / (t.n * base * base);
  const double k = -treatment.mean();
  const double cov_c = Covariance(control, control_pre.pre, control_pre.sum_of_products);
  const double v_control = (control.variance() * k * k / (base * base) + 2 * theta * cov_c * k / base +
                            theta * theta * control_pre.pre.variance()) /
                           (c.n * base * base);
  return FromMoments(c, t, (t.mean - c.mean) / std::abs(base), v_treatment + v_control, options);
}

double SampleRatioMismatchPValue(std::span<const double> users, std::span<const double> weights) {
  double observed = 0, total_weight = 0;
  for (double u : users) observed += u;
  for (double w : weights) total_weight += w > 0 ? w : 0;
  if (observed <= 0 || total_weight <= 0 || users.size() < 2 || users.size() != weights.size()) return 1;
  double x = 0;
  for (size_t i = 0; i < users.size(); ++i) {
    if (weights[i] <= 0) continue;
    const double expected = weights[i] / total_weight * observed;
    x += (users[i] - expected) * (users[i] - expected) / expected;
  }
  const boost::math::chi_squared chi2(static_cast<double>(users.size() - 1));
  return boost::math::cdf(boost::math::complement(chi2, x));
}

}  // namespace tagloop::effect
