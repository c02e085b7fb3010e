#include "store/tag_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "testing/temp_dir.h"

namespace tagloop {

namespace {

Days D(const char* s) { return *ParseDate(s); }

std::unique_ptr<TagStore> OpenStore(const std::string& dir, int64_t grace = 600) {
  StoreOptions o;
  o.create_if_missing = true;
  o.obsolete_file_grace_seconds = grace;
  auto s = TagStore::Open(dir, o);
  EXPECT_TRUE(s.ok()) << s.status().ToString();
  return std::move(*s);
}

// Writes an enum tag `city` for users a,b,c and an int tag `age` for a,c.
void WriteBasic(TagStore& store, Days date, const std::string& city_of_a = "北京") {
  auto w = store.BeginWrite();
  ASSERT_TRUE(w.ok()) << w.status().ToString();
  std::vector<std::string_view> ids = {"a", "b", "c"};
  std::vector<uint32_t> users;
  ASSERT_TRUE((*w)->InternUsers(ids, &users).ok());
  TagVersionBuilder city(TagType{TagKind::kEnum}, date);
  city.AddValue(users[0], city_of_a);
  city.AddValue(users[1], "上海");
  city.AddValue(users[2], "北京");
  ASSERT_TRUE((*w)->PutVersion("city", city.Finish()).ok());
  TagVersionBuilder age(TagType{TagKind::kInt}, date);
  age.AddNumber(users[0], 30);
  age.AddNumber(users[2], -4);
  ASSERT_TRUE((*w)->PutVersion("age", age.Finish()).ok());
  ASSERT_TRUE((*w)->Commit().ok());
}

}  // namespace

TEST(TagStoreTest, OpenMissingWithoutCreateIsNotFound) {
  testing::TempDir tmp;
  auto s = TagStore::Open(tmp.Sub("nope"));
  EXPECT_EQ(s.status().code(), Status::Code::kNotFound);
}

TEST(TagStoreTest, WriteCommitAndReadBack) {
  testing::TempDir tmp;
  auto store = OpenStore(tmp.path());
  WriteBasic(*store, D("2026-10-01"));
  auto snap = store->snapshot();
  EXPECT_EQ(snap->user_count(), 3u);
  EXPECT_EQ(snap->universe_size(), 3u);
  ASSERT_NE(snap->FindTag("city"), nullptr);
  auto city = snap->VersionAsOf("city", D("2026-10-01"));
  ASSERT_TRUE(city.ok());
  ASSERT_NE(*city, nullptr);
  EXPECT_EQ((*city)->value_count(), 2u);
  auto bj = (*city)->FindValue("北京");
  ASSERT_TRUE(bj.has_value());
  EXPECT_EQ((*city)->value_cardinality(*bj), 2u);
  EXPECT_EQ((*city)->users_with_value(), 3u);
  auto age = snap->VersionAsOf("age", D("2026-12-31"));
  ASSERT_TRUE(age.ok());
  EXPECT_EQ((*age)->ValuesOf(2), std::vector<std::string>{"-4"});
  EXPECT_TRUE((*age)->ValuesOf(1).empty());
  auto dict = snap->dictionary();
  ASSERT_TRUE(dict.ok());
  EXPECT_EQ((*dict)->ExternalId(1), "b");
  EXPECT_EQ((*dict)->Find("c"), 2u);
  EXPECT_FALSE((*dict)->Find("zz").has_value());
}

TEST(TagStoreTest, DeclaredTagsShowWithoutVersionsAndDataKeepsItsType) {
  testing::TempDir tmp;
  auto store = OpenStore(tmp.path());
  WriteBasic(*store, D("2026-10-01"));
  std::shared_ptr<const Snapshot> base = store->snapshot();
  auto declared =
      Snapshot::WithDeclaredTags(base, {{"spend", TagType{TagKind::kInt}}, {"city", TagType{TagKind::kSet}}});
  const TagInfo* spend = declared->FindTag("spend");
  ASSERT_NE(spend, nullptr);
  EXPECT_EQ(spend->type, TagType{TagKind::kInt});
  EXPECT_TRUE(spend->versions.empty());
  auto none = declared->VersionAsOf("spend", D("2026-10-01"));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, nullptr);
  // The store's tag keeps its type and versions, and still reads.
  ASSERT_NE(declared->FindTag("city"), nullptr);
  EXPECT_EQ(declared->FindTag("city")->type, TagType{TagKind::kEnum});
  auto city = declared->VersionAsOf("city", D("2026-10-01"));
  ASSERT_TRUE(city.ok()) << city.status().ToString();
  EXPECT_EQ((*city)->users_with_value(), 3u);
  EXPECT_EQ(declared->universe_size(), 3u);
  auto dict = declared->dictionary();
  ASSERT_TRUE(dict.ok()) << dict.status().ToString();
  EXPECT_EQ((*dict)->Find("b"), 1u);
  EXPECT_EQ(base->FindTag("spend"), nullptr);  // the base is untouched

  // No store yet: only the declared tags, no users.
  auto alone = Snapshot::WithDeclaredTags(nullptr, {{"spend", TagType{TagKind::kInt}}});
  ASSERT_NE(alone->FindTag("spend"), nullptr);
  EXPECT_EQ(alone->tags().size(), 1u);
  EXPECT_EQ(alone->universe_size(), 0u);
  EXPECT_EQ(alone->dictionary().status().code(), Status::Code::kFailedPrecondition);
}

TEST(TagStoreTest, AsOfPicksTheLatestVersionOnOrBeforeTheDate) {
  testing::TempDir tmp;
  auto store = OpenStore(tmp.path());
  WriteBasic(*store, D("2026-10-01"), "北京");
  WriteBasic(*store, D("2026-10-05"), "广州");
  auto snap = store->snapshot();
  EXPECT_EQ(snap->user_count(), 3u);  // same ids: no new users
  EXPECT_EQ(snap->FindTag("city")->versions.size(), 2u);
  auto before = snap->VersionAsOf("city", D("2026-09-30"));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(*before, nullptr);
  auto v3 = snap->VersionAsOf("city", D("2026-10-03"));
  EXPECT_EQ((*v3)->ValuesOf(0), std::vector<std::string>{"北京"});
  auto v9 = snap->VersionAsOf("city", D("2026-10-09"));
  EXPECT_EQ((*v9)->ValuesOf(0), std::vector<std::string>{"广州"});
  EXPECT_EQ(snap->VersionAsOf("nope", D("2026-10-09")).status().code(), Status::Code::kNotFound);
}

TEST(TagStoreTest, ReplacingAVersionIsAtomicAndOldSnapshotsKeepReading) {
  testing::TempDir tmp;
  auto store = OpenStore(tmp.path());
  WriteBasic(*store, D("2026-10-01"), "北京");
  auto old_snap = store->snapshot();
  WriteBasic(*store, D("2026-10-01"), "深圳");
  auto snap = store->snapshot();
  EXPECT_GT(snap->generation(), old_snap->generation());
  EXPECT_EQ(snap->FindTag("city")->versions.size(), 1u);
  EXPECT_EQ((*snap->VersionAsOf("city", D("2026-10-01")))->ValuesOf(0), std::vector<std::string>{"深圳"});
  EXPECT_EQ((*old_snap->VersionAsOf("city", D("2026-10-01")))->ValuesOf(0), std::vector<std::string>{"北京"});
}

TEST(TagStoreTest, UncommittedWritesAreInvisibleAndCleanedUp) {
  testing::TempDir tmp;
  auto store = OpenStore(tmp.path(), /*grace=*/0);
  WriteBasic(*store, D("2026-10-01"));
  {
    auto w = store->BeginWrite();
    ASSERT_TRUE(w.ok());
    ASSERT_TRUE((*w)->InternUser("new-user").ok());
    TagVersionBuilder b(TagType{TagKind::kBool}, D("2026-10-02"));
    b.AddBool(0, true);
    ASSERT_TRUE((*w)->PutVersion("vip", b.Finish()).ok());
    // Dropped without Commit.
  }
  auto reopened = OpenStore(tmp.path(), 0);
  EXPECT_EQ(reopened->snapshot()->FindTag("vip"), nullptr);
  EXPECT_EQ(reopened->snapshot()->user_count(), 3u);
  // The next writer removes the orphan file.
  { auto w = reopened->BeginWrite(); ASSERT_TRUE(w.ok()); }
  EXPECT_FALSE(std::filesystem::exists(tmp.Sub("tags/vip/2026-10-02.g2.tlv")));
}

TEST(TagStoreTest, OneWriterAtATime) {
  testing::TempDir tmp;
  auto store = OpenStore(tmp.path());
  auto w1 = store->BeginWrite();
  ASSERT_TRUE(w1.ok());
  auto w2 = store->BeginWrite();
  EXPECT_EQ(w2.status().code(), Status::Code::kFailedPrecondition);
}

TEST(TagStoreTest, TypeOfATagCannotChange) {
  testing::TempDir tmp;
  auto store = OpenStore(tmp.path());
  WriteBasic(*store, D("2026-10-01"));
  auto w = store->BeginWrite();
  TagVersionBuilder b(TagType{TagKind::kEnum}, D("2026-10-02"));
  b.AddValue(0, "x");
  Status st = (*w)->PutVersion("age", b.Finish());
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("'age' is int"), std::string::npos) << st.message();
}

TEST(TagStoreTest, RetentionDropsOldVersionsButKeepsTheNewest) {
  testing::TempDir tmp;
  auto store = OpenStore(tmp.path());
  for (const char* d : {"2026-10-01", "2026-10-02", "2026-10-03", "2026-10-04"}) WriteBasic(*store, D(d));
  auto w = store->BeginWrite();
  auto n = (*w)->ApplyRetention("city", D("2026-10-04"), 2);
  ASSERT_TRUE(n.ok());
  EXPECT_EQ(*n, 2u);
  ASSERT_TRUE((*w)->DropVersion("age", D("2026-10-01")).ok());
  EXPECT_EQ((*w)->DropVersion("age", D("2020-01-01")).code(), Status::Code::kNotFound);
  ASSERT_TRUE((*w)->Commit().ok());
  auto snap = store->snapshot();
  EXPECT_EQ(snap->FindTag("city")->versions.size(), 2u);
  EXPECT_EQ(snap->FindTag("city")->versions[0].date, D("2026-10-03"));
  EXPECT_EQ(snap->FindTag("age")->versions.size(), 3u);
}

// A tag's first version and its retention in one write (the first run of a
// tag whose definition has a retention setting).
TEST(TagStoreTest, RetentionAppliesToATagPutInTheSameWrite) {
  testing::TempDir tmp;
  auto store = OpenStore(tmp.path());
  WriteBasic(*store, D("2026-10-01"));
  auto w = store->BeginWrite();
  TagVersionBuilder b(TagType{TagKind::kBool}, D("2026-10-02"));
  b.AddBool(0, true);
  ASSERT_TRUE((*w)->PutVersion("fresh", b.Finish()).ok());
  auto n = (*w)->ApplyRetention("fresh", D("2026-10-01"), 7);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(*n, 0u);
  EXPECT_EQ((*w)->ApplyRetention("missing", D("2026-10-01"), 7).status().code(), Status::Code::kNotFound);
  ASSERT_TRUE((*w)->Commit().ok());
  EXPECT_EQ(store->snapshot()->FindTag("fresh")->versions.size(), 1u);
}

TEST(TagStoreTest, CorruptVersionFileIsDetected) {
  testing::TempDir tmp;
  auto store = OpenStore(tmp.path());
  WriteBasic(*store, D("2026-10-01"));
  const std::string file = tmp.Sub(store->snapshot()->FindTag("city")->versions[0].file);
  {
    std::fstream f(file, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(70);
    f.put('\x5a');
  }
  auto fresh = OpenStore(tmp.path());
  auto v = fresh->snapshot()->VersionAsOf("city", D("2026-10-01"));
  EXPECT_EQ(v.status().code(), Status::Code::kCorruption);
}

TEST(TagStoreTest, CorruptManifestIsDetected) {
  testing::TempDir tmp;
  { auto store = OpenStore(tmp.path()); WriteBasic(*store, D("2026-10-01")); }
  std::string text;
  {
    std::ifstream in(tmp.Sub("MANIFEST"));
    text.assign(std::istreambuf_iterator<char>(in), {});
  }
  text.replace(text.find("\"user_count\": 3"), 15, "\"user_count\": 4");
  { std::ofstream out(tmp.Sub("MANIFEST")); out << text; }
  auto s = TagStore::Open(tmp.path());
  EXPECT_EQ(s.status().code(), Status::Code::kCorruption);
}

TEST(TagStoreTest, OtherProcessesPublishesAreSeenAfterRefresh) {
  testing::TempDir tmp;
  auto reader = OpenStore(tmp.path());
  auto writer = OpenStore(tmp.path());
  WriteBasic(*writer, D("2026-10-01"));
  EXPECT_EQ(reader->snapshot()->FindTag("city"), nullptr);
  ASSERT_TRUE(reader->Refresh().ok());
  EXPECT_NE(reader->snapshot()->FindTag("city"), nullptr);
}

}  // namespace tagloop

namespace tagloop {

TEST(TagStoreTest, DeletedUsersLeaveTheUniverseAndTheLatestVersions) {
  testing::TempDir tmp;
  auto store = OpenStore(tmp.path());
  WriteBasic(*store, D("2026-10-01"));
  WriteBasic(*store, D("2026-10-02"));
  {
    auto w = store->BeginWrite();
    ASSERT_TRUE(w.ok());
    std::vector<uint32_t> gone = {0};  // "a"
    ASSERT_TRUE((*w)->DeleteUsers(gone).ok());
    std::vector<uint32_t> never = {99};
    EXPECT_EQ((*w)->DeleteUsers(never).code(), Status::Code::kNotFound);
    ASSERT_TRUE((*w)->Commit().ok());
  }
  auto reopened = OpenStore(tmp.path());
  auto snap = reopened->snapshot();
  EXPECT_EQ(snap->universe_size(), 2u);
  EXPECT_FALSE(roaring_bitmap_contains(snap->universe(), 0));
  auto latest = snap->VersionAsOf("city", D("2026-10-02"));
  EXPECT_TRUE((*latest)->ValuesOf(0).empty());
  EXPECT_EQ((*latest)->users_with_value(), 2u);
  auto age = snap->VersionAsOf("age", D("2026-10-02"));
  EXPECT_TRUE((*age)->ValuesOf(0).empty());
  // Older versions keep their history; queries exclude the user through the universe.
  auto older = snap->VersionAsOf("city", D("2026-10-01"));
  EXPECT_EQ((*older)->users_with_value(), 3u);

  // The same external id imported again is a new user.
  WriteBasic(*reopened, D("2026-10-03"));
  snap = reopened->snapshot();
  EXPECT_EQ(snap->user_count(), 4u);
  EXPECT_EQ(snap->universe_size(), 3u);
  auto dict = snap->dictionary();
  EXPECT_EQ((*dict)->Find("a"), 3u);
  EXPECT_EQ((*(snap->VersionAsOf("city", D("2026-10-03"))))->ValuesOf(3), std::vector<std::string>{"北京"});
}

}  // namespace tagloop
