// JourneyRunner::Active: what the runner keeps of one running (or paused)
// journey. Private to journey_runner.cc and journey_views.cc.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include <fmt/format.h>

#include "app/journey_runner.h"
#include "events/event_rule.h"
#include "outreach/journey_state.h"
#include "outreach/ledger.h"
#include "outreach/policy.h"

namespace tagloop {

struct JourneyRunner::Active {
  // Guards everything below but `name`, `state` (thread-safe itself) and the step names.
  std::mutex mu;
  std::string name;  // the journey's name; fixed
  outreach::CampaignRecord record;                // the latest
  std::map<int64_t, outreach::Campaign> versions;  // every journey version users may be on
  std::unique_ptr<outreach::JourneyState> state;
  std::unique_ptr<outreach::Ledger> ledger;

  // The `where` conditions of a version, parsed against the event schemas.
  struct Compiled {
    std::vector<events::Condition> entry_where;
    std::map<std::string, std::vector<events::Condition>> step_where;  // wait_event steps
  };
  std::map<int64_t, Compiled> compiled;

  struct Sending {
    std::shared_ptr<outreach::DispatchHandle> handle;
    bool held = false;  // paused (journey paused or quiet hours)
  };
  std::map<uint32_t, Sending> sending;  // by group
  std::map<std::string, std::shared_ptr<outreach::Channel>> channels;
  std::map<std::pair<int64_t, std::string>, std::unique_ptr<SendRenderer>> renderers;  // (version, step)

  std::optional<Bitmap> audience;
  int64_t audience_at_ms = 0, audience_version = 0;
  std::map<std::string, std::pair<Bitmap, int64_t>> conditions;  // branch condition -> users, when
  // wait_event step -> user -> time of a matching event seen before they got there.
  std::map<std::string, std::unordered_map<uint32_t, int64_t>> recent;
  std::optional<outreach::SuppressionPolicy> policy;
  int64_t policy_at_ms = 0;
  int64_t next_schedule_ms = 0, last_run_ms = 0;
  bool held_quiet = false;
  int64_t compacted_at_ms = 0, frozen_at_ms = 0;
  std::map<std::string, uint64_t> frozen_sizes;
  std::string failure;  // a step that cannot proceed: the journey pauses with it

  // Step names of every loaded version (read by MembersOf from any thread).
  bool HasStep(const std::string& step) const {
    std::lock_guard lock(steps_mu);
    return step_names.count(step) > 0;
  }
  void NoteSteps(const outreach::Campaign& def) {
    std::lock_guard lock(steps_mu);
    for (const outreach::JourneyStep& s : def.journey->steps) step_names.insert(s.name);
    step_names.insert("control");
  }

  Result<const Compiled*> CompiledFor(int64_t version, const events::EventTypeRegistry* types) {
    if (auto it = compiled.find(version); it != compiled.end()) return &it->second;
    const outreach::Journey& j = *versions.at(version).journey;
    Compiled c;
    if (j.entry.kind == outreach::JourneyEntry::Kind::kEvent) {
      TAGLOOP_ASSIGN_OR_RETURN(c.entry_where,
                               events::ParseWhere(j.entry.event.where, {j.entry.event.type}, types, "entry.where"));
    }
    for (size_t i = 0; i < j.steps.size(); ++i) {
      const outreach::JourneyStep& s = j.steps[i];
      if (s.type != outreach::StepType::kWaitEvent) continue;
      TAGLOOP_ASSIGN_OR_RETURN(c.step_where[s.name],
                               events::ParseWhere(s.event.where, {s.event.type}, types, fmt::format("steps[{}].where", i)));
    }
    return &compiled.emplace(version, std::move(c)).first->second;
  }

  Result<SendRenderer*> RendererFor(int64_t version, const outreach::JourneyStep& step, const JourneyRunnerParts& parts) {
    auto key = std::make_pair(version, step.name);
    if (auto it = renderers.find(key); it != renderers.end()) return it->second.get();
    Result<outreach::ChannelSpec> spec = parts.channels->Get(step.channel);
    if (!spec.ok()) return Status::FailedPrecondition(fmt::format("step '{}': no channel '{}'", step.name, step.channel));
    outreach::Campaign as_campaign = versions.at(version);
    as_campaign.channel = step.channel;
    as_campaign.content = step.content;
    TAGLOOP_ASSIGN_OR_RETURN(outreach::PolicyVersion current, parts.policies->Current());
    TAGLOOP_ASSIGN_OR_RETURN(outreach::SuppressionPolicy policy, outreach::EffectivePolicy(current.policy, as_campaign));
    SendRendererParts rp{parts.data_dir, parts.store, parts.segments, parts.sources, parts.touches,
                         parts.clock, parts.utc_offset_minutes};
    TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<SendRenderer> r,
                             SendRenderer::Make(rp, record.id, as_campaign, *spec, std::move(policy)));
    return (renderers[key] = std::move(r)).get();
  }

 private:
  mutable std::mutex steps_mu;
  std::set<std::string> step_names;
};

}  // namespace tagloop
