// Outreach: channels, the suppression policy and campaigns
// (../shared/SPEC-outreach.md is the contract; docs/outreach.md the design
// and the table of routes and roles).
//
// Analysts read campaigns, their funnels, recipients and effect (addresses
// masked); operators create, edit, submit, pause, resume, cancel, retry,
// preview and send test messages and read channels and the policy; admins
// store channels and the policy and approve or reject. Secrets are
// write-only: no answer, audit entry or error carries them.
#include <fmt/format.h>

#include "app/outreach_service.h"
#include <fmt/ranges.h>

#include <algorithm>
#include <chrono>

#include "server/api/api_context.h"
#include "server/api/api_error.h"
#include "server/api/api_json.h"
#include "server/api/api_routes.h"
#include "server/api/outreach/outreach_common.h"
#include "server/api/request.h"

namespace tagloop {
namespace {

using outreach::CampaignRecord;
using outreach::CampaignState;

OutreachService& Outreach(ApiContext& ctx) { return ctx.workspace->outreach(); }

outreach::Actor ActorOf(const ApiCall& call) { return {call.principal.name, call.principal.role == Role::kAdmin}; }

void Audit(ApiContext& ctx, const ApiCall& call, std::string_view action, std::string_view target,
           std::string detail = {}) {
  AuditEntry e = AuditEntry::For(call.principal, action, target);
  e.detail = std::move(detail);
  AuditChange(ctx, std::move(e));
}

Json ProgressJson(const CampaignProgress& p) {
  Json suppressed = Json::object();
  for (const auto& [reason, n] : p.suppressed_at_send) suppressed[reason] = n;
  return {{"run", p.run},          {"planned", p.planned}, {"sent", p.sent},
          {"failed", p.failed},    {"dead", p.dead},       {"pending", p.pending},
          {"waiting_retry", p.waiting_retry},              {"suppressed_at_send", std::move(suppressed)},
          {"dispatching", p.dispatching},                  {"held_by_quiet_hours", p.held_by_quiet_hours}};
}

// The whole campaign: definition, state, funnel, frozen segments, progress, transitions.
Result<Json> CampaignJson(ApiContext& ctx, const CampaignRecord& record, bool with_transitions) {
  Json j = Json::parse(record.ToJson().dump());
  j["kind"] = record.definition.IsJourney() ? "journey" : "campaign";
  if (record.definition.IsJourney()) {
    TAGLOOP_ASSIGN_OR_RETURN(JourneyView v, Outreach(ctx).journeys().View(record));
    j["journey"] = {{"entered", v.entered}, {"inside", v.inside}, {"converted", v.converted},
                    {"completed", v.completed}, {"control", v.control}};
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignRun> runs, Outreach(ctx).campaigns().Runs(record.id));
  const CampaignProgress progress = Outreach(ctx).Progress(record);
  Json funnel = nullptr, segments = nullptr;
  if (!runs.empty()) {
    const outreach::CampaignRun& run = runs.back();
    funnel = Json::parse(run.funnel.ToJson().dump());
    // The contract's funnel: planning counts, send-time suppression added to
    // its reasons, and the dispatch's sent / failed / pending (users).
    for (const auto& [reason, n] : progress.suppressed_at_send) {
      funnel["suppressed"][reason] = funnel["suppressed"].value(reason, uint64_t{0}) + n;
    }
    funnel["sent"] = progress.sent;
    funnel["failed"] = progress.failed + progress.dead;
    funnel["pending"] = progress.pending;
    segments = {{"treatment", run.treatment_segment}, {"control", run.control_segment}};
  }
  j["funnel"] = std::move(funnel);
  j["segments"] = std::move(segments);
  j["progress"] = ProgressJson(progress);
  if (with_transitions) {
    TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::CampaignTransition> moves,
                             Outreach(ctx).campaigns().Transitions(record.id));
    Json list = Json::array();
    for (const outreach::CampaignTransition& t : moves) {
      list.push_back({{"from", outreach::CampaignStateName(t.from)},
                      {"to", outreach::CampaignStateName(t.to)},
                      {"action", t.action},
                      {"by", t.who},
                      {"at_ms", t.at_ms},
                      {"comment", t.comment}});
    }
    j["transitions"] = std::move(list);
  }
  return j;
}

Result<HttpResponse> CampaignAnswer(ApiContext& ctx, const CampaignRecord& record, int status = 200) {
  TAGLOOP_ASSIGN_OR_RETURN(Json j, CampaignJson(ctx, record, true));
  return JsonResponse(j, status);
}

// ---- channels ----

Result<HttpResponse> ListChannels(ApiContext& ctx, ApiCall&) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<nlohmann::json> all, Outreach(ctx).channels().List());
  Json list = Json::array();
  for (const nlohmann::json& c : all) list.push_back(Json::parse(c.dump()));
  return JsonResponse({{"channels", std::move(list)}});
}

Result<HttpResponse> PutChannel(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(call.request->body));
  TAGLOOP_ASSIGN_OR_RETURN(outreach::ChannelSpec spec, outreach::ChannelFromJson(name, body));
  TAGLOOP_RETURN_IF_ERROR(Outreach(ctx).channels().Put(spec, call.principal.name));
  std::string secrets;
  for (const auto& [key, value] : spec.secrets) secrets += (secrets.empty() ? "" : ", ") + key;
  Audit(ctx, call, "channels.put", name,
        fmt::format("kind {}; secrets {}", spec.kind, secrets.empty() ? "kept" : "set: " + secrets));
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json described, Outreach(ctx).channels().Describe(name));
  return JsonResponse(Json::parse(described.dump()));
}

Result<HttpResponse> DeleteChannel(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<CampaignRecord> all, Outreach(ctx).campaigns().List());
  std::vector<std::string> using_it;
  for (const CampaignRecord& c : all) {
    const bool over = c.state == CampaignState::kDone || c.state == CampaignState::kCancelled ||
                      c.state == CampaignState::kRejected;
    const std::vector<std::string> channels = c.definition.Channels();
    if (!over && std::find(channels.begin(), channels.end(), name) != channels.end()) {
      using_it.push_back(c.definition.name);
    }
  }
  if (!using_it.empty()) {
    const std::string users = fmt::format("{}", fmt::join(using_it, ", "));
    return Status::FailedPrecondition(
               fmt::format("channel '{}' is used by campaign(s) {}: cancel or finish them first", name, users))
        .With(ErrorReason::kInUse, {{"kind", "channel"}, {"name", name}, {"users", users}});
  }
  TAGLOOP_RETURN_IF_ERROR(Outreach(ctx).channels().Delete(name));
  Audit(ctx, call, "channels.delete", name);
  return NoContent();
}

// A gateway's delivery receipts (outreach/receipts.h: Aliyun SMS reports or
// tagloop's own), answered the way Aliyun's report push expects
// ({"code": 0, "msg": ...}; anything else makes it retry) plus what was
// recorded. Receipts naming no campaign of the channel are listed, not
// refused: the gateway has nothing better to do with them.
Result<HttpResponse> ChannelReceipts(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json body, ParseJson(call.request->body));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::Receipt> receipts,
                           outreach::ParseReceipts(body, ctx.workspace->utc_offset_minutes()));
  TAGLOOP_ASSIGN_OR_RETURN(ReceiptsRecorded recorded, Outreach(ctx).RecordReceipts(name, receipts));
  constexpr size_t kUnknownShown = 100;
  Json unknown = Json::array();
  for (size_t i = 0; i < recorded.unknown.size() && i < kUnknownShown; ++i) unknown.push_back(recorded.unknown[i]);
  return JsonResponse({{"code", 0},
                       {"msg", "成功"},
                       {"recorded", recorded.recorded},
                       {"repeated", recorded.repeated},
                       {"unknown_count", recorded.unknown.size()},
                       {"unknown", std::move(unknown)}});
}

Result<HttpResponse> TestChannel(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"user_id", "content"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string user_id, body.String("user_id"));
  const nlohmann::json* content = body.Find("content");
  if (content != nullptr && !content->is_object()) return BadField("content", "must be an object");
  const auto start = std::chrono::steady_clock::now();
  TAGLOOP_ASSIGN_OR_RETURN(auto sent, Outreach(ctx).TestSend(name, user_id,
                                                             content ? *content : nlohmann::json::object()));
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  const outreach::SendOutcome& o = sent.first;
  const char* outcome = o.kind == outreach::SendOutcome::Kind::kSent        ? "sent"
                        : o.kind == outreach::SendOutcome::Kind::kTransient ? "transient"
                                                                            : "permanent";
  Audit(ctx, call, "channels.test", name, fmt::format("user {}: {}", user_id, outcome));
  return JsonResponse({{"outcome", outcome},
                       {"error", o.error.empty() ? Json(nullptr) : Json(o.error)},
                       {"gateway_id", o.gateway_id.empty() ? Json(nullptr) : Json(o.gateway_id)},
                       {"message_id", sent.second},
                       {"elapsed_ms", ms}});
}

// ---- policy ----

Result<HttpResponse> GetPolicy(ApiContext& ctx, ApiCall&) {
  TAGLOOP_ASSIGN_OR_RETURN(outreach::PolicyVersion current, Outreach(ctx).policies().Current());
  Json j = Json::parse(current.policy.ToJson().dump());
  j["version"] = current.version;
  j["updated_by"] = current.changed_by;
  j["updated_at_ms"] = current.changed_ms;
  return JsonResponse(j);
}

Result<HttpResponse> PutPolicy(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(call.request->body));
  TAGLOOP_ASSIGN_OR_RETURN(outreach::SuppressionPolicy policy, outreach::SuppressionPolicy::FromJson(body));
  // Expressions must bind now (with the admin's access), and the exempt segment exist.
  std::shared_ptr<const Snapshot> snapshot = ctx.workspace->store().snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  const SegmentQueryOptions q = QueryOptionsFor(ctx, call, ctx.Today(), &access);
  std::vector<std::pair<std::string, std::string>> exprs = {{"blacklist", policy.blacklist}};
  for (const auto& [channel, expr] : policy.opt_out) exprs.emplace_back("opt_out." + channel, expr);
  for (const auto& [field, expr] : exprs) {
    if (expr.empty()) continue;
    if (Status st = ValidateSegment(*snapshot, expr, q); !st.ok()) {
      return BadField(field, st.message());
    }
  }
  if (!policy.exempt.empty()) {
    if (Result<SavedSegment> s = ctx.workspace->segments().Get(policy.exempt); !s.ok()) {
      return BadField("exempt", s.status().message());
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(int64_t version, Outreach(ctx).policies().Put(policy, call.principal.name));
  Audit(ctx, call, "outreach.policy", fmt::format("version {}", version), policy.ToJson().dump());
  return GetPolicy(ctx, call);
}

// ---- campaigns ----

Result<outreach::Campaign> ReadCampaign(ApiContext& ctx, const ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(call.request->body));
  TAGLOOP_ASSIGN_OR_RETURN(outreach::Campaign campaign, outreach::Campaign::FromJson(body));
  CatalogTagAccess access = TagAccessFor(ctx, call);
  TAGLOOP_RETURN_IF_ERROR(Outreach(ctx).CheckCampaign(campaign, QueryOptionsFor(ctx, call, ctx.Today(), &access)));
  return campaign;
}

Result<HttpResponse> ListCampaigns(ApiContext& ctx, ApiCall& call) {
  std::vector<std::string> states;
  if (std::optional<std::string_view> s = call.Query("state")) {
    size_t from = 0;
    while (from <= s->size()) {
      const size_t comma = std::min(s->find(',', from), s->size());
      const std::string_view part = s->substr(from, comma - from);
      if (!outreach::ParseCampaignState(part).ok()) {
        return BadField("state", fmt::format("'{}' is not a campaign state", part));
      }
      states.emplace_back(part);
      from = comma + 1;
    }
  }
  const std::optional<std::string_view> theme = call.Query("theme");
  const std::optional<std::string_view> kind = call.Query("kind");
  if (kind && *kind != "campaign" && *kind != "journey") return BadField("kind", "must be campaign or journey");
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<CampaignRecord> all, Outreach(ctx).campaigns().List());
  Json list = Json::array();
  for (const CampaignRecord& r : all) {
    const std::string state = outreach::CampaignStateName(r.state);
    if (!states.empty() && std::find(states.begin(), states.end(), state) == states.end()) continue;
    if (theme && r.definition.theme != *theme) continue;
    if (kind && (*kind == "journey") != r.definition.IsJourney()) continue;
    TAGLOOP_ASSIGN_OR_RETURN(Json j, CampaignJson(ctx, r, false));
    list.push_back(std::move(j));
  }
  return JsonResponse({{"campaigns", std::move(list)}});
}

Result<HttpResponse> CreateCampaign(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(outreach::Campaign campaign, ReadCampaign(ctx, call));
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, Outreach(ctx).campaigns().Create(campaign, ActorOf(call)));
  Audit(ctx, call, "campaigns.create", record.id, campaign.name);
  return CampaignAnswer(ctx, record, 201);
}

Result<HttpResponse> GetCampaign(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathCampaign(ctx, call));
  return CampaignAnswer(ctx, record);
}

Result<HttpResponse> UpdateCampaign(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathCampaign(ctx, call));
  TAGLOOP_ASSIGN_OR_RETURN(outreach::Campaign campaign, ReadCampaign(ctx, call));
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord updated, Outreach(ctx).campaigns().Update(record.id, campaign, ActorOf(call)));
  Audit(ctx, call, "campaigns.update", record.id, fmt::format("version {}", updated.version));
  if (updated.definition.IsJourney()) Outreach(ctx).journeys().Wake();
  return CampaignAnswer(ctx, updated);
}

// submit, approve, reject, pause, resume, cancel.
ApiHandlerFn Transition(std::string action) {
  return [action](ApiContext& ctx, ApiCall& call) -> Result<HttpResponse> {
    TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathCampaign(ctx, call));
    std::string comment;
    if (!call.request->body.empty()) {
      TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"comment", "reason"}));
      TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> c, body.OptionalString(action == "reject" ? "reason" : "comment"));
      comment = c.value_or("");
    }
    Result<CampaignRecord> moved = action == "approve"
                                       ? Outreach(ctx).Approve(record.id, ActorOf(call), comment)
                                       : Outreach(ctx).Move(record.id, action, ActorOf(call), comment);
    if (!moved.ok()) return moved.status();
    Audit(ctx, call, "campaigns." + action, record.id,
          fmt::format("{} -> {}{}", outreach::CampaignStateName(record.state),
                      outreach::CampaignStateName(moved->state), comment.empty() ? "" : ": " + comment));
    return CampaignAnswer(ctx, *moved);
  };
}

Result<HttpResponse> EstimateCampaign(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathCampaign(ctx, call));
  CatalogTagAccess access = TagAccessFor(ctx, call);
  const SegmentQueryOptions q = QueryOptionsFor(ctx, call, ctx.Today(), &access);
  const auto start = std::chrono::steady_clock::now();
  TAGLOOP_ASSIGN_OR_RETURN(outreach::CampaignPlan plan, Outreach(ctx).Estimate(record, q));
  const double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return JsonResponse({{"funnel", Json::parse(plan.funnel.ToJson().dump())},
                       {"first_send_ms", plan.first_send_ms},
                       {"as_of", FormatDate(q.as_of)},
                       {"elapsed_ms", ms}});
}

Result<HttpResponse> PreviewCampaign(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathCampaign(ctx, call));
  std::vector<std::string> ids;
  if (!call.request->body.empty()) {
    TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(call.request->body));
    TAGLOOP_RETURN_IF_ERROR(CheckFields(body, {"user_ids"}));
    if (body.contains("user_ids")) {
      if (!body["user_ids"].is_array() || body["user_ids"].size() > 20) {
        return BadField("user_ids", "must be a list of at most 20 user ids");
      }
      for (const nlohmann::json& id : body["user_ids"]) {
        if (!id.is_string()) return BadField("user_ids", "must hold strings");
        ids.push_back(id.get<std::string>());
      }
    }
  }
  CatalogTagAccess access = TagAccessFor(ctx, call);
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<outreach::RenderResult> rendered,
                           Outreach(ctx).Preview(record, ids, QueryOptionsFor(ctx, call, ctx.Today(), &access)));
  Json list = Json::array();
  for (const outreach::RenderResult& r : rendered) {
    list.push_back({{"user_id", r.external_user_id},
                    {"address", r.address.empty() ? Json(nullptr) : Json(r.address)},
                    {"content", Json::parse(r.content.dump())}});
  }
  return JsonResponse({{"previews", std::move(list)}});
}

Result<HttpResponse> CampaignRecipients(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathCampaign(ctx, call));
  const std::string state(call.Query("state").value_or(""));
  if (!state.empty() && state != "pending" && state != "sent" && state != "failed" && state != "retry" &&
      state != "dead" && state != "suppressed") {
    return BadField("state", "must be one of pending, sent, failed, retry, dead, suppressed");
  }
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t limit, QueryLimit(call, "limit", 100, 10'000));
  int64_t cursor = -1;
  if (call.Query("cursor")) {
    TAGLOOP_ASSIGN_OR_RETURN(uint64_t v, QueryNumber(call, "cursor", 0, 0, UINT32_MAX));
    cursor = static_cast<int64_t>(v);
  }
  int64_t next = -1;
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<RecipientRow> rows,
                           Outreach(ctx).Recipients(record, state, limit, cursor, &next));
  const bool mask = !SeesPersonalData(call.principal.role);
  Json list = Json::array();
  for (const RecipientRow& r : rows) {
    // The detail of a sent message is the gateway's id; of others the error or reason.
    list.push_back({{"user_id", r.user_id},
                    {"state", r.state},
                    {"attempts", r.attempts},
                    {"message_id", r.message_id},
                    {"detail", mask && r.state == "sent" ? Json(nullptr) : Json(r.detail)},
                    {"at_ms", r.time_ms}});
  }
  return AuditedPage(ctx, call, "campaigns.recipients", record.id, state, "recipients", std::move(list), next);
}

Result<HttpResponse> RetryCampaign(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathCampaign(ctx, call));
  TAGLOOP_ASSIGN_OR_RETURN(size_t retried, Outreach(ctx).RetryDeadLetters(record.id, ActorOf(call)));
  Audit(ctx, call, "campaigns.retry", record.id, fmt::format("{} dead letters", retried));
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord now, Outreach(ctx).campaigns().Get(record.id));
  TAGLOOP_ASSIGN_OR_RETURN(Json j, CampaignJson(ctx, now, false));
  j["retried"] = retried;
  return JsonResponse(j);
}

Result<HttpResponse> CampaignEffect(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathCampaign(ctx, call));
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json effect, Outreach(ctx).Effect(record));
  return JsonResponse(Json::parse(effect.dump()));
}

}  // namespace

void AddOutreachRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("GET", "/channels", Role::kOperator, ListChannels));
  router.Add(ApiV1Route("PUT", "/channels/{name}", Role::kAdmin, PutChannel, ApiBodyKind::kJson));
  router.Add(ApiV1Route("DELETE", "/channels/{name}", Role::kAdmin, DeleteChannel));
  router.Add(ApiV1Route("POST", "/channels/{name}/test", Role::kOperator, TestChannel, ApiBodyKind::kJson, {},
                        /*blocking=*/true));
  router.Add(ApiV1Route("POST", "/channels/{name}/receipts", Role::kOperator, ChannelReceipts, ApiBodyKind::kJson, {},
                        /*blocking=*/true));
  router.Add(ApiV1Route("GET", "/outreach/policy", Role::kOperator, GetPolicy));
  router.Add(ApiV1Route("PUT", "/outreach/policy", Role::kAdmin, PutPolicy, ApiBodyKind::kJson));
  router.Add(ApiV1Route("GET", "/campaigns", Role::kAnalyst, ListCampaigns, ApiBodyKind::kNone,
                        {"state", "theme", "kind"}));
  router.Add(ApiV1Route("POST", "/campaigns", Role::kOperator, CreateCampaign, ApiBodyKind::kJson));
  router.Add(ApiV1Route("GET", "/campaigns/{id}", Role::kAnalyst, GetCampaign));
  router.Add(ApiV1Route("PUT", "/campaigns/{id}", Role::kOperator, UpdateCampaign, ApiBodyKind::kJson));
  router.Add(ApiV1Route("POST", "/campaigns/{id}/estimate", Role::kAnalyst, EstimateCampaign, ApiBodyKind::kNone, {},
                        /*blocking=*/true));
  router.Add(ApiV1Route("POST", "/campaigns/{id}/preview", Role::kOperator, PreviewCampaign, ApiBodyKind::kJson, {},
                        /*blocking=*/true));
  for (const char* action : {"submit", "pause", "resume", "cancel"}) {
    router.Add(ApiV1Route("POST", fmt::format("/campaigns/{{id}}/{}", action), Role::kOperator, Transition(action),
                          ApiBodyKind::kJson, {}, /*blocking=*/true));
  }
  for (const char* action : {"approve", "reject"}) {
    router.Add(ApiV1Route("POST", fmt::format("/campaigns/{{id}}/{}", action), Role::kAdmin, Transition(action),
                          ApiBodyKind::kJson, {}, /*blocking=*/true));
  }
  router.Add(ApiV1Route("GET", "/campaigns/{id}/recipients", Role::kAnalyst, CampaignRecipients, ApiBodyKind::kNone,
                        {"state", "limit", "cursor"}, /*blocking=*/true));
  router.Add(ApiV1Route("POST", "/campaigns/{id}/retry", Role::kOperator, RetryCampaign, ApiBodyKind::kJson, {},
                        /*blocking=*/true));
  router.Add(ApiV1Route("GET", "/campaigns/{id}/effect", Role::kAnalyst, CampaignEffect, ApiBodyKind::kNone, {},
                        /*blocking=*/true));
}

}  // namespace tagloop
