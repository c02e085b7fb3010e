// Writes hand their dictionary (a fork of the base's, index built) to the
// state they publish; the next write forks that one. Look-ups through such
// chains must equal a dictionary opened from the files.
#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "store/tag_store.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

TEST(DictionaryHandoverTest, ChainsOfWritesLookUpLikeTheFiles) {
  testing::TempDir tmp;
  StoreOptions o;
  o.create_if_missing = true;
  auto opened = TagStore::Open(tmp.path(), o);
  ASSERT_TRUE(opened.ok());
  auto store = std::move(*opened);
  std::vector<std::string> all;
  for (int round = 0; round < 40; ++round) {  // past the depth limit: the chain is cut and rebuilt
    auto began = store->BeginWrite();
    ASSERT_TRUE(began.ok()) << began.status().ToString();
    auto w = std::move(*began);
    std::vector<std::string> ids;
    ids.push_back(all.empty() ? "first" : all[round % all.size()]);  // an old id: no new user (but in round 0)
    for (int i = 0; i < 50; ++i) ids.push_back(fmt::format("r{}-u{}", round, i));
    std::vector<std::string_view> views(ids.begin(), ids.end());
    std::vector<uint32_t> users;
    ASSERT_TRUE(w->InternUsers(views, &users).ok());
    if (all.empty()) all.push_back("first");
    for (int i = 1; i <= 50; ++i) {
      EXPECT_EQ(users[i], all.size()) << round;
      all.push_back(ids[i]);
    }
    if (round == 20) {
      ASSERT_TRUE(w->DeleteUsers(std::vector<uint32_t>{3}).ok());
    }
    ASSERT_TRUE(w->Commit().ok());
    EXPECT_EQ(w->user_count(), all.size());
    auto dict = store->snapshot()->dictionary();
    ASSERT_TRUE(dict.ok());
    ASSERT_EQ((*dict)->size(), all.size());
    for (uint32_t u = 0; u < all.size(); u += 7) {
      EXPECT_EQ((*dict)->ExternalId(u), all[u]);
      EXPECT_EQ((*dict)->Find(all[u]), u);
    }
    EXPECT_FALSE((*dict)->Find("nobody").has_value());
  }
  // A deleted user coming back gets a new id; Find returns it.
  {
    auto began = store->BeginWrite();
    ASSERT_TRUE(began.ok());
    auto w = std::move(*began);
    std::vector<std::string_view> back = {all[3]};
    std::vector<uint32_t> users;
    ASSERT_TRUE(w->InternUsers(back, &users).ok());
    EXPECT_EQ(users[0], all.size());
    ASSERT_TRUE(w->Commit().ok());
    EXPECT_EQ((*store->snapshot()->dictionary())->Find(all[3]), all.size());
    all.push_back(all[3]);
  }
  auto again = TagStore::Open(tmp.path());
  ASSERT_TRUE(again.ok());
  auto files = (*again)->snapshot()->dictionary();
  ASSERT_TRUE(files.ok());
  auto chained = store->snapshot()->dictionary();
  ASSERT_EQ((*files)->size(), (*chained)->size());
  for (uint32_t u = 0; u < all.size(); ++u) {
    ASSERT_EQ((*files)->ExternalId(u), (*chained)->ExternalId(u));
    ASSERT_EQ((*files)->Find(all[u]), (*chained)->Find(all[u])) << all[u];
  }
}

}  // namespace
}  // namespace tagloop
