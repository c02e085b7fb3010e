// events.ndjson, lists/ and external/ of the demo company (company_files.h).
#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <set>

#include "company_files.h"

namespace tagloop::demo {

namespace {

using json = nlohmann::json;

bool WriteText(const std::string& path, const std::string& text) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  if (f == nullptr || std::fwrite(text.data(), 1, text.size(), f) != text.size() || std::fclose(f) != 0) {
    fmt::print(stderr, "cannot write {}\n", path);
    return false;
  }
  return true;
}

// A paid order that was not cancelled by the end of `day`.
bool ValidAt(const Order& o, Days day) {
  return !o.paid_at.empty() && DayOf(o.paid_at) <= day &&
         (o.cancelled_at.empty() || DayOf(o.cancelled_at) > day);
}

struct TimedLine {
  std::string time;
  std::string line;
};

void AddEvent(std::vector<TimedLine>& out, const std::string& id, const char* type, const std::string& user,
              const std::string& time, json properties) {
  json e = {{"event_id", id},
            {"type", type},
            {"user_id", user},
            {"time", Rfc3339(time)},
            {"properties", std::move(properties)}};
  out.push_back({time, e.dump()});
}

}  // namespace

bool WriteEventHistory(const Company& c, const FileOptions& options, const std::string& path) {
  const Days end = c.options.end_date;
  const Days first = end - options.event_days + 1;
  const std::string from = LocalTime(first, 0);
  auto in_range = [&](const std::string& t) { return !t.empty() && t >= from && DayOf(t) <= end; };
  std::vector<TimedLine> events;
  for (const Order& o : c.orders) {
    // Every event of an order that has one in the range (a car picked up
    // before the range and returned in it still starts the "renting" flag).
    bool returned = o.status == "completed" && in_range(o.return_time);
    if (!in_range(o.created_at) && !returned && o.status != "renting" && !in_range(o.cancelled_at)) continue;
    const std::string& user = c.members[o.member].member_id;
    const Store& store = c.stores[o.store];
    json props = {{"order_id", o.order_id},
                  {"city", store.city},
                  {"store", store.store_id},
                  {"car_class", o.car_class},
                  {"rent_days", o.rent_days}};
    if (!o.coupon_id.empty()) props["coupon_id"] = o.coupon_id;
    json paid = props;
    paid["amount"] = std::round(static_cast<double>(o.amount_cents)) / 100;
    AddEvent(events, o.order_id + "-created", "order_created", user, o.created_at, paid);
    if (!o.paid_at.empty()) AddEvent(events, o.order_id + "-paid", "order_paid", user, o.paid_at, paid);
    if (!o.cancelled_at.empty()) {
      AddEvent(events, o.order_id + "-cancelled", "order_cancelled", user, o.cancelled_at, props);
      continue;
    }
    if (o.status == "renting" || o.status == "completed") {
      AddEvent(events, o.order_id + "-picked", "car_picked_up", user, o.pickup_time, props);
      if (!o.extended_at.empty())
        AddEvent(events, o.order_id + "-extended", "order_extended", user, o.extended_at, props);
    }
    if (o.status == "completed")
      AddEvent(events, o.order_id + "-returned", "car_returned", user, o.return_time, props);
  }
  for (const Coupon& k : c.coupons) {
    const std::string& user = c.members[k.member].member_id;
    json props = {{"coupon_id", k.coupon_id}, {"campaign_id", k.campaign_id}, {"amount", k.value}};
    if (in_range(k.issued_at))
      AddEvent(events, k.coupon_id + "-issued", "coupon_issued", user, k.issued_at, props);
    if (in_range(k.redeemed_at)) {
      props["order_id"] = k.order_id;
      AddEvent(events, k.coupon_id + "-redeemed", "coupon_redeemed", user, k.redeemed_at, props);
    }
  }
  std::stable_sort(events.begin(), events.end(),
                   [](const TimedLine& a, const TimedLine& b) { return a.time < b.time; });
  std::string text;
  for (const TimedLine& e : events) text.append(e.line).push_back('\n');
  return WriteText(path, text);
}

bool WriteListsAndPushes(const Company& c, const std::string& dir) {
  std::error_code ec;
  std::filesystem::create_directories(dir + "/lists", ec);
  std::filesystem::create_directories(dir + "/external", ec);
  const Days end = c.options.end_date;
  const size_t n = c.members.size();

  // Per member, as of the end date.
  std::vector<int> complaints(n, 0), unpaid_overdue(n, 0), orders_180(n, 0);
  for (const Complaint& q : c.complaints) ++complaints[q.member];
  for (const Overdue& d : c.overdues)
    if (d.paid_at.empty() && d.due_date < end - 30) ++unpaid_overdue[d.member];
  for (const Order& o : c.orders)
    if (ValidAt(o, end) && DayOf(o.paid_at) > end - 180) ++orders_180[o.member];

  // The risk system's lists.
  DemoRandom r(c.options.seed ^ 0x632BE59BD9B4E019ULL);
  std::string blacklist =
      fmt::format("# 黑名单: 风控系统导出 {} (逾期未还超过30天, 多次投诉, 欺诈嫌疑)\n", FormatDate(end));
  std::string reasons = "user_id,value\n";
  for (size_t i = 0; i < n; ++i) {
    const char* reason = unpaid_overdue[i] > 0                  ? "逾期未还"
                         : complaints[i] >= 3                   ? "多次投诉"
                         : c.members[i].risky && r.Chance(0.08) ? "欺诈嫌疑"
                                                                : nullptr;
    if (reason == nullptr) continue;
    blacklist += c.members[i].member_id + "\n";
    reasons += fmt::format("{},{}\n", c.members[i].member_id, reason);
  }
  // The CRM system's Q4 campaign: recent gold-and-up members, and a few others.
  std::string crm = "# CRM 2026Q4 会员关怀活动名单\n";
  std::string upload;
  for (size_t i = 0; i < n; ++i) {
    const std::string& level = c.members[i].member_level;
    bool gold = level == "金卡" || level == "白金" || level == "钻石";
    if ((gold && orders_180[i] > 0 && r.Chance(0.7)) || r.Chance(0.03)) {
      crm += c.members[i].member_id + "\n";
      upload += c.members[i].member_id + "\n";
    }
  }
  // As a marketer uploads it: some ids the company does not know, a duplicate.
  for (int k = 0; k < 25; ++k) upload += fmt::format("M9{:07}\n", r.Below(10000000));
  if (n > 0) upload += c.members[0].member_id + "\n";
  if (!WriteText(dir + "/lists/blacklist.txt", blacklist) ||
      !WriteText(dir + "/lists/risk_reason.txt", reasons) ||
      !WriteText(dir + "/lists/crm_campaign_2026q4.txt", crm) ||
      !WriteText(dir + "/lists/crm_upload_2026q4.txt", upload)) {
    return false;
  }

  // External values: the partner's credit score (a full push a week before
  // the end, changes four days later) and the churn model's probability
  // (scored a week before the end and again at the end).
  struct Push {
    std::string tag;
    Days date;
    bool replace;
    std::vector<std::pair<std::string, json>> values;
  };
  std::vector<Push> pushes;
  const Days first = end - 6;
  std::vector<int> credit(n, 0);
  Push credit_full{"credit_score", first, true, {}};
  Push credit_change{"credit_score", end - 2, false, {}};
  for (size_t i = 0; i < n; ++i) {
    const Member& m = c.members[i];
    DemoRandom mr(c.options.seed ^ (0xC2B2AE3D27D4EB4FULL * (i + 5)));
    if (m.register_date > first || mr.Chance(0.12)) continue;  // the partner does not know everyone
    double z = (mr.Unit() + mr.Unit() + mr.Unit() - 1.5) * 2;  // about normal, sd 1
    int score = static_cast<int>(690 + z * 70);
    if (m.risky) score -= 160;
    if (unpaid_overdue[i] > 0) score -= 90;
    if (m.member_level == "白金" || m.member_level == "钻石") score += 40;
    score = std::clamp(score, 350, 950);
    credit[i] = score;
    credit_full.values.emplace_back(m.member_id, score);
    if (mr.Chance(0.05))
      credit_change.values.emplace_back(m.member_id, std::clamp(score + mr.Between(-60, 40), 350, 950));
  }
  pushes.push_back(std::move(credit_full));
  pushes.push_back(std::move(credit_change));
  for (Days date : {first, end}) {
    Push churn{"churn_probability", date, true, {}};
    std::vector<int> orders(n, 0);
    std::vector<Days> last(n, 0);
    for (const Order& o : c.orders) {
      if (!ValidAt(o, date) || DayOf(o.paid_at) <= date - 365) continue;
      ++orders[o.member];
      last[o.member] = std::max(last[o.member], DayOf(o.paid_at));
    }
    for (size_t i = 0; i < n; ++i) {
      const Member& m = c.members[i];
      if (m.register_date > date) continue;
      DemoRandom mr(c.options.seed ^ (0x165667B19E3779F9ULL * (i + 9)) ^ static_cast<uint64_t>(date));
      double recency = orders[i] == 0 ? 365 : date - last[i];
      double x = -2.2 + recency / 70.0 - 0.25 * std::min(orders[i], 12) + (mr.Unit() - 0.5) * 0.8;
      double p = 1 / (1 + std::exp(-x));
      churn.values.emplace_back(m.member_id, fmt::format("{:.2f}", std::clamp(p, 0.01, 0.99)));
    }
    pushes.push_back(std::move(churn));
  }
  std::string index;
  for (const Push& p : pushes) {
    constexpr size_t kChunk = 20000;  // well under the API's 1 MiB body and 100,000 items
    for (size_t from = 0, part = 1; from < p.values.size() || (from == 0 && part == 1);
         from += kChunk, ++part) {
      json set = json::array();
      for (size_t i = from; i < std::min(p.values.size(), from + kChunk); ++i)
        set.push_back({{"user", p.values[i].first}, {"value", p.values[i].second}});
      json body = {{"date", FormatDate(p.date)}, {"set", std::move(set)}};
      if (p.replace && from == 0) body["replace"] = true;
      std::string file = fmt::format("external/{}-{}-{}.json", p.tag, FormatDate(p.date), part);
      if (!WriteText(dir + "/" + file, body.dump() + "\n")) return false;
      index += fmt::format("{} {}\n", p.tag, file);
      if (p.values.empty()) break;
    }
  }
  return WriteText(dir + "/external/pushes.txt", index);
}

}  // namespace tagloop::demo
