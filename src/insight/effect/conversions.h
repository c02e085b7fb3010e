// Conversions of exposed groups: for each arm of a campaign (treatment,
// control, a journey's split), which users had a goal event within the goal
// window after their exposure, and the value those events carried
// (../shared/SPEC-outreach.md, "Effect": a user converts when a goal event of
// theirs falls within `window_days` after the send to them; control users:
// after the moment they would have been sent).
//
// Reads only frozen groups (bitmaps of dense ids), exposure times and the
// event log: nothing here knows campaigns, ledgers or channels, so journeys
// and theme roll-ups use it the same way.
//
// Thread-safety: MeasureConversions reads its arguments only; the event log
// and dictionary may be shared with other readers.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_map>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/bitmap.h"
#include "core/status.h"
#include "events/event_log.h"
#include "insight/effect/effect_stats.h"
#include "store/user_dictionary.h"

namespace tagloop::effect {

struct Goal {
  std::string event;        // the goal event type, e.g. "order_paid"
  int window_days = 7;      // 1..365
  // A numeric property summed per user over the goal events in the window
  // (revenue, e.g. "amount"); empty: none.
  std::string value_property;
};

// One exposed group.
struct Arm {
  std::string name;  // "treatment", "control", ...
  Bitmap users;      // dense ids; arms are disjoint
  // The exposure of users without their own time: for a control group the
  // moment they would have been sent (the run's start), for a treatment
  // the planned time of users never handed over (intent to treat).
  int64_t default_exposure_ms = 0;
  // Per-user exposure where known (the ledger's send time).
  std::unordered_map<uint32_t, int64_t> exposure_ms;
};

struct ArmOutcome {
  std::string name;
  uint64_t users = 0;
  uint64_t converted = 0;
  Bitmap converters;              // the converted users (dense ids)
  double value_sum = 0;           // Σ per-user value (0 for non-converters)
  double value_sum_squares = 0;   // Σ per-user value²

  ArmStats Conversion() const { return ArmStats::Proportion(static_cast<double>(converted), static_cast<double>(users)); }
  ArmStats Value() const { return ArmStats::Mean(value_sum, value_sum_squares, static_cast<double>(users)); }
};

// Scans the goal events of the business days that can hold a conversion
// (the first exposure's day to the last exposure's day + window) once and
// attributes each to the arm holding its user. Events of users unknown to
// the dictionary are skipped. InvalidArgument for an empty goal event or a
// window outside 1..365 days; the log's Corruption as it reports it.
Result<std::vector<ArmOutcome>> MeasureConversions(const events::EventLog& log, const UserDictionary& dictionary,
                                                   const Goal& goal, const std::vector<Arm>& arms);

// The contract's effect answer for a treatment against a control with the
// configured control share:
//   {"goal": {"event", "window_days"},
//    "treatment": {"users", "converted", "rate"}, "control": {...},
//    "uplift": {"absolute", "absolute_ci95": [lo, hi], "relative",
//               "relative_ci95": [lo, hi], "p_value"},
//    "srm_p_value": p}
// plus our fields: "value" (per-user value: each arm's mean and Welch's
// uplift) when the goal has a value property, "health" ({"srm": bool
// (p < 0.001), "small_sample": bool}) and, when the arms cannot be compared
// (no control, no variance, a baseline of 0), "uplift": null with
// "uplift_error" saying why.
nlohmann::json EffectJson(const Goal& goal, const ArmOutcome& treatment, const ArmOutcome& control,
                          double control_share);

}  // namespace tagloop::effect
