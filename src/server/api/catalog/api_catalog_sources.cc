// SQL sources, admin only: GET /catalog/sources, PUT and DELETE
// /catalog/sources/{name}, POST /catalog/sources/{name}/test.
//
// DELETE is refused (409, error.tags) while tag definitions name the
// source, unless force=true (the audit entry then names those tags).
//
// Passwords are write-only: answers say has_password, audit entries say
// whether one was set, kept or cleared, and the message of a failed
// connection test passes through RedactSecret (the drivers' messages are
// scrubbed already; this is defence in depth).
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <chrono>

#include "server/api/catalog/api_catalog.h"
#include "server/api/api_error.h"
#include "server/api/api_routes.h"
#include "source/source.h"
#include "source/source_registry.h"

namespace tagloop {

namespace {

using namespace catalog_api;

Json SourceJson(const SourceSpec& s, bool has_password) {
  return {{"name", s.name},
          {"kind", s.kind},
          {"connection", s.connection},
          {"has_password", has_password},
          {"password_env", s.password_env.empty() ? Json(nullptr) : Json(s.password_env)},
          {"fetch_rows", s.fetch_rows},
          {"description", DescribeSource(s)},
          {"updated_at_ms", s.updated_at_ms},
          {"updated_by", s.updated_by}};
}

Result<SourceRegistry::Listed> FindListed(ApiContext& ctx, std::string_view name) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<SourceRegistry::Listed> all, ctx.workspace->sources().List());
  for (SourceRegistry::Listed& l : all) {
    if (l.source.name == name) return std::move(l);
  }
  return Status::NotFound(fmt::format("no source '{}'", name));
}

Result<HttpResponse> ListSources(ApiContext& ctx, ApiCall&) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<SourceRegistry::Listed> all, ctx.workspace->sources().List());
  Json list = Json::array();
  for (const SourceRegistry::Listed& l : all) list.push_back(SourceJson(l.source, l.has_password));
  return JsonResponse({{"sources", std::move(list)}});
}

Result<HttpResponse> PutSource(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(
      JsonBody body,
      JsonBody::Parse(call.request->body, {"kind", "connection", "password", "password_env", "fetch_rows"}));
  SourceSpec record;
  record.name = name;
  TAGLOOP_ASSIGN_OR_RETURN(record.kind, body.String("kind"));
  TAGLOOP_ASSIGN_OR_RETURN(record.connection, body.String("connection"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> password, body.OptionalString("password"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> password_env, body.OptionalString("password_env"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<uint64_t> fetch_rows, body.OptionalUint("fetch_rows", 1'000'000));
  record.password = password.value_or("");
  record.password_env = password_env.value_or("");
  record.fetch_rows = static_cast<int64_t>(fetch_rows.value_or(10'000));
  // Without "password" the stored one stays (edits need not resend it).
  bool keep_password = !password.has_value();
  TAGLOOP_RETURN_IF_ERROR(ctx.workspace->sources().Put(record, call.principal.name, keep_password));
  const char* password_change = !record.password_env.empty()     ? "from the environment"
                                : password && !password->empty() ? "set"
                                : password                       ? "cleared"
                                                                 : "kept";
  AuditCatalog(ctx, call, audit::kSourcePut, name, 1,
               fmt::format("{}; password {}", DescribeSource(record), password_change));
  RefreshCatalog(ctx);
  TAGLOOP_ASSIGN_OR_RETURN(SourceRegistry::Listed stored, FindListed(ctx, name));
  return JsonResponse(SourceJson(stored.source, stored.has_password));
}

Result<HttpResponse> DeleteSource(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(bool force, QueryBool(call, "force"));
  std::vector<std::string> naming;
  Status st = RemoveSource(ctx.workspace->sources(), ctx.workspace->catalog(), name, force, &naming);
  if (st.code() == Status::Code::kFailedPrecondition && !naming.empty()) {
    HttpResponse r = ErrorResponse(409, "failed_precondition", st.message() + " with force=true");
    Json body = Json::parse(r.body);
    body["error"]["tags"] = naming;
    r.body = DumpJson(body);
    return r;
  }
  TAGLOOP_RETURN_IF_ERROR(st);
  AuditCatalog(ctx, call, audit::kSourceDelete, name, 1,
               naming.empty() ? "" : fmt::format("forced; still named by tags {}", fmt::join(naming, ", ")));
  RefreshCatalog(ctx);
  return NoContent();
}

Result<HttpResponse> TestSource(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(SourceSpec record, ctx.workspace->sources().Get(name));
  auto start = std::chrono::steady_clock::now();
  Status st = [&]() -> Status {
    TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, OpenSource(record, ctx.workspace->store().dir()));
    return source->Ping();
  }();
  double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  Json error = nullptr;
  if (!st.ok()) {
    error = {{"code", ErrorCodeName(st.code())}, {"message", RedactSecret(st.message(), record.password)}};
  }
  return JsonResponse({{"name", name},
                       {"ok", st.ok()},
                       {"description", DescribeSource(record)},
                       {"error", std::move(error)},
                       {"elapsed_ms", ms}});
}

}  // namespace

void AddCatalogSourceRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("GET", "/catalog/sources", Role::kAdmin, ListSources));
  router.Add(ApiV1Route("PUT", "/catalog/sources/{name}", Role::kAdmin, PutSource, ApiBodyKind::kJson));
  router.Add(ApiV1Route("DELETE", "/catalog/sources/{name}", Role::kAdmin, DeleteSource, ApiBodyKind::kNone,
                        {"force"}));
  router.Add(ApiV1Route("POST", "/catalog/sources/{name}/test", Role::kAdmin, TestSource, ApiBodyKind::kNone,
                        {},
                        /*blocking=*/true));
}

}  // namespace tagloop
