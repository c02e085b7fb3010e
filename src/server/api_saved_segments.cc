// Saved segments: POST /segments, GET /segments, GET/PUT/DELETE
// /segments/{name}, GET /segments/{name}/count.
#include <fmt/format.h>

#include <chrono>

#include "segment/segment.h"
#include "server/api_context.h"
#include "server/api_json.h"
#include "server/api_routes.h"

namespace tagloop {

namespace {

Json SegmentJson(const SavedSegment& s) {
  return {
      {"name", s.name}, {"expr", s.expr}, {"created_unix", s.created_unix}, {"updated_unix", s.updated_unix}};
}

Result<HttpResponse> Create(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"name", "expr"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string name, body.String("name"));
  TAGLOOP_ASSIGN_OR_RETURN(std::string expr, body.String("expr"));
  TAGLOOP_RETURN_IF_ERROR(SavedSegments::ValidateName(name));
  if (ctx.segments->Get(name).ok()) {
    return Status::AlreadyExists(
        fmt::format("segment '{}' exists (PUT /segments/{{name}} replaces it)", name));
  }
  TAGLOOP_RETURN_IF_ERROR(ctx.segments->Save(name, expr, *ctx.store->snapshot(), ctx.Today()));
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment saved, ctx.segments->Get(name));
  HttpResponse r = JsonResponse(SegmentJson(saved), 201);
  return r;
}

Result<HttpResponse> Replace(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"expr"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string expr, body.String("expr"));
  const std::string& name = call.path_params[0];
  TAGLOOP_RETURN_IF_ERROR(ctx.segments->Save(name, expr, *ctx.store->snapshot(), ctx.Today()));
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment saved, ctx.segments->Get(name));
  return JsonResponse(SegmentJson(saved));
}

Result<HttpResponse> List(ApiContext& ctx, ApiCall&) {
  Json list = Json::array();
  for (const SavedSegment& s : ctx.segments->List()) list.push_back(SegmentJson(s));
  return JsonResponse({{"segments", std::move(list)}});
}

Result<HttpResponse> Get(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment saved, ctx.segments->Get(call.path_params[0]));
  return JsonResponse(SegmentJson(saved));
}

Result<HttpResponse> Delete(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_RETURN_IF_ERROR(ctx.segments->Delete(call.path_params[0]));
  HttpResponse r;
  r.status = 204;
  return r;
}

Result<HttpResponse> Count(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(SavedSegment saved, ctx.segments->Get(call.path_params[0]));
  TAGLOOP_ASSIGN_OR_RETURN(Days as_of, QueryDate(call, "as_of", ctx.Today()));
  auto snap = ctx.store->snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  SegmentQueryOptions options = QueryOptionsFor(ctx, as_of, &access);
  auto start = std::chrono::steady_clock::now();
  auto n = CountSegment(*snap, saved.expr, options);
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
  RecordTagUse(ctx, call, *snap, saved.expr, options, "segment");
  return JsonResponse(
      {{"name", saved.name}, {"count", *n}, {"as_of", FormatDate(as_of)}, {"elapsed_ms", micros / 1000.0}});
}

}  // namespace

void AddSavedSegmentRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/segments", Role::kAnalyst, Create, ApiBodyKind::kJson));
  router.Add(ApiV1Route("GET", "/segments", Role::kAnalyst, List));
  router.Add(ApiV1Route("GET", "/segments/{name}", Role::kAnalyst, Get));
  router.Add(ApiV1Route("PUT", "/segments/{name}", Role::kAnalyst, Replace, ApiBodyKind::kJson));
  router.Add(ApiV1Route("DELETE", "/segments/{name}", Role::kAnalyst, Delete));
  router.Add(
      ApiV1Route("GET", "/segments/{name}/count", Role::kViewer, Count, ApiBodyKind::kNone, {"as_of"}));
}

}  // namespace tagloop
