#include "company_model.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>

namespace tagloop::demo {

// ------------------------------------------------------------ random

uint64_t DemoRandom::Next() {
  uint64_t z = (state_ += 0x9E3779B97F4A7C15ULL);
  z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
  z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
  return z ^ (z >> 31);
}

uint64_t DemoRandom::Below(uint64_t n) { return Next() % n; }

double DemoRandom::Unit() { return static_cast<double>(Next() >> 11) * 0x1.0p-53; }

int DemoRandom::Between(int lo, int hi) {
  return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1)));
}

size_t DemoRandom::Weighted(const std::vector<double>& weights) {
  double total = 0;
  for (double w : weights) total += w;
  double x = Unit() * total;
  for (size_t i = 0; i < weights.size(); ++i) {
    if (x < weights[i]) return i;
    x -= weights[i];
  }
  return weights.size() - 1;
}

// ------------------------------------------------------------ time text

std::string LocalTime(Days day, int64_t seconds) {
  day += static_cast<Days>(seconds / 86400);
  seconds %= 86400;
  int y;
  unsigned m, d;
  CivilFromDays(day, y, m, d);
  return fmt::format("{:04}-{:02}-{:02} {:02}:{:02}:{:02}", y, m, d, seconds / 3600, seconds / 60 % 60,
                     seconds % 60);
}

Days DayOf(std::string_view t) {
  auto num = [&](size_t pos, size_t len) {
    int v = 0;
    for (size_t i = pos; i < pos + len; ++i) v = v * 10 + (t[i] - '0');
    return v;
  };
  return DaysFromCivil(num(0, 4), static_cast<unsigned>(num(5, 2)), static_cast<unsigned>(num(8, 2)));
}

std::string Rfc3339(std::string_view t) {
  std::string out(t.substr(0, 19));
  out[10] = 'T';
  out += "+08:00";
  return out;
}

std::string Yuan(int64_t cents) { return fmt::format("{}.{:02}", cents / 100, cents % 100); }

namespace {

// ------------------------------------------------------------ reference data

struct CityInfo {
  const char* name;
  double weight;  // share of members living there
  double travel;  // weight as a trip destination
  double price;   // price factor
  std::array<const char*, 2> airports;
  std::array<const char*, 2> rails;
  std::array<const char*, 2> downtowns;
};

// Two stores of each kind per city ("" = none).
const std::vector<CityInfo>& Cities() {
  static const std::vector<CityInfo> kCities = {
      {"北京", 14, 6, 1.15, {"首都机场", "大兴机场"}, {"北京南站", "北京西站"}, {"国贸", "中关村"}},
      {"上海", 15, 6, 1.15, {"虹桥机场", "浦东机场"}, {"虹桥站", "上海站"}, {"人民广场", "陆家嘴"}},
      {"广州", 10, 4, 1.05, {"白云机场", ""}, {"广州南站", "广州东站"}, {"天河城", "珠江新城"}},
      {"深圳", 11, 4, 1.10, {"宝安机场", ""}, {"深圳北站", "福田站"}, {"南山科技园", "华强北"}},
      {"成都", 9, 9, 0.95, {"双流机场", "天府机场"}, {"成都东站", ""}, {"春熙路", "高新区"}},
      {"杭州", 8, 7, 1.00, {"萧山机场", ""}, {"杭州东站", ""}, {"西湖", "滨江"}},
      {"重庆", 6, 7, 0.90, {"江北机场", ""}, {"重庆北站", ""}, {"解放碑", "观音桥"}},
      {"西安", 5, 7, 0.90, {"咸阳机场", ""}, {"西安北站", ""}, {"钟楼", "高新路"}},
      {"南京", 5, 3, 0.95, {"禄口机场", ""}, {"南京南站", ""}, {"新街口", ""}},
      {"武汉", 5, 3, 0.90, {"天河机场", ""}, {"武汉站", ""}, {"江汉路", "光谷"}},
      {"长沙", 4, 3, 0.85, {"黄花机场", ""}, {"长沙南站", ""}, {"五一广场", ""}},
      {"厦门", 3, 7, 1.00, {"高崎机场", ""}, {"厦门北站", ""}, {"中山路", ""}},
      {"昆明", 3, 9, 0.90, {"长水机场", ""}, {"昆明南站", ""}, {"翠湖", ""}},
      {"三亚", 2, 14, 1.25, {"凤凰机场", ""}, {"三亚站", ""}, {"大东海", "海棠湾"}},
  };
  return kCities;
}

struct CarClass {
  const char* name;
  int daily_yuan;
};
constexpr std::array<CarClass, 6> kCarClasses = {
    {{"economy", 128}, {"compact", 168}, {"suv", 298}, {"mpv", 358}, {"luxury", 688}, {"ev", 158}}};

constexpr std::array<const char*, 40> kSurnames = {
    "王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周", "徐", "孙", "马", "朱",
    "胡", "郭", "何", "林", "高", "罗", "郑", "梁", "谢", "宋", "唐", "许", "韩", "冯",
    "邓", "曹", "彭", "曾", "肖", "田", "董", "袁", "潘", "于", "蒋", "蔡"};
constexpr std::array<const char*, 48> kGivenMale = {
    "伟", "强", "磊", "军", "洋", "勇", "杰", "涛", "斌", "超", "明", "刚", "平", "辉", "鹏", "华",
    "飞", "鑫", "波", "宇", "浩", "凯", "健", "俊", "帆", "帅", "旭", "宁", "龙", "林", "阳", "晨",
    "博", "文", "志", "建", "子", "家", "嘉", "思", "天", "一", "昊", "泽", "睿", "航", "晓", "东"};
constexpr std::array<const char*, 48> kGivenFemale = {
    "芳", "娜", "敏", "静", "丽", "艳", "娟", "霞", "燕", "玲", "婷", "雪", "慧", "莹", "倩", "琳",
    "颖", "洁", "晶", "欣", "悦", "佳", "雨", "梦", "思", "雯", "璐", "瑶", "萱", "怡", "彤", "诗",
    "晓", "丹", "蕾", "露", "青", "宁", "嘉", "子", "心", "可", "一", "月", "文", "小", "馨", "婉"};

// Chinese public holidays (travel peaks) around the history window.
struct HolidaySpan {
  const char* name;
  int y, m, d, days;
};
constexpr std::array<HolidaySpan, 20> kHolidaySpans = {{
    {"元旦", 2025, 1, 1, 1},    {"春节", 2025, 1, 28, 8},   {"清明节", 2025, 4, 4, 3},
    {"劳动节", 2025, 5, 1, 5},  {"端午节", 2025, 5, 31, 3}, {"国庆节", 2025, 10, 1, 8},
    {"元旦", 2026, 1, 1, 3},    {"春节", 2026, 2, 15, 9},   {"清明节", 2026, 4, 4, 3},
    {"劳动节", 2026, 5, 1, 5},  {"端午节", 2026, 6, 19, 3}, {"中秋节", 2026, 9, 25, 3},
    {"国庆节", 2026, 10, 1, 7}, {"元旦", 2027, 1, 1, 3},    {"春节", 2027, 2, 6, 9},
    {"清明节", 2027, 4, 3, 3},  {"劳动节", 2027, 5, 1, 5},  {"端午节", 2027, 6, 9, 3},
    {"中秋节", 2027, 9, 15, 3}, {"国庆节", 2027, 10, 1, 7},
}};

int WeekdayMon0(Days d) { return static_cast<int>(((static_cast<int64_t>(d) + 3) % 7 + 7) % 7); }

// ------------------------------------------------------------ the generator

class Generator {
 public:
  explicit Generator(const CompanyOptions& o) : o_(o) {
    c_.options = o;
    first_day_ = o.end_date - o.history_days + 1;
  }

  Company Run() {
    Holidays();
    Stores();
    DayWeights();
    Members();
    for (size_t i = 0; i < c_.members.size(); ++i) OrdersOf(i);
    std::stable_sort(c_.orders.begin(), c_.orders.end(),
                     [](const Order& a, const Order& b) { return a.created_at < b.created_at; });
    for (size_t i = 0; i < c_.orders.size(); ++i) c_.orders[i].order_id = fmt::format("O{:010}", i + 1);
    CouponsAndAftercare();
    Levels();
    return std::move(c_);
  }

 private:
  bool IsHoliday(Days d) const {
    return d >= holiday_base_ && d - holiday_base_ < static_cast<Days>(holiday_.size()) &&
           holiday_[d - holiday_base_];
  }
  // A holiday starts within the next `n` days.
  bool BeforeHoliday(Days d, int n) const {
    for (int k = 1; k <= n; ++k)
      if (IsHoliday(d + k) && !IsHoliday(d)) return true;
    return false;
  }

  // The published calendar for the years the table has; any other year of
  // the window (a history ending long ago or far ahead: the demo is dated by
  // its end date, not by today) repeats 2026's dates, the lunar holidays
  // approximated by their 2026 days.
  void Holidays() {
    holiday_base_ = first_day_ - 40;
    holiday_.assign(static_cast<size_t>(o_.history_days + 120), 0);
    auto add = [&](const HolidaySpan& h, int year) {
      const Days start = DaysFromCivil(year, static_cast<unsigned>(h.m), static_cast<unsigned>(h.d));
      for (int k = 0; k < h.days; ++k) {
        Days d = start + k;
        c_.holidays.push_back({d, h.name});
        if (d >= holiday_base_ && d - holiday_base_ < static_cast<Days>(holiday_.size()))
          holiday_[d - holiday_base_] = 1;
      }
    };
    int first_year = 0, last_year = 0;
    unsigned month = 0, day = 0;
    CivilFromDays(holiday_base_, first_year, month, day);
    CivilFromDays(holiday_base_ + static_cast<Days>(holiday_.size()), last_year, month, day);
    for (int year = first_year; year <= last_year; ++year) {
      const bool published = std::any_of(kHolidaySpans.begin(), kHolidaySpans.end(),
                                         [&](const HolidaySpan& h) { return h.y == year; });
      for (const HolidaySpan& h : kHolidaySpans) {
        if (h.y == (published ? year : 2026)) add(h, year);
      }
    }
  }

  void Stores() {
    int city_no = 0;
    for (const CityInfo& city : Cities()) {
      ++city_no;
      int n = 0;
      auto add = [&](const char* place, const char* type, const char* suffix) {
        if (place[0] == '\0') return;
        std::string name = std::string(place).find(city.name) == 0 ? std::string(place) + suffix
                                                                   : std::string(city.name) + place + suffix;
        c_.stores.push_back({fmt::format("S{:02}{:02}", city_no, ++n), city.name, name, type});
      };
      for (const char* p : city.airports) add(p, "airport", "店");
      for (const char* p : city.rails) add(p, "rail", "店");
      for (const char* p : city.downtowns) add(p, "downtown", "店");
    }
  }

  // How busy each creation day is: weekends, the run-up to holidays, the
  // holidays themselves, summer.
  void DayWeights() {
    cdf_.resize(static_cast<size_t>(o_.history_days));
    double sum = 0;
    for (int k = 0; k < o_.history_days; ++k) {
      Days d = first_day_ + k;
      int wd = WeekdayMon0(d);
      int y;
      unsigned m, dd;
      CivilFromDays(d, y, m, dd);
      double w = 1.0;
      if (wd == 4 || wd == 5) w *= 1.35;  // Friday, Saturday
      if (wd == 6) w *= 1.1;
      if (BeforeHoliday(d, 10)) w *= 1.7;
      if (IsHoliday(d)) w *= 1.4;
      if (m == 7 || m == 8) w *= 1.3;
      if (m == 11 || m == 3) w *= 0.9;
      sum += w;
      cdf_[static_cast<size_t>(k)] = sum;
    }
  }

  // A creation day in [lo, hi] drawn by the day weights.
  Days DrawDay(DemoRandom& r, Days lo, Days hi) {
    size_t a = static_cast<size_t>(lo - first_day_), b = static_cast<size_t>(hi - first_day_);
    double low = a == 0 ? 0 : cdf_[a - 1];
    double x = low + r.Unit() * (cdf_[b] - low);
    size_t i = static_cast<size_t>(
        std::upper_bound(cdf_.begin() + static_cast<long>(a), cdf_.begin() + static_cast<long>(b) + 1, x) -
        cdf_.begin());
    return first_day_ + static_cast<Days>(std::min(i, b));
  }

  void Members() {
    std::vector<double> city_w;
    for (const CityInfo& c : Cities()) city_w.push_back(c.weight);
    const std::vector<std::string> channels = {"App", "微信小程序", "官网", "携程", "飞猪", "门店"};
    const std::vector<double> channel_w = {38, 30, 8, 12, 7, 5};
    c_.members.reserve(o_.members);
    for (size_t i = 0; i < o_.members; ++i) {
      DemoRandom r(o_.seed ^ (0xA24BAED4963EE407ULL * (i + 1)));
      Member m;
      m.member_id = fmt::format("M{}", 10000001 + i);
      m.gender = r.Chance(0.57) ? "男" : "女";
      m.name = kSurnames[r.Below(kSurnames.size())];
      const auto& given = m.gender == "男" ? kGivenMale : kGivenFemale;
      m.name += given[r.Below(given.size())];
      if (r.Chance(0.7)) m.name += given[r.Below(given.size())];
      static const std::vector<double> age_w = {10, 38, 30, 15, 7};
      static const std::array<std::pair<int, int>, 5> age_bands = {
          {{20, 24}, {25, 34}, {35, 44}, {45, 54}, {55, 65}}};
      auto band = age_bands[r.Weighted(age_w)];
      int age = r.Between(band.first, band.second);
      m.birth_date = o_.end_date - age * 365 - static_cast<Days>(r.Below(365)) - age / 4;
      m.city = Cities()[r.Weighted(city_w)].name;
      // More members joined recently (the company grows): about 5% in the
      // last 30 days, the oldest about five years ago.
      m.register_date = o_.end_date - static_cast<Days>(std::pow(r.Unit(), 1.3) * 1800);
      m.register_channel = channels[r.Weighted(channel_w)];
      m.phone = fmt::format("1{}{}{:08}", "3456789"[r.Below(7)], r.Below(10), r.Below(100000000));
      m.sms_opt_in = r.Chance(0.72);
      m.wechat_bound = m.register_channel == "微信小程序" ? r.Chance(0.95) : r.Chance(0.45);
      m.push_enabled = m.register_channel == "App" ? r.Chance(0.65) : r.Chance(0.3);
      m.coupon_affinity = r.Chance(0.3) ? 0.5 + 0.4 * r.Unit() : 0.15 * r.Unit();
      m.long_renter = r.Chance(0.07);
      m.weekend_lover = r.Chance(0.3);
      m.risky = r.Chance(0.04);
      c_.members.push_back(std::move(m));
    }
  }

  // The member's orders: a yearly rate with a long tail of heavy renters;
  // a third of the members stop renting at some point (sleepers).
  void OrdersOf(size_t mi) {
    Member& m = c_.members[mi];
    DemoRandom r(o_.seed ^ (0xD6E8FEB86659FD93ULL * (mi + 11)));
    static const std::vector<double> kind_w = {34, 34, 20, 9, 3};
    static const std::array<double, 5> rate = {0.6, 2.0, 5.0, 12.0, 36.0};
    size_t kind = r.Weighted(kind_w);
    double per_year = rate[kind] * (0.6 + 0.8 * r.Unit());
    if (m.long_renter) per_year = std::min(per_year, 6.0);
    Days lo = std::max(first_day_, m.register_date);
    Days hi = o_.end_date;
    if (r.Chance(0.3))
      hi = lo + static_cast<Days>(r.Below(static_cast<uint64_t>(hi - lo + 1)));  // stopped renting
    if (hi < lo) return;
    double expected = per_year * (hi - lo + 1) / 365.0;
    if (m.register_date >= first_day_ && r.Chance(0.6)) expected += 0.8;  // the first rental after joining
    // Poisson by inversion (expected is at most ~40).
    int n = 0;
    double p = std::exp(-expected), s = p, u = r.Unit();
    while (u > s && n < 400) {
      ++n;
      p *= expected / n;
      s += p;
    }
    // The member's favourite car class.
    std::vector<double> class_w = {30, 26, 20, 9, 5, 10};
    if (kind >= 3) class_w[4] += 6, class_w[2] += 6;
    Days age_days = o_.end_date - m.birth_date;
    if (age_days < 30 * 365) class_w[5] += 10, class_w[0] += 10;
    if (age_days > 40 * 365) class_w[3] += 10;
    size_t favourite = r.Weighted(class_w);
    std::vector<double> travel_w;
    for (const CityInfo& c : Cities()) travel_w.push_back(m.city == c.name ? 0 : c.travel);
    for (int k = 0; k < n; ++k) MakeOrder(mi, r, DrawDay(r, lo, hi), favourite, travel_w);
  }

  size_t PickStore(DemoRandom& r, const std::string& city, bool trip) {
    std::vector<size_t> idx;
    std::vector<double> w;
    for (size_t i = 0; i < c_.stores.size(); ++i) {
      const Store& s = c_.stores[i];
      if (s.city != city) continue;
      idx.push_back(i);
      double base = s.type == "airport" ? 35 : s.type == "rail" ? 25 : 40;
      if (trip) base = s.type == "airport" ? 70 : s.type == "rail" ? 22 : 8;
      w.push_back(base);
    }
    return idx[r.Weighted(w)];
  }

  void MakeOrder(size_t mi, DemoRandom& r, Days day, size_t favourite, const std::vector<double>& travel_w) {
    Member& m = c_.members[mi];
    Order o;
    o.member = mi;
    // Weekend lovers move most of their rentals to a Friday or Saturday pick-up.
    int lead = r.Chance(0.4) ? 0 : r.Chance(0.6) ? r.Between(1, 3) : r.Between(4, 14);
    Days pickup = day + lead;
    if (m.weekend_lover && r.Chance(0.7)) {
      int wd = WeekdayMon0(pickup);
      int to_friday = (4 - wd + 7) % 7;
      if (to_friday <= 1 || wd == 6) {
        pickup += wd == 6 ? 6 : to_friday + static_cast<int>(r.Below(2));
      } else {
        pickup += to_friday;
      }
      if (pickup - day > 14) pickup -= 7;
      if (pickup < day) pickup = day;
    }
    bool holiday = IsHoliday(pickup) || BeforeHoliday(pickup, 2);
    bool trip = r.Chance(holiday ? 0.55 : 0.18);
    std::string city = trip ? Cities()[r.Weighted(travel_w)].name : m.city;
    o.store = PickStore(r, city, trip);
    size_t cls = r.Chance(0.78) ? favourite : r.Below(kCarClasses.size());
    if (trip && r.Chance(0.3)) cls = 2;  // SUVs for trips
    o.car_class = kCarClasses[cls].name;
    if (m.long_renter && r.Chance(0.75)) {
      o.rent_days = r.Between(15, 45);
    } else {
      o.rent_days = 1;
      while (o.rent_days < 14 && r.Chance(holiday ? 0.72 : 0.55)) ++o.rent_days;
    }
    int64_t created_s = r.Between(7 * 3600, 23 * 3600 + 1800);
    o.created_at = LocalTime(day, created_s);
    int64_t pickup_s = r.Between(8 * 3600, 20 * 3600);
    if (pickup == day && pickup_s <= created_s + 3600)
      pickup_s = std::min<int64_t>(created_s + 3600 + r.Below(7200), 86399);
    o.pickup_time = LocalTime(pickup, pickup_s);
    int extra_days = 0;
    if (r.Chance(0.06)) extra_days = r.Between(1, 5);
    if (extra_days > 0)
      o.extended_at = LocalTime(pickup + std::max(1, o.rent_days / 2), r.Between(9 * 3600, 21 * 3600));
    o.rent_days += extra_days;
    o.return_time =
        LocalTime(pickup + o.rent_days, std::max<int64_t>(pickup_s - r.Between(0, 3) * 3600, 8 * 3600));
    // The price: daily rate x days, surcharges, member discount.
    double factor = 1.0;
    for (const CityInfo& c : Cities())
      if (c.name == city) factor = c.price;
    if (holiday) factor *= 1.45;
    if (WeekdayMon0(pickup) >= 4) factor *= 1.12;
    if (o.rent_days >= 7) factor *= 0.85;
    if (o.rent_days >= 15) factor *= 0.8;
    double insurance = r.Chance(0.45) ? 50.0 * o.rent_days : 0;
    int64_t cents = static_cast<int64_t>(
        std::llround((kCarClasses[cls].daily_yuan * o.rent_days * factor + insurance) * 100));
    cents -= cents % 100 == 0 ? 0 : cents % 10;  // prices end in whole dimes
    o.amount_cents = cents;
    // Cancelled orders: before payment (5%) or refunded after it (4%).
    const int64_t created_rel = created_s;
    double cancel = r.Unit();
    o.paid_at = LocalTime(day, created_rel + r.Between(60, 1800));
    if (cancel < 0.05) {
      o.paid_at.clear();
      o.cancelled_at = LocalTime(day, created_rel + r.Between(600, 7200));
      o.status = "cancelled";
    } else if (cancel < 0.09) {
      int64_t span = static_cast<int64_t>(pickup - day) * 86400 + pickup_s - created_rel;
      o.cancelled_at = LocalTime(
          day, created_rel + 1900 +
                   static_cast<int64_t>(r.Below(static_cast<uint64_t>(std::max<int64_t>(span - 2000, 1)))));
      o.status = "cancelled";
    }
    if (!o.status.empty() && !o.extended_at.empty()) o.extended_at.clear();
    // Times after the end of the end date did not happen yet (pick-up and
    // return times stay: they are the plan).
    const Days end = o_.end_date;
    if (!o.paid_at.empty() && DayOf(o.paid_at) > end) o.paid_at.clear();
    if (!o.cancelled_at.empty() && DayOf(o.cancelled_at) > end) o.cancelled_at.clear(), o.status.clear();
    if (!o.extended_at.empty() && DayOf(o.extended_at) > end) o.extended_at.clear();
    if (o.status.empty()) {
      if (o.paid_at.empty()) {
        o.status = "pending";
      } else if (DayOf(o.pickup_time) > end) {
        o.status = "reserved";
      } else if (DayOf(o.return_time) > end) {
        o.status = "renting";
      } else {
        o.status = "completed";
      }
    }
    c_.orders.push_back(std::move(o));
  }

  // Coupons (welcome coupons, the ones orders used, campaign batches that
  // mostly go unused), complaints and overdue fees after returns.
  void CouponsAndAftercare() {
    DemoRandom r(o_.seed ^ 0x5851F42D4C957F2DULL);
    auto new_coupon = [&](size_t member, const char* type, int value, const std::string& campaign,
                          const std::string& issued_at) {
      Coupon c;
      c.coupon_id = fmt::format("C{:08}", c_.coupons.size() + 1);
      c.member = member;
      c.type = type;
      c.value = value;
      c.campaign_id = campaign;
      c.issued_at = issued_at;
      c.expires_at = LocalTime(DayOf(issued_at) + 30, 86399);
      c_.coupons.push_back(std::move(c));
      return c_.coupons.size() - 1;
    };
    // Welcome coupons for members who joined within the history.
    std::vector<size_t> welcome(c_.members.size(), SIZE_MAX);
    for (size_t i = 0; i < c_.members.size(); ++i) {
      const Member& m = c_.members[i];
      if (m.register_date < first_day_) continue;
      welcome[i] =
          new_coupon(i, "新人券", 50, "WELCOME", LocalTime(m.register_date, r.Between(8 * 3600, 22 * 3600)));
    }
    for (Order& o : c_.orders) {
      const Member& m = c_.members[o.member];
      if (o.paid_at.empty()) continue;
      Days day = DayOf(o.created_at);
      // A coupon used on the order: the welcome coupon if still valid.
      size_t w = welcome[o.member];
      if (w != SIZE_MAX && c_.coupons[w].redeemed_at.empty() && day <= DayOf(c_.coupons[w].expires_at) &&
          r.Chance(0.5 + m.coupon_affinity / 2)) {
        Redeem(w, o);
      } else if (r.Chance(m.coupon_affinity)) {
        Days pickup = DayOf(o.pickup_time);
        const char* type = IsHoliday(pickup) || BeforeHoliday(pickup, 3) ? "节假日券"
                           : WeekdayMon0(pickup) >= 4                    ? "周末券"
                                                                         : "满减券";
        const std::string_view t = type;
        int value = t == "节假日券" ? (r.Chance(0.5) ? 50 : 80)
                    : t == "周末券" ? 30
                                    : std::array<int, 3>{20, 50, 100}[r.Below(3)];
        if (value * 100 * 3 > o.amount_cents) value = 20;
        size_t c =
            new_coupon(o.member, type, value,
                       fmt::format("CP{}", FormatDate(day - static_cast<Days>(r.Below(10))).substr(0, 7)),
                       LocalTime(day - 1 - static_cast<Days>(r.Below(10)), r.Between(9 * 3600, 20 * 3600)));
        Redeem(c, o);
      }
      // After-care: complaints and overdue fees of completed rentals.
      if (o.status != "completed") continue;
      Days returned = DayOf(o.return_time);
      if (r.Chance(m.risky ? 0.12 : 0.022)) {
        static const std::vector<std::string> cats = {"车辆卫生", "服务态度", "费用争议", "车况故障",
                                                      "取还车等待"};
        Days at = returned + static_cast<Days>(r.Below(4));
        if (at <= o_.end_date) {
          c_.complaints.push_back({fmt::format("Q{:07}", c_.complaints.size() + 1), o.member, o.order_id,
                                   cats[r.Below(cats.size())], LocalTime(at, r.Between(9 * 3600, 21 * 3600)),
                                   at + 7 < o_.end_date ? "已解决" : "处理中"});
        }
      }
      if (r.Chance(m.risky ? 0.3 : 0.012)) {
        static const std::vector<std::string> reasons = {"违章罚款", "车损赔偿", "超时费用"};
        Overdue d;
        d.overdue_id = fmt::format("D{:07}", c_.overdues.size() + 1);
        d.member = o.member;
        d.order_id = o.order_id;
        d.reason = reasons[r.Below(reasons.size())];
        d.amount_cents = (d.reason == "车损赔偿" ? r.Between(800, 6000) : r.Between(100, 900)) * 100;
        d.due_date = returned + 15;
        if (d.due_date <= o_.end_date) {
          if (!(m.risky && r.Chance(0.6)) && r.Chance(0.75)) {
            Days paid = d.due_date + static_cast<Days>(r.Below(40));
            if (paid <= o_.end_date) d.paid_at = LocalTime(paid, r.Between(9 * 3600, 22 * 3600));
          }
          c_.overdues.push_back(std::move(d));
        }
      }
    }
    // Monthly campaign batches to a random 12% of members; about a tenth are used later.
    for (Days d = first_day_ + 5; d <= o_.end_date; d += 30) {
      std::string campaign = fmt::format("CP{}-BATCH", FormatDate(d).substr(0, 7));
      for (size_t i = 0; i < c_.members.size(); ++i) {
        if (c_.members[i].register_date > d || !r.Chance(0.12)) continue;
        new_coupon(i, r.Chance(0.5) ? "满减券" : "周末券", r.Chance(0.5) ? 30 : 50, campaign,
                   LocalTime(d, r.Between(10 * 3600, 11 * 3600)));
      }
    }
    // The coupons were made out of order: sort them by issue time, keep ids in that order.
    std::vector<size_t> order(c_.coupons.size());
    for (size_t i = 0; i < order.size(); ++i) order[i] = i;
    std::stable_sort(order.begin(), order.end(),
                     [&](size_t a, size_t b) { return c_.coupons[a].issued_at < c_.coupons[b].issued_at; });
    std::vector<Coupon> sorted;
    sorted.reserve(order.size());
    std::vector<std::pair<std::string, std::string>> renamed;  // old id -> new id, for orders
    for (size_t i = 0; i < order.size(); ++i) {
      Coupon c = std::move(c_.coupons[order[i]]);
      std::string id = fmt::format("C{:08}", i + 1);
      if (!c.order_id.empty()) renamed.emplace_back(c.order_id, id);
      c.coupon_id = id;
      sorted.push_back(std::move(c));
    }
    c_.coupons = std::move(sorted);
    std::sort(renamed.begin(), renamed.end());
    for (Order& o : c_.orders) {
      if (o.coupon_id.empty()) continue;
      auto it = std::lower_bound(renamed.begin(), renamed.end(), std::make_pair(o.order_id, std::string()));
      o.coupon_id = it != renamed.end() && it->first == o.order_id ? it->second : std::string();
    }
  }

  void Redeem(size_t coupon, Order& o) {
    Coupon& c = c_.coupons[coupon];
    c.redeemed_at = o.paid_at;
    c.order_id = o.order_id;
    o.coupon_id = c.coupon_id;
    o.amount_cents = std::max<int64_t>(o.amount_cents - c.value * 100, 100);
  }

  // Member levels from the spend of the last 365 days at the end date.
  void Levels() {
    std::vector<int64_t> spend(c_.members.size(), 0);
    for (const Order& o : c_.orders) {
      if (o.paid_at.empty() || !o.cancelled_at.empty()) continue;
      if (DayOf(o.paid_at) > o_.end_date - 365) spend[o.member] += o.amount_cents;
    }
    for (size_t i = 0; i < c_.members.size(); ++i) {
      int64_t yuan = spend[i] / 100;
      c_.members[i].member_level = yuan >= 20000  ? "钻石"
                                   : yuan >= 9000 ? "白金"
                                   : yuan >= 3500 ? "金卡"
                                   : yuan >= 800  ? "银卡"
                                                  : "普通";
    }
  }

  CompanyOptions o_;
  Company c_;
  Days first_day_ = 0;
  Days holiday_base_ = 0;
  std::vector<uint8_t> holiday_;
  std::vector<double> cdf_;
};

}  // namespace

Company GenerateCompany(const CompanyOptions& options) { return Generator(options).Run(); }

}  // namespace tagloop::demo
