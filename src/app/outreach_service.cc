// OutreachService: opening, the API's operations. The runner (start,
// resume, the tick) is in campaign_runner.cc.
#include "app/outreach_service.h"

#include <filesystem>

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "core/date.h"
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

Status OutreachService::CheckCampaign(const outreach::Campaign& campaign, const SegmentQueryOptions& query) {
  Result<outreach::ChannelSpec> channel = channels_->Get(campaign.channel);
  if (!channel.ok()) {
    return Status::InvalidArgument(fmt::format("channel: no channel '{}' (PUT /api/v1/channels/{{name}} first)",
                                               campaign.channel))
        .With(ErrorReason::kBadField, {{"field", "channel"}, {"detail", channel.status().message()}});
  }
  std::shared_ptr<const Snapshot> snapshot = parts_.store->snapshot();
  if (Result<outreach::ContentTemplate> content = CompileContent(campaign.content, *snapshot); !content.ok()) {
    return Status::InvalidArgument(fmt::format("content: {}", content.status().message()))
        .With(ErrorReason::kBadField, {{"field", "content"}, {"detail", content.status().message()}});
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
  for (const auto& [field, text] : {std::pair<std::string, std::string>{"policy.blacklist", policy.blacklist},
                                    {"policy.opt_out", policy.OptOutExpression(campaign.channel)}}) {
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
  return moved;
}

Result<outreach::CampaignPlan> OutreachService::Estimate(const CampaignRecord& record,
                                                         const SegmentQueryOptions& query) {
  const outreach::Campaign& campaign = record.definition;
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
  const outreach::Campaign& campaign = record.definition;
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

}  // namespace tagloop
