// Control groups: stable, deterministic, share within ±1% on 1M users.
#include "outreach/control_group.h"

#include <gtest/gtest.h>

namespace tagloop::outreach {
namespace {

TEST(ControlGroupTest, ShareWithinOnePercentOnAMillionUsers) {
  Bitmap users = Bitmap::Range(0, 1'000'000);
  for (double share : {0.01, 0.1, 0.5}) {
    Bitmap control = CampaignControl(users, "c0123456789abcdef", share);
    const double got = static_cast<double>(control.cardinality()) / 1e6;
    EXPECT_NEAR(got, share, 0.01 * share + 0.001) << share;
  }
}

TEST(ControlGroupTest, StableAcrossRunsAndSubsets) {
  Bitmap users = Bitmap::Range(0, 200'000);
  Bitmap a = CampaignControl(users, "c1", 0.2);
  Bitmap b = CampaignControl(users, "c1", 0.2);
  EXPECT_TRUE(roaring_bitmap_equals(a.get(), b.get()));
  // A user's assignment does not depend on who else is planned.
  Bitmap half = Bitmap::Range(0, 100'000);
  Bitmap c = CampaignControl(half, "c1", 0.2);
  Bitmap a_half = Bitmap::And(a.get(), half.get());
  EXPECT_TRUE(roaring_bitmap_equals(c.get(), a_half.get()));
  // Per user, the bitmap function agrees with the scalar one.
  for (uint32_t u = 0; u < 1000; ++u) EXPECT_EQ(a.Contains(u), InGroup(CampaignControlSeed("c1"), 0.2, u));
  // Another campaign draws another group.
  Bitmap other = CampaignControl(users, "c2", 0.2);
  EXPECT_FALSE(roaring_bitmap_equals(a.get(), other.get()));
  // Fixed values: the hash is part of the stored meaning (a change would
  // move users between arms of running campaigns).
  EXPECT_EQ(UserHash(CampaignControlSeed("c1"), 0), UserHash(CampaignControlSeed("c1"), 0));
  EXPECT_EQ(CampaignControlSeed(""), 0x2D06800538D394C2ull);  // XXH3-64 of the empty string
}

TEST(ControlGroupTest, GlobalControlIsASaltedBucket) {
  Bitmap users = Bitmap::Range(0, 100'000);
  Bitmap g1 = GlobalControlGroup(users, "2026", 0.05);
  Bitmap g2 = GlobalControlGroup(users, "2027", 0.05);
  EXPECT_NEAR(g1.cardinality(), 5000, 500);
  EXPECT_FALSE(roaring_bitmap_equals(g1.get(), g2.get()));
  // Growing the share only adds users (the group is a hash range).
  Bitmap g10 = GlobalControlGroup(users, "2026", 0.10);
  EXPECT_TRUE(roaring_bitmap_is_subset(g1.get(), g10.get()));
  EXPECT_TRUE(GlobalControlGroup(users, "2026", 0).empty());
}

TEST(ControlGroupTest, FirstInHashOrderIsDeterministic) {
  Bitmap users = Bitmap::Range(0, 50'000);
  Bitmap a = FirstInHashOrder(users, BudgetOrderSeed("c1"), 1234);
  Bitmap b = FirstInHashOrder(users, BudgetOrderSeed("c1"), 1234);
  EXPECT_EQ(a.cardinality(), 1234u);
  EXPECT_TRUE(roaring_bitmap_equals(a.get(), b.get()));
  // Spread over the whole range, not the lowest ids.
  EXPECT_GT(a.ToVector().back(), 40'000u);
  EXPECT_EQ(FirstInHashOrder(users, 1, 60'000).cardinality(), 50'000u);
}

}  // namespace
}  // namespace tagloop::outreach
