#include "outreach/http/http_client.h"

#include <mutex>

#include "core/loadable_module.h"
#include "outreach/http/http_abi.h"

namespace tagloop::outreach {
namespace {

struct Api {
  TagloopHttpClientNewFn client_new = nullptr;
  TagloopHttpClientFreeFn client_free = nullptr;
  TagloopHttpPerformFn perform = nullptr;
  TagloopSmtpSendFn smtp_send = nullptr;
  Status status;
};

const Api& LoadApi() {
  static Api api;
  static std::once_flag once;
  std::call_once(once, [] {
    auto load = [](const char* symbol, auto* fn) -> Status {
      Result<void*> s = LoadModuleSymbol("tagloop_http.so", symbol);
      if (!s.ok()) return s.status();
      *fn = reinterpret_cast<std::remove_pointer_t<decltype(fn)>>(*s);
      return Status::Ok();
    };
    api.status = load("tagloop_http_client_new", &api.client_new);
    if (api.status.ok()) api.status = load("tagloop_http_client_free", &api.client_free);
    if (api.status.ok()) api.status = load("tagloop_http_perform", &api.perform);
    if (api.status.ok()) api.status = load("tagloop_smtp_send", &api.smtp_send);
  });
  return api;
}

}  // namespace

Result<std::unique_ptr<HttpClient>> HttpClient::Create() {
  const Api& api = LoadApi();
  if (!api.status.ok()) return api.status;
  std::unique_ptr<HttpClient> c(new HttpClient());
  c->handle_ = api.client_new();
  if (c->handle_ == nullptr) return Status::Internal("cannot create an HTTP client");
  return c;
}

HttpClient::~HttpClient() {
  if (handle_ != nullptr) LoadApi().client_free(handle_);
}

Result<std::vector<HttpResponse>> HttpClient::Perform(const std::vector<HttpRequest>& requests, int max_parallel) {
  std::vector<std::vector<const char*>> headers(requests.size());
  std::vector<TagloopHttpRequest> in(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    const HttpRequest& r = requests[i];
    for (const std::string& h : r.headers) headers[i].push_back(h.c_str());
    in[i] = TagloopHttpRequest{r.url.c_str(), r.method.c_str(), headers[i].data(), headers[i].size(),
                               r.body.data(), r.body.size(), r.timeout_ms};
  }
  std::vector<TagloopHttpResponse> out(requests.size());
  if (LoadApi().perform(handle_, in.data(), in.size(), max_parallel, out.data()) != 0) {
    return Status::Internal("the HTTP client's multi interface failed");
  }
  std::vector<HttpResponse> result(requests.size());
  for (size_t i = 0; i < requests.size(); ++i) {
    result[i].status = out[i].status;
    result[i].error_code = out[i].error_code;
    result[i].error = out[i].error;
    result[i].body.assign(out[i].body, out[i].body_size);
    result[i].retry_after = out[i].retry_after;
  }
  return result;
}

Result<std::vector<SmtpResult>> HttpClient::SendMail(const std::vector<SmtpMessage>& messages, int max_parallel) {
  std::vector<TagloopSmtpMessage> in(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    const SmtpMessage& m = messages[i];
    in[i] = TagloopSmtpMessage{m.url.c_str(),
                               m.from.c_str(),
                               m.rcpt.c_str(),
                               m.payload.data(),
                               m.payload.size(),
                               m.username.empty() ? nullptr : m.username.c_str(),
                               m.password.empty() ? nullptr : m.password.c_str(),
                               m.timeout_ms};
  }
  std::vector<TagloopSmtpResult> out(messages.size());
  if (LoadApi().smtp_send(handle_, in.data(), in.size(), max_parallel, out.data()) != 0) {
    return Status::Internal("the SMTP client's multi interface failed");
  }
  std::vector<SmtpResult> result(messages.size());
  for (size_t i = 0; i < messages.size(); ++i) {
    result[i].error_code = out[i].error_code;
    result[i].smtp_code = out[i].smtp_code;
    if (out[i].error_code != 0) result[i].error = out[i].error;
  }
  return result;
}

}  // namespace tagloop::outreach
