// RealtimeEngine over a real store and event log with a fake clock: every
// rule kind shows in counts within a WaitVisible, windows expire as the clock
// moves without events, new users get dense ids, a changed definition is
// rebuilt from the log without counting anything twice, live versions roll
// over at business midnight, a restarted engine replays to the same values,
// and the daily version TagProducer writes equals the live state at the end
// of that day.
#include "produce/realtime_engine.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <map>
#include <random>
#include <thread>

#include "produce/production_fixture.h"
#include "segment/segment.h"
#include "testing/fake_wall_clock.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using events::Event;
using json = nlohmann::json;

constexpr int kOffset = 480;  // +08:00
constexpr int64_t kDay = 86'400'000;
constexpr int64_t kHour = 3'600'000;

Days D(const char* s) { return *ParseDate(s); }
int64_t EndOfDay(Days d) { return events::EndOfBusinessDateMillis(d, kOffset); }
// Unix ms of `date` at `hour` o'clock business time (+08:00).
int64_t At(const char* date, double hour) {
  return int64_t{D(date)} * kDay - kOffset * int64_t{60'000} + static_cast<int64_t>(hour * kHour);
}

Event Order(const std::string& id, const std::string& type, const std::string& user, int64_t time_ms,
            double amount = 100) {
  Event e;
  e.event_id = id;
  e.type = type;
  e.user_id = user;
  e.time_ms = time_ms;
  if (type == "order_paid") e.properties.emplace_back("amount", amount);
  e.properties.emplace_back("order_id", "o-" + id);
  return e;
}

TagDefinition Def(const json& j) {
  auto def = TagDefinitionFromJson(j);
  EXPECT_TRUE(def.ok()) << def.status().ToString();
  return def.ok() ? *def : TagDefinition{};
}

// Every rule kind once.
std::vector<TagDefinition> AllKinds() {
  return {
      Def({{"name", "last_step"},
           {"type", "enum"},
           {"producer",
            {{"kind", "realtime"},
             {"rule", "latest"},
             {"events", {"order_created", "order_paid", "car_returned"}},
             {"property", "$type"}}}}),
      Def({{"name", "renting"},
           {"type", "bool"},
           {"producer",
            {{"kind", "realtime"},
             {"rule", "flag"},
             {"start", {"car_picked_up"}},
             {"end", {"car_returned"}}}}}),
      Def({{"name", "orders_30d"},
           {"type", "int"},
           {"producer",
            {{"kind", "realtime"}, {"rule", "count"}, {"events", {"order_paid"}}, {"window_days", 30}}}}),
      Def({{"name", "spend_90d"},
           {"type", "decimal:2"},
           {"producer",
            {{"kind", "realtime"},
             {"rule", "sum"},
             {"events", {"order_paid"}},
             {"property", "amount"},
             {"window_days", 90}}}}),
      Def({{"name", "first_paid"},
           {"type", "date"},
           {"producer", {{"kind", "realtime"}, {"rule", "first_time"}, {"events", {"order_paid"}}}}}),
      Def({{"name", "last_paid"},
           {"type", "date"},
           {"producer", {{"kind", "realtime"}, {"rule", "last_time"}, {"events", {"order_paid"}}}}}),
  };
}

// Every user's value(s) of `tag` as of `as_of`, by external id.
std::map<std::string, std::string> AllValues(const Snapshot& snap, const std::string& tag, Days as_of) {
  std::map<std::string, std::string> out;
  auto version = snap.VersionAsOf(tag, as_of);
  EXPECT_TRUE(version.ok()) << version.status().ToString();
  if (!version.ok() || !*version) return out;
  auto dict = snap.dictionary();
  EXPECT_TRUE(dict.ok());
  if (!dict.ok()) return out;
  for (uint32_t u = 0; u < snap.user_count(); ++u) {
    std::vector<std::string> values = (*version)->ValuesOf(u);
    if (values.empty()) continue;
    std::string joined;
    for (const std::string& v : values) joined += (joined.empty() ? "" : "|") + v;
    out[std::string((*dict)->ExternalId(u))] = joined;
  }
  return out;
}

template <typename F>
bool WaitFor(F done, int timeout_ms = 10000) {
  auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
  while (!done()) {
    if (std::chrono::steady_clock::now() > give_up) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return true;
}

class RealtimeEngineTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions so;
    so.create_if_missing = true;
    store_ = std::move(TagStore::Open(dir_.path(), so)).value();
    OpenLog();
  }
  void TearDown() override {
    if (engine_) engine_->Stop();
  }

  void OpenLog() {
    events::EventLogOptions lo;
    lo.sync = false;
    auto log = events::EventLog::Open(dir_.path(), lo);
    ASSERT_TRUE(log.ok()) << log.status().ToString();
    log_ = std::move(*log);
  }

  void StartEngine(const std::vector<TagDefinition>& defs) {
    RealtimeOptions o;
    o.tick = std::chrono::milliseconds(10);
    o.clock = &clock_;
    engine_ = std::make_unique<RealtimeEngine>(store_.get(), log_.get(), o);
    ASSERT_TRUE(engine_->SetDefinitions(defs).ok());
    Status st = engine_->Start();
    ASSERT_TRUE(st.ok()) << st.ToString();
  }

  // What the ingestion API does: append under the ingest lock, submit the
  // new events. Returns the ticket (0 when nothing was new).
  uint64_t Ingest(const std::vector<Event>& events) {
    auto lock = engine_->IngestLock();
    auto r = log_->Append(events);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
    if (!r.ok() || r->appended == 0) return 0;
    std::vector<Event> fresh;
    for (uint32_t i : r->new_indexes) fresh.push_back(events[i]);
    return engine_->Submit(std::move(fresh));
  }
  // Ingest and wait until visible.
  void Post(const std::vector<Event>& events) {
    uint64_t ticket = Ingest(events);
    if (ticket) {
      ASSERT_TRUE(engine_->WaitVisible(ticket, std::chrono::seconds(10)));
    }
  }
  // A barrier: everything asked of the engine before (events, definitions)
  // is done when this returns.
  void Sync() { ASSERT_TRUE(engine_->WaitVisible(engine_->Submit({}), std::chrono::seconds(10))); }

  Days Today() { return events::BusinessDateOf(clock_.NowUnixMillis(), kOffset); }

  int64_t Count(const std::string& expr, std::optional<Days> as_of = std::nullopt) {
    SegmentQueryOptions o;
    o.as_of = as_of.value_or(Today());
    auto n = CountSegment(*store_->snapshot(), expr, o);
    EXPECT_TRUE(n.ok()) << expr << ": " << n.status().ToString();
    return n.ok() ? static_cast<int64_t>(*n) : -1;
  }
  std::string ValueOf(const std::string& tag, const std::string& user,
                      std::optional<Days> as_of = std::nullopt) {
    auto values = AllValues(*store_->snapshot(), tag, as_of.value_or(Today()));
    auto it = values.find(user);
    return it == values.end() ? "" : it->second;
  }

  testing::TempDir dir_;
  testing::FakeWallClock clock_{At("2026-11-24", 10)};
  std::unique_ptr<TagStore> store_;
  std::unique_ptr<events::EventLog> log_;
  std::unique_ptr<RealtimeEngine> engine_;
};

TEST_F(RealtimeEngineTest, EveryRuleKindShowsInCountsOnceVisible) {
  StartEngine(AllKinds());
  EXPECT_EQ(engine_->stats().tags, 6u);
  const int64_t t = At("2026-11-24", 9);
  Post({Order("1", "order_created", "u1", t), Order("2", "order_paid", "u1", t + 1000, 120.5),
        Order("3", "car_picked_up", "u1", t + 2000), Order("4", "order_created", "u2", t),
        Order("5", "order_paid", "u3", At("2026-11-20", 12), 80), Order("6", "order_paid", "u3", t, 19.99),
        Order("7", "car_picked_up", "u3", t), Order("8", "car_returned", "u3", t + 5000)});

  EXPECT_EQ(Count("last_step = 'order_paid'"), 1);
  EXPECT_EQ(Count("last_step = 'order_created'"), 1);
  EXPECT_EQ(Count("last_step = 'car_returned'"), 1);
  EXPECT_EQ(Count("renting"), 1);      // u1
  EXPECT_EQ(Count("NOT renting"), 2);  // u2 has no value, u3 returned
  EXPECT_EQ(Count("renting = false"), 1);
  EXPECT_EQ(Count("orders_30d >= 1"), 2);
  EXPECT_EQ(Count("orders_30d = 2"), 1);
  EXPECT_EQ(Count("spend_90d > 100"), 1);
  EXPECT_EQ(Count("spend_90d = 99.99"), 1);
  EXPECT_EQ(Count("first_paid = '2026-11-20'"), 1);
  EXPECT_EQ(Count("last_paid = '2026-11-24'"), 2);
  EXPECT_EQ(ValueOf("spend_90d", "u3"), "99.99");
  EXPECT_EQ(ValueOf("spend_90d", "u1"), "120.50");
  EXPECT_EQ(ValueOf("orders_30d", "u3"), "2");
  EXPECT_EQ(ValueOf("first_paid", "u3"), "2026-11-20");
  EXPECT_EQ(ValueOf("last_paid", "u3"), "2026-11-24");
  EXPECT_EQ(ValueOf("renting", "u3"), "false");
  EXPECT_EQ(ValueOf("last_step", "u2"), "order_created");

  // The live versions are dated today (business calendar).
  auto snap = store_->snapshot();
  for (const char* tag : {"last_step", "renting", "orders_30d", "spend_90d", "first_paid", "last_paid"}) {
    const TagInfo* info = snap->FindTag(tag);
    ASSERT_NE(info, nullptr) << tag;
    ASSERT_EQ(info->versions.size(), 1u) << tag;
    EXPECT_EQ(info->versions[0].date, D("2026-11-24")) << tag;
  }
  // Later events change the values (u1 returns the car; u2 pays).
  Post({Order("9", "car_returned", "u1", t + 3 * kHour), Order("10", "order_paid", "u2", t + kHour, 10)});
  EXPECT_EQ(Count("renting"), 0);
  EXPECT_EQ(Count("last_step = 'car_returned'"), 2);
  EXPECT_EQ(Count("orders_30d >= 1"), 3);
  RealtimeStats stats = engine_->stats();
  EXPECT_EQ(stats.events_applied, 10u);
  EXPECT_EQ(stats.pending, 0u);
  EXPECT_EQ(stats.last_error, "");
}

TEST_F(RealtimeEngineTest, WindowsExpireAsTheClockMovesWithoutEvents) {
  StartEngine(AllKinds());
  const int64_t now = clock_.NowUnixMillis();
  Post({Order("a", "order_paid", "u1", now - 29 * kDay, 10),
        Order("b", "order_paid", "u1", now - 1 * kDay, 20),
        Order("c", "order_paid", "u2", now - 5 * kDay, 30)});
  EXPECT_EQ(Count("orders_30d = 2"), 1);
  EXPECT_EQ(Count("orders_30d >= 1"), 2);
  EXPECT_EQ(ValueOf("spend_90d", "u1"), "30.00");

  // Two days later u1's oldest order left the 30-day window (not the 90-day one).
  clock_.AdvanceMillis(2 * kDay);
  ASSERT_TRUE(WaitFor([&] { return Count("orders_30d = 2") == 0; })) << "no tick expired the window";
  EXPECT_EQ(Count("orders_30d = 1"), 2);
  EXPECT_EQ(ValueOf("spend_90d", "u1"), "30.00");
  EXPECT_EQ(Today(), D("2026-11-26"));

  // Exactly at time + window an entry leaves (the window is (now - 30d, now]):
  // c (at start - 5d) leaves at start + 25d.
  clock_.AdvanceMillis(23 * kDay - 1);
  ASSERT_TRUE(WaitFor([&] {
    const TagInfo* info = store_->snapshot()->FindTag("orders_30d");
    return info && info->versions.back().date == Today();  // a tick moved the live versions to the new day
  }));
  EXPECT_EQ(Count("orders_30d >= 1"), 2);
  clock_.AdvanceMillis(1);
  ASSERT_TRUE(WaitFor([&] { return Count("orders_30d >= 1") == 1; }));
  EXPECT_EQ(ValueOf("orders_30d", "u1"), "1");
  EXPECT_EQ(ValueOf("orders_30d", "u2"), "");  // a count of 0 is no value
  EXPECT_EQ(ValueOf("spend_90d", "u2"), "30.00");
  // Past every window: no value for anybody; the 90-day sum goes too.
  clock_.AdvanceMillis(91 * kDay);
  ASSERT_TRUE(WaitFor([&] { return Count("spend_90d > 0") == 0 && Count("orders_30d >= 1") == 0; }));
  // Rules without a window keep their values.
  EXPECT_EQ(Count("first_paid <= '2026-11-24'"), 2);
}

TEST_F(RealtimeEngineTest, NewUsersGetDenseIdsInTheStore) {
  {
    auto w = store_->BeginWrite();
    ASSERT_TRUE(w.ok());
    std::vector<std::string_view> ids = {"known0", "known1"};
    std::vector<uint32_t> dense;
    ASSERT_TRUE((*w)->InternUsers(ids, &dense).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }
  StartEngine(AllKinds());
  const int64_t t = clock_.NowUnixMillis() - kHour;
  Post({Order("1", "order_paid", "new_a", t), Order("2", "order_paid", "known1", t),
        Order("3", "order_paid", "new_b", t), Order("4", "order_paid", "new_a", t + 1)});
  auto snap = store_->snapshot();
  auto dict = snap->dictionary();
  ASSERT_TRUE(dict.ok());
  EXPECT_EQ(snap->user_count(), 4u);
  EXPECT_EQ(snap->universe_size(), 4u);
  auto a = (*dict)->Find("new_a"), b = (*dict)->Find("new_b");
  ASSERT_TRUE(a && b);
  EXPECT_EQ(std::min(*a, *b), 2u);
  EXPECT_EQ(std::max(*a, *b), 3u);
  EXPECT_EQ((*dict)->Find("known1"), 1u);
  EXPECT_EQ(ValueOf("orders_30d", "new_a"), "2");
  EXPECT_EQ(Count("ALL"), 4);
  EXPECT_EQ(Count("orders_30d >= 1"), 3);
  EXPECT_EQ(engine_->stats().new_users, 2u);

  // Known again next time: no more users; and the new users are in the
  // files (another process opening the store sees them).
  Post({Order("5", "order_paid", "new_b", t + 2), Order("6", "order_paid", "new_c", t + 3)});
  EXPECT_EQ(store_->snapshot()->user_count(), 5u);
  EXPECT_EQ(engine_->stats().new_users, 3u);
  auto other = TagStore::Open(dir_.path());
  ASSERT_TRUE(other.ok());
  auto other_dict = (*other)->snapshot()->dictionary();
  ASSERT_TRUE(other_dict.ok());
  EXPECT_EQ((*other_dict)->Find("new_c"), 4u);
  EXPECT_EQ((*other_dict)->Find("new_a"), a);
}

TEST_F(RealtimeEngineTest, ChangedDefinitionIsRebuiltFromTheLogWithoutCountingTwice) {
  auto big = Def({{"name", "orders_30d"},
                  {"type", "int"},
                  {"producer",
                   {{"kind", "realtime"},
                    {"rule", "count"},
                    {"events", {"order_paid"}},
                    {"where", {{"amount", {{">=", 100}}}}},
                    {"window_days", 30}}}});
  std::vector<TagDefinition> plain = AllKinds();
  std::vector<TagDefinition> changed = AllKinds();
  for (TagDefinition& d : changed) {
    if (d.name == "orders_30d") d = big;
  }
  StartEngine(plain);
  const int64_t t = clock_.NowUnixMillis() - kHour;
  // amounts 50 and 150 alternate; user i%7.
  std::map<std::string, int> all, large;
  std::map<std::string, int64_t> spend;
  int next = 0;
  auto batch = [&](int n) {
    std::vector<Event> events;
    for (int i = 0; i < n; ++i, ++next) {
      std::string user = fmt::format("u{}", next % 7);
      double amount = next % 2 ? 150 : 50;
      events.push_back(Order(fmt::format("e{}", next), "order_paid", user, t + next, amount));
      ++all[user];
      if (amount >= 100) ++large[user];
      spend[user] += static_cast<int64_t>(amount);
    }
    return events;
  };
  auto check = [&](const std::map<std::string, int>& expected_counts) {
    std::map<std::string, std::string> want, want_spend;
    for (const auto& [u, n] : expected_counts) want[u] = std::to_string(n);
    for (const auto& [u, s] : spend) want_spend[u] = fmt::format("{}.00", s);
    EXPECT_EQ(AllValues(*store_->snapshot(), "orders_30d", Today()), want);
    // The unchanged tag was not rebuilt and counts every event once too.
    EXPECT_EQ(AllValues(*store_->snapshot(), "spend_90d", Today()), want_spend);
  };
  Post(batch(20));
  check(all);

  // Events handed to the engine just before the change, and just after.
  for (int round = 0; round < 20; ++round) {
    uint64_t before = Ingest(batch(5));
    ASSERT_TRUE(engine_->SetDefinitions(round % 2 ? plain : changed).ok());
    uint64_t after = Ingest(batch(3));
    ASSERT_TRUE(engine_->WaitVisible(std::max(before, after), std::chrono::seconds(10)));
    Sync();
    SCOPED_TRACE(round);
    check(round % 2 ? all : large);
  }
  EXPECT_GE(engine_->stats().events_replayed, 1u);

  // The same, with another thread ingesting all along.
  std::atomic<bool> stop{false};
  std::mutex mu;  // guards next/all/large/spend
  std::thread writer([&] {
    while (!stop) {
      std::vector<Event> events;
      {
        std::lock_guard l(mu);
        events = batch(4);
      }
      (void)Ingest(events);
    }
  });
  for (int round = 0; round < 30; ++round) {
    ASSERT_TRUE(engine_->SetDefinitions(round % 2 ? plain : changed).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(3));
  }
  stop = true;
  writer.join();
  Sync();
  check(all);  // the last round (29) set `plain`
}

TEST_F(RealtimeEngineTest, BadRulesAreReportedRemovedTagsLeaveAndOtherKindsAreIgnored) {
  std::vector<TagDefinition> defs = AllKinds();
  // A count makes an int (or bool with at_least), not an enum.
  defs.push_back(Def({{"name", "broken"},
                      {"type", "enum"},
                      {"producer", {{"kind", "realtime"}, {"rule", "count"}, {"events", {"order_paid"}}}}}));
  defs.push_back(Def({{"name", "pushed"}, {"type", "int"}, {"producer", {{"kind", "external"}}}}));
  RealtimeOptions o;
  o.tick = std::chrono::milliseconds(10);
  o.clock = &clock_;
  engine_ = std::make_unique<RealtimeEngine>(store_.get(), log_.get(), o);
  Status st = engine_->SetDefinitions(defs);
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("broken"), std::string::npos) << st.ToString();
  ASSERT_TRUE(engine_->Start().ok());
  EXPECT_EQ(engine_->stats().tags, 6u);
  Post({Order("1", "order_paid", "u1", clock_.NowUnixMillis())});
  EXPECT_EQ(Count("orders_30d = 1"), 1);
  EXPECT_EQ(store_->snapshot()->FindTag("broken"), nullptr);
  EXPECT_EQ(store_->snapshot()->FindTag("pushed"), nullptr);

  // Removed from the definitions: gone from the live versions; the others stay.
  defs = AllKinds();
  std::erase_if(defs, [](const TagDefinition& d) { return d.name == "orders_30d"; });
  ASSERT_TRUE(engine_->SetDefinitions(defs).ok());
  Sync();
  EXPECT_EQ(engine_->stats().tags, 5u);
  EXPECT_EQ(store_->snapshot()->FindTag("orders_30d"), nullptr);
  EXPECT_EQ(ValueOf("spend_90d", "u1"), "100.00");
  // Back again: rebuilt from the log.
  ASSERT_TRUE(engine_->SetDefinitions(AllKinds()).ok());
  Sync();
  EXPECT_EQ(ValueOf("orders_30d", "u1"), "1");
  EXPECT_EQ(ValueOf("spend_90d", "u1"), "100.00");
  EXPECT_EQ(engine_->stats().last_error, "");
}

TEST_F(RealtimeEngineTest, LiveVersionsRollOverAtBusinessMidnight) {
  clock_.AdvanceMillis(At("2026-11-24", 23.5) - clock_.NowUnixMillis());  // 23:30 +08:00 (15:30 UTC)
  StartEngine(AllKinds());
  Post({Order("1", "order_paid", "u1", clock_.NowUnixMillis() - 1000)});
  const Days d = D("2026-11-24");
  EXPECT_EQ(Today(), d);
  EXPECT_EQ(ValueOf("orders_30d", "u1", d), "1");
  EXPECT_EQ(ValueOf("orders_30d", "u1", d - 1), "");  // no version before today

  // The daily version of the same date (as TagProducer would write it):
  // the live version replaces it while that day is today.
  {
    auto w = store_->BeginWrite();
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    auto u1 = (*w)->InternUser("u1");
    ASSERT_TRUE(u1.ok());
    TagVersionBuilder b(TagType{TagKind::kInt}, d);
    b.AddNumber(*u1, 42);
    ASSERT_TRUE((*w)->PutVersion("orders_30d", b.Finish()).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }
  EXPECT_EQ(ValueOf("orders_30d", "u1", d), "1");

  // 00:00:00.000 +08:00 of the next day: a tick dates the live versions the
  // new day; as of yesterday the file version shows.
  clock_.AdvanceMillis(EndOfDay(d) + 1 - clock_.NowUnixMillis());
  ASSERT_TRUE(
      WaitFor([&] { return store_->snapshot()->FindTag("orders_30d")->versions.back().date == d + 1; }));
  EXPECT_EQ(Today(), d + 1);
  EXPECT_EQ(ValueOf("orders_30d", "u1"), "1");
  EXPECT_EQ(ValueOf("orders_30d", "u1", d), "42");
  const TagInfo* info = store_->snapshot()->FindTag("orders_30d");
  ASSERT_EQ(info->versions.size(), 2u);
  EXPECT_EQ(info->versions[0].date, d);
  EXPECT_EQ(info->versions[1].date, d + 1);
  // Tags without a file version are only live: nothing as of yesterday.
  EXPECT_EQ(ValueOf("spend_90d", "u1"), "100.00");
  EXPECT_EQ(ValueOf("spend_90d", "u1", d), "");
  // Events keep arriving on the new day.
  Post({Order("2", "order_paid", "u1", clock_.NowUnixMillis())});
  EXPECT_EQ(ValueOf("orders_30d", "u1"), "2");
  EXPECT_EQ(ValueOf("orders_30d", "u1", d), "42");
}

// Random order events of `users` users between from_ms and to_ms, with
// distinct times, ids "r<serial>".
std::vector<Event> RandomEvents(std::mt19937& rng, int n, int users, int64_t from_ms, int64_t to_ms,
                                int* serial) {
  static const char* kTypes[] = {"order_created", "order_paid", "order_paid", "car_picked_up",
                                 "car_returned"};
  std::vector<Event> out;
  for (int i = 0; i < n; ++i) {
    const int s = (*serial)++;
    int64_t t = std::uniform_int_distribution<int64_t>(from_ms, to_ms - 1000)(rng);
    t = t - t % 1000 + s % 1000;  // distinct enough: ties only between serials 1000 apart in the same second
    out.push_back(Order(fmt::format("r{}", s), kTypes[rng() % 5], fmt::format("u{}", rng() % users), t,
                        static_cast<double>(rng() % 100000) / 100));
  }
  return out;
}

std::map<std::string, std::map<std::string, std::string>> EveryTagsValues(const Snapshot& snap, Days as_of) {
  std::map<std::string, std::map<std::string, std::string>> out;
  for (const TagDefinition& def : AllKinds()) out[def.name] = AllValues(snap, def.name, as_of);
  return out;
}

TEST_F(RealtimeEngineTest, ARestartedEngineReplaysToTheSameValues) {
  StartEngine(AllKinds());
  std::mt19937 rng(7);
  int serial = 0;
  for (int batch = 0; batch < 60; ++batch) {
    const int64_t now = clock_.NowUnixMillis();
    std::vector<Event> events =
        RandomEvents(rng, 1 + static_cast<int>(rng() % 60), 40, now - 120 * kDay, now, &serial);
    if (batch % 7 == 3) events.push_back(events.front());  // a duplicate in the batch
    if (batch % 5 == 1) {
      // A tie: another event of the same user at the same time (the later one wins).
      const Event& e = events.back();
      events.push_back(Order(e.event_id + "-tie", e.type == "order_paid" ? "car_returned" : "order_paid",
                             e.user_id, e.time_ms));
      ++serial;
    }
    Post(events);
    clock_.AdvanceMillis(static_cast<int64_t>(rng() % (3 * kHour)));
  }
  const Days today = Today();
  auto before = EveryTagsValues(*store_->snapshot(), today);
  for (const auto& [tag, values] : before) EXPECT_GT(values.size(), 5u) << tag;

  // A new engine over the same log (reopened, like a restarted process).
  engine_->Stop();
  engine_.reset();
  store_->SetLiveVersions(nullptr);
  log_.reset();
  OpenLog();
  EXPECT_EQ(store_->snapshot()->FindTag("orders_30d"), nullptr);
  StartEngine(AllKinds());
  EXPECT_EQ(engine_->stats().events_replayed, static_cast<uint64_t>(serial));
  EXPECT_EQ(EveryTagsValues(*store_->snapshot(), today), before);

  // Only windowed tags: the replay starts at the first day of the widest
  // window instead of the first day of the log.
  engine_->Stop();
  std::vector<TagDefinition> windowed;
  for (const TagDefinition& d : AllKinds()) {
    if (d.name == "orders_30d" || d.name == "spend_90d") windowed.push_back(d);
  }
  StartEngine(windowed);
  EXPECT_LT(engine_->stats().events_replayed, static_cast<uint64_t>(serial));
  auto snap = store_->snapshot();
  EXPECT_EQ(AllValues(*snap, "orders_30d", today), before["orders_30d"]);
  EXPECT_EQ(AllValues(*snap, "spend_90d", today), before["spend_90d"]);
  EXPECT_EQ(snap->FindTag("last_step"), nullptr);
}

// The daily version of a real-time tag is TagProducer evaluating the same
// rule over the log: it equals the live state at the end of that day.
TEST(RealtimeDailyVersionTest, ProducedVersionEqualsTheLiveStateAtTheEndOfTheDay) {
  testing::TempDir dir;
  StoreOptions so;
  so.create_if_missing = true;
  auto store = std::move(TagStore::Open(dir.path(), so)).value();
  testing::FakeWallClock clock(At("2026-11-24", 6));
  ProductionOptions po;
  po.run_schedules = false;
  po.workers = 1;
  po.threads = 1;
  po.run_realtime = true;
  po.realtime_tick = std::chrono::milliseconds(10);
  po.clock = &clock;
  auto opened = testing::ProductionFixture::Open(store.get(), po);
  ASSERT_TRUE(opened.ok()) << opened.status().ToString();
  testing::ProductionFixture& parts = **opened;
  Production& production = *parts.production;
  for (const TagDefinition& def : AllKinds()) {
    ASSERT_TRUE(parts.catalog->Apply(def, "test").ok());
    ASSERT_TRUE(parts.catalog->SetStatus(def.name, TagStatus::kPublished, "test").ok());
  }
  ASSERT_TRUE(production.Start().ok());
  RealtimeEngine* engine = production.realtime();
  ASSERT_NE(engine, nullptr);
  ASSERT_NE(parts.event_log.get(), nullptr);

  std::mt19937 rng(11);
  int serial = 0;
  const Days d = D("2026-11-24");
  for (int batch = 0; batch < 40; ++batch) {
    const int64_t now = clock.NowUnixMillis();
    std::vector<Event> events =
        RandomEvents(rng, 1 + static_cast<int>(rng() % 50), 30, now - 100 * kDay, now, &serial);
    uint64_t ticket = 0;
    {
      auto lock = engine->IngestLock();
      auto r = parts.event_log->Append(events);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      std::vector<Event> fresh;
      for (uint32_t i : r->new_indexes) fresh.push_back(events[i]);
      ticket = engine->Submit(std::move(fresh));
    }
    ASSERT_TRUE(engine->WaitVisible(ticket, std::chrono::seconds(10)));
    clock.AdvanceMillis(static_cast<int64_t>(rng() % (30 * 60'000)));  // stays within 2026-11-24
  }
  ASSERT_EQ(events::BusinessDateOf(clock.NowUnixMillis(), kOffset), d);
  // The end of the day: windows move to 23:59:59.999.
  clock.AdvanceMillis(EndOfDay(d) - clock.NowUnixMillis());
  ASSERT_TRUE(engine->WaitVisible(engine->Submit({}), std::chrono::seconds(10)));
  auto live = EveryTagsValues(*store->snapshot(), d);
  for (const auto& [tag, values] : live) EXPECT_GT(values.size(), 5u) << tag;

  for (const TagDefinition& def : AllKinds()) {
    ProduceRequest r;
    r.tag = def.name;
    r.biz_date = d;
    r.requested_by = "test";
    auto result = production.producer().Produce(r);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    EXPECT_EQ(result->state, RunState::kSucceeded) << def.name << ": " << result->error.ToString();
  }
  // Midnight: the live versions move to the next day, the file versions of
  // 2026-11-24 show as of that day.
  clock.AdvanceMillis(1);
  ASSERT_TRUE(engine->WaitVisible(engine->Submit({}), std::chrono::seconds(10)));
  auto snap = store->snapshot();
  for (const TagDefinition& def : AllKinds()) {
    const TagInfo* info = snap->FindTag(def.name);
    ASSERT_NE(info, nullptr);
    ASSERT_EQ(info->versions.size(), 2u) << def.name;
    EXPECT_EQ(info->versions[0].date, d);
    EXPECT_NE(info->versions[0].file.find(".tlv"), std::string::npos) << info->versions[0].file;
    EXPECT_EQ(info->versions[1].date, d + 1);
  }
  EXPECT_EQ(EveryTagsValues(*snap, d), live);
  production.Stop();
}

}  // namespace
}  // namespace tagloop
