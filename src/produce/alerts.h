// Alerts: operator-facing notices from tag production (a quality check that
// kept a version from publishing, a run that failed all its attempts, a tag
// gone stale). Issue 4 sends them to a webhook; later issues add channels.
//
// WebhookAlerts POSTs each alert as JSON to a URL from a background thread,
// so a slow or dead receiver never delays a run; it retries a few times with
// backoff and counts what it could not deliver. The URL may hold a secret
// token (e.g. a chat-bot key): it is never logged. The HTTP client is the
// loadable module tagloop_http.so (libcurl), loaded on the first
// delivery (core/loadable_module.h); when it is missing, deliveries fail
// and last_error() names the file.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include <nlohmann/json.hpp>

namespace tagloop {

struct Alert {
  std::string kind;  // "quality_rejected", "run_failed", "stale"
  std::string tag;
  std::string message;        // one operator-readable sentence
  nlohmann::json detail;      // kind-specific (checks, run id, dates)
  int64_t at_unix_ms = 0;
};

class AlertSink {
 public:
  virtual ~AlertSink() = default;
  // Must not block for long; thread-safe.
  virtual void Send(const Alert& alert) = 0;
};

struct WebhookOptions {
  std::string url;                 // http(s)://...; required
  int timeout_ms = 5000;           // per attempt
  int attempts = 3;                // with 0.5 s, 1 s, ... between them
  size_t max_queued = 1000;        // older alerts are dropped (and counted) beyond this
};

class WebhookAlerts final : public AlertSink {
 public:
  explicit WebhookAlerts(WebhookOptions options);
  ~WebhookAlerts() override;  // delivers what is queued (bounded by the timeouts), then stops
  void Send(const Alert& alert) override;
  uint64_t delivered() const { return delivered_.load(); }
  uint64_t failed() const { return failed_.load(); }  // gave up or dropped
  // Why the last failed attempt failed ("" when none has): the client's
  // reason or the HTTP status, never the URL.
  std::string last_error() const;

 private:
  void Loop();
  bool Post(const std::string& body);
  void SetError(std::string error);
  WebhookOptions options_;
  mutable std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::string> queue_;
  bool stopping_ = false;
  std::string last_error_;  // guarded by mu_
  std::atomic<uint64_t> delivered_{0};
  std::atomic<uint64_t> failed_{0};
  std::thread thread_;
};

nlohmann::json AlertToJson(const Alert& alert);

}  // namespace tagloop
