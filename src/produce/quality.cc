#include "produce/quality.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

namespace tagloop {

namespace {

// ---- statistics ----

// The smallest offset (value - base) of the BSI's users, by descending the
// slices: from the top bit down, keep the candidates without bit j when
// there are any (O'Neil & Quass's min algorithm). `users` must not be empty.
uint64_t MinOffset(const BsiView& bsi) {
  Bitmap owned;
  const roaring_bitmap_t* candidates = bsi.exists;
  uint64_t offset = 0;
  for (size_t j = bsi.slices.size(); j-- > 0;) {
    if (roaring_bitmap_is_subset(candidates, bsi.slices[j])) {
      offset |= uint64_t{1} << j;  // every candidate has bit j
    } else {
      owned = Bitmap::AndNot(candidates, bsi.slices[j]);
      candidates = owned.get();
    }
  }
  return offset;
}

// The largest offset: keep the candidates with bit j whenever there are any.
uint64_t MaxOffset(const BsiView& bsi) {
  Bitmap owned;
  const roaring_bitmap_t* candidates = bsi.exists;
  uint64_t offset = 0;
  for (size_t j = bsi.slices.size(); j-- > 0;) {
    if (roaring_bitmap_intersect(candidates, bsi.slices[j])) {
      offset |= uint64_t{1} << j;
      owned = Bitmap::And(candidates, bsi.slices[j]);
      candidates = owned.get();
    }
  }
  return offset;
}

// Lower bounds of up to `buckets` equal-width buckets over [min, max]: with
// span = max - min + 1 distinct possible values, bucket i starts at
// min + floor(i * span / buckets); with span < buckets, one per value.
std::vector<int64_t> EqualWidthBuckets(int64_t min, int64_t max, int buckets) {
  const unsigned __int128 span = static_cast<unsigned __int128>(static_cast<__int128>(max) - min) + 1;
  const int n = span < static_cast<unsigned __int128>(buckets) ? static_cast<int>(span) : buckets;
  std::vector<int64_t> lower(n);
  for (int i = 0; i < n; ++i) {
    lower[i] = static_cast<int64_t>(static_cast<__int128>(min) + static_cast<__int128>(span * i / n));
  }
  return lower;
}

void NumericStats(const BsiView& bsi, const VersionStats* buckets_from, VersionStats* out) {
  out->users = roaring_bitmap_get_cardinality(bsi.exists);
  const bool reuse =
      buckets_from != nullptr && buckets_from->type.is_numeric() && !buckets_from->bucket_lower.empty();
  if (out->users == 0) {
    if (reuse) {
      out->bucket_lower = buckets_from->bucket_lower;
      out->bucket_users.assign(out->bucket_lower.size(), 0);
    }
    return;
  }
  out->min = static_cast<int64_t>(static_cast<uint64_t>(bsi.base) + MinOffset(bsi));
  out->max = static_cast<int64_t>(static_cast<uint64_t>(bsi.base) + MaxOffset(bsi));
  out->bucket_lower =
      reuse ? buckets_from->bucket_lower : EqualWidthBuckets(out->min, out->max, kHistogramBuckets);
  // Cumulative counts below each inner edge; the first bucket is open below
  // and the last open above.
  const size_t n = out->bucket_lower.size();
  std::vector<uint64_t> below(n + 1);
  below[0] = 0;
  below[n] = out->users;
  for (size_t i = 1; i < n; ++i) below[i] = BsiCompareCount(bsi, CompareOp::kLt, out->bucket_lower[i]);
  out->bucket_users.resize(n);
  for (size_t i = 0; i < n; ++i) out->bucket_users[i] = below[i + 1] - below[i];
}

// ---- formatting ----

std::string Percent(double share) { return fmt::format("{:.1f}%", share * 100); }

std::string SignedPercent(double share) { return fmt::format("{:+.1f}%", share * 100); }

std::string Duration(int64_t s) {
  if (s >= 86400) return fmt::format("{}d {}h", s / 86400, s % 86400 / 3600);
  if (s >= 3600) return fmt::format("{}h {}m", s / 3600, s % 3600 / 60);
  if (s >= 60) return fmt::format("{}m {}s", s / 60, s % 60);
  return fmt::format("{}s", s);
}

QualityCheck Check(std::string name, bool passed, double observed, double bound, std::string message) {
  return QualityCheck{std::move(name), passed, observed, bound, std::move(message)};
}

// ---- PSI ----

double PsiTerm(double p, double q) {
  p = std::max(p, kPsiEpsilon);
  q = std::max(q, kPsiEpsilon);
  return (p - q) * std::log(p / q);
}

// Over the union of the (sorted) values of both versions.
double CategoricalPsi(const VersionStats& next, const VersionStats& prev) {
  const auto& a = next.value_users;
  const auto& b = prev.value_users;
  const double na = static_cast<double>(next.users), nb = static_cast<double>(prev.users);
  double psi = 0;
  size_t i = 0, j = 0;
  while (i < a.size() || j < b.size()) {
    uint64_t ca = 0, cb = 0;
    if (j == b.size() || (i < a.size() && a[i].first < b[j].first)) {
      ca = a[i++].second;
    } else if (i == a.size() || b[j].first < a[i].first) {
      cb = b[j++].second;
    } else {
      ca = a[i++].second;
      cb = b[j++].second;
    }
    psi += PsiTerm(ca / na, cb / nb);
  }
  return psi;
}

double NumericPsi(const VersionStats& next, const VersionStats& prev) {
  double psi = 0;
  for (size_t i = 0; i < prev.bucket_users.size(); ++i) {
    psi += PsiTerm(static_cast<double>(next.bucket_users[i]) / next.users,
                   static_cast<double>(prev.bucket_users[i]) / prev.users);
  }
  return psi;
}

QualityCheck PsiCheck(const VersionStats& next, const VersionStats* prev, double max_psi) {
  if (!prev) return Check("psi", true, 0, max_psi, "no previous version");
  if (prev->users == 0) {
    return Check("psi", true, 0, max_psi, "not computed: the previous version has no users");
  }
  if (next.users == 0) return Check("psi", true, 0, max_psi, "not computed: the version has no users");
  if (!(next.type == prev->type)) {
    return Check("psi", false, 0, max_psi,
                 fmt::format("the tag's type changed from {} to {}; the distributions cannot be compared",
                             prev->type.ToString(), next.type.ToString()));
  }
  if (next.type.is_numeric() && next.bucket_lower != prev->bucket_lower) {
    return Check("psi", false, 0, max_psi,
                 "the version's histogram does not use the previous version's buckets "
                 "(compute its stats with buckets_from = the previous version's stats)");
  }
  const double psi = next.type.is_numeric() ? NumericPsi(next, *prev) : CategoricalPsi(next, *prev);
  if (psi > max_psi) {
    return Check(
        "psi", false, psi, max_psi,
        fmt::format("value distribution shifted: PSI {:.3f} is above the maximum {:.3f}", psi, max_psi));
  }
  return Check("psi", true, psi, max_psi,
               fmt::format("PSI {:.3f} is within the maximum {:.3f}", psi, max_psi));
}

// ---- rules ----

constexpr const char* kRuleKeys =
    "min_coverage, max_coverage, max_user_change, max_psi, allow_empty, max_staleness_seconds";

Status SetNumber(const nlohmann::json& v, const std::string& key, double* out) {
  if (!v.is_number()) return Status::InvalidArgument(fmt::format("quality rule '{}' must be a number", key));
  *out = v.get<double>();
  return Status::Ok();
}

}  // namespace

VersionStats StatsOf(const TagVersionContent& content, uint64_t universe, const VersionStats* buckets_from) {
  VersionStats s;
  s.type = content.type;
  s.universe = universe;
  if (content.type.is_numeric()) {
    std::vector<const roaring_bitmap_t*> slices;
    for (const Bitmap& b : content.bsi.slices) slices.push_back(b.get());
    NumericStats(BsiView{content.bsi.base, content.bsi.exists.get(), slices}, buckets_from, &s);
    return s;
  }
  std::vector<const roaring_bitmap_t*> parts;
  for (size_t i = 0; i < content.values.size(); ++i) {
    s.value_users.emplace_back(content.values[i], content.value_users[i].cardinality());
    parts.push_back(content.value_users[i].get());
  }
  std::sort(s.value_users.begin(), s.value_users.end());
  // A set tag's user has several values: count the union, not the sum.
  s.users = content.type.kind == TagKind::kSet ? Bitmap::OrMany(parts).cardinality() : 0;
  if (content.type.kind != TagKind::kSet) {
    for (const auto& [value, users] : s.value_users) s.users += users;
  }
  return s;
}

Result<VersionStats> StatsOf(const TagVersion& version, uint64_t universe, const VersionStats* buckets_from) {
  VersionStats s;
  s.type = version.type();
  s.universe = universe;
  if (version.type().is_numeric()) {
    NumericStats(version.bsi(), buckets_from, &s);
    return s;
  }
  s.users = version.users_with_value();
  for (size_t i = 0; i < version.value_count(); ++i) {  // already sorted by bytes
    s.value_users.emplace_back(std::string(version.value(i)), version.value_cardinality(i));
  }
  return s;
}

Status ValidateQualityRules(const QualityRules& r) {
  auto share = [](const char* key, double v) {
    return v >= 0 && v <= 1 ? Status::Ok()
                            : Status::InvalidArgument(
                                  fmt::format("quality rule '{}' must be between 0 and 1, got {}", key, v));
  };
  TAGLOOP_RETURN_IF_ERROR(share("min_coverage", r.min_coverage));
  TAGLOOP_RETURN_IF_ERROR(share("max_coverage", r.max_coverage));
  if (r.min_coverage > r.max_coverage) {
    return Status::InvalidArgument(fmt::format("quality rule 'min_coverage' {} is above 'max_coverage' {}",
                                               r.min_coverage, r.max_coverage));
  }
  if (!(r.max_user_change >= 0)) {
    return Status::InvalidArgument(
        fmt::format("quality rule 'max_user_change' must be at least 0, got {}", r.max_user_change));
  }
  if (!(r.max_psi >= 0)) {
    return Status::InvalidArgument(
        fmt::format("quality rule 'max_psi' must be at least 0, got {}", r.max_psi));
  }
  if (r.max_staleness_seconds < 0) {
    return Status::InvalidArgument(fmt::format(
        "quality rule 'max_staleness_seconds' must be at least 0, got {}", r.max_staleness_seconds));
  }
  return Status::Ok();
}

Result<QualityRules> ApplyQualityOverrides(const QualityRules& base, const nlohmann::json& overrides) {
  if (!overrides.is_object()) {
    return Status::InvalidArgument(
        fmt::format("quality rules must be a JSON object, got {}", overrides.type_name()));
  }
  QualityRules r = base;
  for (const auto& [key, v] : overrides.items()) {
    if (key == "min_coverage") {
      TAGLOOP_RETURN_IF_ERROR(SetNumber(v, key, &r.min_coverage));
    } else if (key == "max_coverage") {
      TAGLOOP_RETURN_IF_ERROR(SetNumber(v, key, &r.max_coverage));
    } else if (key == "max_user_change") {
      TAGLOOP_RETURN_IF_ERROR(SetNumber(v, key, &r.max_user_change));
    } else if (key == "max_psi") {
      TAGLOOP_RETURN_IF_ERROR(SetNumber(v, key, &r.max_psi));
    } else if (key == "allow_empty") {
      if (!v.is_boolean()) return Status::InvalidArgument("quality rule 'allow_empty' must be true or false");
      r.allow_empty = v.get<bool>();
    } else if (key == "max_staleness_seconds") {
      if (!v.is_number_integer() || (v.is_number_unsigned() && v.get<uint64_t>() > INT64_MAX)) {
        return Status::InvalidArgument(
            "quality rule 'max_staleness_seconds' must be a whole number of seconds");
      }
      r.max_staleness_seconds = v.get<int64_t>();
    } else {
      return Status::InvalidArgument(
          fmt::format("unknown quality rule '{}' (expected one of {})", key, kRuleKeys));
    }
  }
  TAGLOOP_RETURN_IF_ERROR(ValidateQualityRules(r));
  return r;
}

Result<QualityRules> QualityRulesFromJson(const nlohmann::json& json) {
  return ApplyQualityOverrides(QualityRules{}, json);
}

nlohmann::json QualityRulesToJson(const QualityRules& r) {
  return nlohmann::json{
      {"min_coverage", r.min_coverage},       {"max_coverage", r.max_coverage},
      {"max_user_change", r.max_user_change}, {"max_psi", r.max_psi},
      {"allow_empty", r.allow_empty},         {"max_staleness_seconds", r.max_staleness_seconds}};
}

std::vector<QualityCheck> CheckVersion(const VersionStats& next, const VersionStats* previous,
                                       const QualityRules& rules) {
  std::vector<QualityCheck> out;
  const double coverage = next.coverage();
  if (next.users == 0 && rules.allow_empty) {
    out.push_back(Check("not_empty", true, 0, 0, "the version has no users (allowed)"));
    for (const auto& [name, bound] : {std::pair<const char*, double>{"min_coverage", rules.min_coverage},
                                      {"max_coverage", rules.max_coverage},
                                      {"user_change", rules.max_user_change},
                                      {"psi", rules.max_psi}}) {
      out.push_back(Check(name, true, 0, bound, "not checked: an empty version is allowed"));
    }
    return out;
  }

  out.push_back(next.users > 0
                    ? Check("not_empty", true, static_cast<double>(next.users), 1,
                            fmt::format("{} users have a value", next.users))
                    : Check("not_empty", false, 0, 1, "the version has no users (allow_empty is off)"));

  if (coverage < rules.min_coverage) {
    out.push_back(Check(
        "min_coverage", false, coverage, rules.min_coverage,
        fmt::format("coverage {} is below the minimum {}", Percent(coverage), Percent(rules.min_coverage))));
  } else {
    out.push_back(Check("min_coverage", true, coverage, rules.min_coverage,
                        fmt::format("coverage {} is at least the minimum {}", Percent(coverage),
                                    Percent(rules.min_coverage))));
  }
  if (coverage > rules.max_coverage) {
    out.push_back(Check(
        "max_coverage", false, coverage, rules.max_coverage,
        fmt::format("coverage {} is above the maximum {}", Percent(coverage), Percent(rules.max_coverage))));
  } else {
    out.push_back(Check("max_coverage", true, coverage, rules.max_coverage,
                        fmt::format("coverage {} is at most the maximum {}", Percent(coverage),
                                    Percent(rules.max_coverage))));
  }

  if (!previous) {
    out.push_back(Check("user_change", true, 0, rules.max_user_change, "no previous version"));
  } else if (previous->users == 0) {
    out.push_back(Check("user_change", true, 0, rules.max_user_change, "the previous version had no users"));
  } else {
    const double change =
        (static_cast<double>(next.users) - static_cast<double>(previous->users)) / previous->users;
    // A hair of slack so that a change of exactly the bound passes despite rounding.
    const bool ok = std::fabs(change) <= rules.max_user_change + 1e-12;
    out.push_back(Check(
        "user_change", ok, change, rules.max_user_change,
        fmt::format("users changed by {} ({} -> {}){}", SignedPercent(change), previous->users, next.users,
                    ok ? "" : fmt::format(", more than the allowed ±{}", Percent(rules.max_user_change)))));
  }
  out.push_back(PsiCheck(next, previous, rules.max_psi));
  return out;
}

bool AllPassed(const std::vector<QualityCheck>& checks) {
  return std::all_of(checks.begin(), checks.end(), [](const QualityCheck& c) { return c.passed; });
}

QualityCheck CheckStaleness(int64_t latest, int64_t now, int64_t allowed) {
  const int64_t age = latest >= now ? 0 : now - latest;
  if (allowed == std::numeric_limits<int64_t>::max()) {
    return Check("staleness", true, static_cast<double>(age), static_cast<double>(allowed),
                 fmt::format("the newest version is {} old (no limit)", Duration(age)));
  }
  if (age > allowed) {
    return Check("staleness", false, static_cast<double>(age), static_cast<double>(allowed),
                 fmt::format("the newest version is {} old, more than the allowed {}", Duration(age),
                             Duration(allowed)));
  }
  return Check(
      "staleness", true, static_cast<double>(age), static_cast<double>(allowed),
      fmt::format("the newest version is {} old, within the allowed {}", Duration(age), Duration(allowed)));
}

int64_t ScheduledStaleness(const CronSchedule& schedule, int utc_offset_minutes, int64_t now,
                           int64_t grace_seconds) {
  const int64_t due = schedule.PreviousAtOrBefore(now - grace_seconds, utc_offset_minutes);
  if (due == CronSchedule::kNoPrevious) return std::numeric_limits<int64_t>::max();
  return now - due;
}

}  // namespace tagloop
