// GET /health (no token), /version, /me (the caller), /metrics (Prometheus text; also at the
// root path /metrics), /openapi.json.
#include <fmt/format.h>

#include "server/api/api_context.h"
#include "server/api/api_json.h"
#include "server/api/api_routes.h"
#include "server/openapi_spec.h"

namespace tagloop {

namespace {

constexpr const char* kTagloopVersion = "0.1.0";

Result<HttpResponse> Health(ApiContext&, ApiCall&) { return JsonResponse({{"status", "ok"}}); }

Result<HttpResponse> Version(ApiContext& ctx, ApiCall&) {
  auto snap = ctx.workspace->store().snapshot();
  return JsonResponse({{"version", kTagloopVersion},
                       {"api", "v1"},
                       {"store",
                        {{"generation", snap->generation()},
                         {"users", snap->universe_size()},
                         {"tags", snap->tags().size()}}}});
}

// Who the caller is: what the web UI shows and uses to hide what the role may not do.
Result<HttpResponse> Me(ApiContext&, ApiCall& call) {
  return JsonResponse({{"name", call.principal.name},
                       {"role", RoleName(call.principal.role)},
                       {"token_id", call.principal.token_id}});
}

void AppendGauge(std::string& out, const char* name, const char* help, uint64_t value) {
  out += fmt::format("# HELP {} {}\n# TYPE {} gauge\n{} {}\n", name, help, name, name, value);
}

Result<HttpResponse> Metrics(ApiContext& ctx, ApiCall&) {
  auto snap = ctx.workspace->store().snapshot();
  uint64_t bytes = 0, versions = 0;
  for (const auto& [name, tag] : snap->tags()) {
    versions += tag.versions.size();
    for (const VersionInfo& v : tag.versions) bytes += v.bytes;
  }
  HttpResponse r;
  r.content_type = "text/plain; version=0.0.4; charset=utf-8";
  r.body.reserve(16 << 10);
  ctx.metrics->AppendPrometheus(r.body, ctx.open_connections ? ctx.open_connections() : 0);
  AppendGauge(r.body, "tagloop_store_bytes", "Bytes of the tag version files of the current state.", bytes);
  AppendGauge(r.body, "tagloop_store_users", "Users in the universe (deleted users excluded).",
              snap->universe_size());
  AppendGauge(r.body, "tagloop_store_tags", "Tags in the current state.", snap->tags().size());
  AppendGauge(r.body, "tagloop_store_versions", "Tag versions in the current state.", versions);
  AppendGauge(r.body, "tagloop_store_generation", "Generation of the published state being served.",
              snap->generation());
  AppendGauge(r.body, "tagloop_audit_pending", "Audit entries buffered, not yet written.",
              ctx.workspace->audit().pending());
  if (const events::EventLog* log = ctx.workspace->event_log()) {
    const events::EventLogStats s = log->stats();
    AppendGauge(r.body, "tagloop_event_log_events", "Events in the event log.", s.events);
    AppendGauge(r.body, "tagloop_event_log_bytes", "Bytes of the event log's day files.", s.bytes);
  }
  if (RealtimeEngine* engine = ctx.production->realtime()) {
    const RealtimeStats s = engine->stats();
    AppendGauge(r.body, "tagloop_realtime_tags", "Real-time tags kept live.", s.tags);
    AppendGauge(r.body, "tagloop_realtime_events_applied", "Events applied to real-time tags since start.",
                s.events_applied);
    AppendGauge(r.body, "tagloop_realtime_pending", "Events acknowledged, not yet visible.", s.pending);
    AppendGauge(r.body, "tagloop_realtime_publishes", "Sets of live versions published since start.", s.publishes);
    AppendGauge(r.body, "tagloop_realtime_memory_bytes", "Memory of the real-time rule states.", s.memory_bytes);
  }
  return r;
}

Result<HttpResponse> OpenApi(ApiContext&, ApiCall&) {
  HttpResponse r;
  r.body = std::string(OpenApiSpecJson());
  return r;
}

}  // namespace

void AddSystemRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("GET", "/health", std::nullopt, Health));
  router.Add(ApiV1Route("GET", "/version", Role::kViewer, Version));
  router.Add(ApiV1Route("GET", "/me", Role::kViewer, Me));
  router.Add(ApiV1Route("GET", "/metrics", Role::kViewer, Metrics));
  // Prometheus scrapes /metrics by convention (with a viewer token as its
  // bearer credentials): the same handler outside the versioned prefix.
  ApiRoute root_metrics = ApiV1Route("GET", "", Role::kViewer, Metrics);
  root_metrics.pattern = "/metrics";
  router.Add(std::move(root_metrics));
  router.Add(ApiV1Route("GET", "/openapi.json", Role::kViewer, OpenApi));
}

}  // namespace tagloop
