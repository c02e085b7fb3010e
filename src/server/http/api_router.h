// Routes of the REST API: a method and a path pattern ("/api/v1/tags/{name}")
// with what the route needs (minimum role, body kind, accepted query
// parameters, whether it is long work) and its handler. Matching splits the
// path on '/', percent-decodes each path parameter ("%2F" in an external id
// is a '/'), and tells "no such path" (404) from "wrong method" (405, with
// the methods that exist for the path).
#pragma once

#include <cstddef>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "auth/roles.h"
#include "core/deadline.h"
#include "core/status.h"
#include "server/http/http_message.h"

namespace tagloop {

struct ApiContext;

// One call to a route: the request, the decoded path and query parameters,
// and who is calling.
struct ApiCall {
  const HttpRequest* request = nullptr;
  std::vector<std::string> path_params;  // in the order of the pattern's {...}
  std::vector<std::pair<std::string, std::string>> query;  // decoded; only accepted names
  Principal principal;                    // empty for routes without authentication
  // The request's time limit for queries (counts, queries, insight,
  // reports): ServerOptions::query_timeout from when its handler starts.
  // QueryOptionsFor passes it to every query (api/api_context.h).
  Deadline deadline;

  // The value of query parameter `name`, if given.
  std::optional<std::string_view> Query(std::string_view name) const {
    for (const auto& [k, v] : query) {
      if (k == name) return std::string_view(v);
    }
    return std::nullopt;
  }
};

// A handler's error becomes the API error shape (api/api_error.h).
using ApiHandlerFn = std::function<Result<HttpResponse>(ApiContext&, ApiCall&)>;

enum class ApiBodyKind : uint8_t {
  kNone,  // no body expected (one is still accepted up to max_body_bytes)
  kJson,  // application/json, up to max_body_bytes
  kCsv,   // text/csv, up to max_import_bytes
  kEvents,  // application/json or application/x-ndjson, up to max_event_bytes
};

struct ApiRoute {
  std::string method;                 // "GET", "POST", "PUT", "DELETE"
  std::string pattern;                // "/api/v1/tags/{name}"; the metrics/log label
  std::optional<Role> min_role;       // nullopt: no authentication at all
  ApiBodyKind body = ApiBodyKind::kNone;
  bool blocking = false;              // long work: runs on the blocking pool
  std::vector<std::string> query_params;  // accepted query parameter names
  ApiHandlerFn handler;
  size_t id = 0;                      // index in the router, set by Add
};

class ApiRouter {
 public:
  void Add(ApiRoute route);
  const std::vector<ApiRoute>& routes() const { return routes_; }

  struct Match {
    const ApiRoute* route = nullptr;       // null: see allow
    std::vector<std::string> path_params;  // decoded
    std::string allow;                     // path exists with other methods: "GET, DELETE"
  };
  // Matches a path (without the query string). InvalidArgument for a bad
  // percent-encoding in a path parameter.
  Result<Match> Find(std::string_view method, std::string_view path) const;

 private:
  struct Compiled {
    std::vector<std::string> segments;  // "{}" for a parameter
  };
  std::vector<ApiRoute> routes_;
  std::vector<Compiled> compiled_;
};

// Decodes %XX escapes (and '+' as a space when `plus_is_space`, for query
// strings). InvalidArgument for a truncated or non-hex escape.
Result<std::string> PercentDecode(std::string_view text, bool plus_is_space);

// Splits "a=1&b=x%20y" into decoded pairs (a key without '=' has value "").
Result<std::vector<std::pair<std::string, std::string>>> ParseQueryString(std::string_view query);

}  // namespace tagloop
