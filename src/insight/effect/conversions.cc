#include "insight/effect/conversions.h"

#include <algorithm>
#include <limits>
#include <variant>

#include <fmt/format.h>

#include "core/date.h"

namespace tagloop::effect {
namespace {

constexpr int64_t kDayMs = 86'400'000;

// The numeric value of a property (int or number), or nullopt.
std::optional<double> NumericValue(const events::Event& e, const std::string& name) {
  const events::PropertyValue* v = e.Find(name);
  if (v == nullptr) return std::nullopt;
  if (const auto* i = std::get_if<int64_t>(v)) return static_cast<double>(*i);
  if (const auto* d = std::get_if<double>(v)) return *d;
  return std::nullopt;
}

nlohmann::json ArmJson(const ArmOutcome& arm) {
  return {{"users", arm.users},
          {"converted", arm.converted},
          {"rate", arm.users > 0 ? static_cast<double>(arm.converted) / static_cast<double>(arm.users) : 0.0}};
}

// Minimum users per arm below which an interval is not worth much; the
// normal approximation behind the t test wants ~30 per arm at the least.
constexpr uint64_t kSmallArm = 30;

}  // namespace

Result<std::vector<ArmOutcome>> MeasureConversions(const events::EventLog& log, const UserDictionary& dictionary,
                                                   const Goal& goal, const std::vector<Arm>& arms) {
  if (goal.event.empty()) return Status::InvalidArgument("goal.event: a goal needs an event type");
  if (goal.window_days < 1 || goal.window_days > 365) {
    return Status::InvalidArgument(fmt::format("goal.window_days: {} is outside 1..365", goal.window_days));
  }
  int64_t first = std::numeric_limits<int64_t>::max(), last = std::numeric_limits<int64_t>::min();
  for (const Arm& arm : arms) {
    if (!arm.users.empty()) {
      first = std::min(first, arm.default_exposure_ms);
      last = std::max(last, arm.default_exposure_ms);
    }
    for (const auto& [user, t] : arm.exposure_ms) {
      first = std::min(first, t);
      last = std::max(last, t);
    }
  }
  const int64_t window_ms = goal.window_days * kDayMs;
  std::vector<ArmOutcome> out(arms.size());
  std::vector<std::unordered_map<uint32_t, double>> values(arms.size());
  for (size_t i = 0; i < arms.size(); ++i) {
    out[i].name = arms[i].name;
    out[i].users = arms[i].users.cardinality();
  }
  if (first <= last) {
    // Business days may be offset from UTC by up to a day either way.
    const Days from = log.BusinessDay(first) - 1;
    const Days to = log.BusinessDay(last + window_ms) + 1;
    Status scanned = log.Scan(from, to, [&](const events::Event& e) -> Status {
      if (e.type != goal.event) return Status::Ok();
      const std::optional<uint32_t> user = dictionary.Find(e.user_id);
      if (!user) return Status::Ok();
      for (size_t i = 0; i < arms.size(); ++i) {
        const Arm& arm = arms[i];
        if (!arm.users.Contains(*user)) continue;
        const auto own = arm.exposure_ms.find(*user);
        const int64_t exposed = own != arm.exposure_ms.end() ? own->second : arm.default_exposure_ms;
        if (e.time_ms < exposed || e.time_ms >= exposed + window_ms) break;
        roaring_bitmap_add(out[i].converters.get(), *user);
        if (!goal.value_property.empty()) {
          if (std::optional<double> v = NumericValue(e, goal.value_property)) values[i][*user] += *v;
        }
        break;  // arms are disjoint
      }
      return Status::Ok();
    });
    if (!scanned.ok()) return scanned;
  }
  for (size_t i = 0; i < arms.size(); ++i) {
    out[i].converted = out[i].converters.cardinality();
    for (const auto& [user, v] : values[i]) {
      out[i].value_sum += v;
      out[i].value_sum_squares += v * v;
    }
  }
  return out;
}

nlohmann::json EffectJson(const Goal& goal, const ArmOutcome& treatment, const ArmOutcome& control,
                          double control_share) {
  nlohmann::json j = {{"goal", {{"event", goal.event}, {"window_days", goal.window_days}}},
                      {"treatment", ArmJson(treatment)},
                      {"control", ArmJson(control)}};
  const Effect absolute = CompareArms(control.Conversion(), treatment.Conversion(), {.difference = Difference::kAbsolute});
  const Effect relative = CompareArms(control.Conversion(), treatment.Conversion(), {.difference = Difference::kRelative});
  if (absolute.ok) {
    nlohmann::json uplift = {{"absolute", absolute.estimate},
                             {"absolute_ci95", {absolute.ci_low, absolute.ci_high}},
                             {"p_value", absolute.p_value},
                             // Conversions the campaign caused among the treated (our field).
                             {"incremental_conversions", absolute.estimate * static_cast<double>(treatment.users)}};
    if (relative.ok) {
      uplift["relative"] = relative.estimate;
      uplift["relative_ci95"] = {relative.ci_low, relative.ci_high};
    } else {
      uplift["relative"] = nullptr;
      uplift["relative_ci95"] = nullptr;
    }
    j["uplift"] = std::move(uplift);
  } else {
    j["uplift"] = nullptr;
    j["uplift_error"] = absolute.error;
  }
  const double users[] = {static_cast<double>(treatment.users), static_cast<double>(control.users)};
  const double shares[] = {1 - control_share, control_share};
  const double srm = control_share > 0 ? SampleRatioMismatchPValue(users, shares) : 1.0;
  j["srm_p_value"] = srm;
  j["health"] = {{"srm", srm < 0.001}, {"small_sample", treatment.users < kSmallArm || control.users < kSmallArm}};
  if (!goal.value_property.empty()) {
    const Effect value = CompareArms(control.Value(), treatment.Value(), {.difference = Difference::kAbsolute});
    nlohmann::json v = {{"property", goal.value_property},
                        {"treatment_mean", treatment.Value().mean()},
                        {"control_mean", control.Value().mean()}};
    if (value.ok) {
      v["absolute"] = value.estimate;
      v["absolute_ci95"] = {value.ci_low, value.ci_high};
      v["p_value"] = value.p_value;
      v["incremental_total"] = value.estimate * static_cast<double>(treatment.users);
    } else {
      v["absolute"] = nullptr;
      v["error"] = value.error;
    }
    j["value"] = std::move(v);
  }
  return j;
}

}  // namespace tagloop::effect
