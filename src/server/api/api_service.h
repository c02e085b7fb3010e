// ApiService: the REST API as an HttpHandler. For each request header it
// finds the route (404 / 405 with Allow), checks the query parameters,
// authenticates the bearer token (401 with WWW-Authenticate), checks the
// route's minimum role (403), the media type (415) and sets the body limit
// by route (max_body_bytes for JSON, max_import_bytes for CSV) -- all before
// a byte of the body is read. Then it runs the handler, turning any error
// into the one error shape (api_error.h), and at the end of each exchange
// records metrics and writes one log line:
//   http method=GET route=/api/v1/tags/{name} status=200 latency_us=153 bytes=812 principal=alice
// (the route pattern, never the path or the query: no user ids or tokens in logs).
//
// Thread-safe (HttpHandler's contract).
#pragma once

#include <memory>
#include <string_view>

#include "server/api/api_context.h"
#include "server/http/api_router.h"
#include "server/http/http_message.h"
#include "server/http/server_metrics.h"

namespace tagloop {

class ApiService : public HttpHandler {
 public:
  // `context` members must outlive the service; its metrics pointer is set
  // to the service's own.
  explicit ApiService(ApiContext context);
  ~ApiService() override;

  HttpRequestPlan Plan(const HttpRequest& request) override;
  HttpResponse Handle(HttpRequest& request, HttpRequestPlan& plan) override;
  void Finish(HttpRequestPlan& plan, const HttpExchangeResult& result) override;
  HttpResponse ProtocolError(int status, std::string_view message) override;

  ApiContext& context() { return ctx_; }
  ServerMetrics& metrics() { return *metrics_; }
  const ApiRouter& router() const { return router_; }

 private:
  HttpRequestPlan Reject(HttpRequestPlan plan, HttpResponse response);

  ApiRouter router_;
  std::unique_ptr<ServerMetrics> metrics_;
  ApiContext ctx_;
};

}  // namespace tagloop
