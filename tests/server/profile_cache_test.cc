// ProfileCache / ProfileReader: the fast look-up path gives the same answers
// as the plain one at every date, and follows new publishes.
#include "server/profile_cache.h"

#include "server/api_fixture.h"

namespace tagloop::testing {
namespace {

std::string Render(const Profile& p) {
  std::string out = p.external_id + ":";
  for (const auto& [name, v] : p.tags) {
    out += " " + name + "@" + FormatDate(v.version) + "=";
    for (const auto& s : v.values) out += s + "|";
  }
  return out;
}

TEST(ProfileCacheTest, ReaderMatchesPlainLookupAtEveryDate) {
  TempDir tmp;
  MakeFixtureData(tmp.Sub("data"));
  auto store = TagStore::Open(tmp.Sub("data"));
  ASSERT_TRUE(store.ok());
  ProfileCache cache(store->get());
  auto reader = cache.Current();
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  Profile reused;  // one Profile for every look-up, as the server does
  size_t compared = 0;
  for (const char* id : {"m1", "m2", "m3", "m4", "m5", "m6"}) {
    for (const char* date : {"2026-09-30", "2026-10-01", "2026-10-14", "2026-10-15", "2026-12-31"}) {
      SCOPED_TRACE(std::string(id) + " " + date);
      Days d = *ParseDate(date);
      auto plain = LookupProfile((*store)->snapshot().operator*(), id, d);
      Status fast = (*reader)->Lookup(id, d, &reused);
      ASSERT_EQ(plain.ok(), fast.ok());
      if (!fast.ok()) {
        EXPECT_EQ(fast.code(), Status::Code::kNotFound);
        continue;
      }
      EXPECT_EQ(Render(reused), Render(*plain));
      ++compared;
    }
  }
  EXPECT_EQ(compared, 25u);
  ASSERT_TRUE((*reader)->Lookup("m1", *ParseDate("2026-10-10"), &reused).ok());
  EXPECT_EQ(
      Render(reused),
      "m1: age@2026-10-01=30| city@2026-10-01=上海| interests@2026-10-01=mpv|suv| is_vip@2026-10-01=true| "
      "last_order@2026-10-01=2026-10-01| spend@2026-10-01=12.50|");
}

TEST(ProfileCacheTest, FollowsNewGenerations) {
  TempDir tmp;
  MakeFixtureData(tmp.Sub("data"));
  auto store = TagStore::Open(tmp.Sub("data"));
  ASSERT_TRUE(store.ok());
  ProfileCache cache(store->get());
  auto first = cache.Current();
  ASSERT_TRUE(first.ok());
  EXPECT_EQ(cache.Current()->get(), first->get());  // same generation: same reader
  ImportCsv(**store, "member_id,city\nm3,成都\n", "", "2026-10-20");
  auto second = cache.Current();
  ASSERT_TRUE(second.ok());
  EXPECT_GT((*second)->generation(), (*first)->generation());
  Profile p;
  ASSERT_TRUE((*second)->Lookup("m3", *ParseDate("2026-10-31"), &p).ok());
  ASSERT_EQ(p.tags.size(), 4u);  // age, city, is_vip, spend
  EXPECT_EQ(p.tags[1].first, "city");
  EXPECT_EQ(p.tags[1].second.values, std::vector<std::string>{"成都"});
  // The old reader still answers from its own snapshot.
  ASSERT_TRUE((*first)->Lookup("m3", *ParseDate("2026-10-31"), &p).ok());
  EXPECT_EQ(p.tags.size(), 3u);
}

}  // namespace
}  // namespace tagloop::testing
