// The C interface of the HTTP client module (tagloop_http.so, built next to
// the `tagloop` executable): libcurl's multi interface, so that libcurl and
// the TLS stack it pulls in are mapped only by a process that sends
// (outreach channels, alerts), never by `tagloop count`. The outreach side
// loads it through HttpClient (outreach/http/http_client.h); alerts through
// tagloop_webhook_post (produce/webhook/webhook_post.h), exported by the same
// module. Error texts are libcurl's names of the failure, never a URL or a
// credential.
#pragma once

#include <cstddef>

extern "C" {

struct TagloopHttpRequest {
  const char* url;
  const char* method;                // "GET" or "POST"
  const char* const* headers;        // "Name: value" lines
  size_t header_count;
  const char* body;                  // POST only
  size_t body_size;
  long timeout_ms;                   // the whole request
};

struct TagloopHttpResponse {
  long status;                       // HTTP status; 0 when no answer
  int error_code;                    // 0, or libcurl's CURLcode
  char error[128];                   // error_code's text, NUL-terminated
  const char* body;                  // owned by the client until its next call
  size_t body_size;
  char retry_after[64];              // the Retry-After header's value, NUL-terminated; "" when none
};

struct TagloopSmtpResult {
  int error_code;                    // 0, or libcurl's CURLcode
  long smtp_code;                    // the server's last reply (250 on success, 4xx/5xx refused, 0 none)
  char error[128];                   // error_code's text, NUL-terminated
};

struct TagloopSmtpMessage {
  const char* url;                   // smtp://host:port
  const char* from;                  // envelope sender (address only)
  const char* rcpt;                  // envelope recipient
  const char* payload;               // the whole RFC 5322 message, CRLF lines
  size_t payload_size;
  const char* username;              // null: no authentication
  const char* password;
  long timeout_ms;
};

// A client: one curl multi handle for HTTP and one for SMTP (their
// connection caches keep connections alive across calls). Not thread-safe:
// one per lane.
void* tagloop_http_client_new(void);
void tagloop_http_client_free(void* client);
// Runs `count` requests, at most `max_parallel` at once, and fills `out`
// (same order). Returns 0, or -1 when the multi interface itself failed.
int tagloop_http_perform(void* client, const TagloopHttpRequest* requests, size_t count, long max_parallel,
                         TagloopHttpResponse* out);
// Sends `count` messages over SMTP, at most `max_parallel` connections at
// once, each kept open for the next message to the same URL; fills `out`
// (same order). Returns 0, or -1 when the multi interface itself failed.
int tagloop_smtp_send(void* client, const TagloopSmtpMessage* messages, size_t count, long max_parallel,
                      TagloopSmtpResult* out);
}

using TagloopHttpClientNewFn = void* (*)();
using TagloopHttpClientFreeFn = void (*)(void*);
using TagloopHttpPerformFn = int (*)(void*, const TagloopHttpRequest*, size_t, long, TagloopHttpResponse*);
using TagloopSmtpSendFn = int (*)(void*, const TagloopSmtpMessage*, size_t, long, TagloopSmtpResult*);
