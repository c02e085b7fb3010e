// RuleState against a brute-force reference (every user's value recomputed
// from their whole event list at the clock's time) over random Apply and
// AdvanceTo interleavings; order independence; Apply throughput.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "events/rule_state.h"
#include "events/rule_state_testing.h"

namespace tagloop::events {
namespace {

using testing_events::Ev;
using testing_events::MakeRule;

constexpr int64_t kDay = 86'400'000;
constexpr int64_t kBase = 1'780'000'000'000;  // 2026-05-28
constexpr int kOffset = 480;

struct RuleCase {
  const char* settings;
  const char* type;
  bool realtime = true;
};

const RuleCase kRules[] = {
    {R"({"rule": "latest", "events": ["order_paid", "order_created", "car_returned"], "property": "$type",
        "map": {"order_paid": "paid"}})",
     "enum"},
    {R"({"rule": "latest", "events": ["order_paid", "order_created"], "property": "amount"})", "decimal:2"},
    {R"({"rule": "latest", "events": ["order_paid"], "property": "city", "map": {"sh": "上海"}})", "enum"},
    {R"({"rule": "flag", "start": ["car_picked_up"], "end": ["car_returned", "order_created"]})", "bool"},
    {R"({"rule": "count", "events": ["order_paid", "order_created"], "window_days": 7})", "int"},
    {R"({"rule": "count", "events": ["order_paid"], "window_days": 3, "at_least": 2,
        "where": {"city": ["sh", "bj"]}})",
     "bool"},
    {R"({"rule": "sum", "events": ["order_paid"], "property": "amount", "window_days": 10,
        "where": {"amount": {">=": 1}}})",
     "decimal:2"},
    {R"({"rule": "avg", "events": ["order_paid", "car_returned"], "property": "amount", "window_days": 5})",
     "int"},
    {R"({"rule": "min", "events": ["order_paid"], "property": "amount", "window_days": 4})", "decimal:1"},
    {R"({"rule": "max", "events": ["order_paid"], "property": "amount"})", "decimal:2"},
    {R"({"rule": "first_time", "events": ["order_created"]})", "date"},
    {R"({"rule": "last_time", "events": ["order_paid"], "where": {"city": {"!=": "gz"}}})", "date"},
    {R"({"rule": "count", "events": ["order_paid"], "from": "2026-06-05", "to": "2026-06-20"})", "int",
     false},
    {R"({"rule": "sum", "events": ["order_paid"], "property": "rent_days", "window_days": 6})", "int"},
};

// The value of `rule` for one user from their events (in the order applied) at clock `now`.
std::optional<TagValueChange> Reference(const EventRule& r, const TagType& type, uint32_t user,
                                        const std::vector<const Event*>& events, int64_t now) {
  auto in = [](const std::vector<std::string>& list, const Event& e) {
    return std::find(list.begin(), list.end(), e.type) != list.end();
  };
  auto amount = [&](const Event& e) -> std::optional<int64_t> {
    const PropertyValue* p = e.Find(r.property);
    if (p == nullptr) return std::nullopt;
    const double scale = std::pow(10.0, type.kind == TagKind::kDecimal ? type.scale : 0);
    if (const auto* d = std::get_if<double>(p)) return std::llround(*d * scale);  // exact: quarters
    return std::get<int64_t>(*p) * static_cast<int64_t>(scale);
  };
  auto text = [&](std::string v) {
    auto it = r.map.find(v);
    return TagValueChange{user, true, it == r.map.end() ? v : it->second, 0};
  };
  const Event* best = nullptr;
  bool started = false;
  std::vector<int64_t> values;
  for (const Event* e : events) {
    if (!MatchesWhere(r.where, *e)) continue;
    switch (r.kind) {
      case RuleKind::kLatest:
        if (!in(r.events, *e) || (r.property != kTypeProperty && e->Find(r.property) == nullptr)) break;
        if (best == nullptr || e->time_ms >= best->time_ms) best = e;
        break;
      case RuleKind::kFlag:
        if (!in(r.start, *e) && !in(r.end, *e)) break;
        started = started || in(r.start, *e);
        if (best == nullptr || e->time_ms >= best->time_ms) best = e;
        break;
      case RuleKind::kFirstTime:
      case RuleKind::kLastTime:
        if (!in(r.events, *e)) break;
        if (best == nullptr ||
            (r.kind == RuleKind::kFirstTime ? e->time_ms < best->time_ms : e->time_ms > best->time_ms)) {
          best = e;
        }
        break;
      default: {
        if (!in(r.events, *e)) break;
        if (r.from) {
          const Days d = BusinessDateOf(e->time_ms, kOffset);
          if (d < *r.from || d > *r.to) break;
        } else if (r.window_days > 0 && now != INT64_MIN && e->time_ms <= now - r.window_days * kDay) {
          break;
        }
        if (r.kind == RuleKind::kCount) {
          values.push_back(1);
        } else if (auto a = amount(*e)) {
          values.push_back(*a);
        }
      }
    }
  }
  switch (r.kind) {
    case RuleKind::kLatest:
      if (best == nullptr) return std::nullopt;
      if (r.property == kTypeProperty) return text(best->type);
      if (type.kind == TagKind::kEnum) return text(std::get<std::string>(*best->Find(r.property)));
      return TagValueChange{user, true, "", *amount(*best)};
    case RuleKind::kFlag:
      if (!started) return std::nullopt;
      return TagValueChange{user, true, in(r.start, *best) ? "true" : "false", 0};
    case RuleKind::kFirstTime:
    case RuleKind::kLastTime:
      if (best == nullptr) return std::nullopt;
      return TagValueChange{user, true, "", BusinessDateOf(best->time_ms, kOffset)};
    default: break;
  }
  const auto n = static_cast<int64_t>(values.size());
  if (n == 0 || (r.at_least > 0 && n < r.at_least)) return std::nullopt;
  if (r.at_least > 0) return TagValueChange{user, true, "true", 0};
  int64_t sum = 0;
  for (int64_t v : values) sum += v;
  int64_t out = sum;
  if (r.kind == RuleKind::kCount) out = n;
  if (r.kind == RuleKind::kMin) out = *std::min_element(values.begin(), values.end());
  if (r.kind == RuleKind::kMax) out = *std::max_element(values.begin(), values.end());
  if (r.kind == RuleKind::kAvg) out = static_cast<int64_t>(std::llround(static_cast<double>(sum) / n));
  return TagValueChange{user, true, "", out};
}

struct Input {
  uint32_t user;
  Event event;
};

// Events of 40 sparse users over 24 days, times on the hour (ties happen).
std::vector<Input> RandomEvents(std::mt19937_64& rng, size_t count, bool distinct_times) {
  const char* types[] = {"order_paid", "order_created", "car_picked_up", "car_returned"};
  const char* cities[] = {"sh", "bj", "gz"};
  std::vector<Input> out;
  for (size_t i = 0; i < count; ++i) {
    const uint32_t user = static_cast<uint32_t>(rng() % 40) * 7919;
    const int64_t time = distinct_times ? kBase + static_cast<int64_t>(i) * 997'331 % (24 * kDay)
                                        : kBase + static_cast<int64_t>(rng() % (24 * 24)) * 3'600'000;
    testing_events::PropertyValues props;
    if (rng() % 8 != 0)
      props.emplace_back("amount", static_cast<double>(static_cast<int>(rng() % 45) - 4) * 0.25);
    if (rng() % 8 != 0) props.emplace_back("city", std::string(cities[rng() % 3]));
    if (rng() % 2 != 0) props.emplace_back("rent_days", static_cast<int64_t>(rng() % 10));
    out.push_back({user, Ev(types[rng() % 4], time, std::move(props))});
  }
  return out;
}

TEST(RuleStateRandomTest, AgreesWithBruteForceOverRandomInterleavings) {
  for (const RuleCase& rc : kRules) {
    SCOPED_TRACE(rc.settings);
    const TagType type = *TagType::Parse(rc.type);
    const EventRule rule = MakeRule(rc.settings, rc.type, rc.realtime);
    for (uint64_t seed = 1; seed <= 5; ++seed) {
      std::mt19937_64 rng(seed);
      const std::vector<Input> inputs = RandomEvents(rng, 1500, false);
      RuleState state(rule, type, kOffset);
      std::map<uint32_t, std::vector<const Event*>> applied;
      std::map<uint32_t, TagValueChange> reported;  // the last change of each user
      std::vector<TagValueChange> changes;
      int64_t clock = kBase - 2 * kDay;
      auto check = [&] {
        for (const TagValueChange& c : changes) {
          if (c.has_value)
            reported[c.user] = c;
          else
            reported.erase(c.user);
        }
        changes.clear();
        for (const auto& [user, events] : applied) {
          auto expected = Reference(rule, type, user, events, state.now());
          ASSERT_EQ(state.ValueOf(user), expected) << "user " << user << " seed " << seed;
          auto it = reported.find(user);
          ASSERT_EQ(it == reported.end() ? std::nullopt : std::optional(it->second), expected) << user;
        }
      };
      for (size_t i = 0; i < inputs.size(); ++i) {
        state.Apply(inputs[i].user, inputs[i].event, &changes);
        applied[inputs[i].user].push_back(&inputs[i].event);
        if (rng() % 16 == 0) {
          // Half the time onto an hour of the events: entries leave exactly then.
          constexpr int64_t kHour = 3'600'000;
          clock = rng() % 2 == 0
                      ? kBase + ((clock - kBase) / kHour + 1 + static_cast<int64_t>(rng() % 12)) * kHour
                      : clock + static_cast<int64_t>(rng() % (kDay / 2));
          state.AdvanceTo(clock, &changes);
        }
        if (i % 250 == 0) check();
      }
      state.AdvanceTo(kBase + 40 * kDay, &changes);
      check();
    }
  }
}

std::map<uint32_t, TagValueChange> Values(const RuleState& s) {
  std::map<uint32_t, TagValueChange> out;
  s.ForEachValue([&](uint32_t user, const TagValueChange& v) { out.emplace(user, v); });
  return out;
}

TEST(RuleStateRandomTest, ArrivalOrderDoesNotMatter) {
  std::mt19937_64 rng(42);
  std::vector<Input> inputs = RandomEvents(rng, 3000, /*distinct_times=*/true);
  const int64_t end = kBase + 20 * kDay;
  for (const RuleCase& rc : kRules) {
    SCOPED_TRACE(rc.settings);
    const TagType type = *TagType::Parse(rc.type);
    const EventRule rule = MakeRule(rc.settings, rc.type, rc.realtime);
    std::vector<TagValueChange> changes;
    // In time order, the clock following the events (as live).
    std::sort(inputs.begin(), inputs.end(),
              [](const Input& a, const Input& b) { return a.event.time_ms < b.event.time_ms; });
    RuleState ordered(rule, type, kOffset);
    for (const Input& in : inputs) {
      if (in.event.time_ms > end) break;
      ordered.AdvanceTo(in.event.time_ms, &changes);
      ordered.Apply(in.user, in.event, &changes);
    }
    ordered.AdvanceTo(end, &changes);
    // Shuffled, the clock jumping ahead now and then (a late batch); only
    // events up to `end`, as a batch for that time would feed.
    std::shuffle(inputs.begin(), inputs.end(), rng);
    RuleState shuffled(rule, type, kOffset);
    int64_t clock = kBase;
    for (const Input& in : inputs) {
      if (in.event.time_ms > end) continue;
      shuffled.Apply(in.user, in.event, &changes);
      if (rng() % 64 == 0) shuffled.AdvanceTo(clock = std::min(end, clock + kDay), &changes);
    }
    shuffled.AdvanceTo(end, &changes);
    EXPECT_EQ(Values(ordered), Values(shuffled));
    EXPECT_FALSE(Values(ordered).empty());
  }
}

#if defined(__SANITIZE_ADDRESS__)
constexpr uint32_t kUsers = 100'000;
constexpr size_t kEvents = 500'000;
#else
constexpr uint32_t kUsers = 1'000'000;
constexpr size_t kEvents = 5'000'000;
#endif

// Prints the Apply rate (engine-like: the clock advanced every 10,000 events).
TEST(RuleStateRandomTest, Throughput) {
  const RuleCase cases[] = {
      {R"({"rule": "count", "events": ["order_paid"], "window_days": 30})", "int"},
      {R"({"rule": "latest", "events": ["order_created", "order_paid", "car_picked_up", "car_returned",
          "order_cancelled"], "property": "$type", "map": {"order_created": "已下单", "order_paid": "已支付"}})",
       "enum"},
      {R"({"rule": "sum", "events": ["order_paid"], "property": "amount", "window_days": 90,
          "where": {"city": ["上海", "北京"]}})",
       "decimal:2"},
  };
  std::vector<Event> events;
  for (const char* t : {"order_created", "order_paid", "car_picked_up", "car_returned", "order_cancelled"}) {
    events.push_back(
        Ev(t, 0, {{"amount", 399.5}, {"city", std::string("上海")}, {"order_id", std::string("o-1")}}));
  }
  for (const RuleCase& rc : cases) {
    RuleState state(MakeRule(rc.settings, rc.type), *TagType::Parse(rc.type), kOffset);
    std::vector<TagValueChange> changes;
    uint64_t x = 88172645463325252ull;  // xorshift64
    const int64_t span = 60 * kDay;     // events spread over 60 days, a few minutes out of order
    size_t emitted = 0;
    const auto start = std::chrono::steady_clock::now();
    for (size_t i = 0; i < kEvents; ++i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      Event& e = events[x % 5 == 0 ? 1 : x % 5];  // order_paid twice as often
      e.time_ms = kBase + span * static_cast<int64_t>(i) / static_cast<int64_t>(kEvents) -
                  static_cast<int64_t>(x >> 40) % 300'000;
      state.Apply(static_cast<uint32_t>((x >> 8) % kUsers), e, &changes);
      if (i % 10'000 == 9'999) {
        state.AdvanceTo(kBase + span * static_cast<int64_t>(i) / static_cast<int64_t>(kEvents), &changes);
        emitted += changes.size();
        changes.clear();
      }
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    std::printf(
        "[throughput] %-6s %zu events, %u users: %.2f M events/s (%.0f ns/event), %zu changes, "
        "%zu users kept, %.1f MiB\n",
        RuleKindName(MakeRule(rc.settings, rc.type).kind), kEvents, kUsers, kEvents / seconds / 1e6,
        seconds * 1e9 / kEvents, emitted, state.users(), state.memory_bytes() / 1048576.0);
    EXPECT_GT(state.users(), 0u);
  }
}

}  // namespace
}  // namespace tagloop::events
