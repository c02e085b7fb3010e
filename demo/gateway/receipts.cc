#include "receipts.h"

#include <curl/curl.h>

#include <chrono>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <vector>

namespace tagloop::demo {

namespace {

constexpr size_t kMaxBatch = 1000;
constexpr auto kFlushEvery = std::chrono::milliseconds(200);

// RFC 3339 in UTC with milliseconds, as POST /events reads it.
std::string Rfc3339(int64_t ms) {
  const time_t s = static_cast<time_t>(ms / 1000);
  tm t{};
  gmtime_r(&s, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec, static_cast<int>(ms % 1000));
  return buf;
}

size_t Discard(char*, size_t size, size_t n, void*) { return size * n; }

}  // namespace

double HashUnit(uint64_t seed, const std::string& salt, const std::string& key) {
  uint64_t h = 1469598103934665603ull ^ seed;
  auto mix = [&h](const std::string& s) {
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    h = (h ^ 0xff) * 1099511628211ull;  // a separator: ("ab","c") differs from ("a","bc")
  };
  mix(salt);
  mix(key);
  h ^= h >> 29;  // FNV's low bits are weak; fold the high ones in
  return static_cast<double>(h >> 11) / static_cast<double>(1ull << 53);
}

ReceiptReporter::ReceiptReporter(ReceiptOptions options) : options_(std::move(options)) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  thread_ = std::thread([this] { Run(); });
}

void ReceiptReporter::Finish() {
  {
    std::lock_guard lock(mu_);
    if (stop_) return;
    stop_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void ReceiptReporter::Report(const AcceptedMessage& m) {
  if (m.user_id.empty() || m.campaign_id.empty() || m.message_id.empty()) return;
  const uint64_t seed = options_.seed;
  std::vector<std::string> lines;
  auto event = [&](const std::string& type, const std::string& id_prefix, int64_t delay_ms, nlohmann::json props) {
    nlohmann::json e = {{"event_id", id_prefix + m.message_id},
                        {"type", type},
                        {"user_id", m.user_id},
                        {"time", Rfc3339(m.sent_ms + delay_ms)},
                        {"properties", std::move(props)}};
    lines.push_back(e.dump());
  };
  nlohmann::json message = {{"campaign_id", m.campaign_id}, {"message_id", m.message_id}};
  if (!m.channel.empty()) message["channel"] = m.channel;
  // Delays: delivery within seconds, a click within minutes, the goal
  // within hours (under a day: POST /events takes at most a day ahead).
  auto delay = [&](const char* salt, int64_t lo_ms, int64_t hi_ms) {
    return lo_ms + static_cast<int64_t>(HashUnit(seed, salt, m.message_id) * static_cast<double>(hi_ms - lo_ms));
  };
  const bool delivered = HashUnit(seed, "delivered", m.message_id) < options_.delivered_share;
  if (delivered) {
    event("message_delivered", "dlv:", delay("delivered_at", 2'000, 20'000), message);
    if (HashUnit(seed, "clicked", m.message_id) < options_.clicked_share) {
      event("message_clicked", "clk:", delay("clicked_at", 30'000, 600'000), message);
    }
  }
  if (!options_.goal_event.empty() && HashUnit(seed, "goal", m.message_id) < options_.goal_share) {
    // The built-in types' required properties (events/event_types.cc).
    nlohmann::json props = nlohmann::json::object();
    const std::string& goal = options_.goal_event;
    if (goal.rfind("order_", 0) == 0 || goal == "car_picked_up" || goal == "car_returned") {
      props["order_id"] = "sim-" + m.message_id;
      props["amount"] = 200 + static_cast<int>(HashUnit(seed, "amount", m.message_id) * 1800);
    } else if (goal.rfind("coupon_", 0) == 0) {
      props["coupon_id"] = m.coupon_id.empty() ? "sim-" + m.message_id : m.coupon_id;
      props["campaign_id"] = m.campaign_id;
    }
    event(goal, "goal:", delay("goal_at", 3'600'000, 20 * 3'600'000), std::move(props));
  }
  if (lines.empty()) return;
  std::lock_guard lock(mu_);
  if (stop_) return;
  for (std::string& l : lines) queue_.push_back(std::move(l));
}

void ReceiptReporter::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait_for(lock, kFlushEvery, [this] { return stop_; });
    const bool last = stop_;
    while (!queue_.empty()) {
      std::string body;
      size_t n = 0;
      for (; n < queue_.size() && n < kMaxBatch; ++n) body += queue_[n] + "\n";
      lock.unlock();
      const bool ok = Post(body);
      lock.lock();
      if (ok) {
        queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      } else if (last) {
        std::fprintf(stderr, "gateway_sim: %zu receipts not posted (the server did not take them)\n", queue_.size());
        queue_.clear();
      } else {
        break;  // try again next round
      }
    }
    if (last) return;
  }
}

bool ReceiptReporter::Post(const std::string& ndjson) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return false;
  const std::string auth = "Authorization: Bearer " + options_.token;
  curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/x-ndjson");
  curl_easy_setopt(curl, CURLOPT_URL, options_.events_url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, ndjson.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(ndjson.size()));
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, Discard);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);
  const CURLcode rc = curl_easy_perform(curl);
  long status = 0;
  curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  if (rc != CURLE_OK || status >= 500 || status == 429) return false;  // worth another try
  if (status != 200) {
    // A 4xx will not get better by posting again: say so and drop the batch.
    std::fprintf(stderr, "gateway_sim: POST %s answered HTTP %ld; %zu bytes of receipts dropped\n",
                 options_.events_url.c_str(), status, ndjson.size());
  }
  return true;
}

}  // namespace tagloop::demo
