#include "server/api/api_error.h"

#include "server/api/api_json.h"

namespace tagloop {

int HttpStatusFor(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return 200;
    case Status::Code::kInvalidArgument: return 400;
    case Status::Code::kUnauthenticated: return 401;
    case Status::Code::kPermissionDenied: return 403;
    case Status::Code::kNotFound: return 404;
    case Status::Code::kAlreadyExists: return 409;
    case Status::Code::kFailedPrecondition: return 409;
    case Status::Code::kResourceExhausted: return 413;
    case Status::Code::kCancelled: return 409;
    case Status::Code::kUnavailable: return 503;
    case Status::Code::kDeadlineExceeded: return 504;
    case Status::Code::kCorruption:
    case Status::Code::kIOError:
    case Status::Code::kInternal: return 500;
  }
  return 500;
}

const char* ErrorCodeName(Status::Code code) {
  switch (code) {
    case Status::Code::kOk: return "ok";
    case Status::Code::kInvalidArgument: return "invalid_argument";
    case Status::Code::kNotFound: return "not_found";
    case Status::Code::kAlreadyExists: return "already_exists";
    case Status::Code::kCorruption: return "internal";
    case Status::Code::kIOError: return "internal";
    case Status::Code::kFailedPrecondition: return "failed_precondition";
    case Status::Code::kUnauthenticated: return "unauthenticated";
    case Status::Code::kPermissionDenied: return "permission_denied";
    case Status::Code::kResourceExhausted: return "resource_exhausted";
    case Status::Code::kDeadlineExceeded: return "deadline_exceeded";
    case Status::Code::kCancelled: return "cancelled";
    case Status::Code::kUnavailable: return "unavailable";
    case Status::Code::kInternal: return "internal";
  }
  return "internal";
}

namespace {

HttpResponse ErrorBody(int http_status, std::string_view code, std::string_view message,
                       std::optional<size_t> position, std::string_view reason = {},
                       const Status::ReasonArgs& args = {}) {
  Json error = {{"code", code}, {"message", message}};
  if (position) error["position"] = *position;
  // Every error has a reason: the specific one when the Status carries it,
  // else its code (clients translate by reason, core/error_reason.h).
  error["reason"] = reason.empty() ? code : reason;
  Json by_name = Json::object();
  for (const auto& [name, value] : args) by_name[name] = value;
  error["args"] = std::move(by_name);
  HttpResponse r;
  r.status = http_status;
  r.body = DumpJson(Json{{"error", std::move(error)}});
  if (http_status == 401) r.headers.emplace_back("WWW-Authenticate", "Bearer realm=\"tagloop\"");
  return r;
}

}  // namespace

HttpResponse StatusResponse(const Status& status) {
  int http_status = HttpStatusFor(status.code());
  // A time limit (504, and 503: the server's query_timeout) is the caller's
  // business; other 5xx are server faults.
  if (http_status >= 500 && status.code() != Status::Code::kDeadlineExceeded &&
      status.code() != Status::Code::kUnavailable)
    return ErrorBody(http_status, "internal", "internal error (see the server log)", std::nullopt);
  return ErrorBody(http_status, ErrorCodeName(status.code()), status.message(), status.position(),
                   ErrorReasonName(status.reason()), status.reason_args());
}

HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message, ErrorReason reason) {
  return ErrorBody(http_status, code, message, std::nullopt, ErrorReasonName(reason));
}

}  // namespace tagloop
