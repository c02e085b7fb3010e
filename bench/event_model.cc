// The order model of the events benchmark (see event_model.h).
#include "event_model.h"

#include <charconv>

#include "events/event_time.h"

namespace tagloop::bench {
namespace {

constexpr const char* kCarClasses[] = {"economy", "compact",    "suv",   "business",
                                       "mpv",     "new_energy", "luxury"};
constexpr const char* kChannels[] = {"sms", "push", "wechat", "email"};

void AppendUint(uint64_t v, std::string* out) {
  char buf[24];
  out->append(buf, std::to_chars(buf, buf + sizeof buf, v).ptr);
}

// `v` as exactly `width` digits.
void AppendDigits(uint64_t v, int width, std::string* out) {
  char buf[24];
  for (int i = width - 1; i >= 0; --i, v /= 10) buf[i] = static_cast<char>('0' + v % 10);
  out->append(buf, static_cast<size_t>(width));
}

}  // namespace

EventStream::EventStream(EventStreamOptions options)
    : options_(std::move(options)), members_(options_.member_seed, 0, 0) {
  state_ = options_.seed * 0x2545F4914F6CDD1DULL ^ 0x6576656e7473ULL;
  for (char c : options_.prefix) state_ = state_ * 131 + static_cast<unsigned char>(c);
  pool_.resize(options_.orders_in_flight);
  for (Order& o : pool_) NewOrder(&o);
}

uint64_t EventStream::Next64() {  // splitmix64
  uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
  return z ^ (z >> 31);
}

uint64_t EventStream::Below(uint64_t n) {
  return static_cast<uint64_t>((static_cast<unsigned __int128>(Next64()) * n) >> 64);
}

void EventStream::NewOrder(Order* o) {
  o->row = options_.first_row + Below(options_.rows);
  o->number = ++orders_;
  o->stage = 0;
}

std::string EventStream::UserId(uint64_t row) const {
  std::string id = "M";
  AppendDigits(members_.MemberNumber(row), 10, &id);
  return id;
}

void EventStream::Begin(const char* type, const std::string& user_id, std::string* out) {
  const int64_t time_ms = options_.base_time_ms + static_cast<int64_t>(events_) * options_.step_us / 1000;
  ++events_;
  out->append(R"({"event_id":")").append(options_.prefix).push_back('-');
  AppendDigits(events_, 12, out);
  out->append(R"(","type":")").append(type);
  out->append(R"(","user_id":")").append(user_id);
  out->append(R"(","time":")").append(events::FormatRfc3339Millis(time_ms, 480)).append(R"(",)");
}

void EventStream::OrderProperties(const Order& o, bool with_amount, std::string* out) {
  const std::vector<std::string_view>& cities = MemberGenerator::Values("city");
  const uint64_t city = o.number * 0x9E3779B97F4A7C15ULL >> 32;
  out->append(R"("properties":{"order_id":"o-)").append(options_.prefix).push_back('-');
  AppendDigits(o.number, 10, out);
  out->append(R"(","city":")").append(cities[city % cities.size()]);
  out->append(R"(","store":"store-)");
  AppendDigits(city % 9973, 5, out);
  out->append(R"(","car_class":")").append(kCarClasses[o.number % 7]).push_back('"');
  if (with_amount) {
    const uint64_t cents = 9900 + Below(290000);  // 99.00 .. 2998.99 yuan
    out->append(R"(,"amount":)");
    AppendUint(cents / 100, out);
    out->push_back('.');
    AppendDigits(cents % 100, 2, out);
    if (o.number % 3 == 0) {
      out->append(R"(,"coupon_id":"cpn-2026-)");
      AppendDigits(o.number % 10000, 4, out);
      out->push_back('"');
    }
  }
  out->append(R"(,"rent_days":)");
  AppendUint(1 + o.number % 9, out);
  out->append("}}\n");
}

void EventStream::Paid(uint64_t row, std::string* out) {
  PaidBy(UserId(row), out);
  if (options_.paid != nullptr) (*options_.paid)[row] = 1;
}

void EventStream::PaidBy(const std::string& user_id, std::string* out) {
  Order o{0, ++orders_, 2};
  Begin("order_paid", user_id, out);
  OrderProperties(o, true, out);
}

void EventStream::Next(std::string* out) {
  if (Below(12) == 0) {  // outreach: read by no benchmark tag
    const uint64_t row = options_.first_row + Below(options_.rows);
    const bool message = Below(2) == 0;
    Begin(message ? "message_sent" : "coupon_issued", UserId(row), out);
    const uint64_t campaign = Below(40);
    out->append(R"("properties":{"campaign_id":"camp-2026-)");
    AppendDigits(campaign, 3, out);
    if (message) {
      out->append(R"(","channel":")").append(kChannels[campaign % 4]).append(R"("}})");
    } else {
      out->append(R"(","coupon_id":"c-)").append(options_.prefix).push_back('-');
      AppendUint(events_, out);
      out->append(R"(","amount":20}})");
    }
    out->push_back('\n');
    return;
  }
  Order& o = pool_[Below(pool_.size())];
  const char* type = nullptr;
  int next = 0;  // 0: the order is done
  switch (o.stage) {
    case 0: type = "order_created", next = 1; break;
    case 1:
      if (Below(100) < 8) {
        type = "order_cancelled";
      } else {
        type = "order_paid", next = 2;
      }
      break;
    case 2: type = "car_picked_up", next = 3; break;
    case 3:
      if (Below(100) < 15) {
        type = "order_extended", next = 4;
      } else {
        type = "car_returned";
      }
      break;
    default: type = "car_returned"; break;
  }
  const bool paid = o.stage == 1 && next == 2;
  Begin(type, UserId(o.row), out);
  OrderProperties(o, paid, out);
  if (paid && options_.paid != nullptr) (*options_.paid)[o.row] = 1;
  if (next == 0) {
    NewOrder(&o);
  } else {
    o.stage = next;
  }
}

void EventStream::NextBatch(size_t n, std::string* out) {
  for (size_t i = 0; i < n; ++i) Next(out);
}

}  // namespace tagloop::bench
