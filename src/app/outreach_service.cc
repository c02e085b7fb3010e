// OutreachService: opening, the API's operations. The runner (start,
// resume, the tick) is in campaign_runner.cc.
#include "app/outreach_service.h"

#include <filesystem>
#include <set>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/date.h"
#include "events/event_rule.h"
#include "produce/cron.h"
#include "insight/effect/conversions.h"
#include "outreach/channel_factory.h"
#include "outreach/message_id.h"

namespace tagloop {

using outreach::Actor;
using outreach::CampaignRecord;
using outreach::CampaignState;

Result<std::unique_ptr<OutreachService>> OutreachService::Open(const OutreachParts& parts,
                                                              const OutreachOptions& options) {
  std::unique_ptr<OutreachService> s(new OutreachService());
  s->parts_ = parts;
  s->options_ = options;
  TAGLOOP_ASSIGN_OR_RETURN(s->channels_, outreach::ChannelStore::Open(parts.data_dir, options.clock));
  TAGLOOP_ASSIGN_OR_RETURN(s->policies_, outreach::PolicyStore::Open(parts.data_dir, options.clock));
  TAGLOOP_ASSIGN_OR_RETURN(s->campaigns_, outreach::CampaignStore::Open(parts.data_dir, options.clock));
  TAGLOOP_ASSIGN_OR_RETURN(s->touches_, outreach::TouchHistory::Open(Env::Default(), parts.data_dir));
  outreach::DispatchOptions dispatch = options.dispatch;
  if (!dispatch.now_ms) dispatch.now_ms = [clock = options.clock] { return clock->NowUnixMillis(); };
  s->dispatcher_ = std::make_unique<outreach::Dispatcher>(dispatch);
  JourneyRunnerParts jp;
  jp.data_dir = parts.data_dir;
  jp.store = parts.store;
  jp.segments = parts.segments;
  jp.sources = parts.sources;
  jp.event_types = parts.event_types;
  jp.event_log = parts.event_log;
  jp.campaigns = s->campaigns_.get();
  jp.channels = s->channels_.get();
  jp.policies = s->policies_.get();
  jp.touches = s->touches_.get();
  jp.dispatcher = s->dispatcher_.get();
  jp.clock = options.clock;
  jp.utc_offset_minutes = options.utc_offset_minutes;
  jp.tick_ms = options.tick_ms;
  OutreachService* self = s.get();
  jp.on_committed = [self](const std::string& id, const std::string& channel, bool coupon, const std::string& step,
                           const std::vector<outreach::CommittedSend>& sent) {
    self->OnCommitted(id, channel, coupon, sent, /*record_touches=*/true, step);
  };
  jp.pause = [self](const std::string& id, const std::string& reason) {
    Result<CampaignRecord> paused = self->campaigns_->Pause(id, Actor{"tagloop", true}, reason);
    if (!paused.ok()) spdlog::warn("journey {}: not paused ({}): {}", id, reason, paused.status().ToString());
  };
  s->journeys_ = std::make_unique<JourneyRunner>(std::move(jp));
  return s;
}

OutreachService::~OutreachService() { Stop(); }

std::string OutreachService::LedgerPath(std::string_view campaign_id, int64_t run) const {
  return fmt::format("{}/outreach/{}/run-{}.ledger", parts_.data_dir, campaign_id, run);
}

SegmentQueryOptions OutreachService::TodayQuery() const {
  SegmentQueryOptions q;
  q.as_of = DaysFromUnixSeconds(options_.clock->NowUnixSeconds() + int64_t{options_.utc_offset_minutes} * 60);
  q.segments = parts_.segments;
  return q;
}

Result<outreach::SuppressionPolicy> OutreachService::PolicyFor(const outreach::Campaign& campaign) {
  TAGLOOP_ASSIGN_OR_RETURN(outreach::PolicyVersion current, policies_->Current());
  return outreach::EffectivePolicy(current.policy, campaign);
}

Result<Bitmap> OutreachService::FrozenMembers(const std::string& segment) {
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment saved, parts_.segments->Get(segment));
  if (saved.versions.empty()) return Status::NotFound(fmt::format("segment '{}' has no members stored", segment));
  TAGLOOP_ASSIGN_OR_RETURN(std::shared_ptr<const Bitmap> members, parts_.segments->LoadMembers(saved.versions.back()));
  return Bitmap::Copy(members->get());
}

namespace {

// SEGMENT('campaign_<name>_<step>') of a journey being checked: its own steps
// exist before it ever ran (empty then); everything else as `inner` has it.
class JourneyStepsResolver : public SegmentResolver {
 public:
  JourneyStepsResolver(const SegmentResolver* inner, const outreach::Campaign& journey) : inner_(inner) {
    for (const outreach::JourneyStep& s : journey.journey->steps) names_.insert(fmt::format("campaign_{}_{}", journey.name, s.name));
    names_.insert(fmt::format("campaign_{}_control", journey.name));
  }
  Result<std::string> ExpressionOf(std::string_view name) const override { return inner_->ExpressionOf(name); }
  std::vector<std::string> Names() const override {
    std::vector<std::string> all = inner_->Names();
    all.insert(all.end(), names_.begin(), names_.end());
    return all;
  }
  Result<std::optional<FrozenMembers>> MembersOf(std::string_view name, Days as_of, bool load) const override {
    Result<std::optional<FrozenMembers>> inner = inner_->MembersOf(name, as_of, load);
    if (inner.ok() || !names_.count(std::string(name))) return inner;
    FrozenMembers m;
    m.kind = "list";
    if (load) m.members = std::make_shared<const Bitmap>();
    return std::optional<FrozenMembers>(std::move(m));
  }

 private:
  const SegmentResolver* inner_;
  std::set<std::string> names_;
};

}  // namespace

Status OutreachService::CheckJourney(const outreach::Campaign& campaign, const SegmentQueryOptions& query) {
  const outreach::Journey& j = *campaign.journey;
  const events::EventTypeRegistry* types = parts_.event_types;
  auto event_type = [&](const std::string& type, const std::string& field) -> Status {
    if (types != nullptr && types->Find(type) == nullptr) return outreach::BadField(field, fmt::format("no event type '{}'", type));
    return Status::Ok();
  };
  auto where = [&](const nlohmann::json& w, const std::string& type, const std::string& field) -> Status {
    Result<std::vector<events::Condition>> parsed = events::ParseWhere(w, {type}, types, field);
    if (!parsed.ok()) return outreach::BadField(field, parsed.status().message());
    return Status::Ok();
  };
  if (j.entry.kind == outreach::JourneyEntry::Kind::kSchedule) {
    if (Result<CronSchedule> cron = CronSchedule::Parse(j.entry.cron); !cron.ok()) {
      return outreach::BadField("entry.schedule", cron.status().message());
    }
  } else {
    TAGLOOP_RETURN_IF_ERROR(event_type(j.entry.event.type, "entry.event"));
    TAGLOOP_RETURN_IF_ERROR(where(j.entry.event.where, j.entry.event.type, "entry.where"));
  }
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  JourneyStepsResolver steps_resolver(query.segments != nullptr ? query.segments : parts_.segments, campaign);
  SegmentQueryOptions step_query = query;
  step_query.segments = &steps_resolver;
  for (size_t i = 0; i < j.steps.size(); ++i) {
    const outreach::JourneyStep& s = j.steps[i];
    const std::string path = fmt::format("steps[{}]", i);
    switch (s.type) {
      case outreach::StepType::kSend: {
        if (Result<outreach::ChannelSpec> c = channels_->Get(s.channel); !c.ok()) {
          return outreach::BadField(path + ".channel",
                                    fmt::format("no channel '{}' (PUT /api/v1/channels/{{name}} first)", s.channel));
        }
        if (Result<outreach::ContentTemplate> c = CompileContent(s.content, *snapshot); !c.ok()) {
          return outreach::BadField(path + ".content", c.status().message());
        }
        break;
      }
      case outreach::StepType::kWaitEvent:
        TAGLOOP_RETURN_IF_ERROR(event_type(s.event.type, path + ".event"));
        TAGLOOP_RETURN_IF_ERROR(where(s.event.where, s.event.type, path + ".where"));
        break;
      case outreach::StepType::kBranch:
        if (Status st = ValidateSegment(*snapshot, s.condition, step_query); !st.ok()) {
          if (st.code() == Status::Code::kPermissionDenied) return st;
          return outreach::BadField(path + ".condition", st.message());
        }
        break;
      default:
        break;
    }
  }
  return Status::Ok();
}

Status OutreachService::CheckCampaign(const outreach::Campaign& campaign, const SegmentQueryOptions& query) {
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  if (campaign.IsJourney()) {
    TAGLOOP_RETURN_IF_ERROR(CheckJourney(campaign, query));
  } else {
    Result<outreach::ChannelSpec> channel = channels_->Get(campaign.channel);
    if (!channel.ok()) {
      return Status::InvalidArgument(fmt::format("channel: no channel '{}' (PUT /api/v1/channels/{{name}} first)",
                                                 campaign.channel))
          .With(ErrorReason::kBadField, {{"field", "channel"}, {"detail", channel.status().message()}});
    }
    if (Result<outreach::ContentTemplate> content = CompileContent(campaign.content, *snapshot); !content.ok()) {
      return Status::InvalidArgument(fmt::format("content: {}", content.status().message()))
          .With(ErrorReason::kBadField, {{"field", "content"}, {"detail", content.status().message()}});
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::string expr, campaign.audience.Expression());
  if (Status st = ValidateSegment(*snapshot, expr, query); !st.ok()) {
    if (st.code() == Status::Code::kPermissionDenied) return st;
    return Status::InvalidArgument(fmt::format("audience: {}", st.message()))
        .With(ErrorReason::kBadField, {{"field", "audience"}, {"detail", st.message()}});
  }
  if (campaign.goal && parts_.event_types != nullptr && !parts_.event_types->Find(campaign.goal->event)) {
    return Status::InvalidArgument(fmt::format("goal.event: no event type '{}'", campaign.goal->event))
        .With(ErrorReason::kBadField, {{"field", "goal.event"}, {"detail", "no such event type"}});
  }
  TAGLOOP_ASSIGN_OR_RETURN(outreach::SuppressionPolicy policy, PolicyFor(campaign));
  std::vector<std::pair<std::string, std::string>> rules{{"policy.blacklist", policy.blacklist}};
  for (const std::string& channel : campaign.Channels()) rules.emplace_back("policy.opt_out", policy.OptOutExpression(channel));
  for (const auto& [field, text] : rules) {
    if (text.empty()) continue;
    if (Status st = ValidateSegment(*snapshot, text, query); !st.ok()) {
      return Status::InvalidArgument(fmt::format("{}: {}", field, st.message()))
          .With(ErrorReason::kBadField, {{"field", field}, {"detail", st.message()}});
    }
  }
  return Status::Ok();
}

Result<CampaignRecord> OutreachService::Approve(std::string_view id, const Actor& actor, std::string_view comment) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, campaigns_->Approve(id, actor, comment));
  if (record.definition.IsJourney()) {
    journeys_->Wake();  // the runner loads it and takes entries from now on
    return record;
  }
  if (record.state == CampaignState::kRunning) {
    if (Status st = StartRun(record); !st.ok()) {
      spdlog::warn("campaign {}: planning failed: {}", record.definition.name, st.ToString());
      Actor system{"tagloop", true};
      TAGLOOP_ASSIGN_OR_RETURN(record, campaigns_->Pause(id, system, "planning failed: " + st.message()));
    }
  }
  Wake();
  return campaigns_->Get(id);
}

Result<CampaignRecord> OutreachService::Move(std::string_view id, std::string_view action, const Actor& actor,
                                             std::string_view comment) {
  Result<CampaignRecord> moved = Status::InvalidArgument(fmt::format("unknown action '{}'", action));
  if (action == "submit") {
    // Nobody to reach is a mistake to catch before an approver looks at it.
    TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, campaigns_->Get(id));
    // A journey's audience is who may enter: nobody today is no mistake (a
    // weekly reminder may find none this week; event entries have none).
    if (record.definition.IsJourney()) {
      moved = campaigns_->Submit(id, actor, comment);
      if (moved.ok()) journeys_->Wake();
      return moved;
    }
    const SegmentQueryOptions query = TodayQuery();
    std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
    TAGLOOP_ASSIGN_OR_RETURN(Bitmap audience, outreach::ResolveAudience(*snapshot, record.definition.audience, query));
    if (audience.cardinality() == 0) {
      const std::string detail = fmt::format("selects no user as of {}: there is nobody to send to", FormatDate(query.as_of));
      return Status::InvalidArgument("audience: " + detail)
          .With(ErrorReason::kBadField, {{"field", "audience"}, {"detail", detail}});
    }
    moved = campaigns_->Submit(id, actor, comment);
  }
  if (action == "reject") moved = campaigns_->Reject(id, actor, comment);
  if (action == "pause") moved = campaigns_->Pause(id, actor, comment);
  if (action == "resume") moved = campaigns_->Resume(id, actor, comment);
  if (action == "cancel") moved = campaigns_->Cancel(id, actor, comment);
  if (!moved.ok()) return moved;
  std::unique_ptr<Running> cancelled;  // destroyed (cancelled, waited for) outside the lock
  {
    // Pause and cancel take effect before the answer: no batch starts after it.
    std::lock_guard lock(mu_);
    if (auto it = running_.find(std::string(id)); it != running_.end()) {
      if (moved->state == CampaignState::kPaused) {
        it->second->handle->Pause();
        it->second->held = true;
      }
      if (moved->state == CampaignState::kCancelled) {
        cancelled = std::move(it->second);
        running_.erase(it);
      }
    }
  }
  cancelled.reset();
  Wake();
  if (moved->definition.IsJourney()) journeys_->Wake();
  return moved;
}

namespace {

// A journey's first send step as a one-step campaign (the estimate's policy
// sets and the preview); a campaign as it is.
outreach::Campaign FirstSend(const outreach::Campaign& c) {
  outreach::Campaign one = c;
  if (!c.journey) return one;
  for (const outreach::JourneyStep& s : c.journey->steps) {
    if (s.type != outreach::StepType::kSend) continue;
    one.channel = s.channel;
    one.content = s.content;
    break;
  }
  return one;
}

}  // namespace

Result<outreach::CampaignPlan> OutreachService::Estimate(const CampaignRecord& record,
                                                         const SegmentQueryOptions& query) {
  const outreach::Campaign campaign = FirstSend(record.definition);
  TAGLOOP_ASSIGN_OR_RETURN(outreach::SuppressionPolicy policy, PolicyFor(campaign));
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(Bitmap audience, outreach::ResolveAudience(*snapshot, campaign.audience, query));
  TAGLOOP_ASSIGN_OR_RETURN(outreach::PolicySets sets,
                           outreach::ResolvePolicySets(*snapshot, policy, campaign.channel, query));
  std::vector<Bitmap> others;
  if (policy.dedup_by_theme && !campaign.theme.empty()) {
    TAGLOOP_ASSIGN_OR_RETURN(std::vector<CampaignRecord> active,
                             campaigns_->ActiveWithTheme(campaign.theme, record.id));
    for (const CampaignRecord& other : active) {
      if (Result<Bitmap> members = FrozenMembers(other.definition.TreatmentSegment()); members.ok()) {
        others.push_back(std::move(*members));
      }
    }
  }
  outreach::PlanInput in;
  in.campaign_id = record.id;
  in.channel = campaign.channel;
  in.campaign_class = campaign.campaign_class;
  in.control_share = campaign.control_share;
  in.max_recipients = campaign.budget.max_recipients;
  in.policy = std::move(policy);
  in.utc_offset_minutes = options_.utc_offset_minutes;
  in.now_ms = options_.clock->NowUnixMillis();
  in.audience = &audience;
  in.sets = &sets;
  in.touches = touches_.get();
  for (const Bitmap& b : others) in.same_theme_treatments.push_back(&b);
  return outreach::PlanCampaign(in);
}

Result<std::vector<outreach::RenderResult>> OutreachService::Preview(const CampaignRecord& record,
                                                                     const std::vector<std::string>& user_ids,
                                                                     const SegmentQueryOptions& query) {
  const outreach::Campaign campaign = FirstSend(record.definition);
  if (campaign.channel.empty()) return Status::FailedPrecondition("the journey has no send step to preview");
  TAGLOOP_ASSIGN_OR_RETURN(outreach::ChannelSpec spec, channels_->Get(campaign.channel));
  TAGLOOP_ASSIGN_OR_RETURN(outreach::SuppressionPolicy policy, PolicyFor(campaign));
  SendRendererParts rp{parts_.data_dir, parts_.store, parts_.segments, parts_.sources, touches_.get(),
                       options_.clock, options_.utc_offset_minutes};
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<SendRenderer> renderer,
                           SendRenderer::Make(rp, record.id, campaign, spec, std::move(policy)));
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  std::vector<uint32_t> users;
  for (const std::string& id : user_ids) {
    std::optional<uint32_t> dense = dictionary->Find(id);
    if (!dense) return Status::NotFound(fmt::format("user_ids: no user '{}'", id));
    users.push_back(*dense);
  }
  if (user_ids.empty()) {
    TAGLOOP_ASSIGN_OR_RETURN(Bitmap audience, outreach::ResolveAudience(*snapshot, campaign.audience, query));
    for (uint32_t u : audience.ToVector()) {
      if (users.size() == 3) break;
      users.push_back(u);
    }
  }
  return renderer->Preview(users);
}

Result<std::pair<outreach::SendOutcome, std::string>> OutreachService::TestSend(std::string_view channel,
                                                                                std::string_view user_id,
                                                                                const nlohmann::json& content) {
  TAGLOOP_ASSIGN_OR_RETURN(outreach::ChannelSpec spec, channels_->Get(channel));
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<outreach::Channel> sender, outreach::MakeChannel(spec));
  outreach::Campaign test;
  test.name = "test";
  test.channel = spec.name;
  test.content = content.is_null() ? nlohmann::json::object() : content;
  SendRendererParts rp{parts_.data_dir, parts_.store, parts_.segments, parts_.sources, nullptr,
                       options_.clock, options_.utc_offset_minutes};
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<SendRenderer> renderer,
                           SendRenderer::Make(rp, "test", test, spec, outreach::SuppressionPolicy{}));
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  std::optional<uint32_t> dense = dictionary->Find(user_id);
  if (!dense) return Status::NotFound(fmt::format("user_id: no user '{}'", user_id));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::RenderResult> rendered, renderer->Preview({*dense}));
  outreach::OutgoingMessage m;
  m.user = *dense;
  // A new id per test (the second of the day), so gateways do not drop a repeat as a duplicate.
  const auto occurrence = static_cast<uint32_t>(options_.clock->NowUnixSeconds() % 86'400);
  m.message_id = outreach::MessageId("test", "test", user_id, occurrence);
  m.campaign_id = "test";
  m.step = "test";
  m.external_user_id = std::string(user_id);
  m.address = rendered[0].address;
  m.content = std::move(rendered[0].content);
  if (m.address.empty() && spec.settings.contains("address")) {
    return std::make_pair(outreach::SendOutcome::Permanent("no_address: the address query found none for this user"),
                          m.message_id);
  }
  std::vector<outreach::SendOutcome> outcome = sender->Send({m}, 1);
  if (outcome.empty()) return Status::Internal("the channel gave no answer");
  return std::make_pair(std::move(outcome[0]), m.message_id);
}

Result<nlohmann::json> OutreachService::Effect(const CampaignRecord& record) {
  const outreach::Campaign& campaign = record.definition;
  if (!campaign.goal) {
    return Status::FailedPrecondition(
        fmt::format("campaign '{}' has no goal: give it {{\"goal\": {{\"event\", \"window_days\"}}}}", campaign.name));
  }
  if (parts_.event_log == nullptr) return Status::Unavailable("the event log is not open in this process");
  if (campaign.IsJourney()) return JourneyEffect(record);
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, campaigns_->Runs(record.id));
  if (runs.empty()) {
    return Status::FailedPrecondition(fmt::format("campaign '{}' has not started: no effect yet", campaign.name));
  }
  const outreach::CampaignRun& run = runs.back();
  std::vector<effect::Arm> arms(2);
  arms[0].name = "treatment";
  TAGLOOP_ASSIGN_OR_RETURN(arms[0].users, FrozenMembers(run.treatment_segment));
  arms[0].default_exposure_ms = run.started_ms;
  arms[1].name = "control";
  if (Result<Bitmap> control = FrozenMembers(run.control_segment); control.ok()) arms[1].users = std::move(*control);
  arms[1].default_exposure_ms = run.started_ms;
  // Treated users' exposure is their send; the rest keep the run's start (intent to treat).
  {
    TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<outreach::Ledger> ledger,
                             outreach::Ledger::Open(LedgerPath(record.id, run.run)));
    for (uint32_t u : arms[0].users.ToVector()) {
      const outreach::LedgerEntry e = ledger->Lookup(u, "send", 0);
      if (e.state == outreach::DeliveryState::kSent) arms[0].exposure_ms.emplace(u, e.time_ms);
    }
  }
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  const effect::Goal goal{campaign.goal->event, campaign.goal->window_days, ""};
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<effect::ArmOutcome> outcomes,
                           effect::MeasureConversions(*parts_.event_log, *dictionary, goal, arms));
  nlohmann::json j = effect::EffectJson(goal, outcomes[0], outcomes[1], campaign.control_share);
  j["run"] = run.run;
  j["segments"] = {{"treatment", run.treatment_segment}, {"control", run.control_segment}};
  return j;
}

// A journey's effect over all its entries: the users who entered against
// those held out at entry. A treated user's exposure is their first send
// (from the journey's ledger); the others' is the journey's start.
// Per-step and per-run effect: issue 17.
Result<nlohmann::json> OutreachService::JourneyEffect(const CampaignRecord& record) {
  const outreach::Campaign& campaign = record.definition;
  const std::string state_path = journeys_->StatePath(record.id);
  if (!std::filesystem::exists(state_path)) {
    return Status::FailedPrecondition(fmt::format("journey '{}' has not started: no effect yet", campaign.name));
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignTransition> transitions, campaigns_->Transitions(record.id));
  int64_t started_ms = record.updated_ms;
  for (const outreach::CampaignTransition& t : transitions) {
    if (t.to == CampaignState::kRunning) {
      started_ms = t.at_ms;
      break;
    }
  }
  std::vector<effect::Arm> arms(2);
  TAGLOOP_ASSIGN_OR_RETURN(auto entered, journeys_->EnteredAndHeldOut(record));
  arms[0].name = "treatment";
  arms[0].users = std::move(entered.first);
  arms[0].default_exposure_ms = started_ms;
  arms[1].name = "control";
  arms[1].users = std::move(entered.second);
  arms[1].default_exposure_ms = started_ms;
  const std::string ledger_path = journeys_->LedgerPath(record.id);
  if (std::filesystem::exists(ledger_path)) {
    TAGLOOP_ASSIGN_OR_RETURN(std::string bytes, Env::Default()->ReadFile(ledger_path));
    uint64_t valid_end = 0;
    TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::LedgerRecord> records, outreach::DecodeLedger(bytes, &valid_end));
    for (const outreach::LedgerRecord& r : records) {
      if (r.state == outreach::DeliveryState::kSent) arms[0].exposure_ms.emplace(r.user, r.time_ms);
    }
  }
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  const effect::Goal goal{campaign.goal->event, campaign.goal->window_days, ""};
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<effect::ArmOutcome> outcomes,
                           effect::MeasureConversions(*parts_.event_log, *dictionary, goal, arms));
  nlohmann::json j = effect::EffectJson(goal, outcomes[0], outcomes[1], campaign.control_share);
  j["segments"] = {{"treatment", fmt::format("campaign_{}_{}", campaign.name, campaign.journey->start)},
                   {"control", campaign.ControlSegment()}};
  return j;
}

}  // namespace tagloop
