// Tokens, admin only: POST /tokens (the secret is in this answer only),
// GET /tokens, DELETE /tokens/{id} (revokes).
#include <fmt/format.h>

#include "server/api/api_context.h"
#include "server/api/api_json.h"
#include "server/api/api_routes.h"

namespace tagloop {

namespace {

Json OptionalMs(const std::optional<int64_t>& v) { return v ? Json(*v) : Json(nullptr); }

Json TokenJson(const TokenInfo& t) {
  return {{"id", t.id},
          {"name", t.name},
          {"role", RoleName(t.role)},
          {"created_at_ms", t.created_at_ms},
          {"created_by", t.created_by},
          {"last_used_at_ms", OptionalMs(t.last_used_at_ms)},
          {"revoked_at_ms", OptionalMs(t.revoked_at_ms)},
          {"active", t.active()}};
}

Result<int64_t> TokenId(const std::string& text) {
  int64_t id = 0;
  if (text.empty() || text.size() > 18)
    return Status::InvalidArgument(fmt::format("invalid token id '{}'", text));
  for (char c : text) {
    if (c < '0' || c > '9') return Status::InvalidArgument(fmt::format("invalid token id '{}'", text));
    id = id * 10 + (c - '0');
  }
  return id;
}

Result<HttpResponse> Create(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"name", "role"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string name, body.String("name"));
  TAGLOOP_ASSIGN_OR_RETURN(std::string role_text, body.String("role"));
  TAGLOOP_ASSIGN_OR_RETURN(Role role, ParseRole(role_text));
  TAGLOOP_ASSIGN_OR_RETURN(CreatedToken created, ctx.workspace->tokens().Create(name, role, call.principal.name));
  AuditEntry entry =
      AuditEntry::For(call.principal, audit_action::kTokensCreate, std::to_string(created.id), 1);
  entry.detail = fmt::format("name={} role={}", name, RoleName(role));
  AuditChange(ctx, std::move(entry));
  return JsonResponse(
      {{"id", created.id}, {"name", name}, {"role", RoleName(role)}, {"token", created.secret}}, 201);
}

Result<HttpResponse> List(ApiContext& ctx, ApiCall&) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<TokenInfo> tokens, ctx.workspace->tokens().List());
  Json list = Json::array();
  for (const TokenInfo& t : tokens) list.push_back(TokenJson(t));
  return JsonResponse({{"tokens", std::move(list)}});
}

Result<HttpResponse> Revoke(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(int64_t id, TokenId(call.path_params[0]));
  TAGLOOP_RETURN_IF_ERROR(ctx.workspace->tokens().Revoke(id));
  AuditChange(ctx, AuditEntry::For(call.principal, audit_action::kTokensRevoke, std::to_string(id), 1));
  HttpResponse r;
  r.status = 204;
  return r;
}

}  // namespace

void AddTokenRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/tokens", Role::kAdmin, Create, ApiBodyKind::kJson));
  router.Add(ApiV1Route("GET", "/tokens", Role::kAdmin, List));
  router.Add(ApiV1Route("DELETE", "/tokens/{id}", Role::kAdmin, Revoke));
}

}  // namespace tagloop
