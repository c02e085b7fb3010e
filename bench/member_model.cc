// The car-rental member model: value lists, skewed distributions and NULL
// rates of each column. Integer arithmetic only, so output is identical on
// every machine (see member_model.h).
#include "member_model.h"

#include <algorithm>
#include <array>
#include <charconv>

#include "core/date.h"

namespace tagloop::bench {
namespace {

uint64_t Mix(uint64_t z) {  // splitmix64's finaliser
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

// splitmix64: one independent stream per row.
class Rng {
 public:
  explicit Rng(uint64_t state) : s_(state) {}
  uint64_t Next() { return Mix(s_ += 0x9e3779b97f4a7c15ULL); }
  // Uniform in [0, n).
  uint64_t Below(uint64_t n) { return static_cast<uint64_t>((static_cast<unsigned __int128>(Next()) * n) >> 64); }
  // True with probability per_mille / 1000.
  bool Chance(uint32_t per_mille) { return Below(1000) < per_mille; }
  // A fraction in [0, 2^32) skewed towards 0: the product of `k` uniforms.
  uint64_t Skewed(int k) {
    uint64_t x = Next() >> 32;
    for (int i = 1; i < k; ++i) x = (x * (Next() >> 32)) >> 32;
    return x;
  }
  // `Skewed(k)` scaled to [0, n).
  uint64_t SkewedBelow(int k, uint64_t n) { return (Skewed(k) * n) >> 32; }
  // The larger of two uniforms in [0, n): skewed towards n.
  uint64_t HighBelow(uint64_t n) { return std::max(Below(n), Below(n)); }

 private:
  uint64_t s_;
};

// Picks index i with probability weights[i] / sum(weights).
template <size_t N>
int Pick(Rng& rng, const std::array<uint32_t, N>& weights) {
  uint64_t total = 0;
  for (uint32_t w : weights) total += w;
  uint64_t r = rng.Below(total);
  for (size_t i = 0; i < N; ++i) {
    if (r < weights[i]) return static_cast<int>(i);
    r -= weights[i];
  }
  return static_cast<int>(N - 1);
}

// Picks `k` distinct indexes by weight; returns them as a bit mask.
template <size_t N>
uint32_t PickDistinct(Rng& rng, const std::array<uint32_t, N>& weights, int k) {
  uint32_t mask = 0;
  for (int picked = 0, tries = 0; picked < k && tries < 64; ++tries) {
    uint32_t bit = 1u << Pick(rng, weights);
    if (!(mask & bit)) mask |= bit, ++picked;
  }
  return mask;
}

// ---- value lists (enum and set columns) -------------------------------------
const std::vector<std::string_view> kCities = {
    "上海", "北京", "深圳", "广州", "成都", "杭州", "重庆", "武汉", "西安", "苏州",
    "南京", "天津", "长沙", "郑州", "东莞", "青岛", "沈阳", "宁波", "昆明", "合肥",
    "佛山", "厦门", "大连", "福州", "济南", "哈尔滨", "长春", "石家庄", "南宁", "贵阳",
    "南昌", "太原", "无锡", "温州", "泉州", "珠海", "海口", "三亚", "兰州", "乌鲁木齐",
    "呼和浩特", "银川", "西宁", "拉萨", "烟台", "徐州", "惠州", "中山", "常州", "绍兴"};
const std::vector<std::string_view> kGenders = {"男", "女"};
const std::vector<std::string_view> kLevels = {"普通", "银卡", "金卡", "白金", "钻石"};
const std::vector<std::string_view> kChannels = {"app", "mini_program", "web", "offline_store",
                                                 "partner", "ota", "corporate"};
const std::vector<std::string_view> kCarClasses = {"economy", "compact", "suv", "business",
                                                   "mpv", "new_energy", "luxury"};
const std::vector<std::string_view> kPayments = {"alipay", "wechat_pay", "credit_card", "union_pay",
                                                 "corporate_account"};
const std::vector<std::string_view> kInterests = {
    "road_trip", "business_travel", "family_trip", "airport_pickup", "long_term_rent", "new_energy",
    "luxury_car", "camping", "self_drive_tour", "one_way_rent", "weekend_getaway", "photography",
    "skiing", "pet_friendly"};
const std::vector<std::string_view> kCoupons = {"new_user", "weekend", "long_rent", "holiday",
                                                "upgrade", "airport", "birthday", "referral"};

// City weights follow Zipf (s = 1) from rank 3: the top city has ~11% of users.
std::array<uint32_t, 50> CityWeights() {
  std::array<uint32_t, 50> w{};
  for (size_t k = 0; k < w.size(); ++k) w[k] = static_cast<uint32_t>(1000000 / (k + 3));
  return w;
}
const std::array<uint32_t, 50> kCityWeights = CityWeights();
constexpr std::array<uint32_t, 7> kChannelWeights = {35, 25, 12, 10, 8, 7, 3};
constexpr std::array<uint32_t, 7> kCarClassWeights = {30, 22, 20, 10, 8, 7, 3};
constexpr std::array<uint32_t, 5> kPaymentWeights = {40, 35, 12, 8, 5};
constexpr std::array<uint32_t, 14> kInterestWeights = {30, 22, 20, 16, 8, 14, 5, 9, 18, 7, 15, 6, 3, 4};
constexpr std::array<uint32_t, 8> kCouponWeights = {30, 25, 12, 15, 8, 10, 12, 6};
// Age bands 18-24, 25-29, ..., 45-49, 50-59, 60-75.
constexpr std::array<uint32_t, 8> kAgeBandWeights = {14, 20, 21, 16, 11, 8, 7, 3};
constexpr std::array<int, 9> kAgeBandStart = {18, 25, 30, 35, 40, 45, 50, 60, 76};

void AppendInt(int64_t v, std::string* out) {
  char buf[24];
  const auto end = std::to_chars(buf, buf + sizeof buf, v).ptr;
  out->append(buf, end);
}

// Appends `v` as exactly `width` digits (leading zeros).
void AppendDigits(uint64_t v, int width, std::string* out) {
  char buf[24];
  for (int i = width - 1; i >= 0; --i, v /= 10) buf[i] = static_cast<char>('0' + v % 10);
  out->append(buf, static_cast<size_t>(width));
}

void AppendCents(int64_t cents, std::string* out) {
  if (cents < 0) out->push_back('-'), cents = -cents;
  AppendInt(cents / 100, out);
  out->push_back('.');
  out->push_back(static_cast<char>('0' + cents % 100 / 10));
  out->push_back(static_cast<char>('0' + cents % 10));
}

void AppendSet(uint32_t mask, const std::vector<std::string_view>& values, std::string* out) {
  bool first = true;
  for (size_t i = 0; i < values.size(); ++i) {
    if (!(mask & (1u << i))) continue;
    if (!first) out->push_back('|');
    out->append(values[i]);
    first = false;
  }
}

}  // namespace

void AppendYmd(int32_t z, std::string* out) {  // Hinnant's civil_from_days
  z += 719468;
  const int era = (z >= 0 ? z : z - 146096) / 146097;
  const unsigned doe = static_cast<unsigned>(z - era * 146097);
  const unsigned yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const unsigned doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const unsigned mp = (5 * doy + 2) / 153;
  const unsigned d = doy - (153 * mp + 2) / 5 + 1;
  const unsigned m = mp < 10 ? mp + 3 : mp - 9;
  const int y = static_cast<int>(yoe) + era * 400 + (m <= 2);
  AppendDigits(static_cast<uint64_t>(y), 4, out);
  out->push_back('-');
  AppendDigits(m, 2, out);
  out->push_back('-');
  AppendDigits(d, 2, out);
}

const std::vector<Column>& MemberColumns() {
  static const std::vector<Column> kColumns = {
      {"member_id", ColumnKind::kId},
      {"is_vip", ColumnKind::kBool},          {"has_app", ColumnKind::kBool},
      {"wechat_bound", ColumnKind::kBool},    {"sms_opt_in", ColumnKind::kBool},
      {"is_blacklisted", ColumnKind::kBool},  {"city", ColumnKind::kEnum},
      {"gender", ColumnKind::kEnum},          {"member_level", ColumnKind::kEnum},
      {"channel", ColumnKind::kEnum},         {"car_class_pref", ColumnKind::kEnum},
      {"payment_method", ColumnKind::kEnum},  {"interests", ColumnKind::kSet},
      {"used_car_classes", ColumnKind::kSet}, {"coupon_types", ColumnKind::kSet},
      {"age", ColumnKind::kInt},              {"orders_total", ColumnKind::kInt},
      {"rent_days_total", ColumnKind::kInt},  {"credit_score", ColumnKind::kInt},
      {"spend_total", ColumnKind::kDecimal2}, {"avg_order_amount", ColumnKind::kDecimal2},
      {"register_date", ColumnKind::kDate},   {"last_order_date", ColumnKind::kDate},
      {"birthday", ColumnKind::kDate},        {"last_login_date", ColumnKind::kDate},
  };
  return kColumns;
}

std::string ImportTypesArgument(const std::vector<size_t>& columns) {
  static const char* kTypeNames[] = {"", "bool", "enum", "set", "int", "decimal:2", "date"};
  std::string out;
  for (size_t c : columns) {
    const Column& col = MemberColumns()[c];
    if (col.kind == ColumnKind::kId) continue;
    if (!out.empty()) out.push_back(',');
    out.append(col.name).push_back(':');
    out.append(kTypeNames[static_cast<int>(col.kind)]);
  }
  return out;
}

const std::vector<std::string_view>& MemberGenerator::Values(std::string_view column) {
  static const std::vector<std::string_view> kNone;
  if (column == "city") return kCities;
  if (column == "gender") return kGenders;
  if (column == "member_level") return kLevels;
  if (column == "channel") return kChannels;
  if (column == "car_class_pref" || column == "used_car_classes") return kCarClasses;
  if (column == "payment_method") return kPayments;
  if (column == "interests") return kInterests;
  if (column == "coupon_types") return kCoupons;
  return kNone;
}

MemberGenerator::MemberGenerator(uint64_t seed, uint64_t salt, int32_t as_of)
    : seed_(seed), salt_(salt), as_of_(as_of) {
  id_key_ = Mix(seed ^ 0x1d5a3c0ffee);
}

// A 4-round Feistel network over the two 5-digit halves: a bijection of
// [0, 10^10), so distinct rows get distinct, unordered member numbers.
uint64_t MemberGenerator::MemberNumber(uint64_t row) const {
  constexpr uint64_t kHalf = 100000;
  uint64_t left = row / kHalf % kHalf, right = row % kHalf;
  for (uint64_t round = 0; round < 4; ++round) {
    const uint64_t f = Mix(id_key_ + round * 0x9E3779B97F4A7C15ULL + right) % kHalf;
    const uint64_t next = (left + f) % kHalf;
    left = right;
    right = next;
  }
  return left * kHalf + right;
}

Member MemberGenerator::Generate(uint64_t row) const {
  Member m;
  m.number = MemberNumber(row);
  Rng rng(Mix(seed_ * 0x2545F4914F6CDD1DULL + salt_ * 0x9E3779B97F4A7C15ULL) ^ Mix(row + 0x5bd1e995));
  const int32_t kFirstDay = DaysFromCivil(2015, 1, 1);

  // Who they are.
  int band = Pick(rng, kAgeBandWeights);
  int64_t age = kAgeBandStart[band] + static_cast<int64_t>(rng.Below(
                                          static_cast<uint64_t>(kAgeBandStart[band + 1] - kAgeBandStart[band])));
  if (!rng.Chance(70)) m.has_age = true, m.age = age;
  if (!rng.Chance(150)) {
    m.has_birthday = true;
    m.birthday = as_of_ - static_cast<int32_t>(age * 36525 / 100) - static_cast<int32_t>(rng.Below(365));
  }
  if (!rng.Chance(120)) m.gender = rng.Chance(560) ? 0 : 1;
  if (!rng.Chance(60)) m.city = static_cast<int16_t>(Pick(rng, kCityWeights));
  if (!rng.Chance(50)) m.channel = static_cast<int16_t>(Pick(rng, kChannelWeights));
  if (!rng.Chance(20)) {
    m.has_register = true;
    m.register_date = kFirstDay + static_cast<int32_t>(rng.HighBelow(static_cast<uint64_t>(as_of_ - kFirstDay + 1)));
  }
  const int32_t since = m.has_register ? m.register_date : kFirstDay;
  const uint64_t tenure = static_cast<uint64_t>(as_of_ - since + 1);

  // What they rented and spent.
  if (!rng.Chance(50)) {
    m.has_orders = true;
    m.orders_total = rng.Chance(320) ? 0 : 1 + static_cast<int64_t>(rng.SkewedBelow(3, 80));
    const int64_t days_per_order = 1 + static_cast<int64_t>(rng.SkewedBelow(2, 9));
    m.rent_days_total = m.orders_total * days_per_order +
                        static_cast<int64_t>(rng.Below(static_cast<uint64_t>(m.orders_total) + 1));
    const int64_t daily_cents = 12000 + static_cast<int64_t>(rng.SkewedBelow(2, 78000));
    m.has_spend = true;
    m.spend_total_cents = m.orders_total == 0 ? 0 : m.rent_days_total * daily_cents + static_cast<int64_t>(rng.Below(5000));
    if (m.orders_total > 0) {
      m.has_avg = true;
      m.avg_order_cents = m.spend_total_cents / m.orders_total;
      m.has_last_order = true;
      m.last_order_date = as_of_ - static_cast<int32_t>(tenure - 1 - std::max({rng.Below(tenure), rng.Below(tenure), rng.Below(tenure)}));
    }
  }
  if (!rng.Chance(250)) m.car_class_pref = static_cast<int16_t>(Pick(rng, kCarClassWeights));
  if (m.orders_total > 0) {
    const int k = 1 + static_cast<int>(rng.Below(static_cast<uint64_t>(std::min<int64_t>(3, m.orders_total))));
    m.used_car_classes = PickDistinct(rng, kCarClassWeights, k);
    if (m.car_class_pref >= 0 && rng.Chance(600)) m.used_car_classes |= 1u << m.car_class_pref;
  }
  if (!rng.Chance(100)) m.payment_method = static_cast<int16_t>(Pick(rng, kPaymentWeights));

  // Membership, channels and preferences.
  const int64_t spend_yuan = m.spend_total_cents / 100;
  if (!rng.Chance(30)) {
    std::array<uint32_t, 5> w = {62, 20, 11, 5, 2};
    if (spend_yuan >= 50000) w = {2, 8, 20, 40, 30};
    else if (spend_yuan >= 10000) w = {15, 30, 30, 18, 7};
    m.member_level = static_cast<int16_t>(Pick(rng, w));
  }
  if (!rng.Chance(50)) m.is_vip = rng.Chance(spend_yuan >= 20000 ? 350 : 40);
  if (!rng.Chance(80)) m.has_app = rng.Chance(620);
  if (!rng.Chance(120)) m.wechat_bound = rng.Chance(m.has_app == 1 ? 550 : 380);
  if (!rng.Chance(200)) m.sms_opt_in = rng.Chance(710);
  if (!rng.Chance(50)) m.is_blacklisted = rng.Chance(8);
  if (!rng.Chance(300)) m.interests = PickDistinct(rng, kInterestWeights, Pick(rng, std::array<uint32_t, 4>{40, 30, 20, 10}) + 1);
  if (!rng.Chance(400)) m.coupon_types = PickDistinct(rng, kCouponWeights, Pick(rng, std::array<uint32_t, 3>{55, 30, 15}) + 1);
  if (!rng.Chance(200)) {
    m.has_credit = true;
    m.credit_score = 350 + static_cast<int64_t>(rng.Below(201) + rng.Below(201) + rng.Below(201));
  }
  if (!rng.Chance(180)) {
    m.has_last_login = true;
    m.last_login_date = as_of_ - static_cast<int32_t>(rng.SkewedBelow(3, tenure));
  }
  return m;
}

void MemberGenerator::AppendCell(const Member& m, size_t column, std::string* out) const {
  auto flag = [out](int8_t v) { if (v >= 0) out->push_back(v ? '1' : '0'); };
  auto one = [out](int16_t v, const std::vector<std::string_view>& values) {
    if (v >= 0) out->append(values[static_cast<size_t>(v)]);
  };
  auto num = [out](bool has, int64_t v) { if (has) AppendInt(v, out); };
  auto cents = [out](bool has, int64_t v) { if (has) AppendCents(v, out); };
  auto date = [out](bool has, int32_t v) { if (has) AppendYmd(v, out); };
  switch (column) {
    case 0: out->push_back('M'), AppendDigits(m.number, 10, out); break;
    case 1: flag(m.is_vip); break;
    case 2: flag(m.has_app); break;
    case 3: flag(m.wechat_bound); break;
    case 4: flag(m.sms_opt_in); break;
    case 5: flag(m.is_blacklisted); break;
    case 6: one(m.city, kCities); break;
    case 7: one(m.gender, kGenders); break;
    case 8: one(m.member_level, kLevels); break;
    case 9: one(m.channel, kChannels); break;
    case 10: one(m.car_class_pref, kCarClasses); break;
    case 11: one(m.payment_method, kPayments); break;
    case 12: AppendSet(m.interests, kInterests, out); break;
    case 13: AppendSet(m.used_car_classes, kCarClasses, out); break;
    case 14: AppendSet(m.coupon_types, kCoupons, out); break;
    case 15: num(m.has_age, m.age); break;
    case 16: num(m.has_orders, m.orders_total); break;
    case 17: num(m.has_orders, m.rent_days_total); break;
    case 18: num(m.has_credit, m.credit_score); break;
    case 19: cents(m.has_spend, m.spend_total_cents); break;
    case 20: cents(m.has_avg, m.avg_order_cents); break;
    case 21: date(m.has_register, m.register_date); break;
    case 22: date(m.has_last_order, m.last_order_date); break;
    case 23: date(m.has_birthday, m.birthday); break;
    case 24: date(m.has_last_login, m.last_login_date); break;
  }
}

}  // namespace tagloop::bench
