#include "produce/alerts.h"

#include <chrono>

#include <curl/curl.h>

namespace tagloop {

nlohmann::json AlertToJson(const Alert& a) {
  return {{"kind", a.kind}, {"tag", a.tag}, {"message", a.message}, {"detail", a.detail}, {"at_unix_ms", a.at_unix_ms}};
}

WebhookAlerts::WebhookAlerts(WebhookOptions options) : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);  // reference-counted; safe to repeat
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
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return false;
  curl_slist* headers = curl_slist_append(nullptr, "Content-Type: application/json");
  curl_easy_setopt(curl, CURLOPT_URL, options_.url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
  curl_easy_setopt(curl, CURLOPT_TIMEOUT_MS, static_cast<long>(options_.timeout_ms));
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, +[](char*, size_t size, size_t n, void*) { return size * n; });
  CURLcode rc = curl_easy_perform(curl);
  long code = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &code);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  return rc == CURLE_OK && code >= 200 && code < 300;
}

}  // namespace tagloop
