// Touch history: layers, caps across channels and windows, persistence,
// corruption, rebuild.
#include "outreach/touch_history.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

constexpr int64_t kH = TouchHistory::kHourMs;
constexpr int64_t kT0 = 1795478400000;  // 2026-11-24T00:00:00Z

ChannelSet All() { return ChannelSet{}; }
ChannelSet Only(std::vector<std::string> names) { return ChannelSet{false, std::move(names)}; }
Bitmap Users(std::initializer_list<uint32_t> ids) { return Bitmap::Of(std::vector<uint32_t>(ids)); }
std::vector<uint32_t> V(const Bitmap& b) { return b.ToVector(); }

TEST(TouchHistoryTest, CapsCountAcrossChannelsHoursAndLayers) {
  auto h = TouchHistory::InMemory();
  h->Record("sms", kT0 + 10 * kH, Users({1, 2, 3}));
  h->Record("sms", kT0 + 10 * kH + 5, Users({1}));  // user 1: two in one hour (layer 2)
  h->Record("email", kT0 + 30 * kH, Users({2, 4}));
  h->Record("email", kT0 + 50 * kH, Users({2}));
  const int64_t now = kT0 + 60 * kH;
  EXPECT_EQ(V(h->AtCap(All(), 1, 7 * 24, now)), (std::vector<uint32_t>{1, 2, 3, 4}));
  EXPECT_EQ(V(h->AtCap(All(), 2, 7 * 24, now)), (std::vector<uint32_t>{1, 2}));
  EXPECT_EQ(V(h->AtCap(All(), 3, 7 * 24, now)), (std::vector<uint32_t>{2}));
  EXPECT_TRUE(h->AtCap(All(), 4, 7 * 24, now).empty());
  EXPECT_EQ(V(h->AtCap(Only({"sms"}), 2, 7 * 24, now)), (std::vector<uint32_t>{1}));
  EXPECT_EQ(V(h->AtCap(Only({"email"}), 2, 7 * 24, now)), (std::vector<uint32_t>{2}));
  // A 24-hour window at hour 60 covers hours 36..60: only the email at 50.
  EXPECT_EQ(V(h->AtCap(All(), 1, 24, now)), (std::vector<uint32_t>{2}));
  EXPECT_EQ(h->CountFor(2, All(), 7 * 24, now), 3);
  EXPECT_EQ(h->CountFor(1, All(), 7 * 24, now), 2);
  EXPECT_EQ(V(h->TouchedSince(All(), kT0 + 30 * kH)), (std::vector<uint32_t>{2, 4}));
  EXPECT_EQ(V(h->TouchedSince(Only({"sms"}), kT0)), (std::vector<uint32_t>{1, 2, 3}));
}

TEST(TouchHistoryTest, WindowIsNeverShorterThanItsLength) {
  auto h = TouchHistory::InMemory();
  h->Record("sms", kT0 + 10 * kH + 40 * 60'000, Users({7}));  // 10:40
  // Seven days later at 10:59 it still counts; at 11:00 it no longer does.
  EXPECT_EQ(V(h->AtCap(All(), 1, 7 * 24, kT0 + (7 * 24 + 10) * kH + 59 * 60'000)), std::vector<uint32_t>{7});
  EXPECT_TRUE(h->AtCap(All(), 1, 7 * 24, kT0 + (7 * 24 + 11) * kH).empty());
}

TEST(TouchHistoryTest, SaturatingCounterMatchesBruteForce) {
  auto h = TouchHistory::InMemory();
  std::map<uint32_t, int> count;
  uint32_t seed = 1;
  const auto rnd = [&] { return seed = seed * 1103515245 + 12345, (seed >> 16) & 0x7fff; };
  for (int i = 0; i < 300; ++i) {
    std::vector<uint32_t> batch;
    for (int k = 0; k < 20; ++k) batch.push_back(rnd() % 200);
    Bitmap b = Bitmap::Of(batch);
    const int hour = static_cast<int>(rnd() % 48);
    h->Record(rnd() % 2 ? "sms" : "email", kT0 + hour * kH, b);
    for (uint32_t u : b.ToVector()) ++count[u];
  }
  for (int max = 1; max <= 6; ++max) {
    std::vector<uint32_t> want;
    for (auto [u, n] : count) {
      if (n >= max) want.push_back(u);
    }
    EXPECT_EQ(V(h->AtCap(All(), max, 100, kT0 + 47 * kH)), want) << max;
  }
}

TEST(TouchHistoryTest, PersistsReopensAndDetectsCorruption) {
  testing::TempDir dir;
  {
    auto h = TouchHistory::Open(Env::Default(), dir.path());
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    (*h)->Record("sms", kT0 + kH, Users({1, 2}));
    (*h)->Record("sms", kT0 + kH, Users({2}));
    (*h)->Record("email", kT0 + 30 * kH, Users({3}));
    ASSERT_TRUE((*h)->Flush().ok());
  }
  const std::string file = dir.path() + "/outreach/touches/2026-11-24.touches";
  ASSERT_TRUE(std::filesystem::exists(file));
  ASSERT_TRUE(std::filesystem::exists(dir.path() + "/outreach/touches/2026-11-25.touches"));
  {
    auto h = TouchHistory::Open(Env::Default(), dir.path());
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    EXPECT_EQ(V((*h)->AtCap(All(), 2, 48, kT0 + 40 * kH)), std::vector<uint32_t>{2});
    EXPECT_EQ(V((*h)->AtCap(All(), 1, 48, kT0 + 40 * kH)), (std::vector<uint32_t>{1, 2, 3}));
    ASSERT_TRUE((*h)->Prune(kT0 + 24 * kH).ok());
    EXPECT_FALSE(std::filesystem::exists(file));
    EXPECT_EQ(V((*h)->AtCap(All(), 1, 48, kT0 + 40 * kH)), std::vector<uint32_t>{3});
  }
  // A flipped byte fails the checksum.
  const std::string other = dir.path() + "/outreach/touches/2026-11-25.touches";
  {
    std::fstream f(other, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(14);
    f.put('\x7f');
  }
  auto bad = TouchHistory::Open(Env::Default(), dir.path());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), Status::Code::kCorruption);
  EXPECT_NE(bad.status().message().find("2026-11-25.touches"), std::string::npos);
}

TEST(TouchHistoryTest, RebuildFromLedgersReplacesEverything) {
  testing::TempDir dir;
  auto h = TouchHistory::Open(Env::Default(), dir.path());
  ASSERT_TRUE(h.ok());
  (*h)->Record("sms", kT0, Users({1}));
  ASSERT_TRUE((*h)->Flush().ok());
  Status failed = (*h)->RebuildFrom([](TouchHistory&) { return Status::IOError("ledger unreadable"); });
  EXPECT_FALSE(failed.ok());
  EXPECT_EQ(V((*h)->TouchedSince(All(), kT0)), std::vector<uint32_t>{1});  // unchanged
  ASSERT_TRUE((*h)->RebuildFrom([](TouchHistory& t) {
                     t.Record("email", kT0 + 48 * kH, Users({9}));
                     return Status::Ok();
                   }).ok());
  EXPECT_FALSE(std::filesystem::exists(dir.path() + "/outreach/touches/2026-11-24.touches"));
  auto reopened = TouchHistory::Open(Env::Default(), dir.path());
  ASSERT_TRUE(reopened.ok());
  EXPECT_EQ(V((*reopened)->TouchedSince(All(), kT0)), std::vector<uint32_t>{9});
}

}  // namespace
}  // namespace tagloop::outreach
