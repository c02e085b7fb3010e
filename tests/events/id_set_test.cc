#include "events/id_set.h"

#include <gtest/gtest.h>

#include <random>
#include <unordered_set>

namespace tagloop::events {
namespace {

TEST(IdSetTest, MatchesUnorderedSetUnderRandomInsertsAndErases) {
  std::mt19937_64 rng(42);
  IdSet set;
  std::unordered_set<uint64_t> model;
  for (int i = 0; i < 200000; ++i) {
    // A small key space (plus 0, which is stored as 1 internally) forces collisions and erases of present
    // keys.
    const uint64_t key = rng() % 4 == 0 ? rng() % 16 : rng() % 50000 * 0x9E3779B97F4A7C15ull;
    const uint64_t stored = key == 0 ? 1 : key;
    if (rng() % 3 == 0) {
      set.Erase(key);
      model.erase(stored);
    } else {
      EXPECT_EQ(set.Insert(key), model.insert(stored).second) << key;
    }
    ASSERT_EQ(set.size(), model.size());
  }
  for (uint64_t k : model) EXPECT_TRUE(set.Contains(k));
  EXPECT_FALSE(set.Contains(0x123456789));
}

}  // namespace
}  // namespace tagloop::events
