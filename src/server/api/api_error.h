// The API's one error shape and the one mapping from Status to HTTP:
//   {"error": {"code": "invalid_argument", "message": "...", "position": 12,
//              "reason": "unknown_tag", "args": {"tag": "agee", "suggestion": "age"}}}
// ("position" only when the Status has one: a byte offset into the segment
// expression, or into the JSON body for a syntax error). "reason" is the
// Status's machine-readable reason (core/error_reason.h), or the code when it
// has none; "args" its named arguments (an object, maybe empty). Clients
// translate by reason and args, never by the English message.
#pragma once

#include <string_view>

#include "core/status.h"
#include "server/http/http_message.h"

namespace tagloop {

// InvalidArgument 400, Unauthenticated 401, PermissionDenied 403, NotFound
// 404, AlreadyExists, FailedPrecondition and Cancelled 409, ResourceExhausted
// 413, DeadlineExceeded 504, and 500 for everything else (Corruption,
// IOError, Internal).
int HttpStatusFor(Status::Code code);

// "invalid_argument", "not_found", ... (the "code" field).
const char* ErrorCodeName(Status::Code code);

// The error response for a non-OK status. 5xx responses carry a generic
// message (the details go to the log, not to the caller); 401 responses add
// `WWW-Authenticate: Bearer`.
HttpResponse StatusResponse(const Status& status);

// An error response for protocol-level failures that are not a Status
// (unknown route 404, wrong method 405, oversize 413, media type 415, 431):
// `code` is e.g. "not_found", "method_not_allowed".
// `reason` defaults to the code.
HttpResponse ErrorResponse(int http_status, std::string_view code, std::string_view message,
                           ErrorReason reason = ErrorReason::kNone);

}  // namespace tagloop
