// The HTTP client module (see http_abi.h): libcurl's multi interface with
// connection reuse, and SMTP sends.
#include <curl/curl.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "outreach/http/http_abi.h"

#define TAGLOOP_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;
  std::string body;
  size_t index = 0;
};

struct Client {
  CURLM* multi = nullptr;
  std::vector<Transfer*> idle;        // easy handles kept for reuse
  std::vector<std::string> bodies;    // answers of the last perform
  CURL* smtp = nullptr;
  std::string smtp_url;
};

size_t Collect(char* p, size_t n, size_t m, void* user) {
  static_cast<std::string*>(user)->append(p, n * m);
  return n * m;
}

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void SetError(TagloopHttpResponse* r, int code, const char* text) {
  r->error_code = code;
  std::snprintf(r->error, sizeof r->error, "%s", text);
}

void Start(Client* c, Transfer* t, const TagloopHttpRequest& req) {
  CURL* e = t->easy;
  curl_easy_reset(e);
  curl_slist_free_all(t->headers);
  t->headers = curl_slist_append(nullptr, "Expect:");  // no 100-continue round trip
  for (size_t i = 0; i < req.header_count; ++i) t->headers = curl_slist_append(t->headers, req.headers[i]);
  t->body.clear();
  curl_easy_setopt(e, CURLOPT_URL, req.url);
  curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, req.timeout_ms);
  curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, std::min(req.timeout_ms, 5000L));
  curl_easy_setopt(e, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(e, CURLOPT_WRITEDATA, &t->body);
  curl_easy_setopt(e, CURLOPT_PRIVATE, t);
  if (req.method != nullptr && std::strcmp(req.method, "POST") == 0) {
    curl_easy_setopt(e, CURLOPT_POST, 1L);
    curl_easy_setopt(e, CURLOPT_POSTFIELDS, req.body != nullptr ? req.body : "");
    curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body_size));
  } else {
    curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
  }
  curl_multi_add_handle(c->multi, e);
}

}  // namespace

TAGLOOP_EXPORT void* tagloop_http_client_new(void) {
  InitOnce();
  auto* c = new Client();
  c->multi = curl_multi_init();
  if (c->multi == nullptr) {
    delete c;
    return nullptr;
  }
  curl_multi_setopt(c->multi, CURLMOPT_MAXCONNECTS, 256L);
  return c;
}

TAGLOOP_EXPORT void tagloop_http_client_free(void* client) {
  auto* c = static_cast<Client*>(client);
  if (c == nullptr) return;
  for (Transfer* t : c->idle) {
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    delete t;
  }
  curl_multi_cleanup(c->multi);
  if (c->smtp != nullptr) curl_easy_cleanup(c->smtp);
  delete c;
}

TAGLOOP_EXPORT int tagloop_http_perform(void* client, const TagloopHttpRequest* requests, size_t count,
                                        long max_parallel, TagloopHttpResponse* out) {
  auto* c = static_cast<Client*>(client);
  c->bodies.assign(count, std::string());
  for (size_t i = 0; i < count; ++i) out[i] = TagloopHttpResponse{};
  const size_t parallel = static_cast<size_t>(std::max(1L, max_parallel));
  size_t next = 0, running = 0;
  auto start_more = [&] {
    while (next < count && running < parallel) {
      Transfer* t;
      if (!c->idle.empty()) {
        t = c->idle.back();
        c->idle.pop_back();
      } else {
        t = new Transfer();
        t->easy = curl_easy_init();
      }
      t->index = next;
      Start(c, t, requests[next]);
      ++next, ++running;
    }
  };
  start_more();
  while (running > 0) {
    int still = 0;
    if (curl_multi_perform(c->multi, &still) != CURLM_OK) return -1;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(c->multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
      TagloopHttpResponse& r = out[t->index];
      if (msg->data.result != CURLE_OK) {
        SetError(&r, msg->data.result, curl_easy_strerror(msg->data.result));
      } else {
        curl_easy_getinfo(msg->easy_handle, CURLINFO_RESPONSE_CODE, &r.status);
      }
      c->bodies[t->index] = std::move(t->body);
      t->body = std::string();
      curl_multi_remove_handle(c->multi, msg->easy_handle);
      c->idle.push_back(t);
      --running;
    }
    start_more();
    if (running > 0 && still > 0) curl_multi_poll(c->multi, nullptr, 0, 100, nullptr);
  }
  for (size_t i = 0; i < count; ++i) {
    out[i].body = c->bodies[i].data();
    out[i].body_size = c->bodies[i].size();
  }
  return 0;
}

namespace {
struct Upload {
  const char* p;
  size_t left;
};
size_t ReadPayload(char* dst, size_t n, size_t m, void* user) {
  auto* u = static_cast<Upload*>(user);
  size_t k = std::min(n * m, u->left);
  std::memcpy(dst, u->p, k);
  u->p += k, u->left -= k;
  return k;
}
}  // namespace

TAGLOOP_EXPORT int tagloop_smtp_send(void* client, const TagloopSmtpMessage* m, long* smtp_code, char* error,
                                     size_t error_size) {
  auto* c = static_cast<Client*>(client);
  if (error_size > 0) error[0] = '\0';
  *smtp_code = 0;
  if (c->smtp == nullptr || c->smtp_url != m->url) {
    if (c->smtp != nullptr) curl_easy_cleanup(c->smtp);
    c->smtp = curl_easy_init();
    c->smtp_url = m->url;
  }
  CURL* e = c->smtp;
  curl_easy_reset(e);  // keeps the open connection for the next message
  Upload up{m->payload, m->payload_size};
  curl_slist* rcpt = curl_slist_append(nullptr, m->rcpt);
  curl_easy_setopt(e, CURLOPT_URL, m->url);
  curl_easy_setopt(e, CURLOPT_MAIL_FROM, m->from);
  curl_easy_setopt(e, CURLOPT_MAIL_RCPT, rcpt);
  curl_easy_setopt(e, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(e, CURLOPT_READFUNCTION, ReadPayload);
  curl_easy_setopt(e, CURLOPT_READDATA, &up);
  curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(m->payload_size));
  curl_easy_setopt(e, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, m->timeout_ms);
  if (m->username != nullptr) {
    curl_easy_setopt(e, CURLOPT_USERNAME, m->username);
    curl_easy_setopt(e, CURLOPT_PASSWORD, m->password != nullptr ? m->password : "");
  }
  CURLcode rc = curl_easy_perform(e);
  curl_easy_getinfo(e, CURLINFO_RESPONSE_CODE, smtp_code);
  curl_slist_free_all(rcpt);
  if (rc != CURLE_OK) std::snprintf(error, error_size, "%s", curl_easy_strerror(rc));
  return rc;
}
