// The HTTP request and response as the API sees them: plain structs with no
// Beast types, so handlers compile without Boost (only http_server.cc
// includes Beast). Header names are lower-case.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace tagloop {

struct HttpRequest {
  std::string method;  // "GET", "POST", ...
  std::string target;  // as sent: "/api/v1/tags?x=1"
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-case, in order
  std::string body;    // empty until the body is read
  bool keep_alive = true;

  // The first header with this (lower-case) name; "" when absent.
  std::string_view Header(std::string_view lower_name) const {
    for (const auto& [k, v] : headers) {
      if (k == lower_name) return v;
    }
    return {};
  }
  bool HasHeader(std::string_view lower_name) const {
    for (const auto& [k, v] : headers) {
      if (k == lower_name) return true;
    }
    return false;
  }
};

// Produces a streamed (chunked) body piece by piece: appends the next piece
// to `out` and returns true while more follows; false after the last piece
// (which may be empty). Called on an I/O thread, one call at a time.
using HttpBodySource = std::function<bool(std::string& out)>;

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;  // extra headers
  std::string body;
  HttpBodySource stream;  // when set, `body` is ignored and the body is chunked
  bool close = false;     // close the connection after this response
};

// Per-exchange state a handler keeps between Plan and Finish (the matched
// route, the caller, ...). The server only owns and destroys it.
struct HttpExchangeState {
  virtual ~HttpExchangeState() = default;
};

// What to do with a request whose header has been read.
struct HttpRequestPlan {
  // Largest body accepted; a larger one is answered 413 and the connection closed.
  uint64_t body_limit = 0;
  // Run Handle on the blocking pool (long work such as imports) instead of
  // on the I/O thread, so other connections are not stalled.
  bool blocking = false;
  // When set, answered at once without reading the body (401, 403, 404, ...).
  std::unique_ptr<HttpResponse> reject;
  std::unique_ptr<HttpExchangeState> state;
};

// How an exchange ended, for logs and metrics.
struct HttpExchangeResult {
  int status = 0;           // 0 when no response could be sent
  uint64_t body_bytes = 0;  // response body bytes written
  int64_t micros = 0;       // from the header read to the last byte written
  bool aborted = false;     // the connection failed or timed out mid-exchange
};

// The application behind the HTTP server. Plan and Finish run on I/O
// threads; Handle on an I/O thread or the blocking pool. Every method may be
// called concurrently for different exchanges; must not throw (the server
// still catches and answers 500).
class HttpHandler {
 public:
  virtual ~HttpHandler() = default;
  // Called once the request header is read (`request.body` is empty).
  virtual HttpRequestPlan Plan(const HttpRequest& request) = 0;
  // Called with the complete request when Plan did not reject it.
  virtual HttpResponse Handle(HttpRequest& request, HttpRequestPlan& plan) = 0;
  // Called exactly once per Plan, when the exchange is over.
  virtual void Finish(HttpRequestPlan& plan, const HttpExchangeResult& result) = 0;
  // A response for errors found by the server itself (malformed request,
  // header or body too large, timeouts): `status` and a short message.
  virtual HttpResponse ProtocolError(int status, std::string_view message) = 0;
};

}  // namespace tagloop
