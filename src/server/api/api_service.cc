#include "server/api/api_service.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include "auth/token_format.h"
#include "server/api/api_error.h"
#include "server/api/api_routes.h"

namespace tagloop {

namespace {

struct ApiExchange : HttpExchangeState {
  const ApiRoute* route = nullptr;
  std::string method;  // for unmatched requests' log lines
  ApiCall call;
};

std::vector<std::pair<std::string, std::string>> RouteLabels(const ApiRouter& router) {
  std::vector<std::pair<std::string, std::string>> out;
  for (const ApiRoute& r : router.routes()) out.emplace_back(r.method, r.pattern);
  return out;
}

// The media type without parameters, lower-case: "application/json".
std::string MediaType(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && t.back() == ' ') t.remove_suffix(1);
  while (!t.empty() && t.front() == ' ') t.remove_prefix(1);
  std::string out(t);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool HasBody(const HttpRequest& request) {
  std::string_view length = request.Header("content-length");
  return (!length.empty() && length != "0") || request.HasHeader("transfer-encoding");
}

}  // namespace

Status RecordAudit(ApiContext& ctx, AuditEntry entry) { return ctx.workspace->audit().Record(std::move(entry)); }

HttpResponse AuditUnavailable(const Status& status) {
  spdlog::error("audit log refused an entry, request refused: {}", status.ToString());
  return ErrorResponse(503, "unavailable", "the audit log cannot be written; try again later");
}

void AuditChange(ApiContext& ctx, AuditEntry entry) {
  if (Status st = RecordAudit(ctx, std::move(entry)); !st.ok()) {
    spdlog::error("audit log refused an entry for a change already made: {}", st.ToString());
  }
}

ApiService::ApiService(ApiContext context)
    : router_(BuildApiRouter()),
      metrics_(std::make_unique<ServerMetrics>(RouteLabels(router_))),
      ctx_(std::move(context)) {
  ctx_.metrics = metrics_.get();
}

ApiService::~ApiService() = default;

HttpRequestPlan ApiService::Reject(HttpRequestPlan plan, HttpResponse response) {
  plan.reject = std::make_unique<HttpResponse>(std::move(response));
  return plan;
}

HttpRequestPlan ApiService::Plan(const HttpRequest& request) {
  metrics_->in_flight.fetch_add(1, std::memory_order_relaxed);
  HttpRequestPlan plan;
  plan.body_limit = ctx_.options->max_body_bytes;
  auto state = std::make_unique<ApiExchange>();
  ApiExchange& ex = *state;
  ex.method = request.method;
  plan.state = std::move(state);

  std::string_view target = request.target;
  size_t q = target.find('?');
  std::string_view path = target.substr(0, q);
  std::string_view query = q == std::string_view::npos ? std::string_view() : target.substr(q + 1);

  auto match = router_.Find(request.method, path);
  if (!match.ok()) return Reject(std::move(plan), StatusResponse(match.status()));
  if (!match->route) {
    if (!match->allow.empty()) {
      HttpResponse r = ErrorResponse(
          405, "method_not_allowed",
          fmt::format("method {} is not allowed here (allowed: {})", request.method, match->allow),
          ErrorReason::kMethodNotAllowed);
      r.headers.emplace_back("Allow", match->allow);
      return Reject(std::move(plan), std::move(r));
    }
    if (ctx_.web && request.method == "GET" && !path.starts_with("/api/")) {
      return Reject(std::move(plan), ctx_.web->Serve(path, request.Header("if-none-match")));
    }
    return Reject(std::move(plan), ErrorResponse(404, "not_found", "no such endpoint", ErrorReason::kNoSuchEndpoint));
  }
  const ApiRoute& route = *match->route;
  ex.route = &route;
  ex.call.path_params = std::move(match->path_params);

  auto params = ParseQueryString(query);
  if (!params.ok()) return Reject(std::move(plan), StatusResponse(params.status()));
  for (auto& [name, value] : *params) {
    bool known = false;
    for (const std::string& a : route.query_params) known = known || a == name;
    if (!known) {
      std::string accepted;
      for (const std::string& a : route.query_params) accepted += (accepted.empty() ? "" : ", ") + a;
      return Reject(
          std::move(plan),
          StatusResponse(Status::InvalidArgument(fmt::format(
              "unknown query parameter '{}' ({})", name,
              accepted.empty() ? std::string("this endpoint takes none") : "accepted: " + accepted))));
    }
  }
  ex.call.query = std::move(*params);

  if (route.min_role) {
    auto secret = ParseBearerHeader(request.Header("authorization"));
    if (!secret.ok()) return Reject(std::move(plan), StatusResponse(secret.status()));
    auto principal = ctx_.workspace->tokens().Authenticate(*secret);
    if (!principal.ok()) {
      if (principal.status().code() != Status::Code::kUnauthenticated) {
        spdlog::error("authentication failed: {}", principal.status().ToString());
        return Reject(std::move(plan),
                      ErrorResponse(503, "unavailable", "authentication is unavailable; try again later"));
      }
      return Reject(std::move(plan), StatusResponse(principal.status()));
    }
    ex.call.principal = std::move(*principal);
    if (!RoleAllows(ex.call.principal.role, *route.min_role)) {
      return Reject(std::move(plan),
                    StatusResponse(Status::PermissionDenied(
                        fmt::format("{} {} needs the {} role; this token has {}", route.method, route.pattern,
                                    RoleName(*route.min_role), RoleName(ex.call.principal.role)))
                        .With(ErrorReason::kRoleRequired, {{"method", route.method},
                                                           {"path", route.pattern},
                                                           {"required", std::string(RoleName(*route.min_role))},
                                                           {"role", std::string(RoleName(ex.call.principal.role))}})));
    }
  }

  if (HasBody(request)) {
    std::string type = MediaType(request.Header("content-type"));
    if (route.body == ApiBodyKind::kJson && !type.empty() && type != "application/json") {
      return Reject(std::move(plan), ErrorResponse(415, "unsupported_media_type",
                                                   fmt::format("expected application/json, not {}", type)));
    }
    if (route.body == ApiBodyKind::kEvents && !type.empty() && type != "application/json" &&
        type != "application/x-ndjson" && type != "application/ndjson") {
      return Reject(std::move(plan),
                    ErrorResponse(415, "unsupported_media_type",
                                  fmt::format("expected application/json or application/x-ndjson, not {}", type)));
    }
    if (route.body == ApiBodyKind::kCsv && !type.empty() && type != "text/csv" && type != "text/plain" &&
        type != "application/octet-stream") {
      return Reject(std::move(plan), ErrorResponse(415, "unsupported_media_type",
                                                   fmt::format("expected text/csv, not {}", type)));
    }
  }
  if (route.body == ApiBodyKind::kCsv) plan.body_limit = ctx_.options->max_import_bytes;
  if (route.body == ApiBodyKind::kEvents) plan.body_limit = ctx_.options->max_event_bytes;
  plan.blocking = route.blocking;
  return plan;
}

HttpResponse ApiService::Handle(HttpRequest& request, HttpRequestPlan& plan) {
  auto& ex = static_cast<ApiExchange&>(*plan.state);
  ex.call.request = &request;
  ex.call.deadline = Deadline::After(ctx_.env, static_cast<int64_t>(ctx_.options->query_timeout * 1e6));
  Result<HttpResponse> r = Status::Internal("no response");
  try {
    r = ex.route->handler(ctx_, ex.call);
  } catch (const std::exception& e) {
    r = Status::Internal(fmt::format("exception: {}", e.what()));
  }
  if (r.ok()) return std::move(r).value();
  if (HttpStatusFor(r.status().code()) >= 500) {
    std::string detail = r.status().ToString();
    RedactTokenSecrets(detail);
    spdlog::error("{} {} failed: {}", ex.route->method, ex.route->pattern, detail);
  }
  return StatusResponse(r.status());
}

void ApiService::Finish(HttpRequestPlan& plan, const HttpExchangeResult& result) {
  metrics_->in_flight.fetch_sub(1, std::memory_order_relaxed);
  auto* ex = static_cast<ApiExchange*>(plan.state.get());
  const ApiRoute* route = ex ? ex->route : nullptr;
  metrics_->RecordRequest(route ? route->id : metrics_->unmatched_route(), result.status, result.micros);
  auto level = result.status >= 500 || result.aborted ? spdlog::level::warn : spdlog::level::info;
  if (!spdlog::should_log(level)) return;
  std::string_view principal =
      ex && !ex->call.principal.name.empty() ? std::string_view(ex->call.principal.name) : "-";
  spdlog::log(level, "http method={} route={} status={} latency_us={} bytes={} principal={}{}",
              route ? route->method : (ex ? ex->method : "-"), route ? route->pattern : "unmatched",
              result.status, result.micros, result.body_bytes, principal,
              result.aborted ? " aborted=true" : "");
}

HttpResponse ApiService::ProtocolError(int status, std::string_view message) {
  const char* code = "invalid_argument";
  switch (status) {
    case 404: code = "not_found"; break;
    case 405: code = "method_not_allowed"; break;
    case 408: code = "timeout"; break;
    case 413: code = "payload_too_large"; break;
    case 415: code = "unsupported_media_type"; break;
    case 431: code = "header_too_large"; break;
    case 500: code = "internal"; break;
    case 503: code = "unavailable"; break;
    default: break;
  }
  return ErrorResponse(status, code, message);
}

}  // namespace tagloop
