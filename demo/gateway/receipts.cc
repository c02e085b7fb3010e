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

// "yyyy-MM-dd HH:mm:ss" in Beijing time, as Aliyun's SmsReport writes times.
std::string BeijingTime(int64_t ms) {
  const time_t s = static_cast<time_t>(ms / 1000 + 8 * 3600);
  tm t{};
  gmtime_r(&s, &t);
  char buf[80];  // room for any int the compiler imagines in each field
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d %02d:%02d:%02d", t.tm_year + 1900, t.tm_mon + 1, t.tm_mday,
                t.tm_hour, t.tm_min, t.tm_sec);
  return buf;
}

void ReceiptReporter::Report(const AcceptedMessage& m) {
  if (m.message_id.empty()) return;
  const uint64_t seed = options_.seed;
  const bool delivered = HashUnit(seed, "delivered", m.message_id) < options_.delivered_share;
  const bool sms_report = m.sms && !options_.sms_report_url.empty();
  std::string report;
  if (sms_report) {
    // A carrier's answer a few seconds later: delivered, or a bounce.
    const int64_t at = m.sent_ms + 2'000 + static_cast<int64_t>(HashUnit(seed, "delivered_at", m.message_id) * 18'000);
    nlohmann::json r = {{"phone_number", m.phone}, {"send_time", BeijingTime(m.sent_ms)},
                        {"report_time", BeijingTime(at)}, {"success", delivered},
                        {"err_code", delivered ? "DELIVERED" : "MK:0001"},
                        {"err_msg", delivered ? "用户接收成功" : "空号或停机"}, {"sms_size", "1"},
                        {"biz_id", "sim^" + m.message_id.substr(1, 12)}, {"out_id", m.message_id}};
    report = r.dump();
  }
  if (m.user_id.empty() || m.campaign_id.empty()) {
    if (!report.empty()) {
      std::lock_guard lock(mu_);
      if (!stop_) reports_.push_back(std::move(report));
    }
    return;
  }
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
  if (delivered) {
    if (!sms_report) event("message_delivered", "dlv:", delay("delivered_at", 2'000, 20'000), message);
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
  if (lines.empty() && report.empty()) return;
  std::lock_guard lock(mu_);
  if (stop_) return;
  for (std::string& l : lines) queue_.push_back(std::move(l));
  if (!report.empty()) reports_.push_back(std::move(report));
}

void ReceiptReporter::Run() {
  std::unique_lock lock(mu_);
  while (true) {
    wake_.wait_for(lock, kFlushEvery, [this] { return stop_; });
    const bool last = stop_;
    // Delivery reports first: the events of a click come after its delivery.
    Drain(lock, reports_, last, /*sms_reports=*/true);
    Drain(lock, queue_, last, /*sms_reports=*/false);
    if (last) return;
  }
}

void ReceiptReporter::Drain(std::unique_lock<std::mutex>& lock, std::deque<std::string>& queue, bool last,
                            bool sms_reports) {
  while (!queue.empty()) {
    std::string body = sms_reports ? "[" : "";
    size_t n = 0;
    for (; n < queue.size() && n < kMaxBatch; ++n) {
      if (sms_reports) {
        body += (n > 0 ? "," : "") + queue[n];
      } else {
        body += queue[n] + "\n";
      }
    }
    if (sms_reports) body += "]";
    lock.unlock();
    const bool ok = sms_reports ? Post(options_.sms_report_url, "application/json", body)
                                : Post(options_.events_url, "application/x-ndjson", body);
    lock.lock();
    if (ok) {
      queue.erase(queue.begin(), queue.begin() + static_cast<std::ptrdiff_t>(n));
    } else if (last) {
      std::fprintf(stderr, "gateway_sim: %zu receipts not posted (the server did not take them)\n", queue.size());
      queue.clear();
    } else {
      return;  // try again next round
    }
  }
}

bool ReceiptReporter::Post(const std::string& url, const char* content_type, const std::string& body) {
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return false;
  const std::string auth = "Authorization: Bearer " + options_.token;
  const std::string type = std::string("Content-Type: ") + content_type;
  curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
  headers = curl_slist_append(headers, type.c_str());
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
  curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
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
    std::fprintf(stderr, "gateway_sim: POST %s answered HTTP %ld; %zu bytes of receipts dropped\n", url.c_str(),
                 status, body.size());
  }
  return true;
}

}  // namespace tagloop::demo
