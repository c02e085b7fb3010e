// Saved segments: POST /segments, GET /segments (?with_counts: each one's
// count), GET/PUT/DELETE /segments/{name}, GET /segments/{name}/count, and
// the versions of frozen
// segments: GET/POST /segments/{name}/versions. Kinds (saved_segments.h):
// dynamic and snapshot (analyst), sql (operator: it runs a query on a
// source); list segments come from uploads (api_lists.cc).
#include <fmt/format.h>

#include <chrono>

#include "segment/quote.h"
#include "segment/segment.h"
#include "server/api/segments/api_audiences.h"
#include "server/api/catalog/api_catalog.h"
#include "server/api/api_context.h"
#include "server/api/api_json.h"
#include "server/api/api_routes.h"

namespace tagloop {

namespace {

Json SegmentJson(const SavedSegment& s) {
  Json j = {
      {"name", s.name}, {"kind", SegmentKindName(s.kind)}, {"expr", s.expr}, {"description", s.description}};
  if (s.kind == SegmentKind::kSql) {
    j["source"] = s.source_name;
    j["query"] = s.query;
  }
  j["created_unix"] = s.created_unix;
  j["updated_unix"] = s.updated_unix;
  if (s.frozen()) {
    j["versions"] = s.versions.size();
    j["latest_version"] = s.versions.empty() ? Json(nullptr) : VersionJson(s.versions.back());
  }
  return j;
}

// What POST /segments and PUT /segments/{name} ask for.
struct SegmentRequest {
  std::string name;
  SegmentKind kind = SegmentKind::kDynamic;
  std::optional<std::string> expr, source, query;
  std::optional<Days> as_of;
  std::optional<std::string> description;  // nullopt: keep the current one ("" when new)
};

Result<SegmentRequest> ParseRequest(const JsonBody& body, std::string name,
                                    const std::optional<SavedSegment>& existing) {
  SegmentRequest r;
  r.name = std::move(name);
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> kind, body.OptionalString("kind"));
  if (kind) {
    TAGLOOP_ASSIGN_OR_RETURN(r.kind, ParseSegmentKind(*kind));
  } else if (existing) {
    r.kind = existing->kind;  // PUT {"expr"} on a snapshot freezes it again
  }
  TAGLOOP_ASSIGN_OR_RETURN(r.expr, body.OptionalString("expr"));
  TAGLOOP_ASSIGN_OR_RETURN(r.source, body.OptionalString("source"));
  TAGLOOP_ASSIGN_OR_RETURN(r.query, body.OptionalString("query"));
  TAGLOOP_ASSIGN_OR_RETURN(r.as_of, body.OptionalDate("as_of"));
  TAGLOOP_ASSIGN_OR_RETURN(r.description, body.OptionalString("description"));
  if (r.description) TAGLOOP_RETURN_IF_ERROR(SavedSegments::ValidateDescription(*r.description));
  auto refuse = [&](std::string_view field) {
    return Status::InvalidArgument(
        fmt::format("'{}' does not apply to a {} segment", field, SegmentKindName(r.kind)));
  };
  switch (r.kind) {
    case SegmentKind::kDynamic:
    case SegmentKind::kSnapshot:
      if (!r.expr) return Status::InvalidArgument("missing field 'expr'");
      if (r.source) return refuse("source");
      if (r.query) return refuse("query");
      if (r.kind == SegmentKind::kDynamic && r.as_of) return refuse("as_of");
      break;
    case SegmentKind::kList:
      return Status::InvalidArgument(
          fmt::format("a list segment is made by uploading its ids: POST /api/v1/segments/{}/list", r.name));
    case SegmentKind::kSql:
      if (!r.source) return Status::InvalidArgument("missing field 'source'");
      if (!r.query) return Status::InvalidArgument("missing field 'query'");
      if (r.expr) return refuse("expr");
      break;
  }
  return r;
}

Status RequireOperatorForSql(const ApiCall& call) {
  if (RoleAllows(call.principal.role, Role::kOperator)) return Status::Ok();
  return Status::PermissionDenied(
      fmt::format("an sql segment runs a query on a source: it needs the operator role; this token has {}",
                  RoleName(call.principal.role)));
}

// A new version of a snapshot or sql segment, with the answer's extra
// fields (an sql run's match report) and whether its audit entry was
// accepted (if not, the version stands but the answer must be a 503).
struct MadeVersion {
  SegmentVersion version;
  Json extra = Json::object();
  Status audit;
};

Result<MadeVersion> NewVersion(ApiContext& ctx, const ApiCall& call, std::string_view name, SegmentKind kind,
                               const std::string& expr, const std::string& source, const std::string& query,
                               Days as_of, const std::optional<std::string>& description = std::nullopt) {
  auto snap = ctx.workspace->store().snapshot();
  if (kind == SegmentKind::kSnapshot) {
    CatalogTagAccess access = TagAccessFor(ctx, call);
    TAGLOOP_ASSIGN_OR_RETURN(
        SegmentVersion v,
        ctx.workspace->segments().Freeze(name, expr, *snap, as_of, call.principal.name, &access, description));
    RecordTagUse(ctx, call, *snap, expr, QueryOptionsFor(ctx, call, as_of, &access), "segment");
    AuditEntry entry =
        AuditEntry::For(call.principal, audience_action::kFreeze, name, static_cast<int64_t>(v.members));
    entry.detail = fmt::format("version={} {}", v.number, v.source);
    AuditChange(ctx, std::move(entry));
    return MadeVersion{v, Json::object(), Status::Ok()};
  }
  SqlAudienceRequest request;
  request.name = std::string(name);
  request.source = source;
  request.query = query;
  request.biz_date = as_of;
  request.created_by = call.principal.name;
  request.description = description;
  TAGLOOP_ASSIGN_OR_RETURN(SqlAudience made, SaveSqlAudience(*ctx.workspace, request, *snap));
  const SegmentVersion& v = made.version;
  const ListMatch& match = made.match;
  AuditEntry entry =
      AuditEntry::For(call.principal, audience_action::kSqlRun, name, static_cast<int64_t>(match.matched));
  entry.detail =
      fmt::format("version={} source={} rows={} unknown={}", v.number, source, match.lines, match.unknown);
  // The report names unknown ids: sent only once the audit entry is accepted.
  Status audit = RecordAudit(ctx, std::move(entry));
  return MadeVersion{v, Json{{"match", MatchJson(match, 0)}}, std::move(audit)};
}

Result<HttpResponse> SaveSegment(ApiContext& ctx, ApiCall& call, const SegmentRequest& r, bool created) {
  if (r.kind == SegmentKind::kDynamic) {
    // Bound with the caller's tag access first: a caller may not save an
    // expression it could not count (a personal tag below operator: 403).
    auto snap = ctx.workspace->store().snapshot();
    CatalogTagAccess access = TagAccessFor(ctx, call);
    TAGLOOP_RETURN_IF_ERROR(ValidateSegment(*snap, *r.expr, QueryOptionsFor(ctx, call, ctx.Today(), &access)));
    TAGLOOP_RETURN_IF_ERROR(ctx.workspace->segments().Save(r.name, *r.expr, *snap, ctx.Today(), r.description));
    TAGLOOP_ASSIGN_OR_RETURN(SavedSegment saved, ctx.workspace->segments().Get(r.name));
    return JsonResponse(SegmentJson(saved), created ? 201 : 200);
  }
  if (r.kind == SegmentKind::kSql) TAGLOOP_RETURN_IF_ERROR(RequireOperatorForSql(call));
  TAGLOOP_ASSIGN_OR_RETURN(MadeVersion made,
                           NewVersion(ctx, call, r.name, r.kind, r.expr.value_or(""), r.source.value_or(""),
                                      r.query.value_or(""), r.as_of.value_or(ctx.Today()), r.description));
  if (!made.audit.ok()) return AuditUnavailable(made.audit);
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment saved, ctx.workspace->segments().Get(r.name));
  Json j = SegmentJson(saved);
  for (auto& [k, v] : made.extra.items()) j[k] = v;
  return JsonResponse(j, created ? 201 : 200);
}

Result<HttpResponse> Create(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(
      JsonBody body, JsonBody::Parse(call.request->body,
                                     {"name", "expr", "kind", "as_of", "source", "query", "description"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string name, body.String("name"));
  TAGLOOP_RETURN_IF_ERROR(SavedSegments::ValidateName(name));
  if (ctx.workspace->segments().Get(name).ok()) {
    return Status::AlreadyExists(
        fmt::format("segment '{}' exists (PUT /segments/{{name}} replaces it)", name));
  }
  TAGLOOP_ASSIGN_OR_RETURN(SegmentRequest r, ParseRequest(body, name, std::nullopt));
  return SaveSegment(ctx, call, r, /*created=*/true);
}

Result<HttpResponse> Replace(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(
      JsonBody body,
      JsonBody::Parse(call.request->body, {"expr", "kind", "as_of", "source", "query", "description"}));
  const std::string& name = call.path_params[0];
  TAGLOOP_RETURN_IF_ERROR(SavedSegments::ValidateName(name));
  Result<SavedSegment> existing = ctx.workspace->segments().Get(name);
  TAGLOOP_ASSIGN_OR_RETURN(
      SegmentRequest r,
      ParseRequest(body, name, existing.ok() ? std::optional<SavedSegment>(*existing) : std::nullopt));
  if (existing.ok() && existing->kind != r.kind) {
    return Status::FailedPrecondition(
        fmt::format("segment '{}' is a {} segment, not a {} one (delete it first to change its kind)", name,
                    SegmentKindName(existing->kind), SegmentKindName(r.kind)));
  }
  return SaveSegment(ctx, call, r, /*created=*/!existing.ok());
}

// The expression that counts a saved segment: a frozen one through
// SEGMENT('name') (its members), a dynamic one its expression.
std::string CountExpression(const SavedSegment& s) { return s.frozen() ? segment::SegmentReference(s.name) : s.expr; }

Result<HttpResponse> List(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(bool with_counts, QueryBool(call, "with_counts"));
  if (!with_counts && call.Query("as_of")) {
    return Status::InvalidArgument("query parameter 'as_of' applies only with with_counts=true");
  }
  TAGLOOP_ASSIGN_OR_RETURN(Days as_of, QueryDate(call, "as_of", ctx.Today()));
  Json list = Json::array();
  if (!with_counts) {
    for (const SavedSegment& s : ctx.workspace->segments().List()) list.push_back(SegmentJson(s));
    return JsonResponse({{"segments", std::move(list)}});
  }
  // One snapshot for every count, so the numbers add up as of one state.
  // A segment that cannot be counted (an offline or dropped tag, a missing
  // member file) says why in its item; the list itself still answers.
  auto snap = ctx.workspace->store().snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  SegmentQueryOptions options = QueryOptionsFor(ctx, call, as_of, &access);
  for (const SavedSegment& s : ctx.workspace->segments().List()) {
    Json j = SegmentJson(s);
    auto start = std::chrono::steady_clock::now();
    Result<uint64_t> n = CountSegment(*snap, CountExpression(s), options);
    int64_t micros =
        std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
            .count();
    ctx.metrics->RecordQuery(QueryKind::kCount, n.ok(), micros);
    if (n.ok()) {
      j["count"] = *n;
    } else {
      j["count"] = nullptr;
      j["count_error"] = n.status().message();
    }
    list.push_back(std::move(j));
  }
  return JsonResponse({{"segments", std::move(list)}, {"as_of", FormatDate(as_of)}});
}

Result<HttpResponse> Get(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment saved, ctx.workspace->segments().Get(call.path_params[0]));
  return JsonResponse(SegmentJson(saved));
}

Result<HttpResponse> Delete(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_RETURN_IF_ERROR(ctx.workspace->segments().Delete(call.path_params[0]));
  HttpResponse r;
  r.status = 204;
  return r;
}

Result<HttpResponse> ListVersions(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment saved, ctx.workspace->segments().Get(call.path_params[0]));
  Json versions = Json::array();
  for (auto it = saved.versions.rbegin(); it != saved.versions.rend(); ++it)
    versions.push_back(VersionJson(*it));
  return JsonResponse({{"name", saved.name}, {"kind", SegmentKindName(saved.kind)}, {"versions", versions}});
}

Result<HttpResponse> AddVersion(ApiContext& ctx, ApiCall& call) {
  std::string_view text = call.request->body;
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body,
                           JsonBody::Parse(text.empty() ? std::string_view("{}") : text, {"as_of"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> as_of, body.OptionalDate("as_of"));
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment saved, ctx.workspace->segments().Get(call.path_params[0]));
  switch (saved.kind) {
    case SegmentKind::kDynamic:
      return Status::FailedPrecondition(fmt::format(
          "segment '{}' is dynamic: it is evaluated at every use and has no versions", saved.name));
    case SegmentKind::kList:
      return Status::FailedPrecondition(
          fmt::format("segment '{}' is a list: upload its new ids with POST /api/v1/segments/{}/list",
                      saved.name, saved.name));
    case SegmentKind::kSql: TAGLOOP_RETURN_IF_ERROR(RequireOperatorForSql(call)); break;
    case SegmentKind::kSnapshot: break;
  }
  TAGLOOP_ASSIGN_OR_RETURN(MadeVersion made,
                           NewVersion(ctx, call, saved.name, saved.kind, saved.expr, saved.source_name,
                                      saved.query, as_of.value_or(ctx.Today())));
  if (!made.audit.ok()) return AuditUnavailable(made.audit);
  Json j = {
      {"name", saved.name}, {"kind", SegmentKindName(saved.kind)}, {"version", VersionJson(made.version)}};
  for (auto& [k, v] : made.extra.items()) j[k] = v;
  return JsonResponse(j, 201);
}

Result<HttpResponse> Count(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment saved, ctx.workspace->segments().Get(call.path_params[0]));
  TAGLOOP_ASSIGN_OR_RETURN(Days as_of, QueryDate(call, "as_of", ctx.Today()));
  auto snap = ctx.workspace->store().snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  SegmentQueryOptions options = QueryOptionsFor(ctx, call, as_of, &access);
  const std::string expr = CountExpression(saved);
  auto start = std::chrono::steady_clock::now();
  auto n = CountSegment(*snap, expr, options);
  int64_t micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  ctx.metrics->RecordQuery(QueryKind::kCount, n.ok(), micros);
  if (!n.ok()) {
    // The saved expression no longer binds (a tag was dropped since): the
    // segment, not the request, is at fault.
    if (n.status().code() == Status::Code::kInvalidArgument) {
      return Status::FailedPrecondition(
          fmt::format("segment '{}' cannot run: {}", saved.name, n.status().message()));
    }
    return n.status();
  }
  RecordTagUse(ctx, call, *snap, expr, options, "segment");
  return JsonResponse(
      {{"name", saved.name}, {"count", *n}, {"as_of", FormatDate(as_of)}, {"elapsed_ms", micros / 1000.0}});
}

}  // namespace

void AddSavedSegmentRoutes(ApiRouter& router) {
  // Blocking: a snapshot is evaluated, an sql segment's query may run for minutes.
  router.Add(
      ApiV1Route("POST", "/segments", Role::kAnalyst, Create, ApiBodyKind::kJson, {}, /*blocking=*/true));
  router.Add(
      ApiV1Route("GET", "/segments", Role::kAnalyst, List, ApiBodyKind::kNone, {"with_counts", "as_of"}));
  router.Add(ApiV1Route("GET", "/segments/{name}", Role::kAnalyst, Get));
  router.Add(ApiV1Route("PUT", "/segments/{name}", Role::kAnalyst, Replace, ApiBodyKind::kJson, {},
                        /*blocking=*/true));
  router.Add(ApiV1Route("DELETE", "/segments/{name}", Role::kAnalyst, Delete));
  router.Add(
      ApiV1Route("GET", "/segments/{name}/count", Role::kViewer, Count, ApiBodyKind::kNone, {"as_of"}));
  router.Add(ApiV1Route("GET", "/segments/{name}/versions", Role::kAnalyst, ListVersions));
  router.Add(ApiV1Route("POST", "/segments/{name}/versions", Role::kAnalyst, AddVersion, ApiBodyKind::kJson,
                        {},
                        /*blocking=*/true));
}

}  // namespace tagloop
