// Production runs and what they leave behind: POST /catalog/tags/{name}/runs
// (a manual or repair run, optionally waited for), POST
// /catalog/tags/{name}/backfill, GET /catalog/tags/{name}/runs, GET
// /catalog/runs/{id}, POST /catalog/runs/{id}/cancel, GET
// /catalog/tags/{name}/quality and GET /catalog/tags/{name}/usage; across
// tags: GET /catalog/runs (jobs) and GET /catalog/quality (checks).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <map>

#include "server/api/catalog/api_catalog.h"
#include "server/api/api_routes.h"

namespace tagloop {

namespace {

using namespace catalog_api;

constexpr uint64_t kMaxWaitSeconds = 600;

// A body that may be left out entirely (every field optional).
Result<JsonBody> OptionalBody(const ApiCall& call, std::initializer_list<std::string_view> allowed) {
  std::string_view body = call.request->body;
  if (body.find_first_not_of(" \t\r\n") == std::string_view::npos) body = "{}";
  return JsonBody::Parse(body, allowed);
}

// A tag that may be produced now: defined and not offline.
Result<TagEntry> ProducibleEntry(ApiContext& ctx, std::string_view name) {
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, DefinedEntry(ctx, name));
  if (entry.status == TagStatus::kOffline) {
    return Status::FailedPrecondition(
        fmt::format("tag '{}' is offline and does not produce; restore it first", name));
  }
  return entry;
}

Result<std::optional<int64_t>> DefinitionVersionField(ApiContext& ctx, const JsonBody& body,
                                                      std::string_view tag) {
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<uint64_t> v, body.OptionalUint("definition_version", INT64_MAX));
  if (!v) return std::optional<int64_t>();
  TAGLOOP_RETURN_IF_ERROR(ctx.workspace->catalog().GetVersion(tag, static_cast<int64_t>(*v)).status());
  return std::optional<int64_t>(static_cast<int64_t>(*v));
}

Result<HttpResponse> StartRun(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body,
                           OptionalBody(call, {"date", "definition_version", "wait_seconds", "repair"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> date, body.OptionalDate("date"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<uint64_t> wait, body.OptionalUint("wait_seconds", kMaxWaitSeconds));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<bool> repair, body.OptionalBool("repair"));
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, ProducibleEntry(ctx, name));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> version, DefinitionVersionField(ctx, body, name));
  Scheduler& scheduler = ctx.production->scheduler();
  JobRequest job;
  job.tag = name;
  job.biz_date = date.value_or(scheduler.BizDateFor(entry.definition, ctx.env->NowUnixSeconds()));
  job.definition_version = version;
  job.trigger = repair.value_or(false) ? RunTrigger::kRepair : RunTrigger::kManual;
  job.requested_by = call.principal.name;
  TAGLOOP_ASSIGN_OR_RETURN(int64_t run_id, scheduler.Enqueue(job));
  AuditCatalog(
      ctx, call, audit::kRun, name, 1,
      fmt::format("run {} for {} ({})", run_id, FormatDate(job.biz_date), RunTriggerName(job.trigger)));
  Result<RunRecord> run = wait.value_or(0) > 0 ? scheduler.Wait(run_id, std::chrono::seconds(*wait))
                                               : ctx.workspace->runs().Get(run_id);
  if (!run.ok()) return run.status();
  return JsonResponse({{"run_id", run_id}, {"run", RunJson(*run, true)}}, IsFinished(run->state) ? 200 : 202);
}

Result<HttpResponse> Backfill(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body,
                           JsonBody::Parse(call.request->body, {"from", "to", "definition_version"}));
  if (!body.Has("from") || !body.Has("to")) return Status::InvalidArgument("missing field 'from' or 'to'");
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> from, body.OptionalDate("from"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> to, body.OptionalDate("to"));
  TAGLOOP_RETURN_IF_ERROR(ProducibleEntry(ctx, name).status());
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<int64_t> version, DefinitionVersionField(ctx, body, name));
  JobRequest job;
  job.tag = name;
  job.definition_version = version;
  job.trigger = RunTrigger::kBackfill;
  job.requested_by = call.principal.name;
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<int64_t> ids, ctx.production->scheduler().Backfill(job, *from, *to));
  AuditCatalog(ctx, call, audit::kBackfill, name, static_cast<int64_t>(ids.size()),
               fmt::format("{} to {}{}", FormatDate(*from), FormatDate(*to),
                           version ? fmt::format(" with definition v{}", *version) : std::string()));
  return JsonResponse({{"tag", name}, {"from", FormatDate(*from)}, {"to", FormatDate(*to)}, {"run_ids", ids}},
                      202);
}

Result<HttpResponse> ListRuns(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_RETURN_IF_ERROR(VisibleEntry(ctx, call, name).status());
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t limit, QueryLimit(call, "limit", 50, 1000));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<RunRecord> runs, ctx.workspace->runs().List(name, limit));
  Json list = Json::array();
  for (const RunRecord& r : runs) list.push_back(RunJson(r, false));
  return JsonResponse({{"tag", name}, {"runs", std::move(list)}});
}

// A run the caller may see (the same visibility as its tag).
Result<RunRecord> VisibleRun(ApiContext& ctx, const ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(int64_t id, PathId(call.path_params[0], "run id"));
  Result<RunRecord> run = ctx.workspace->runs().Get(id);
  if (!run.ok())
    return run.status().code() == Status::Code::kNotFound ? Status::NotFound(fmt::format("no run {}", id))
                                                          : run.status();
  TagStatus status = ctx.production->scheduler().view()->StatusOf(run->tag);
  if (!MaySee(status, call.principal.role)) return Status::NotFound(fmt::format("no run {}", id));
  return run;
}

Result<HttpResponse> GetRun(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(RunRecord run, VisibleRun(ctx, call));
  return JsonResponse(RunJson(run, true));
}

Result<HttpResponse> CancelRun(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(RunRecord run, VisibleRun(ctx, call));
  auto finished = [&](const RunRecord& r) {
    return Status::FailedPrecondition(
        fmt::format("run {} has already finished ({})", r.id, RunStateName(r.state)));
  };
  if (IsFinished(run.state)) return finished(run);
  Status cancelled = ctx.production->scheduler().Cancel(run.id);
  if (cancelled.code() == Status::Code::kNotFound) {  // it finished meanwhile
    TAGLOOP_ASSIGN_OR_RETURN(run, ctx.workspace->runs().Get(run.id));
    return finished(run);
  }
  TAGLOOP_RETURN_IF_ERROR(cancelled);
  AuditCatalog(ctx, call, audit::kCancel, std::to_string(run.id), 1,
               fmt::format("tag {} for {}", run.tag, FormatDate(run.biz_date)));
  // A running job stops at its next check (a source polls every ~50 ms).
  TAGLOOP_ASSIGN_OR_RETURN(run, ctx.production->scheduler().Wait(run.id, std::chrono::seconds(5)));
  return JsonResponse(RunJson(run, true), IsFinished(run.state) ? 200 : 202);
}

// Runs of every tag the caller may see, newest first: GET
// /catalog/runs?state=queued,running&limit= (the jobs page: what is
// running, what failed).
Result<HttpResponse> ListAllRuns(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t limit, QueryLimit(call, "limit", 50, 1000));
  std::vector<RunState> states;
  if (std::optional<std::string_view> text = call.Query("state")) {
    for (std::string_view rest = *text; !rest.empty();) {
      const size_t comma = rest.find(',');
      Result<RunState> parsed = ParseRunState(rest.substr(0, comma));
      if (!parsed.ok()) return Status::InvalidArgument("query parameter 'state': " + parsed.status().message());
      states.push_back(*parsed);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<RunRecord> runs, ctx.workspace->runs().List("", limit, states));
  std::shared_ptr<const CatalogView> view = ctx.production->scheduler().view();
  Json list = Json::array();
  for (const RunRecord& r : runs) {
    if (MaySee(view->StatusOf(r.tag), call.principal.role)) list.push_back(RunJson(r, false));
  }
  return JsonResponse({{"runs", std::move(list)}});
}

Json QualityJson(const QualityEntry& e) {
  return {{"tag", e.tag},
          {"run_id", e.run_id},
          {"biz_date", FormatDate(e.biz_date)},
          {"at_ms", e.at_ms},
          {"check", e.record.check},
          {"passed", e.record.passed},
          {"observed", e.record.observed},
          {"bound", e.record.bound},
          {"message", e.record.message}};
}

// Quality checks of every tag the caller may see, newest first:
// GET /catalog/quality?failed=true&limit= (the quality page).
Result<HttpResponse> AllQuality(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t limit, QueryLimit(call, "limit", 100, 10000));
  TAGLOOP_ASSIGN_OR_RETURN(bool failed_only, QueryBool(call, "failed"));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<QualityEntry> entries,
                           ctx.workspace->runs().Quality("", limit, failed_only));
  std::shared_ptr<const CatalogView> view = ctx.production->scheduler().view();
  Json list = Json::array();
  for (const QualityEntry& e : entries) {
    if (MaySee(view->StatusOf(e.tag), call.principal.role)) list.push_back(QualityJson(e));
  }
  return JsonResponse({{"checks", std::move(list)}});
}

Result<HttpResponse> Quality(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_RETURN_IF_ERROR(VisibleEntry(ctx, call, name).status());
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t limit, QueryLimit(call, "limit", 100, 10000));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<QualityEntry> entries, ctx.workspace->runs().Quality(name, limit));
  Json list = Json::array();
  for (const QualityEntry& e : entries) {
    Json j = QualityJson(e);
    j.erase("tag");
    list.push_back(std::move(j));
  }
  return JsonResponse({{"tag", name}, {"checks", std::move(list)}});
}

Result<HttpResponse> Usage(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_RETURN_IF_ERROR(VisibleEntry(ctx, call, name).status());
  TAGLOOP_RETURN_IF_ERROR(ctx.workspace->usage().Flush());
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<TagUsageRow> rows, ctx.workspace->usage().Rows(name));
  Json list = Json::array();
  std::map<std::string, uint64_t> totals;
  uint64_t uses = 0;
  int64_t last = 0;
  for (const TagUsageRow& r : rows) {
    list.push_back(
        {{"kind", r.kind}, {"principal", r.principal}, {"uses", r.uses}, {"last_used_ms", r.last_used_ms}});
    totals[r.kind] += r.uses;
    uses += r.uses;
    last = std::max(last, r.last_used_ms);
  }
  Json by_kind = Json::object();
  for (const auto& [kind, n] : totals) by_kind[kind] = n;
  return JsonResponse({{"tag", name},
                       {"uses", uses},
                       {"last_used_ms", last > 0 ? Json(last) : Json(nullptr)},
                       {"totals", std::move(by_kind)},
                       {"rows", std::move(list)},
                       {"lineage", LineageJson(LineageOf(ctx, name, /*published_only=*/false))}});
}

}  // namespace

void AddCatalogRunRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/catalog/tags/{name}/runs", Role::kOperator, StartRun, ApiBodyKind::kJson,
                        {},
                        /*blocking=*/true));
  router.Add(
      ApiV1Route("POST", "/catalog/tags/{name}/backfill", Role::kOperator, Backfill, ApiBodyKind::kJson));
  router.Add(
      ApiV1Route("GET", "/catalog/tags/{name}/runs", Role::kViewer, ListRuns, ApiBodyKind::kNone, {"limit"}));
  router.Add(ApiV1Route("GET", "/catalog/tags/{name}/quality", Role::kViewer, Quality, ApiBodyKind::kNone,
                        {"limit"}));
  router.Add(ApiV1Route("GET", "/catalog/tags/{name}/usage", Role::kViewer, Usage));
  router.Add(ApiV1Route("GET", "/catalog/runs", Role::kViewer, ListAllRuns, ApiBodyKind::kNone, {"state", "limit"}));
  router.Add(
      ApiV1Route("GET", "/catalog/quality", Role::kViewer, AllQuality, ApiBodyKind::kNone, {"failed", "limit"}));
  router.Add(ApiV1Route("GET", "/catalog/runs/{id}", Role::kViewer, GetRun));
  router.Add(ApiV1Route("POST", "/catalog/runs/{id}/cancel", Role::kOperator, CancelRun, ApiBodyKind::kNone,
                        {},
                        /*blocking=*/true));
}

}  // namespace tagloop
