// The alerts' function of the HTTP client module (tagloop_http.so, built next to
// the `tagloop` executable): an HTTP POST over libcurl. A module so that
// libcurl and the TLS stack it pulls in (GnuTLS, nettle, libssh2, ...) are
// mapped only by a process that sends an alert, not by every command.
// Loaded by WebhookAlerts (produce/alerts.cc) on its first delivery.
#pragma once

#include <cstddef>

// POSTs `body` (`size` bytes, Content-Type application/json) to `url`,
// giving up after `timeout_ms`. Returns 0 and sets *http_status when the
// server answered (any status); otherwise libcurl's error code, with its
// text in `error` (at most `error_size` bytes, NUL-terminated; never the
// URL, which may hold a token). Thread-safe (one curl handle per call).
extern "C" int tagloop_webhook_post(const char* url, const char* body, size_t size, long timeout_ms,
                                    long* http_status, char* error, size_t error_size);

using TagloopWebhookPostFn = int (*)(const char*, const char*, size_t, long, long*, char*, size_t);
