// The HTTP client module (see http_abi.h): libcurl's multi interface with
// connection reuse, and SMTP sends.
#include <curl/curl.h>
#include <strings.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <mutex>
#include <string>
#include <vector>

#include "outreach/http/http_abi.h"

#define TAGLOOP_EXPORT extern "C" __attribute__((visibility("default")))

namespace {

struct Upload {
  const char* p = nullptr;
  size_t left = 0;
};

struct Transfer {
  CURL* easy = nullptr;
  curl_slist* headers = nullptr;  // HTTP: the request's headers; SMTP: the recipient
  std::string body;
  std::string retry_after;
  Upload upload;
  size_t index = 0;
};

// A multi handle and the easy handles it keeps for reuse (its connection
// cache keeps the connections open between calls). An easy handle gets the
// options every transfer of the pool shares once (`init`), then only each
// request's own: resetting and setting them all again cost a sizable share
// of the CPU of a small request.
struct Pool {
  CURLM* multi = nullptr;
  void (*init)(Transfer*) = nullptr;
  std::vector<Transfer*> idle;
};

struct Client {
  Pool http, smtp;
  std::vector<std::string> bodies;  // answers of the last perform
};

size_t Collect(char* p, size_t n, size_t m, void* user) {
  static_cast<std::string*>(user)->append(p, n * m);
  return n * m;
}

// Keeps the Retry-After header's value (429 and 503 answers carry it).
size_t CollectRetryAfter(char* p, size_t n, size_t m, void* user) {
  const size_t len = n * m;
  constexpr size_t kName = sizeof("retry-after:") - 1;
  if (len > kName && strncasecmp(p, "retry-after:", kName) == 0) {
    size_t b = kName, e = len;
    while (b < e && (p[b] == ' ' || p[b] == '\t')) ++b;
    while (e > b && (p[e - 1] == '\r' || p[e - 1] == '\n' || p[e - 1] == ' ')) --e;
    static_cast<std::string*>(user)->assign(p + b, e - b);
  }
  return len;
}

size_t ReadPayload(char* dst, size_t n, size_t m, void* user) {
  auto* u = static_cast<Upload*>(user);
  size_t k = std::min(n * m, u->left);
  std::memcpy(dst, u->p, k);
  u->p += k, u->left -= k;
  return k;
}

void InitHttp(Transfer* t) {
  curl_easy_setopt(t->easy, CURLOPT_TCP_NODELAY, 1L);
  curl_easy_setopt(t->easy, CURLOPT_WRITEFUNCTION, Collect);
  curl_easy_setopt(t->easy, CURLOPT_WRITEDATA, &t->body);
  curl_easy_setopt(t->easy, CURLOPT_HEADERFUNCTION, CollectRetryAfter);
  curl_easy_setopt(t->easy, CURLOPT_HEADERDATA, &t->retry_after);
}

void InitSmtp(Transfer* t) {
  curl_easy_setopt(t->easy, CURLOPT_UPLOAD, 1L);
  curl_easy_setopt(t->easy, CURLOPT_READFUNCTION, ReadPayload);
  curl_easy_setopt(t->easy, CURLOPT_READDATA, &t->upload);
}

void InitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

void SetError(char* error, size_t size, int* error_code, int code) {
  *error_code = code;
  std::snprintf(error, size, "%s", curl_easy_strerror(static_cast<CURLcode>(code)));
}

void FreePool(Pool& pool) {
  for (Transfer* t : pool.idle) {
    curl_easy_cleanup(t->easy);
    curl_slist_free_all(t->headers);
    delete t;
  }
  pool.idle.clear();
  if (pool.multi != nullptr) curl_multi_cleanup(pool.multi);
}

// Runs `count` transfers on the pool, at most `max_parallel` at once:
// setup(t, i) sets transfer i's own options (every one a request of the
// pool may set, as the handle keeps the last request's), finish(t, result)
// reads its answer. Returns 0, or -1 when the multi interface failed.
template <typename Setup, typename Finish>
int RunAll(Pool& pool, size_t count, long max_parallel, Setup setup, Finish finish) {
  const size_t parallel = static_cast<size_t>(std::max(1L, max_parallel));
  size_t next = 0, running = 0;
  auto start_more = [&] {
    while (next < count && running < parallel) {
      Transfer* t;
      if (!pool.idle.empty()) {
        t = pool.idle.back();
        pool.idle.pop_back();
      } else {
        t = new Transfer();
        t->easy = curl_easy_init();
        curl_easy_setopt(t->easy, CURLOPT_NOSIGNAL, 1L);
        curl_easy_setopt(t->easy, CURLOPT_PRIVATE, t);
        pool.init(t);
      }
      t->index = next;
      curl_slist_free_all(t->headers);
      t->headers = nullptr;
      t->body.clear();
      t->retry_after.clear();
      setup(t, next);
      curl_multi_add_handle(pool.multi, t->easy);
      ++next, ++running;
    }
  };
  start_more();
  while (running > 0) {
    int still = 0;
    if (curl_multi_perform(pool.multi, &still) != CURLM_OK) return -1;
    int left = 0;
    while (CURLMsg* msg = curl_multi_info_read(pool.multi, &left)) {
      if (msg->msg != CURLMSG_DONE) continue;
      Transfer* t = nullptr;
      curl_easy_getinfo(msg->easy_handle, CURLINFO_PRIVATE, reinterpret_cast<char**>(&t));
      finish(t, msg->data.result);
      curl_multi_remove_handle(pool.multi, msg->easy_handle);
      pool.idle.push_back(t);
      --running;
    }
    start_more();
    if (running > 0 && still > 0) curl_multi_poll(pool.multi, nullptr, 0, 100, nullptr);
  }
  return 0;
}

}  // namespace

TAGLOOP_EXPORT void* tagloop_http_client_new(void) {
  InitOnce();
  auto* c = new Client();
  c->http.multi = curl_multi_init();
  c->smtp.multi = curl_multi_init();
  if (c->http.multi == nullptr || c->smtp.multi == nullptr) {
    FreePool(c->http);
    FreePool(c->smtp);
    delete c;
    return nullptr;
  }
  c->http.init = InitHttp;
  c->smtp.init = InitSmtp;
  curl_multi_setopt(c->http.multi, CURLMOPT_MAXCONNECTS, 256L);
  curl_multi_setopt(c->smtp.multi, CURLMOPT_MAXCONNECTS, 256L);
  return c;
}

TAGLOOP_EXPORT void tagloop_http_client_free(void* client) {
  auto* c = static_cast<Client*>(client);
  if (c == nullptr) return;
  FreePool(c->http);
  FreePool(c->smtp);
  delete c;
}

TAGLOOP_EXPORT int tagloop_http_perform(void* client, const TagloopHttpRequest* requests, size_t count,
                                        long max_parallel, TagloopHttpResponse* out) {
  auto* c = static_cast<Client*>(client);
  c->bodies.assign(count, std::string());
  for (size_t i = 0; i < count; ++i) out[i] = TagloopHttpResponse{};
  auto setup = [&](Transfer* t, size_t i) {
    const TagloopHttpRequest& req = requests[i];
    CURL* e = t->easy;
    t->headers = curl_slist_append(nullptr, "Expect:");  // no 100-continue round trip
    for (size_t h = 0; h < req.header_count; ++h) t->headers = curl_slist_append(t->headers, req.headers[h]);
    curl_easy_setopt(e, CURLOPT_URL, req.url);
    curl_easy_setopt(e, CURLOPT_HTTPHEADER, t->headers);
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, req.timeout_ms);
    curl_easy_setopt(e, CURLOPT_CONNECTTIMEOUT_MS, std::min(req.timeout_ms, 5000L));
    if (req.method != nullptr && std::strcmp(req.method, "POST") == 0) {
      curl_easy_setopt(e, CURLOPT_POST, 1L);
      curl_easy_setopt(e, CURLOPT_POSTFIELDS, req.body != nullptr ? req.body : "");
      curl_easy_setopt(e, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body_size));
    } else {
      curl_easy_setopt(e, CURLOPT_HTTPGET, 1L);
    }
  };
  auto finish = [&](Transfer* t, CURLcode result) {
    TagloopHttpResponse& r = out[t->index];
    if (result != CURLE_OK) {
      SetError(r.error, sizeof r.error, &r.error_code, result);
    } else {
      curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r.status);
      std::snprintf(r.retry_after, sizeof r.retry_after, "%s", t->retry_after.c_str());
    }
    c->bodies[t->index] = std::move(t->body);
    t->body = std::string();
  };
  if (RunAll(c->http, count, max_parallel, setup, finish) != 0) return -1;
  for (size_t i = 0; i < count; ++i) {
    out[i].body = c->bodies[i].data();
    out[i].body_size = c->bodies[i].size();
  }
  return 0;
}

TAGLOOP_EXPORT int tagloop_smtp_send(void* client, const TagloopSmtpMessage* messages, size_t count,
                                     long max_parallel, TagloopSmtpResult* out) {
  auto* c = static_cast<Client*>(client);
  for (size_t i = 0; i < count; ++i) out[i] = TagloopSmtpResult{};
  auto setup = [&](Transfer* t, size_t i) {
    const TagloopSmtpMessage& m = messages[i];
    CURL* e = t->easy;
    t->upload = Upload{m.payload, m.payload_size};
    t->headers = curl_slist_append(nullptr, m.rcpt);
    curl_easy_setopt(e, CURLOPT_URL, m.url);
    curl_easy_setopt(e, CURLOPT_MAIL_FROM, m.from);
    curl_easy_setopt(e, CURLOPT_MAIL_RCPT, t->headers);
    curl_easy_setopt(e, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(m.payload_size));
    curl_easy_setopt(e, CURLOPT_TIMEOUT_MS, m.timeout_ms);
    curl_easy_setopt(e, CURLOPT_USERNAME, m.username);
    const char* password = m.password != nullptr ? m.password : "";
    curl_easy_setopt(e, CURLOPT_PASSWORD, m.username != nullptr ? password : nullptr);
  };
  auto finish = [&](Transfer* t, CURLcode result) {
    TagloopSmtpResult& r = out[t->index];
    curl_easy_getinfo(t->easy, CURLINFO_RESPONSE_CODE, &r.smtp_code);
    if (result != CURLE_OK) SetError(r.error, sizeof r.error, &r.error_code, result);
  };
  return RunAll(c->smtp, count, max_parallel, setup, finish);
}
