#include "catalog/tag_usage.h"

#include <gtest/gtest.h>

#include <thread>

#include "testing/fake_wall_clock.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

constexpr int64_t kT0 = 1'790'000'000'000;

class TagUsageTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto u = TagUsage::Open(tmp_.path(), &clock_);
    ASSERT_TRUE(u.ok()) << u.status().ToString();
    usage_ = std::move(*u);
  }

  std::vector<TagUsageRow> Rows(const std::string& tag) {
    Result<std::vector<TagUsageRow>> rows = usage_->Rows(tag);
    EXPECT_TRUE(rows.ok()) << rows.status().ToString();
    return rows.ok() ? *rows : std::vector<TagUsageRow>{};
  }

  testing::TempDir tmp_;
  testing::FakeWallClock clock_{kT0};
  std::unique_ptr<TagUsage> usage_;
};

TEST_F(TagUsageTest, RecordStaysInMemoryUntilFlush) {
  usage_->Record("vip_level", "count", "alice");
  EXPECT_TRUE(Rows("").empty());
  ASSERT_TRUE(usage_->Flush().ok());
  std::vector<TagUsageRow> rows = Rows("vip_level");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].tag, "vip_level");
  EXPECT_EQ(rows[0].kind, "count");
  EXPECT_EQ(rows[0].principal, "alice");
  EXPECT_EQ(rows[0].uses, 1u);
  EXPECT_EQ(rows[0].last_used_ms, kT0);
}

TEST_F(TagUsageTest, CountsAccumulateAcrossFlushes) {
  usage_->Record("vip_level", "count", "alice");
  usage_->Record("vip_level", "count", "alice", 2);
  ASSERT_TRUE(usage_->Flush().ok());
  EXPECT_EQ(Rows("vip_level")[0].uses, 3u);
  clock_.AdvanceMillis(60'000);
  usage_->Record("vip_level", "count", "alice", 4);
  ASSERT_TRUE(usage_->Flush().ok());
  std::vector<TagUsageRow> rows = Rows("vip_level");
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].uses, 7u);
  EXPECT_EQ(rows[0].last_used_ms, kT0 + 60'000);
  ASSERT_TRUE(usage_->Flush().ok());  // nothing pending: nothing changes
  EXPECT_EQ(Rows("vip_level")[0].uses, 7u);
}

TEST_F(TagUsageTest, LastUsedNeverGoesBack) {
  clock_.AdvanceMillis(1000);
  usage_->Record("vip_level", "query", "alice");
  clock_.AdvanceMillis(-500);  // a thread that read the clock earlier records later
  usage_->Record("vip_level", "query", "alice");
  ASSERT_TRUE(usage_->Flush().ok());
  EXPECT_EQ(Rows("vip_level")[0].last_used_ms, kT0 + 1000);
  usage_->Record("vip_level", "query", "alice");  // still earlier than the stored value
  ASSERT_TRUE(usage_->Flush().ok());
  EXPECT_EQ(Rows("vip_level")[0].last_used_ms, kT0 + 1000);
  EXPECT_EQ(Rows("vip_level")[0].uses, 3u);
}

TEST_F(TagUsageTest, RowsPerTagKindAndPrincipalMostUsedFirst) {
  usage_->Record("a", "count", "alice", 5);
  usage_->Record("a", "profile", "alice", 1);
  usage_->Record("a", "count", "bob", 2);
  usage_->Record("b", "segment", "alice", 9);
  ASSERT_TRUE(usage_->Flush().ok());
  std::vector<TagUsageRow> all = Rows("");
  ASSERT_EQ(all.size(), 4u);
  EXPECT_EQ(all[0].tag, "b");
  EXPECT_EQ(all[0].uses, 9u);
  EXPECT_EQ(all[1].principal, "alice");
  EXPECT_EQ(all[1].kind, "count");
  EXPECT_EQ(all[2].principal, "bob");
  EXPECT_EQ(all[3].kind, "profile");
  std::vector<TagUsageRow> a = Rows("a");
  ASSERT_EQ(a.size(), 3u);
  EXPECT_EQ(a[0].uses, 5u);
  EXPECT_TRUE(Rows("c").empty());
}

TEST_F(TagUsageTest, TwoProcessesAddUp) {
  Result<std::unique_ptr<TagUsage>> other = TagUsage::Open(tmp_.path(), &clock_);
  ASSERT_TRUE(other.ok());
  usage_->Record("vip_level", "count", "alice", 2);
  (*other)->Record("vip_level", "count", "alice", 3);
  ASSERT_TRUE(usage_->Flush().ok());
  ASSERT_TRUE((*other)->Flush().ok());
  EXPECT_EQ(Rows("vip_level")[0].uses, 5u);
}

TEST_F(TagUsageTest, RecordFromManyThreads) {
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([this] {
      for (int i = 0; i < 1000; ++i) usage_->Record("vip_level", "count", "api");
    });
  }
  std::thread flusher([this] {
    for (int i = 0; i < 20; ++i) EXPECT_TRUE(usage_->Flush().ok());
  });
  for (std::thread& th : threads) th.join();
  flusher.join();
  ASSERT_TRUE(usage_->Flush().ok());
  EXPECT_EQ(Rows("vip_level")[0].uses, 4000u);
}

}  // namespace
}  // namespace tagloop
