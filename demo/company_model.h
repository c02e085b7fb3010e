// The demo car-rental company (issue 7): members, stores, rental orders,
// coupons, complaints and overdue payments over about 13 months of history,
// generated deterministically from a seed.
//
// Everything depends only on (seed, members, end date): the same arguments
// give byte-identical tables on any machine. Random numbers come from
// splitmix64 (DemoRandom), never from std:: distributions, whose output the
// standard leaves to the implementation.
//
// Times are local (Beijing, +08:00) "YYYY-MM-DD HH:MM:SS" text, as a business
// database would hold them; an empty string is SQL NULL. Times after the end
// of the end date are plans (a pick-up booked for next week) and are marked
// by the order's status, never turned into events.
//
// Not thread-safe; Generate() is a pure function of its options.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"

namespace tagloop::demo {

// splitmix64: small, fast, portable.
class DemoRandom {
 public:
  explicit DemoRandom(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  uint64_t Below(uint64_t n);  // uniform in [0, n); n > 0
  double Unit();               // uniform in [0, 1)
  bool Chance(double p) { return Unit() < p; }
  int Between(int lo, int hi);                          // uniform in [lo, hi]
  size_t Weighted(const std::vector<double>& weights);  // index with probability weight / sum

 private:
  uint64_t state_;
};

struct CompanyOptions {
  uint64_t seed = 42;
  size_t members = 20000;
  Days end_date = 0;       // the last business date of the history (inclusive)
  int history_days = 400;  // orders are created in [end - history_days + 1, end]
};

struct Store {
  std::string store_id;  // "S0101"
  std::string city;
  std::string name;  // "上海虹桥机场店"
  std::string type;  // airport, rail, downtown
};

struct Member {
  std::string member_id;  // "M10000001"
  std::string name;       // fake Chinese name
  std::string gender;     // 男, 女
  Days birth_date = 0;
  std::string city;  // home city
  Days register_date = 0;
  std::string register_channel;
  std::string member_level;  // 普通, 银卡, 金卡, 白金, 钻石 (as of the end date)
  std::string phone;         // fake, personal
  bool sms_opt_in = false;
  bool wechat_bound = false;
  bool push_enabled = false;  // the app's push switch on the first partition day
  // Latent traits the orders are drawn from (not columns).
  double coupon_affinity = 0;
  bool long_renter = false;
  bool weekend_lover = false;
  bool risky = false;
};

struct Order {
  std::string order_id;   // "O2026110100123"
  size_t member = 0;      // index into Company::members
  size_t store = 0;       // index into Company::stores
  std::string car_class;  // economy, compact, suv, mpv, luxury, ev
  std::string created_at, paid_at, pickup_time, return_time, extended_at, cancelled_at;
  int rent_days = 0;
  int64_t amount_cents = 0;  // paid amount after the coupon
  std::string coupon_id;
  std::string status;  // completed, renting, reserved, pending, cancelled (as of the end date)
};

struct Coupon {
  std::string coupon_id;  // "C00012345"
  size_t member = 0;
  std::string type;  // 新人券, 周末券, 节假日券, 满减券
  int value = 0;     // yuan
  std::string campaign_id;
  std::string issued_at, expires_at, redeemed_at, order_id;
};

struct Complaint {
  std::string complaint_id;
  size_t member = 0;
  std::string order_id;
  std::string category;  // 车辆卫生, 服务态度, 费用争议, 车况故障, 取还车等待
  std::string created_at;
  std::string status;  // 已解决, 处理中
};

struct Overdue {
  std::string overdue_id;
  size_t member = 0;
  std::string order_id;
  std::string reason;  // 违章罚款, 车损赔偿, 超时费用
  int64_t amount_cents = 0;
  Days due_date = 0;
  std::string paid_at;  // "" = still unpaid
};

struct Holiday {
  Days date = 0;
  std::string name;
};

struct Company {
  CompanyOptions options;
  std::vector<Store> stores;
  std::vector<Member> members;
  std::vector<Order> orders;  // by creation time
  std::vector<Coupon> coupons;
  std::vector<Complaint> complaints;
  std::vector<Overdue> overdues;
  std::vector<Holiday> holidays;
};

Company GenerateCompany(const CompanyOptions& options);

// "YYYY-MM-DD HH:MM:SS" of `day` plus `seconds` into it (may exceed a day).
std::string LocalTime(Days day, int64_t seconds);
// The business day of a LocalTime text.
Days DayOf(std::string_view local_time);
// "2026-11-24T10:15:00+08:00" of a LocalTime text.
std::string Rfc3339(std::string_view local_time);
// "12.50".
std::string Yuan(int64_t cents);

}  // namespace tagloop::demo
