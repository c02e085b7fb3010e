#include "auth/audit_log.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <thread>

#include "testing/fake_wall_clock.h"
#include "auth/token_format.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using namespace std::chrono_literals;
using testing::FakeWallClock;
using testing::TempDir;

constexpr int64_t kT0Ms = 1'790'000'000'000;

class AuditLogTest : public ::testing::Test {
 protected:
  std::unique_ptr<AuditLog> Open(AuditLogOptions o = {}) {
    if (o.clock == nullptr) o.clock = &clock_;
    auto log = AuditLog::Open(tmp_.path(), o);
    EXPECT_TRUE(log.ok()) << log.status().ToString();
    return log.ok() ? std::move(*log) : nullptr;
  }
  static AuditLogOptions Manual() {
    AuditLogOptions o;
    o.background = false;
    return o;
  }
  static AuditEntry Entry(std::string who, std::string_view action, std::string target, int64_t n = 1) {
    Principal p{7, std::move(who), Role::kAnalyst};
    return AuditEntry::For(p, action, target, n);
  }

  TempDir tmp_;
  FakeWallClock clock_{kT0Ms};
};

TEST_F(AuditLogTest, RecordFlushQueryRoundTrip) {
  auto log = Open(Manual());
  AuditEntry e = Entry("crm", audit_action::kUsersProfile, "m42");
  e.detail = R"({"as_of":"2026-10-01"})";
  ASSERT_TRUE(log->Record(e).ok());
  clock_.AdvanceMillis(10);
  AuditEntry cli;
  cli.principal_name = "cli:alice";
  cli.role = Role::kAdmin;
  cli.action = audit_action::kTokensCreate;
  cli.target = "3";
  ASSERT_TRUE(log->Record(cli).ok());
  EXPECT_EQ(log->pending(), 2u);
  ASSERT_TRUE(log->Flush().ok());
  EXPECT_EQ(log->pending(), 0u);

  auto rows = log->Query({});
  ASSERT_TRUE(rows.ok()) << rows.status().ToString();
  ASSERT_EQ(rows->size(), 2u);
  const AuditEntry& newest = (*rows)[0];
  EXPECT_EQ(newest.principal_name, "cli:alice");
  EXPECT_EQ(newest.token_id, 0);
  EXPECT_EQ(newest.role, Role::kAdmin);
  EXPECT_EQ(newest.at_unix_ms, kT0Ms + 10);
  const AuditEntry& first = (*rows)[1];
  EXPECT_GT(newest.id, first.id);
  EXPECT_EQ(first.principal_name, "crm");
  EXPECT_EQ(first.token_id, 7);
  EXPECT_EQ(first.role, Role::kAnalyst);
  EXPECT_EQ(first.action, "users.profile");
  EXPECT_EQ(first.target, "m42");
  EXPECT_EQ(first.item_count, 1);
  EXPECT_EQ(first.detail, R"({"as_of":"2026-10-01"})");
  EXPECT_EQ(first.at_unix_ms, kT0Ms);
}

TEST_F(AuditLogTest, QueryFilters) {
  auto log = Open(Manual());
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE(log->Record(Entry(i % 2 ? "crm" : "bi",
                                  i % 3 ? audit_action::kUsersProfile : audit_action::kSegmentsQuery,
                                  fmt::format("u{}", i % 4), i))
                    .ok());
    clock_.AdvanceMillis(1000);
  }
  auto count = [&](auto set) {
    AuditFilter f;
    set(f);
    return log->Query(f)->size();
  };
  EXPECT_EQ(count([](AuditFilter&) {}), 10u);
  EXPECT_EQ(count([](AuditFilter& f) { f.action = "segments.query"; }), 4u);  // i = 0, 3, 6, 9
  EXPECT_EQ(count([](AuditFilter& f) { f.principal_name = "crm"; }), 5u);
  EXPECT_EQ(count([](AuditFilter& f) { f.target = "u1"; }), 3u);  // i = 1, 5, 9
  EXPECT_EQ(count([](AuditFilter& f) { f.action = "users.profile", f.principal_name = "bi"; }),
            3u);  // 2, 4, 8
  EXPECT_EQ(count([](AuditFilter& f) { f.since_unix_ms = kT0Ms + 5000; }), 5u);
  EXPECT_EQ(count([](AuditFilter& f) { f.since_unix_ms = kT0Ms + 2000, f.until_unix_ms = kT0Ms + 4000; }),
            2u);
  AuditFilter three;
  three.limit = 3;
  auto limited = log->Query(three);
  ASSERT_EQ(limited->size(), 3u);
  EXPECT_EQ((*limited)[0].item_count, 9);  // newest first
}

TEST_F(AuditLogTest, TheBackgroundWriterFlushesWithinItsInterval) {
  auto writer = Open();  // background, 200 ms
  auto reader = Open(Manual());
  ASSERT_TRUE(writer->Record(Entry("crm", audit_action::kUsersProfile, "m1")).ok());
  const auto start = std::chrono::steady_clock::now();
  while (reader->Query({})->empty()) {
    ASSERT_LT(std::chrono::steady_clock::now() - start, 2s);
    std::this_thread::sleep_for(10ms);
  }
  EXPECT_EQ(writer->pending(), 0u);
}

TEST_F(AuditLogTest, TheDestructorFlushes) {
  {
    auto log = Open(Manual());
    for (int i = 0; i < 5; ++i) ASSERT_TRUE(log->Record(Entry("crm", "import", "f.csv")).ok());
  }
  EXPECT_EQ(Open(Manual())->Query({})->size(), 5u);
}

TEST_F(AuditLogTest, SecretsAreRedactedBeforeStorage) {
  std::string secret = *GenerateTokenSecret();
  {
    auto log = Open(Manual());
    AuditEntry e = Entry("crm", audit_action::kSegmentsQuery, "city = '" + secret + "'");
    e.detail = "Authorization: Bearer " + secret;
    ASSERT_TRUE(log->Record(e).ok());
    auto rows = log->Query({});
    ASSERT_EQ(rows->size(), 1u);
    EXPECT_EQ((*rows)[0].target, "city = 'tl_[redacted]'");
    EXPECT_EQ((*rows)[0].detail, "Authorization: Bearer tl_[redacted]");
  }
  std::string bytes;
  for (const char* suffix : {"", "-wal"}) {
    std::ifstream in(tmp_.Sub(std::string("tagloop.db") + suffix), std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    bytes += ss.str();
  }
  EXPECT_EQ(bytes.find(secret.substr(3)), std::string::npos);
}

TEST_F(AuditLogTest, LongFieldsAreCutOnACharacterBoundary) {
  AuditLogOptions o = Manual();
  o.max_field_bytes = 10;
  auto log = Open(o);
  ASSERT_TRUE(log->Record(Entry("crm", "segments.query", "上海上海上海")).ok());  // 18 bytes
  auto rows = log->Query({});
  EXPECT_EQ((*rows)[0].target, "上海...");
}

TEST_F(AuditLogTest, AnEntryNeedsAnAction) {
  auto log = Open(Manual());
  EXPECT_EQ(log->Record(Entry("crm", "", "x")).code(), Status::Code::kInvalidArgument);
}

TEST_F(AuditLogTest, RefusesEntriesItCannotKeepUpWith) {
  AuditLogOptions o = Manual();
  o.max_buffered = 3;
  auto log = Open(o);
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->Record(Entry("crm", "users.profile", "m")).ok());
  Status full = log->Record(Entry("crm", "users.profile", "m"));
  EXPECT_EQ(full.code(), Status::Code::kResourceExhausted);
  ASSERT_TRUE(log->Flush().ok());
  EXPECT_TRUE(log->Record(Entry("crm", "users.profile", "m")).ok());
}

TEST_F(AuditLogTest, AFailedWriteKeepsTheEntriesInOrderForTheNextTry) {
  AuditLogOptions o = Manual();
  o.catalog.busy_timeout_ms = 50;
  auto log = Open(o);
  auto blocker = CatalogDb::Open(tmp_.path());
  ASSERT_TRUE(blocker.ok());
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(log->Record(Entry("crm", "users.profile", std::to_string(i))).ok());
  {
    auto tx = (*blocker)->Begin();  // holds the write lock
    ASSERT_TRUE(tx.ok());
    Status st = log->Flush();
    EXPECT_EQ(st.code(), Status::Code::kIOError) << st.ToString();
    EXPECT_NE(st.message().find("tagloop.db"), std::string::npos);
    EXPECT_EQ(log->pending(), 3u);
    ASSERT_TRUE(log->Record(Entry("crm", "users.profile", "3")).ok());
  }
  ASSERT_TRUE(log->Flush().ok());
  auto rows = log->Query({});
  ASSERT_EQ(rows->size(), 4u);
  for (int i = 0; i < 4; ++i) EXPECT_EQ((*rows)[static_cast<size_t>(3 - i)].target, std::to_string(i));
}

TEST_F(AuditLogTest, PruneDropsOldEntries) {
  auto log = Open(Manual());
  for (int i = 0; i < 4; ++i) {
    ASSERT_TRUE(log->Record(Entry("crm", "users.profile", "m")).ok());
    clock_.AdvanceMillis(1000);
  }
  auto n = log->Prune(kT0Ms + 2000);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2);
  EXPECT_EQ(log->Query({})->size(), 2u);
}

TEST_F(AuditLogTest, RecordIsCheap) {
  auto log = Open();  // background writer
  Principal p{1, "crm", Role::kAnalyst};
  std::vector<std::string> ids;
  for (int i = 0; i < 1000; ++i) ids.push_back(fmt::format("member-{:08}", i));
  constexpr int kCalls = 200'000;
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < kCalls; ++i) {
    ASSERT_TRUE(
        log->Record(AuditEntry::For(p, audit_action::kUsersProfile, ids[static_cast<size_t>(i) % 1000], 1))
            .ok());
  }
  const double per_call =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count() / kCalls;
  std::cout << "AuditLog::Record: " << per_call << " us per call (writer running)\n";
  EXPECT_LT(per_call, 20.0);  // loose: debug and sanitizer builds
  ASSERT_TRUE(log->Flush().ok());
}

TEST_F(AuditLogTest, ManyThreadsRecordAndNothingIsLost) {
  auto log = Open();  // background writer
  constexpr int kThreads = 4, kPerThread = 50'000;
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      Principal p{t + 1, fmt::format("svc{}", t), Role::kAnalyst};
      for (int i = 0; i < kPerThread; ++i) {
        ASSERT_TRUE(
            log->Record(AuditEntry::For(p, audit_action::kUsersProfile, fmt::format("m{}", i), 1)).ok());
      }
    });
  }
  for (auto& t : threads) t.join();
  const double record_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  ASSERT_TRUE(log->Flush().ok());
  const double total_us =
      std::chrono::duration<double, std::micro>(std::chrono::steady_clock::now() - start).count();
  constexpr int kTotal = kThreads * kPerThread;
  std::cout << "AuditLog: " << kTotal << " entries from " << kThreads << " threads recorded in "
            << record_us / 1000 << " ms, written by " << total_us / 1000 << " ms\n";
  AuditFilter most;
  most.limit = 10'000;
  auto all = log->Query(most);
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->size(), 10'000u);
  auto n = log->Prune(INT64_MAX);
  EXPECT_EQ(*n, kTotal);
}

}  // namespace
}  // namespace tagloop
