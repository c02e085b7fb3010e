// HttpClient: the outreach side of the HTTP client module (tagloop_http.so,
// http_abi.h), loaded on first use so that only a process that sends maps
// libcurl. One client per dispatcher lane: its connections stay open
// between batches (keep-alive). Not thread-safe.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "core/status.h"

namespace tagloop::outreach {

struct HttpRequest {
  std::string url;
  std::string method = "POST";
  std::vector<std::string> headers;  // "Name: value"
  std::string body;
  long timeout_ms = 10000;
};

struct HttpResponse {
  long status = 0;        // 0 when nothing was answered
  int error_code = 0;     // libcurl's code; 0 when answered
  std::string error;      // what failed (never the URL or a credential)
  std::string body;
  std::string retry_after;  // the Retry-After header's value ("" when none)
  bool answered() const { return error_code == 0; }
};

struct SmtpMessage {
  std::string url, from, rcpt, payload, username, password;
  long timeout_ms = 10000;
};

struct SmtpResult {
  int error_code = 0;
  long smtp_code = 0;
  std::string error;
};

class HttpClient {
 public:
  // FailedPrecondition when the module cannot be loaded.
  static Result<std::unique_ptr<HttpClient>> Create();
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Runs the requests, at most `max_parallel` at once; one response each, in
  // order. Internal when the multi interface failed as a whole.
  Result<std::vector<HttpResponse>> Perform(const std::vector<HttpRequest>& requests, int max_parallel);
  // Sends the messages over SMTP, at most `max_parallel` connections at
  // once (kept open for the next call); one result each, in order.
  // Internal when the multi interface failed as a whole.
  Result<std::vector<SmtpResult>> SendMail(const std::vector<SmtpMessage>& messages, int max_parallel);

 private:
  HttpClient() = default;
  void* handle_ = nullptr;
};

}  // namespace tagloop::outreach
