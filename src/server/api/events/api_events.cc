// Events (issue 5): POST /events ingests a batch (a JSON array or NDJSON)
// into the durable event log and hands the new events to the real-time
// engine; /events/types lists and registers event types; /events/stats
// shows the log and the engine.
//
// An ingestion answers once every accepted event is durable (fdatasync'ed):
// a kill -9 after the answer loses none. With ?wait=visible it answers once
// they also show in counts, queries and profiles.
#include <fmt/format.h>

#include <chrono>

#include "core/wall_clock.h"
#include "events/event_json.h"
#include "server/api/api_context.h"
#include "server/api/api_json.h"
#include "server/api/api_routes.h"

namespace tagloop {

namespace {

constexpr auto kVisibleWait = std::chrono::seconds(10);
constexpr size_t kMaxRejectedShown = 1000;

Result<events::EventLog*> OpenLog(ApiContext& ctx) {
  events::EventLog* log = ctx.workspace->event_log();
  if (log == nullptr) {
    return Status::FailedPrecondition(
        "the event log is not open in this server (another process holds DIR/events/LOCK)");
  }
  return log;
}

Result<HttpResponse> Ingest(ApiContext& ctx, ApiCall& call) {
  bool wait_visible = false;
  if (auto wait = call.Query("wait")) {
    if (*wait != "visible" && *wait != "durable") {
      return Status::InvalidArgument(fmt::format("wait must be 'durable' (default) or 'visible', not '{}'", *wait));
    }
    wait_visible = *wait == "visible";
  }
  TAGLOOP_ASSIGN_OR_RETURN(events::EventLog * log, OpenLog(ctx));
  const int64_t now_ms = WallClock::Default()->NowUnixMillis();
  TAGLOOP_ASSIGN_OR_RETURN(events::ParsedBatch batch,
                           events::ParseEventBatch(call.request->body, ctx.workspace->event_types(), now_ms));
  RealtimeEngine* engine = ctx.production->realtime();
  events::AppendResult appended;
  uint64_t ticket = 0;
  {
    std::shared_lock<std::shared_mutex> ingest;
    if (engine) ingest = engine->IngestLock();
    TAGLOOP_ASSIGN_OR_RETURN(appended, log->Append(batch.events));
    if (engine && appended.appended > 0) {
      std::vector<events::Event> fresh;
      fresh.reserve(appended.appended);
      for (uint32_t i : appended.new_indexes) fresh.push_back(std::move(batch.events[i]));
      ticket = engine->Submit(std::move(fresh), appended.first_sequence);
    }
  }
  bool visible = engine != nullptr && (ticket == 0 || !wait_visible || engine->WaitVisible(ticket, kVisibleWait));
  if (wait_visible && !visible && engine) {
    return Status::DeadlineExceeded(fmt::format(
        "the {} events are durable but were not visible within {} s", appended.appended, kVisibleWait.count()));
  }
  Json rejected = Json::array();
  for (size_t i = 0; i < batch.rejected.size() && i < kMaxRejectedShown; ++i) {
    rejected.push_back({{"index", batch.rejected[i].first}, {"reason", batch.rejected[i].second}});
  }
  Json body = {{"received", batch.total},
               {"accepted", appended.appended},
               {"duplicates", appended.duplicates},
               {"rejected_count", batch.rejected.size()},
               {"rejected", std::move(rejected)},
               {"visible", wait_visible && visible}};
  if (batch.events.empty() && !batch.rejected.empty()) {
    Json error = {{"error",
                   {{"code", "invalid_argument"},
                    {"message", fmt::format("every event was rejected; the first: event #{}: {}",
                                            batch.rejected[0].first, batch.rejected[0].second)},
                    {"reason", "events_rejected"},
                    {"args", {{"first", batch.rejected[0].second}, {"index", std::to_string(batch.rejected[0].first)}}}}}};
    for (auto& [k, v] : body.items()) error[k] = v;
    return JsonResponse(error, 400);
  }
  return JsonResponse(body);
}

Result<HttpResponse> ListTypes(ApiContext& ctx, ApiCall&) {
  Json types = Json::array();
  for (const events::EventTypeSchema& s : ctx.workspace->event_types().List()) {
    types.push_back(Json::parse(events::EventTypeSchemaToJson(s).dump()));
  }
  return JsonResponse({{"types", std::move(types)}});
}

Result<HttpResponse> GetType(ApiContext& ctx, ApiCall& call) {
  const events::EventTypeSchema* s = ctx.workspace->event_types().Find(call.path_params[0]);
  if (s == nullptr) return Status::NotFound(fmt::format("unknown event type '{}'", call.path_params[0]));
  return JsonResponse(Json::parse(events::EventTypeSchemaToJson(*s).dump()));
}

Result<HttpResponse> PutType(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(call.request->body));
  if (!body.contains("name")) body["name"] = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(events::EventTypeSchema schema, events::EventTypeSchemaFromJson(body));
  if (schema.name != call.path_params[0]) {
    return Status::InvalidArgument(
        fmt::format("name '{}' in the body differs from '{}' in the path", schema.name, call.path_params[0]));
  }
  TAGLOOP_RETURN_IF_ERROR(ctx.workspace->event_types().Register(schema));
  const events::EventTypeSchema* stored = ctx.workspace->event_types().Find(schema.name);
  return JsonResponse(Json::parse(events::EventTypeSchemaToJson(*stored).dump()));
}

Result<HttpResponse> DeleteType(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_RETURN_IF_ERROR(ctx.workspace->event_types().Remove(call.path_params[0]));
  return JsonResponse({{"removed", call.path_params[0]}});
}

Result<HttpResponse> Stats(ApiContext& ctx, ApiCall&) {
  Json body = Json::object();
  if (events::EventLog* log = ctx.workspace->event_log()) {
    events::EventLogStats s = log->stats();
    std::vector<Days> days = log->days();
    body["log"] = {{"segments", s.segments},
                   {"events", s.events},
                   {"bytes", s.bytes},
                   {"first_day", days.empty() ? Json(nullptr) : Json(FormatDate(days.front()))},
                   {"last_day", days.empty() ? Json(nullptr) : Json(FormatDate(days.back()))},
                   {"truncated_tail_bytes", s.truncated_tail_bytes}};
  } else {
    body["log"] = nullptr;
  }
  if (RealtimeEngine* engine = ctx.production->realtime()) {
    RealtimeStats r = engine->stats();
    body["realtime"] = {{"tags", r.tags},
                        {"events_applied", r.events_applied},
                        {"events_replayed", r.events_replayed},
                        {"last_replay_seconds", r.last_replay_seconds},
                        {"publishes", r.publishes},
                        {"new_users", r.new_users},
                        {"pending", r.pending},
                        {"memory_bytes", r.memory_bytes},
                        {"last_error", r.last_error}};
  } else {
    body["realtime"] = nullptr;
  }
  return JsonResponse(body);
}

}  // namespace

void AddEventRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/events", Role::kOperator, Ingest, ApiBodyKind::kEvents, {"wait"}));
  router.Add(ApiV1Route("GET", "/events/stats", Role::kAnalyst, Stats));
  router.Add(ApiV1Route("GET", "/events/types", Role::kViewer, ListTypes));
  router.Add(ApiV1Route("GET", "/events/types/{name}", Role::kViewer, GetType));
  router.Add(ApiV1Route("PUT", "/events/types/{name}", Role::kAdmin, PutType, ApiBodyKind::kJson));
  router.Add(ApiV1Route("DELETE", "/events/types/{name}", Role::kAdmin, DeleteType));
}

}  // namespace tagloop
