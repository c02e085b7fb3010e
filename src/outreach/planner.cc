#include "outreach/planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <tuple>

#include "outreach/control_group.h"
#include "segment/quote.h"

namespace tagloop::outreach {

namespace {

// Removes `remove` ∩ `left` from `left`, counting it under `reason`.
void Suppress(Funnel& funnel, Bitmap& left, const Bitmap* remove, const char* reason) {
  uint64_t n = 0;
  if (remove && !left.empty()) {
    const uint64_t before = left.cardinality();
    left.AndNotWith(remove->get());
    n = before - left.cardinality();
  }
  funnel.suppressed.emplace_back(reason, n);
}

// The shortest prefix of `eligible` in budget hash order whose members
// outside the control group number `max` (all of `eligible` when it has
// fewer). No sort: the prefix ends at the max-th smallest (hash, user) among
// the users outside the control group (a selection, linear), and it holds
// every eligible user up to that key, control users included.
Bitmap BudgetPrefix(const Bitmap& eligible, const std::string& campaign_id, double share, uint64_t max) {
  const uint64_t seed = BudgetOrderSeed(campaign_id);
  const uint64_t control_seed = CampaignControlSeed(campaign_id);
  const uint64_t threshold = ShareThreshold(share);
  const std::vector<uint32_t> users = eligible.ToVector();
  std::vector<std::pair<uint64_t, uint32_t>> treated;
  treated.reserve(users.size());
  for (uint32_t u : users) {
    if (UserHash(control_seed, u) >= threshold) treated.emplace_back(UserHash(seed, u), u);
  }
  if (max == 0 || treated.size() <= max) return max == 0 ? Bitmap() : Bitmap::Copy(eligible.get());
  std::nth_element(treated.begin(), treated.begin() + static_cast<ptrdiff_t>(max - 1), treated.end());
  const std::pair<uint64_t, uint32_t> last = treated[max - 1];
  std::vector<uint32_t> kept;
  for (uint32_t u : users) {
    if (std::pair<uint64_t, uint32_t>(UserHash(seed, u), u) <= last) kept.push_back(u);  // ascending ids
  }
  return Bitmap::Of(kept);
}

}  // namespace

uint64_t Funnel::Suppressed(std::string_view reason) const {
  for (const auto& [r, n] : suppressed) {
    if (r == reason) return n;
  }
  return 0;
}

uint64_t Funnel::SuppressedTotal() const {
  uint64_t total = 0;
  for (const auto& [r, n] : suppressed) total += n;
  return total;
}

Json Funnel::ToJson() const {
  Json j = Json::object();
  j["audience"] = audience;
  j["control"] = control;
  Json s = Json::object();
  for (const auto& [r, n] : suppressed) s[r] = n;
  j["suppressed"] = std::move(s);
  j["planned"] = planned;
  return j;
}

Result<Funnel> Funnel::FromJson(const Json& j) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonFields f, JsonFields::Of(j, "funnel", {"audience", "control", "suppressed", "planned"}));
  Funnel out;
  for (auto [key, field] : {std::pair{"audience", &out.audience}, {"control", &out.control}, {"planned", &out.planned}}) {
    TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> v, f.OptInt(key, 0, INT64_MAX));
    *field = static_cast<uint64_t>(v.value_or(0));
  }
  if (const Json* s = f.Get("suppressed")) {
    if (!s->is_object()) return BadField("funnel.suppressed", "must be an object");
    for (const auto& [reason, n] : s->items()) {
      if (!n.is_number_unsigned()) return BadField(FieldPath("funnel.suppressed", reason), "must be a count");
    }
    // The planning order for the known reasons, then any others (send time) by name.
    for (const char* reason : kPlanReasons) {
      if (auto it = s->find(reason); it != s->end()) out.suppressed.emplace_back(reason, it->get<uint64_t>());
    }
    for (const auto& [reason, n] : s->items()) {
      if (std::find(std::begin(kPlanReasons), std::end(kPlanReasons), reason) == std::end(kPlanReasons)) {
        out.suppressed.emplace_back(reason, n.get<uint64_t>());
      }
    }
  }
  return out;
}

Result<SuppressionPolicy> EffectivePolicy(const SuppressionPolicy& global, const Campaign& campaign) {
  return global.WithOverrides(campaign.policy_overrides);
}

Result<PolicySets> ResolvePolicySets(const Snapshot& snapshot, const SuppressionPolicy& policy,
                                     std::string_view channel, const SegmentQueryOptions& options) {
  PolicySets sets;
  if (!policy.blacklist.empty()) {
    Result<Bitmap> b = EvaluateSegment(snapshot, policy.blacklist, options);
    if (!b.ok()) return b.status().WithPrefix("policy blacklist");
    sets.blacklist = std::move(*b);
  }
  const std::string opt_out = policy.OptOutExpression(channel);
  if (!opt_out.empty()) {
    Result<Bitmap> b = EvaluateSegment(snapshot, opt_out, options);
    if (!b.ok()) return b.status().WithPrefix(fmt::format("policy opt_out for channel '{}'", channel));
    sets.opt_out = std::move(*b);
  }
  if (!policy.exempt.empty()) {
    Result<Bitmap> b = EvaluateSegment(snapshot, segment::SegmentReference(policy.exempt), options);
    if (!b.ok()) return b.status().WithPrefix("policy exempt");
    sets.exempt = std::move(*b);
  }
  return sets;
}

Result<Bitmap> ResolveAudience(const Snapshot& snapshot, const Audience& audience, const SegmentQueryOptions& options) {
  TAGLOOP_ASSIGN_OR_RETURN(std::string expr, audience.Expression());
  Result<Bitmap> b = EvaluateSegment(snapshot, expr, options);
  if (!b.ok()) return b.status().WithPrefix("audience");
  return b;
}

Result<CampaignPlan> PlanCampaign(const PlanInput& in) {
  if (!in.audience) return Status::InvalidArgument("a plan needs an audience");
  if (!(in.control_share >= 0 && in.control_share < 1)) {
    return BadField("control.share", "must be at least 0 and below 1");
  }
  const bool marketing = in.campaign_class == CampaignClass::kMarketing;
  const SuppressionPolicy& policy = in.policy;
  CampaignPlan plan;
  Funnel& funnel = plan.funnel;

  Bitmap left = in.universe ? Bitmap::And(in.audience->get(), in.universe->get()) : Bitmap::Copy(in.audience->get());
  funnel.audience = left.cardinality();

  // global_control
  std::optional<Bitmap> global;
  if (marketing && policy.global_control && policy.global_control->share > 0) {
    global = GlobalControlGroup(left, policy.global_control->salt, policy.global_control->share);
  }
  Suppress(funnel, left, global ? &*global : nullptr, "global_control");
  Suppress(funnel, left, in.sets && in.sets->blacklist ? &*in.sets->blacklist : nullptr, "blacklist");
  Suppress(funnel, left, in.sets && in.sets->opt_out ? &*in.sets->opt_out : nullptr, "opt_out");

  // frequency_cap: every cap on this channel, counted from sent messages.
  std::optional<Bitmap> capped;
  if (marketing && in.touches) {
    for (const FrequencyCap& cap : policy.caps) {
      if (!cap.channels.Contains(in.channel)) continue;
      Bitmap at = in.touches->AtCap(cap.channels, cap.max, int64_t{cap.days} * 24, in.now_ms);
      if (!capped) {
        capped = std::move(at);
      } else {
        capped->OrWith(at.get());
      }
    }
    if (capped && in.sets && in.sets->exempt) capped->AndNotWith(in.sets->exempt->get());
  }
  Suppress(funnel, left, capped ? &*capped : nullptr, "frequency_cap");

  // duplicate: already in a running campaign of the same theme.
  std::optional<Bitmap> duplicate;
  if (policy.dedup_by_theme && !in.same_theme_treatments.empty()) {
    std::vector<const roaring_bitmap_t*> others;
    for (const Bitmap* b : in.same_theme_treatments) {
      if (b) others.push_back(b->get());
    }
    duplicate = Bitmap::OrMany(others);
    if (in.sets && in.sets->exempt) duplicate->AndNotWith(in.sets->exempt->get());
  }
  Suppress(funnel, left, duplicate ? &*duplicate : nullptr, "duplicate");

  std::optional<Bitmap> recent;
  if (marketing && in.touches && policy.touched_recently) {
    const int64_t since = in.now_ms - int64_t{policy.touched_recently->days} * 86'400'000;
    recent = in.touches->TouchedSince(policy.touched_recently->channels, since);
    if (in.sets && in.sets->exempt) recent->AndNotWith(in.sets->exempt->get());
  }
  Suppress(funnel, left, recent ? &*recent : nullptr, "touched_recently");

  // budget, then the split. The eligible users are cut in hash order, so
  // both arms shrink alike, just far enough for the treatment to hold
  // max_recipients.
  uint64_t budget_cut = 0;
  if (in.max_recipients && left.cardinality() > *in.max_recipients) {
    const uint64_t before = left.cardinality();
    left = BudgetPrefix(left, in.campaign_id, in.control_share, *in.max_recipients);
    budget_cut = before - left.cardinality();
  }
  plan.control = CampaignControl(left, in.campaign_id, in.control_share);
  plan.treatment = Bitmap::AndNot(left.get(), plan.control.get());
  funnel.suppressed.emplace_back("budget", budget_cut);
  plan.treatment.Optimize();
  funnel.control = plan.control.cardinality();
  funnel.planned = plan.treatment.cardinality();

  plan.first_send_ms = in.now_ms;
  if (marketing && policy.quiet_hours) {
    plan.first_send_ms = policy.quiet_hours->NextAllowedMs(in.now_ms, in.utc_offset_minutes);
  }
  return plan;
}

Result<FrozenPlan> FreezePlan(SavedSegments& segments, const Campaign& campaign, const CampaignPlan& plan, Days date,
                              std::string_view created_by) {
  FrozenPlan out;
  out.treatment = campaign.TreatmentSegment();
  out.control = campaign.ControlSegment();
  for (auto [name, members, version] :
       {std::tuple{&out.treatment, &plan.treatment, &out.treatment_version},
        std::tuple{&out.control, &plan.control, &out.control_version}}) {
    FrozenVersionInput input;
    input.kind = SegmentKind::kList;
    input.members = Bitmap::Copy(members->get());
    input.date = date;
    input.created_by = std::string(created_by);
    input.source = fmt::format("campaign '{}' plan: {} users", campaign.name, members->cardinality());
    input.description = fmt::format("{} of campaign '{}' ({})", name == &out.treatment ? "treatment" : "control",
                                    campaign.name, campaign.title);
    TAGLOOP_ASSIGN_OR_RETURN(*version, segments.AddVersion(*name, std::move(input)));
  }
  return out;
}

}  // namespace tagloop::outreach
