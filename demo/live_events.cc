#include "live_events.h"

#include <curl/curl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <unistd.h>

#include <chrono>
#include <csignal>
#include <ctime>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>
#include <thread>
#include <vector>

#include "company_model.h"

namespace tagloop::demo {

namespace {

using json = nlohmann::json;

volatile std::sig_atomic_t g_stop = 0;
void OnSignal(int) { g_stop = 1; }

struct LiveMember {
  std::string id, city;
};
struct LiveStore {
  std::string id, city, type;
};

bool LoadCompany(const std::string& path, std::vector<LiveMember>* members, std::vector<LiveStore>* stores) {
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    fmt::print(stderr, "live events: cannot open {}: {}\n", path, db ? sqlite3_errmsg(db) : "out of memory");
    sqlite3_close(db);
    return false;
  }
  auto query = [&](const char* sql, auto&& row) {
    sqlite3_stmt* st = nullptr;
    if (sqlite3_prepare_v2(db, sql, -1, &st, nullptr) != SQLITE_OK) {
      fmt::print(stderr, "live events: {}: {}\n", path, sqlite3_errmsg(db));
      return false;
    }
    while (sqlite3_step(st) == SQLITE_ROW) {
      auto col = [&](int i) {
        return std::string(reinterpret_cast<const char*>(sqlite3_column_text(st, i)));
      };
      row(col);
    }
    sqlite3_finalize(st);
    return true;
  };
  bool ok = query("SELECT member_id, city FROM members ORDER BY member_id",
                  [&](auto col) {
                    members->push_back({col(0), col(1)});
                  }) &&
            query("SELECT store_id, city, type FROM stores ORDER BY store_id", [&](auto col) {
              stores->push_back({col(0), col(1), col(2)});
            });
  sqlite3_close(db);
  if (ok && (members->empty() || stores->empty())) {
    fmt::print(stderr, "live events: {} holds no members or stores\n", path);
    return false;
  }
  return ok;
}

size_t CollectBody(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// "2026-11-25T15:04:05+08:00" for now.
std::string NowBeijing() {
  std::time_t t = std::time(nullptr) + 8 * 3600;
  std::tm tm{};
  ::gmtime_r(&t, &tm);
  char buf[40];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%S+08:00", &tm);
  return buf;
}

class Traffic {
 public:
  Traffic(std::vector<LiveMember> members, std::vector<LiveStore> stores, uint64_t seed)
      : members_(std::move(members)),
        stores_(std::move(stores)),
        r_(seed ^ static_cast<uint64_t>(std::time(nullptr))),
        prefix_(fmt::format("L{}-{}", std::time(nullptr), ::getpid())) {}

  // Appends one event line.
  void Next(std::string* out) {
    if (r_.Below(15) == 0) return Coupon(out);
    if (pool_.empty() || (pool_.size() < 400 && r_.Chance(0.3))) return NewOrder(out);
    size_t i = r_.Below(pool_.size());
    Order& o = pool_[i];
    bool done = false;
    switch (o.stage) {
      case 0:
        if (r_.Chance(0.08)) {
          Emit(o, "order_cancelled", false, out), done = true;
        } else {
          Emit(o, "order_paid", true, out), o.stage = 1;
        }
        break;
      case 1:
        if (r_.Chance(0.03)) {
          Emit(o, "order_cancelled", false, out), done = true;
        } else {
          Emit(o, "car_picked_up", false, out), o.stage = 2;
        }
        break;
      case 2:
        if (r_.Chance(0.1)) {
          o.rent_days += r_.Between(1, 3);
          Emit(o, "order_extended", false, out), o.stage = 3;
        } else {
          Emit(o, "car_returned", false, out), done = true;
        }
        break;
      default: Emit(o, "car_returned", false, out), done = true;
    }
    if (done) {
      pool_[i] = std::move(pool_.back());
      pool_.pop_back();
    }
  }

  size_t in_flight() const { return pool_.size(); }

 private:
  struct Order {
    std::string id;
    size_t member = 0, store = 0;
    std::string car_class;
    int rent_days = 1;
    double amount = 0;
    std::string coupon_id;
    int stage = 0;  // the last event: 0 created, 1 paid, 2 picked up, 3 extended
  };

  void NewOrder(std::string* out) {
    static const std::vector<std::string> kClasses = {"economy", "compact", "suv", "mpv", "luxury", "ev"};
    static const std::vector<double> kClassW = {30, 26, 20, 9, 5, 10};
    static const std::vector<int> kDaily = {128, 168, 298, 358, 688, 158};
    Order o;
    o.id = fmt::format("{}-O{}", prefix_, ++orders_);
    o.member = r_.Below(members_.size());
    // Mostly the member's home city, sometimes a trip.
    std::vector<size_t> candidates;
    const std::string& city =
        r_.Chance(0.8) ? members_[o.member].city : stores_[r_.Below(stores_.size())].city;
    for (size_t s = 0; s < stores_.size(); ++s)
      if (stores_[s].city == city) candidates.push_back(s);
    o.store = candidates.empty() ? r_.Below(stores_.size()) : candidates[r_.Below(candidates.size())];
    size_t cls = r_.Weighted(kClassW);
    o.car_class = kClasses[cls];
    o.rent_days = 1;
    while (o.rent_days < 10 && r_.Chance(0.55)) ++o.rent_days;
    o.amount = static_cast<double>(kDaily[cls] * o.rent_days) * (0.9 + 0.3 * r_.Unit());
    o.amount = static_cast<double>(static_cast<int64_t>(o.amount * 10)) / 10;
    if (r_.Chance(0.2)) o.coupon_id = fmt::format("{}-C{}", prefix_, ++coupons_);
    Emit(o, "order_created", true, out);
    pool_.push_back(std::move(o));
  }

  void Coupon(std::string* out) {
    const LiveMember& m = members_[r_.Below(members_.size())];
    std::string id = fmt::format("{}-C{}", prefix_, ++coupons_);
    json e = {{"event_id", id + "-issued"},
              {"type", "coupon_issued"},
              {"user_id", m.id},
              {"time", NowBeijing()},
              {"properties", {{"coupon_id", id}, {"campaign_id", "LIVE-周末券"}, {"amount", 30}}}};
    out->append(e.dump()).push_back('\n');
  }

  void Emit(const Order& o, const char* type, bool with_amount, std::string* out) {
    const LiveStore& s = stores_[o.store];
    json props = {{"order_id", o.id},
                  {"city", s.city},
                  {"store", s.id},
                  {"car_class", o.car_class},
                  {"rent_days", o.rent_days}};
    if (with_amount) props["amount"] = o.amount;
    if (!o.coupon_id.empty()) props["coupon_id"] = o.coupon_id;
    const std::string& user = members_[o.member].id;
    const std::string now = NowBeijing();
    json e = {{"event_id", fmt::format("{}-{}", o.id, type)},
              {"type", type},
              {"user_id", user},
              {"time", now},
              {"properties", std::move(props)}};
    out->append(e.dump()).push_back('\n');
    if (std::string_view(type) == "order_paid" && !o.coupon_id.empty()) {
      json r = {
          {"event_id", o.coupon_id + "-redeemed"},
          {"type", "coupon_redeemed"},
          {"user_id", user},
          {"time", now},
          {"properties",
           {{"coupon_id", o.coupon_id}, {"campaign_id", "LIVE-满减券"}, {"amount", 20}, {"order_id", o.id}}}};
      out->append(r.dump()).push_back('\n');
    }
  }

  std::vector<LiveMember> members_;
  std::vector<LiveStore> stores_;
  DemoRandom r_;
  std::string prefix_;
  uint64_t orders_ = 0, coupons_ = 0;
  std::vector<Order> pool_;
};

}  // namespace

int RunLiveEvents(const LiveOptions& options) {
  std::string token;
  {
    std::ifstream in(options.token_file);
    if (!in) {
      fmt::print(stderr, "live events: cannot read the token file {}\n", options.token_file);
      return 1;
    }
    std::getline(in, token);
    while (!token.empty() && (token.back() == '\r' || token.back() == ' ')) token.pop_back();
    if (token.empty()) {
      fmt::print(stderr, "live events: the token file {} is empty\n", options.token_file);
      return 1;
    }
  }
  std::vector<LiveMember> members;
  std::vector<LiveStore> stores;
  if (!LoadCompany(options.db, &members, &stores)) return 1;
  std::signal(SIGINT, OnSignal);
  std::signal(SIGTERM, OnSignal);

  curl_global_init(CURL_GLOBAL_DEFAULT);
  CURL* curl = curl_easy_init();
  if (curl == nullptr) return 1;
  const std::string url = options.url + "/api/v1/events";
  const std::string auth = "Authorization: Bearer " + token;
  curl_slist* headers = curl_slist_append(nullptr, auth.c_str());
  headers = curl_slist_append(headers, "Content-Type: application/x-ndjson");
  std::string answer;
  curl_easy_setopt(curl, CURLOPT_URL, url.c_str());
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, CollectBody);
  curl_easy_setopt(curl, CURLOPT_WRITEDATA, &answer);
  curl_easy_setopt(curl, CURLOPT_TIMEOUT, 10L);
  curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);

  Traffic traffic(std::move(members), std::move(stores), options.seed);
  const auto start = std::chrono::steady_clock::now();
  auto next = start;
  double owed = 0;
  uint64_t sent = 0, accepted = 0, failures = 0;
  auto last_report = start;
  while (g_stop == 0) {
    next += std::chrono::seconds(1);
    owed += options.rate;
    std::string body;
    for (; owed >= 1; owed -= 1) traffic.Next(&body);
    if (!body.empty()) {
      answer.clear();
      curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body.data());
      curl_easy_setopt(curl, CURLOPT_POSTFIELDSIZE, static_cast<long>(body.size()));
      CURLcode rc = curl_easy_perform(curl);
      long status = 0;
      curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &status);
      size_t lines = static_cast<size_t>(std::count(body.begin(), body.end(), '\n'));
      sent += lines;
      if (rc != CURLE_OK || status != 200) {
        // Say it once in a while, not every second; the answer carries no secrets.
        if (failures++ % 30 == 0) {
          fmt::print(stderr, "live events: POST /api/v1/events: {}\n",
                     rc != CURLE_OK ? curl_easy_strerror(rc)
                                    : fmt::format("HTTP {}: {}", status, answer.substr(0, 200)));
        }
      } else {
        auto parsed = json::parse(answer, nullptr, false);
        if (parsed.is_object() && parsed.contains("accepted")) accepted += parsed["accepted"].get<uint64_t>();
      }
    }
    const auto now = std::chrono::steady_clock::now();
    if (!options.quiet && now - last_report >= std::chrono::seconds(60)) {
      fmt::print("live events: {} sent, {} accepted, {} orders in flight\n", sent, accepted,
                 traffic.in_flight());
      std::fflush(stdout);
      last_report = now;
    }
    if (options.max_seconds > 0 && now - start >= std::chrono::seconds(options.max_seconds)) break;
    while (g_stop == 0 && std::chrono::steady_clock::now() < next)
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  if (!options.quiet) fmt::print("live events: stopped after {} events ({} accepted)\n", sent, accepted);
  curl_slist_free_all(headers);
  curl_easy_cleanup(curl);
  curl_global_cleanup();
  return 0;
}

}  // namespace tagloop::demo
