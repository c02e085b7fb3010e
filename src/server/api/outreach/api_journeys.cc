// Journeys (docs/outreach.md, "Journeys"): a journey is a campaign with an
// `entry`, created, edited and moved along its lifecycle by the campaign
// routes (api_outreach.cc). These routes add what only a journey has: live
// counts per step, who waits where and why, a test run of one user, and the
// migration of users between versions.
//
// Analysts read counts and users (user ids only: the same personal-data rule
// as recipients, and the read is audited); operators run tests; admins
// migrate (they approve the version users move to).
#include <fmt/format.h>

#include "app/outreach_service.h"
#include "events/event_time.h"
#include "outreach/journey.h"
#include "server/api/api_context.h"
#include "server/api/api_error.h"
#include "server/api/api_json.h"
#include "server/api/api_routes.h"
#include "server/api/outreach/outreach_common.h"
#include "server/api/request.h"

namespace tagloop {
namespace {

using Json = nlohmann::json;
using outreach::CampaignRecord;

JourneyRunner& Journeys(ApiContext& ctx) { return ctx.workspace->outreach().journeys(); }

Result<CampaignRecord> PathJourney(ApiContext& ctx, const ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathCampaign(ctx, call));
  if (!record.definition.IsJourney()) {
    return Status::InvalidArgument(
        fmt::format("campaign '{}' is not a journey (a journey's definition has an \"entry\")", record.definition.name));
  }
  return record;
}

Json TimeOrNull(int64_t ms) { return ms > 0 ? Json(events::FormatRfc3339Millis(ms)) : Json(nullptr); }

Result<HttpResponse> GetJourney(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathJourney(ctx, call));
  TAGLOOP_ASSIGN_OR_RETURN(JourneyView v, Journeys(ctx).View(record));
  Json steps = Json::array();
  for (const JourneyStepView& s : v.steps) {
    steps.push_back({{"name", s.name},
                     {"type", s.type},
                     {"entered", s.entered},
                     {"inside", s.inside},
                     {"waiting", s.waiting},
                     {"sending", s.sending},
                     {"sent", s.sent},
                     {"failed", s.failed},
                     {"suppressed", s.suppressed},
                     {"converted", s.converted},
                     {"exited", s.exited},
                     {"exit_reasons", s.exit_reasons},
                     {"segment", s.segment}});
  }
  Json versions = Json::array();
  for (const auto& [version, inside] : v.inside_by_version) versions.push_back({{"version", version}, {"inside", inside}});
  Json entry = {{"kind", v.entry_kind}, {"next_at", TimeOrNull(v.next_at_ms)}, {"last_at", TimeOrNull(v.last_at_ms)}};
  return JsonResponse({{"id", record.id},
                       {"name", record.definition.name},
                       {"version", v.version},
                       {"state", outreach::CampaignStateName(record.state)},
                       {"active", v.active},
                       {"entry", std::move(entry)},
                       {"totals",
                        {{"entered", v.entered},
                         {"inside", v.inside},
                         {"completed", v.completed},
                         {"converted", v.converted},
                         {"control", v.control},
                         {"exited", v.exited}}},
                       {"steps", std::move(steps)},
                       {"versions", std::move(versions)}});
}

Result<HttpResponse> JourneyUsers(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathJourney(ctx, call));
  const std::string step(call.Query("step").value_or(""));
  if (!step.empty() && record.definition.journey->Find(step) == nullptr) {
    return BadField("step", fmt::format("journey '{}' has no step '{}'", record.definition.name, step));
  }
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t limit, QueryLimit(call, "limit", 100, 10'000));
  int64_t cursor = -1;
  if (call.Query("cursor")) {
    TAGLOOP_ASSIGN_OR_RETURN(uint64_t v, QueryNumber(call, "cursor", 0, 0, UINT32_MAX));
    cursor = static_cast<int64_t>(v);
  }
  int64_t next = -1;
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<JourneyUserRow> rows, Journeys(ctx).Users(record, step, limit, cursor, &next));
  Json list = Json::array();
  for (const JourneyUserRow& r : rows) {
    list.push_back({{"user_id", r.user_id},
                    {"step", r.step},
                    {"version", r.version},
                    {"occurrence", r.occurrence},
                    {"since", TimeOrNull(r.since_ms)},
                    {"until", TimeOrNull(r.until_ms)},
                    {"why", r.why}});
  }
  return AuditedPage(ctx, call, "journeys.users", record.id, step, "users", std::move(list), next);
}

Result<HttpResponse> TestJourney(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathJourney(ctx, call));
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"user_id", "events", "horizon"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string user_id, body.String("user_id"));
  int64_t horizon_ms = int64_t{30} * 86'400'000;
  if (const Json* h = body.Find("horizon")) {
    TAGLOOP_ASSIGN_OR_RETURN(horizon_ms, outreach::ParseDuration(*h, "horizon", 1000, int64_t{400} * 86'400'000));
  }
  std::vector<JourneyTestEvent> events;
  if (const Json* list = body.Find("events")) {
    if (!list->is_array() || list->size() > 1000) return BadField("events", "must be a list of at most 1,000 events");
    for (size_t i = 0; i < list->size(); ++i) {
      const Json& item = (*list)[i];
      const std::string path = fmt::format("events[{}]", i);
      if (!item.is_object()) return BadField(path, "must be an object {\"type\", \"after\", \"properties\"?}");
      TAGLOOP_RETURN_IF_ERROR(CheckFields(item, {"type", "after", "properties"}));
      JourneyTestEvent e;
      if (!item.contains("type") || !item["type"].is_string()) return BadField(path + ".type", "must be an event type");
      e.type = item["type"].get<std::string>();
      if (item.contains("after")) {
        TAGLOOP_ASSIGN_OR_RETURN(e.after_ms, outreach::ParseDuration(item["after"], path + ".after", 0, horizon_ms));
      }
      if (item.contains("properties")) {
        if (!item["properties"].is_object()) return BadField(path + ".properties", "must be an object");
        e.properties = item["properties"];
      }
      events.push_back(std::move(e));
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json trace, Journeys(ctx).TestRun(record, user_id, events, horizon_ms));
  return JsonResponse(Json::parse(trace.dump()));
}

Result<HttpResponse> MigrateJourney(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CampaignRecord record, PathJourney(ctx, call));
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"from_version", "dry_run"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<uint64_t> from, body.OptionalUint("from_version", INT32_MAX));
  if (!from) return MissingField("from_version");
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<bool> dry_run, body.OptionalBool("dry_run"));
  TAGLOOP_ASSIGN_OR_RETURN(JourneyMigration m,
                           Journeys(ctx).Migrate(record, static_cast<int64_t>(*from), dry_run.value_or(false)));
  auto list = [](const std::map<std::string, uint64_t>& by_step) {
    Json out = Json::array();
    for (const auto& [step, users] : by_step) out.push_back({{"step", step}, {"users", users}});
    return out;
  };
  if (!dry_run.value_or(false)) {
    AuditEntry e = AuditEntry::For(call.principal, "journeys.migrate", record.id, static_cast<int64_t>(m.moved));
    e.detail = fmt::format("version {} -> {}", *from, record.version);
    AuditChange(ctx, std::move(e));
  }
  return JsonResponse({{"moves", list(m.moves)},
                       {"stay", list(m.stay)},
                       {"moved", dry_run.value_or(false) ? 0 : m.moved},
                       {"to_version", record.version},
                       {"dry_run", dry_run.value_or(false)}});
}

}  // namespace

void AddJourneyRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("GET", "/campaigns/{id}/journey", Role::kAnalyst, GetJourney));
  router.Add(ApiV1Route("GET", "/campaigns/{id}/journey/users", Role::kAnalyst, JourneyUsers, ApiBodyKind::kNone,
                        {"step", "limit", "cursor"}, /*blocking=*/true));
  router.Add(ApiV1Route("POST", "/campaigns/{id}/journey/test", Role::kOperator, TestJourney, ApiBodyKind::kJson, {},
                        /*blocking=*/true));
  router.Add(ApiV1Route("POST", "/campaigns/{id}/journey/migrate", Role::kAdmin, MigrateJourney, ApiBodyKind::kJson,
                        {}, /*blocking=*/true));
}

}  // namespace tagloop
