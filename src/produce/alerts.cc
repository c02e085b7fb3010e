#include "produce/alerts.h"

#include <chrono>

#include "core/loadable_module.h"
#include "produce/webhook/webhook_post.h"

namespace tagloop {

nlohmann::json AlertToJson(const Alert& a) {
  return {{"kind", a.kind}, {"tag", a.tag}, {"message", a.message}, {"detail", a.detail}, {"at_unix_ms", a.at_unix_ms}};
}

WebhookAlerts::WebhookAlerts(WebhookOptions options) : options_(std::move(options)) {
  thread_ = std::thread([this] { Loop(); });
}

WebhookAlerts::~WebhookAlerts() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void WebhookAlerts::Send(const Alert& alert) {
  std::string body = AlertToJson(alert).dump();
  {
    std::lock_guard lock(mu_);
    if (queue_.size() >= options_.max_queued) {
      queue_.pop_front();
      failed_.fetch_add(1);
    }
    queue_.push_back(std::move(body));
  }
  cv_.notify_one();
}

void WebhookAlerts::Loop() {
  std::unique_lock lock(mu_);
  for (;;) {
    cv_.wait(lock, [&] { return stopping_ || !queue_.empty(); });
    if (queue_.empty()) return;  // stopping, nothing left
    std::string body = std::move(queue_.front());
    queue_.pop_front();
    lock.unlock();
    bool ok = false;
    for (int attempt = 0; attempt < options_.attempts && !ok; ++attempt) {
      if (attempt > 0) std::this_thread::sleep_for(std::chrono::milliseconds(500 << (attempt - 1)));
      ok = Post(body);
    }
    (ok ? delivered_ : failed_).fetch_add(1);
    lock.lock();
  }
}

bool WebhookAlerts::Post(const std::string& body) {
  // The module (and libcurl with it) is loaded on the first delivery, on
  // this thread: a run that raises no alert never maps libcurl.
  // A failed load is tried again at the next delivery.
  static std::atomic<TagloopWebhookPostFn> loaded{nullptr};
  TagloopWebhookPostFn post = loaded.load();
  if (post == nullptr) {
    Result<void*> symbol = LoadModuleSymbol("tagloop_http.so", "tagloop_webhook_post");
    if (!symbol.ok()) {
      SetError(symbol.status().message());
      return false;
    }
    post = reinterpret_cast<TagloopWebhookPostFn>(*symbol);
    loaded.store(post);
  }
  long code = 0;
  char error[256];
  int rc = post(options_.url.c_str(), body.data(), body.size(), options_.timeout_ms, &code, error, sizeof(error));
  if (rc != 0) {
    SetError(error);
    return false;
  }
  if (code < 200 || code >= 300) {
    SetError("the webhook answered HTTP " + std::to_string(code));
    return false;
  }
  return true;
}

void WebhookAlerts::SetError(std::string error) {
  std::lock_guard lock(mu_);
  last_error_ = std::move(error);
}

std::string WebhookAlerts::last_error() const {
  std::lock_guard lock(mu_);
  return last_error_;
}

}  // namespace tagloop
