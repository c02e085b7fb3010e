// The campaign planner (docs/outreach.md, "Planning"): from an audience to
// the frozen treatment and control.
//
//   audience A (∩ universe)
//   − suppression, each removed user counted under the FIRST reason that
//     applies, in this order:
//       global_control   hash bucket of (salt, user), control_group.h
//       blacklist        policy expression                always
//       opt_out          the channel's opt-out expressions always
//       frequency_cap    caps on this channel, from the touch history
//       duplicate        in the treatment of a running campaign of the same theme
//       touched_recently policy.touched_recently
//   = eligible E
//   − budget           E cut to its shortest prefix in a hash order (seeded by the
//                      campaign id) that holds max_recipients treatment users, so
//                      both arms shrink alike and the treatment is exactly the budget
//   split: control = hash(campaign id, user) < control share; treatment = the rest.
//
// The exempt set skips frequency_cap, duplicate and touched_recently; the
// transactional class skips global_control, frequency_cap and
// touched_recently (and quiet hours), never the blacklist or opt-outs.
// The funnel always sums: audience = control + Σ suppressed + planned.
//
// Quiet hours are a send-time rule; the plan reports when the first send may
// happen (first_send_ms).
//
// Thread-safety: PlanCampaign is a pure function of its inputs (the touch
// history is read under its own lock).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "core/bitmap.h"
#include "core/date.h"
#include "core/status.h"
#include "outreach/campaign.h"
#include "outreach/policy.h"
#include "outreach/touch_history.h"
#include "segment/saved_segments.h"
#include "segment/segment.h"
#include "store/tag_store.h"

namespace tagloop::outreach {

// Suppression reasons at planning, in the order they are applied.
inline constexpr const char* kPlanReasons[] = {"global_control", "blacklist",        "opt_out", "frequency_cap",
                                               "duplicate",      "touched_recently", "budget"};

struct Funnel {
  uint64_t audience = 0;
  uint64_t control = 0;
  // reason -> users, in the order applied (reasons that removed nobody included).
  std::vector<std::pair<std::string, uint64_t>> suppressed;
  uint64_t planned = 0;

  uint64_t Suppressed(std::string_view reason) const;
  uint64_t SuppressedTotal() const;
  // {"audience", "control", "suppressed": {reason: n}, "planned"}
  Json ToJson() const;
  [[nodiscard]] static Result<Funnel> FromJson(const Json& j);
};

// The policy's sets, evaluated on a snapshot (ResolvePolicySets).
struct PolicySets {
  std::optional<Bitmap> blacklist;  // none: no blacklist
  std::optional<Bitmap> opt_out;    // for the campaign's channel
  std::optional<Bitmap> exempt;
};

struct PlanInput {
  std::string campaign_id;  // seeds the control split and the budget order
  std::string channel;
  CampaignClass campaign_class = CampaignClass::kMarketing;
  double control_share = 0;
  std::optional<uint64_t> max_recipients;
  SuppressionPolicy policy;  // the global policy with the campaign's overrides applied
  int utc_offset_minutes = 480;
  int64_t now_ms = 0;

  const Bitmap* audience = nullptr;  // required (dense ids)
  const Bitmap* universe = nullptr;  // optional: the audience is cut to it
  const PolicySets* sets = nullptr;  // optional
  const TouchHistory* touches = nullptr;  // optional: no caps, no recency without it
  // Treatments of running campaigns of the same theme (used when
  // policy.dedup_by_theme); not owned.
  std::vector<const Bitmap*> same_theme_treatments;
};

struct CampaignPlan {
  Funnel funnel;
  Bitmap treatment;
  Bitmap control;
  int64_t first_send_ms = 0;  // now, or the end of the quiet hours (marketing)
};

// The campaign's effective policy: `global` with the campaign's overrides.
[[nodiscard]] Result<SuppressionPolicy> EffectivePolicy(const SuppressionPolicy& global, const Campaign& campaign);

// Evaluates the blacklist, the channel's opt-outs and the exempt segment on
// `snapshot` (errors as EvaluateSegment, prefixed with the policy field).
[[nodiscard]] Result<PolicySets> ResolvePolicySets(const Snapshot& snapshot, const SuppressionPolicy& policy,
                                                   std::string_view channel, const SegmentQueryOptions& options);

// Evaluates a campaign's audience (Audience::Expression) on `snapshot`.
[[nodiscard]] Result<Bitmap> ResolveAudience(const Snapshot& snapshot, const Audience& audience,
                                             const SegmentQueryOptions& options);

// Plans (see the top). InvalidArgument when the audience is missing or the
// share out of range.
[[nodiscard]] Result<CampaignPlan> PlanCampaign(const PlanInput& input);

// The saved segments a plan was frozen into.
struct FrozenPlan {
  std::string treatment, control;
  SegmentVersion treatment_version, control_version;
};

// Freezes the plan's treatment and control as list segments
// campaign_<name>_treatment / campaign_<name>_control (a new version each
// time), dated `date`, usable at once as SEGMENT('...'). Errors as
// SavedSegments::AddVersion.
[[nodiscard]] Result<FrozenPlan> FreezePlan(SavedSegments& segments, const Campaign& campaign,
                                            const CampaignPlan& plan, Days date, std::string_view created_by);

}  // namespace tagloop::outreach
