#include "store/live_tag.h"

#include <gtest/gtest.h>

#include <map>
#include <random>

#include "store/tag_store.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

Days D(const char* s) { return *ParseDate(s); }

// The users of `version` with value `v` (categorical) or value in [lo, hi] (numeric).
uint64_t CountValue(const TagVersion& version, std::string_view v) {
  auto i = version.FindValue(v);
  return i ? version.value_cardinality(*i) : 0;
}

TEST(LiveTagTest, EnumChangesShowInTheNextPublishOnly) {
  LiveTag tag(TagType{TagKind::kEnum});
  LiveChange a{1, true, "paid", 0}, b{2, true, "created", 0};
  std::vector<LiveChange> batch = {a, b};
  tag.Apply(batch);
  EXPECT_EQ(tag.unpublished(), 2u);
  auto v1 = tag.Publish(D("2026-11-24"));
  EXPECT_EQ(v1->date(), D("2026-11-24"));
  EXPECT_EQ(v1->users_with_value(), 2u);
  EXPECT_EQ(CountValue(*v1, "paid"), 1u);
  EXPECT_EQ(v1->ValuesOf(2), std::vector<std::string>{"created"});

  std::vector<LiveChange> next = {{2, true, "paid", 0}, {1, false, "", 0}};
  tag.Apply(next);
  auto v2 = tag.Publish(D("2026-11-24"));
  // v1 is held: it still shows the old state.
  EXPECT_EQ(CountValue(*v1, "paid"), 1u);
  EXPECT_EQ(v1->ValuesOf(1), std::vector<std::string>{"paid"});
  EXPECT_EQ(CountValue(*v2, "paid"), 1u);
  EXPECT_EQ(CountValue(*v2, "created"), 0u);
  EXPECT_EQ(v2->value_count(), 1u);  // empty values are left out
  EXPECT_TRUE(v2->ValuesOf(1).empty());
  EXPECT_EQ(v2->users_with_value(), 1u);
  EXPECT_EQ(tag.Publish(D("2026-11-24")), v2);  // nothing changed: the same version
  EXPECT_EQ(tag.copies(), 0u);
  std::vector<LiveChange> third = {{3, true, "returned", 0}};
  tag.Apply(third);
  auto v3 = tag.Publish(D("2026-11-25"));
  EXPECT_EQ(tag.copies(), 1u);  // v1's buffer was still held: v3 is a copy of v2's
  EXPECT_EQ(v3->users_with_value(), 2u);
  EXPECT_EQ(CountValue(*v1, "paid"), 1u);
  EXPECT_EQ(v1->users_with_value(), 2u);
}

TEST(LiveTagTest, NumericValuesIncludingNegativeOnes) {
  LiveTag tag(TagType{TagKind::kInt});
  std::vector<LiveChange> batch = {{0, true, "", 5}, {1, true, "", 0}, {2, true, "", 1000}};
  tag.Apply(batch);
  auto v = tag.Publish(D("2026-11-24"));
  EXPECT_EQ(BsiCompareCount(v->bsi(), CompareOp::kGe, 5), 2u);
  EXPECT_EQ(v->ValuesOf(2), std::vector<std::string>{"1000"});
  std::vector<LiveChange> neg = {{3, true, "", -7}, {0, true, "", 6}};
  tag.Apply(neg);
  v = tag.Publish(D("2026-11-24"));
  EXPECT_EQ(v->ValuesOf(3), std::vector<std::string>{"-7"});
  EXPECT_EQ(v->ValuesOf(0), std::vector<std::string>{"6"});
  EXPECT_EQ(BsiCompareCount(v->bsi(), CompareOp::kLt, 0), 1u);
  EXPECT_EQ(BsiCompareCount(v->bsi(), CompareOp::kGe, 0), 3u);
  // After a rebase, later publishes keep both buffers right.
  for (int round = 0; round < 4; ++round) {
    std::vector<LiveChange> c = {{1, true, "", round - 2}};
    tag.Apply(c);
    v = tag.Publish(D("2026-11-24"));
    EXPECT_EQ(v->ValuesOf(1), std::vector<std::string>{std::to_string(round - 2)});
    EXPECT_EQ(v->ValuesOf(3), std::vector<std::string>{"-7"});
  }
}

// Random changes against a map, publishing at random and sometimes holding
// versions (forcing copies): every published version equals the map then.
TEST(LiveTagTest, RandomChangesMatchAReference) {
  for (TagType type : {TagType{TagKind::kEnum}, TagType{TagKind::kInt}}) {
    std::mt19937 rng(7);
    LiveTag tag(type);
    std::map<uint32_t, std::string> ref_text;
    std::map<uint32_t, int64_t> ref_num;
    std::vector<std::shared_ptr<const TagVersion>> held;
    const char* names[] = {"a", "b", "c", "d"};
    for (int step = 0; step < 3000; ++step) {
      const uint32_t user = rng() % 200000;
      LiveChange c{user, rng() % 5 != 0, "", 0};
      if (type.is_numeric()) {
        c.number = static_cast<int64_t>(rng() % 5000) - (step > 2000 ? 100 : 0);
        if (c.has_value) ref_num[user] = c.number; else ref_num.erase(user);
      } else {
        c.text = names[rng() % 4];
        if (c.has_value) ref_text[user] = std::string(c.text); else ref_text.erase(user);
      }
      tag.Apply(std::span<const LiveChange>(&c, 1));
      if (rng() % 50 != 0) continue;
      auto v = tag.Publish(D("2026-11-24"));
      if (rng() % 3 == 0) held.push_back(v);
      if (held.size() > 3) held.erase(held.begin());
      if (type.is_numeric()) {
        ASSERT_EQ(v->users_with_value(), ref_num.size());
        for (const auto& [u, n] : ref_num) ASSERT_EQ(v->ValuesOf(u), std::vector<std::string>{std::to_string(n)});
      } else {
        ASSERT_EQ(v->users_with_value(), ref_text.size());
        for (const char* n : names) {
          uint64_t want = 0;
          for (const auto& [u, t] : ref_text) want += t == n;
          ASSERT_EQ(CountValue(*v, n), want);
        }
      }
    }
    EXPECT_GT(tag.copies(), 0u);
  }
}

TEST(LiveTagTest, SnapshotsShowLiveVersionsButWritersDoNot) {
  testing::TempDir tmp;
  StoreOptions o;
  o.create_if_missing = true;
  auto opened = TagStore::Open(tmp.path(), o);
  ASSERT_TRUE(opened.ok());
  auto store = std::move(*opened);
  {
    auto began = store->BeginWrite();
    ASSERT_TRUE(began.ok());
    auto w = std::move(*began);
    std::vector<std::string_view> ids = {"a", "b"};
    std::vector<uint32_t> users;
    ASSERT_TRUE(w->InternUsers(ids, &users).ok());
    TagVersionBuilder b(TagType{TagKind::kEnum}, D("2026-11-23"));
    b.AddValue(0, "paid");
    ASSERT_TRUE(w->PutVersion("status", b.Finish()).ok());
    ASSERT_TRUE(w->Commit().ok());
  }
  LiveTag status(TagType{TagKind::kEnum}), orders(TagType{TagKind::kInt});
  std::vector<LiveChange> c1 = {{1, true, "created", 0}};
  std::vector<LiveChange> c2 = {{0, true, "", 3}};
  status.Apply(c1);
  orders.Apply(c2);
  auto live = std::make_shared<LiveVersions>();
  live->generation = 1;
  live->versions["status"] = status.Publish(D("2026-11-24"));
  live->versions["orders_30d"] = orders.Publish(D("2026-11-24"));
  store->SetLiveVersions(live);
  auto snap = store->snapshot();
  EXPECT_EQ(snap->live_generation(), 1u);
  ASSERT_NE(snap->FindTag("orders_30d"), nullptr);
  ASSERT_EQ(snap->FindTag("status")->versions.size(), 2u);
  auto today = snap->VersionAsOf("status", D("2026-11-24"));
  ASSERT_TRUE(today.ok());
  EXPECT_EQ((*today)->ValuesOf(1), std::vector<std::string>{"created"});
  auto yesterday = snap->VersionAsOf("status", D("2026-11-23"));
  EXPECT_EQ((*yesterday)->ValuesOf(0), std::vector<std::string>{"paid"});
  EXPECT_EQ((*snap->dictionary())->ExternalId(1), "b");

  // A write starts from the files and publishes without live entries; the
  // live versions stay on top of the new state.
  {
    auto began = store->BeginWrite();
    ASSERT_TRUE(began.ok());
    auto w = std::move(*began);
    EXPECT_EQ(w->base().FindTag("orders_30d"), nullptr);
    TagVersionBuilder b(TagType{TagKind::kInt}, D("2026-11-23"));
    b.AddNumber(1, 9);
    ASSERT_TRUE(w->PutVersion("orders_30d", b.Finish()).ok());
    ASSERT_TRUE(w->Commit().ok());
  }
  snap = store->snapshot();
  ASSERT_EQ(snap->FindTag("orders_30d")->versions.size(), 2u);
  EXPECT_EQ((*snap->VersionAsOf("orders_30d", D("2026-11-23")))->ValuesOf(1), std::vector<std::string>{"9"});
  EXPECT_EQ((*snap->VersionAsOf("orders_30d", D("2026-11-30")))->ValuesOf(0), std::vector<std::string>{"3"});
  // Reopening reads only the files.
  auto again = TagStore::Open(tmp.path());
  ASSERT_TRUE(again.ok());
  auto reopened = std::move(*again);
  EXPECT_EQ(reopened->snapshot()->FindTag("orders_30d")->versions.size(), 1u);
  store->SetLiveVersions(nullptr);
  EXPECT_EQ(store->snapshot()->FindTag("orders_30d")->versions.size(), 1u);
}

}  // namespace
}  // namespace tagloop
