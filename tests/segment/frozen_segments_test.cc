// Frozen saved segments (snapshot, list, sql): versions, persistence, the
// version in force at a date, the universe after deletions, deletes and
// kinds, corrupt member files, the members leaf through binder, planner and
// executor, and a differential test of expressions mixing every kind
// against a brute-force set computation.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <random>
#include <set>

#include "fixture_store.h"
#include "segment/binder.h"
#include "segment/executor.h"
#include "segment/list_match.h"
#include "segment/members_file.h"
#include "segment/parser.h"
#include "segment/planner.h"
#include "segment/saved_segments.h"
#include "segment/segment.h"

namespace tagloop {
namespace {

using Set = std::set<uint32_t>;
Days D(const char* s) { return *ParseDate(s); }

constexpr uint32_t kUsers = 40;

// Deterministic fixture values, so the expected sets come from the same
// source as the store.
bool Vip(uint32_t u) { return u % 3 == 0; }
bool HasVip(uint32_t u) { return u % 7 != 5; }
std::string City(uint32_t u, bool v2) {
  return std::string(1, static_cast<char>('a' + (u * (v2 ? 5 : 3) + 1) % 3));
}
int Age(uint32_t u) { return 15 + static_cast<int>((u * 7) % 40); }

std::string FixtureText() {
  std::string t = "users";
  for (uint32_t u = 0; u < kUsers; ++u) t += fmt::format(" u{:02}", u);
  t += "\ntag vip bool\nversion 2026-10-01\n";
  for (uint32_t u = 0; u < kUsers; ++u) {
    if (HasVip(u)) t += fmt::format("u{:02} {}\n", u, Vip(u) ? "true" : "false");
  }
  for (int v = 0; v < 2; ++v) {
    t += fmt::format("tag city enum\nversion {}\n", v ? "2026-10-15" : "2026-10-01");
    for (uint32_t u = 0; u < kUsers; ++u) t += fmt::format("u{:02} {}\n", u, City(u, v == 1));
  }
  t += "tag age int\nversion 2026-10-01\n";
  for (uint32_t u = 0; u < kUsers; ++u) t += fmt::format("u{:02} {}\n", u, Age(u));
  return t;
}

Set SetOf(const Bitmap& b) {
  auto v = b.ToVector();
  return Set(v.begin(), v.end());
}
Bitmap BitmapOf(const Set& s) {
  std::vector<uint32_t> v(s.begin(), s.end());
  return Bitmap::Of(v);
}
template <typename F>
Set Where(F f) {
  Set s;
  for (uint32_t u = 0; u < kUsers; ++u) {
    if (f(u)) s.insert(u);
  }
  return s;
}

class FrozenSegmentsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fx = testing::BuildFixtureStore(FixtureText());
    ASSERT_TRUE(fx.ok()) << fx.status().ToString();
    fx_ = std::move(*fx);
    dir_ = fx_->dir.Sub("segments");
    std::filesystem::create_directories(dir_);
    Reopen();
  }
  void Reopen() {
    auto s = SavedSegments::Open(Env::Default(), dir_);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    saved_ = std::move(*s);
  }
  std::shared_ptr<const Snapshot> snap() { return fx_->store->snapshot(); }

  Result<SegmentVersion> AddList(const std::string& name, const Set& members, const char* date = "2026-10-01",
                                 SegmentKind kind = SegmentKind::kList) {
    FrozenVersionInput in;
    in.kind = kind;
    in.members = BitmapOf(members);
    in.date = D(date);
    in.created_by = "tester";
    in.source = "upload: test";
    if (kind == SegmentKind::kSql) {
      in.source_name = "shop";
      in.query = "SELECT user_id FROM orders";
    }
    return saved_->AddVersion(name, std::move(in));
  }

  SegmentQueryOptions Options(const char* as_of = "2026-10-31") {
    SegmentQueryOptions o;
    o.as_of = D(as_of);
    o.segments = saved_.get();
    return o;
  }
  Set Eval(const std::string& expr, const char* as_of = "2026-10-31") {
    auto b = EvaluateSegment(*snap(), expr, Options(as_of));
    EXPECT_TRUE(b.ok()) << expr << ": " << b.status().ToString();
    return b.ok() ? SetOf(*b) : Set{};
  }
  int64_t Count(const std::string& expr, const char* as_of = "2026-10-31") {
    auto n = CountSegment(*snap(), expr, Options(as_of));
    EXPECT_TRUE(n.ok()) << expr << ": " << n.status().ToString();
    return n.ok() ? static_cast<int64_t>(*n) : -1;
  }
  void DeleteUsers(const std::vector<uint32_t>& users) {
    auto w = fx_->store->BeginWrite();
    ASSERT_TRUE(w.ok()) << w.status().ToString();
    ASSERT_TRUE((*w)->DeleteUsers(users).ok());
    ASSERT_TRUE((*w)->Commit().ok());
  }

  std::unique_ptr<testing::FixtureStore> fx_;
  std::string dir_;
  std::unique_ptr<SavedSegments> saved_;
};

TEST_F(FrozenSegmentsTest, OldIndexWithoutKindLoadsAsDynamicAndStaysFormat1) {
  {
    std::ofstream f(dir_ + "/segments.json");
    f << R"({"format": 1, "segments": [{"name": "vips", "expr": "vip", "created_unix": 5, "updated_unix": 6}]})";
  }
  Reopen();
  auto s = saved_->Get("vips");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->kind, SegmentKind::kDynamic);
  EXPECT_FALSE(s->frozen());
  EXPECT_EQ(Count("SEGMENT('vips')"),
            static_cast<int64_t>(Where([](uint32_t u) { return HasVip(u) && Vip(u); }).size()));
  ASSERT_TRUE(saved_->Save("olds", "NOT vip", *snap(), D("2026-10-31")).ok());
  std::ifstream f(dir_ + "/segments.json");
  std::string text((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  EXPECT_NE(text.find("\"format\": 1"), std::string::npos) << text;
  EXPECT_EQ(text.find("kind"), std::string::npos) << text;
}

TEST_F(FrozenSegmentsTest, SnapshotVersionsPersistAndFollowTheQueryDate) {
  auto v1 = saved_->Freeze("snap", "city = 'b'", *snap(), D("2026-10-01"), "alice");
  ASSERT_TRUE(v1.ok()) << v1.status().ToString();
  auto v2 = saved_->Freeze("snap", "city = 'b'", *snap(), D("2026-10-20"), "bob");
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  const Set b1 = Where([](uint32_t u) { return City(u, false) == "b"; });
  const Set b2 = Where([](uint32_t u) { return City(u, true) == "b"; });
  ASSERT_NE(b1, b2);
  EXPECT_EQ(v1->number, 1);
  EXPECT_EQ(v2->number, 2);
  EXPECT_EQ(v1->members, b1.size());
  EXPECT_EQ(v2->created_by, "bob");
  EXPECT_NE(v1->source.find("expr 'city = 'b'' as of 2026-10-01"), std::string::npos) << v1->source;

  Reopen();  // from the files alone
  auto s = saved_->Get("snap");
  ASSERT_TRUE(s.ok());
  EXPECT_EQ(s->kind, SegmentKind::kSnapshot);
  EXPECT_EQ(s->expr, "city = 'b'");
  ASSERT_EQ(s->versions.size(), 2u);
  EXPECT_EQ(s->versions[0].created_by, "alice");
  EXPECT_EQ(s->versions[1].date, D("2026-10-20"));
  EXPECT_TRUE(std::filesystem::exists(dir_ + "/" + s->versions[0].file));

  EXPECT_EQ(Eval("SEGMENT('snap')", "2026-10-10"), b1);  // v1 is in force
  EXPECT_EQ(Eval("SEGMENT('snap')", "2026-10-31"), b2);  // v2
  EXPECT_EQ(Eval("SEGMENT('snap')", "2026-09-01"), b2);  // none yet: the newest
  // Frozen: the data changing under it does not change it.
  EXPECT_NE(Eval("SEGMENT('snap')", "2026-10-10"), Eval("city = 'b'", "2026-10-31"));
}

TEST_F(FrozenSegmentsTest, FrozenSegmentsKeepTheirDescriptionAcrossVersions) {
  ASSERT_TRUE(saved_
                  ->Freeze("snap", "vip", *snap(), D("2026-10-01"), "alice", nullptr,
                           std::string("VIPs at the start of October"))
                  .ok());
  ASSERT_TRUE(saved_->Freeze("snap", "vip", *snap(), D("2026-10-20"), "bob").ok());  // kept
  ASSERT_TRUE(AddList("crowd", {1, 2}).ok());
  FrozenVersionInput in;
  in.kind = SegmentKind::kList;
  in.members = BitmapOf({3});
  in.date = D("2026-10-02");
  in.description = "event visitors";
  ASSERT_TRUE(saved_->AddVersion("crowd", std::move(in)).ok());
  FrozenVersionInput bad;
  bad.kind = SegmentKind::kList;
  bad.members = BitmapOf({4});
  bad.description = std::string(2001, 'x');
  EXPECT_EQ(saved_->AddVersion("crowd", std::move(bad)).status().code(), Status::Code::kInvalidArgument);

  Reopen();  // from the files alone: format 2 with descriptions
  EXPECT_EQ(saved_->Get("snap")->description, "VIPs at the start of October");
  EXPECT_EQ(saved_->Get("snap")->versions.size(), 2u);
  EXPECT_EQ(saved_->Get("crowd")->description, "event visitors");
  EXPECT_EQ(saved_->Get("crowd")->versions.size(), 2u);  // the refused one added nothing
}

TEST_F(FrozenSegmentsTest, DeletedUsersLeaveFrozenMembers) {
  const Set list = {1, 2, 3, 10, 20, 39};
  ASSERT_TRUE(AddList("lst", list).ok());
  EXPECT_EQ(Count("SEGMENT('lst')"), 6);
  DeleteUsers({2, 20});
  EXPECT_EQ(Eval("SEGMENT('lst')"), (Set{1, 3, 10, 39}));
  EXPECT_EQ(Count("SEGMENT('lst')"), 4);
  EXPECT_EQ(Count("NOT SEGMENT('lst')"), static_cast<int64_t>(kUsers - 2 - 4));
  EXPECT_EQ(Count("SEGMENT('lst') OR vip"), static_cast<int64_t>(Eval("SEGMENT('lst') OR vip").size()));
  EXPECT_EQ(Eval("SEGMENT('lst') AND NOT vip").count(2), 0u);
}

TEST_F(FrozenSegmentsTest, MembersBeyondADenseUniverseAreTrimmed) {
  // Stored by a newer state of the store than the one queried.
  ASSERT_TRUE(AddList("future", {0, 5, kUsers, kUsers + 100}).ok());
  EXPECT_EQ(Eval("SEGMENT('future')"), (Set{0, 5}));
  EXPECT_EQ(Count("SEGMENT('future')"), 2);
  EXPECT_EQ(Count("NOT SEGMENT('future')"), static_cast<int64_t>(kUsers - 2));
  EXPECT_EQ(Count("SEGMENT('future') OR NOT vip"),
            static_cast<int64_t>(Eval("SEGMENT('future') OR NOT vip").size()));
}

TEST_F(FrozenSegmentsTest, KindsDeletesAndNames) {
  ASSERT_TRUE(AddList("lst", {1, 2}).ok());
  ASSERT_TRUE(AddList("lst", {1, 2, 3}).ok());
  ASSERT_TRUE(saved_->Save("dyn", "SEGMENT('lst') AND NOT vip", *snap(), D("2026-10-31")).ok());
  // A kind never changes in place.
  Status st = saved_->Save("lst", "vip", *snap(), D("2026-10-31"));
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition) << st.ToString();
  EXPECT_NE(st.message().find("'lst' is a list segment"), std::string::npos) << st.message();
  EXPECT_EQ(AddList("dyn", {1}).status().code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(saved_->Freeze("lst", "vip", *snap(), D("2026-10-31"), "x").status().code(),
            Status::Code::kFailedPrecondition);
  EXPECT_EQ(AddList("sq", {1}, "2026-10-01", SegmentKind::kSql).status().code(), Status::Code::kOk);
  EXPECT_EQ(AddList("sq", {1}).status().code(), Status::Code::kFailedPrecondition);
  EXPECT_EQ(AddList("bad\x01name", {1}).status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(saved_->ExpressionOf("lst").status().code(), Status::Code::kFailedPrecondition);

  // In use: refused, and nothing changes.
  st = saved_->Delete("lst");
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition);
  EXPECT_NE(st.message().find("'dyn'"), std::string::npos) << st.message();
  auto files = [&] {
    std::set<std::string> out;
    for (const auto& e : std::filesystem::directory_iterator(dir_ + "/segments"))
      out.insert(e.path().filename());
    return out;
  };
  EXPECT_EQ(files(), (std::set<std::string>{"lst-v1.roar", "lst-v2.roar", "sq-v1.roar"}));
  ASSERT_TRUE(saved_->Delete("dyn").ok());
  ASSERT_TRUE(saved_->Delete("lst").ok());
  EXPECT_EQ(files(), (std::set<std::string>{"sq-v1.roar"}));  // removed once the index no longer names them
  EXPECT_EQ(saved_->Get("lst").status().code(), Status::Code::kNotFound);

  // The name again: a new segment, version 1, fresh members (no stale cache).
  auto again = AddList("lst", {7});
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->number, 1);
  EXPECT_EQ(Eval("SEGMENT('lst')"), (Set{7}));
  Reopen();
  EXPECT_EQ(Eval("SEGMENT('lst')"), (Set{7}));
}

TEST_F(FrozenSegmentsTest, CyclesThroughFrozenSegmentsAreNotCycles) {
  ASSERT_TRUE(saved_->Save("b", "vip", *snap(), D("2026-10-31")).ok());
  ASSERT_TRUE(saved_->Freeze("a", "SEGMENT('b') AND age >= 30", *snap(), D("2026-10-31"), "t").ok());
  // b may now read a's frozen members: a does not read b at query time.
  ASSERT_TRUE(saved_->Save("b", "SEGMENT('a') OR city = 'c'", *snap(), D("2026-10-31")).ok());
  auto v2 = saved_->Freeze("a", "SEGMENT('b') AND age >= 30", *snap(), D("2026-10-31"), "t");
  ASSERT_TRUE(v2.ok()) << v2.status().ToString();
  const Set expected = Where([](uint32_t u) {
    const bool a1 = HasVip(u) && Vip(u) && Age(u) >= 30;
    return (a1 || City(u, true) == "c") && Age(u) >= 30;
  });
  EXPECT_EQ(Eval("SEGMENT('a')"), expected);
  // Dynamic cycles are still refused.
  ASSERT_TRUE(saved_->Save("c", "vip", *snap(), D("2026-10-31")).ok());
  ASSERT_TRUE(saved_->Save("d", "SEGMENT('c')", *snap(), D("2026-10-31")).ok());
  Status st = saved_->Save("c", "SEGMENT('d')", *snap(), D("2026-10-31"));
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("refers to itself"), std::string::npos) << st.message();
}

TEST_F(FrozenSegmentsTest, ReferencesOfAFrozenSegmentReadNoTags) {
  ASSERT_TRUE(saved_->Freeze("snap", "age >= 30 AND vip", *snap(), D("2026-10-31"), "t").ok());
  ASSERT_TRUE(AddList("lst", {1}).ok());
  ASSERT_TRUE(
      saved_->Save("mix", "SEGMENT('lst') AND city = 'a' AND NOT SEGMENT('snap')", *snap(), D("2026-10-31"))
          .ok());
  auto r = ReferencesOf(*snap(), "SEGMENT('snap')", Options());
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->tags.empty());
  EXPECT_EQ(r->segments, (std::vector<std::string>{"snap"}));
  r = ReferencesOf(*snap(), "SEGMENT('mix') OR age < 20", Options());
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->tags, (std::vector<std::string>{"age", "city"}));
  EXPECT_EQ(r->segments, (std::vector<std::string>{"lst", "mix", "snap"}));
  // Unknown segments are still errors with a suggestion.
  auto bad = ReferencesOf(*snap(), "SEGMENT('lts')", Options());
  EXPECT_NE(bad.status().message().find("did you mean 'lst'"), std::string::npos) << bad.status().message();
}

TEST_F(FrozenSegmentsTest, MembersLeafThroughBinderPlannerExecutor) {
  const Set list = {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
  ASSERT_TRUE(AddList("lst", list).ok());
  auto ast = segment::Parse("SEGMENT('lst') AND NOT vip");
  ASSERT_TRUE(ast.ok());
  segment::BindOptions bo;
  bo.as_of = D("2026-10-31");
  bo.segments = saved_.get();
  auto s = snap();
  auto bound = segment::Bind(*s, *ast, bo);
  ASSERT_TRUE(bound.ok()) << bound.status().ToString();
  ASSERT_EQ(bound->kind, segment::BoundKind::kAnd);
  const segment::BoundExpr& leaf = bound->children[0];
  ASSERT_EQ(leaf.kind, segment::BoundKind::kMembers);
  EXPECT_EQ(leaf.members.segment, "lst");
  EXPECT_EQ(leaf.members.version, 1);
  ASSERT_TRUE(leaf.members.members);
  EXPECT_EQ(leaf.members.members->cardinality(), list.size());

  segment::SegmentPlan plan = segment::PlanSegment(*s, *bound);
  const std::string text = segment::ExplainPlan(plan);
  EXPECT_NE(text.find("BITMAP SEGMENT('lst') (list version 1)  =12"), std::string::npos) << text;
  const Set expected = Where([&](uint32_t u) { return list.count(u) && !(HasVip(u) && Vip(u)); });
  EXPECT_EQ(segment::CountPlan(plan), expected.size());
  EXPECT_EQ(SetOf(segment::EvaluatePlan(plan)), expected);

  // Bound without opening files: no member set is loaded.
  bo.open_versions = false;
  auto light = segment::Bind(*s, *ast, bo);
  ASSERT_TRUE(light.ok());
  EXPECT_FALSE(light->children[0].members.members);
}

TEST_F(FrozenSegmentsTest, CorruptMemberFileIsCorruptionNamingTheFile) {
  ASSERT_TRUE(AddList("lst", {1, 2, 3}).ok());
  const std::string file = dir_ + "/segments/lst-v1.roar";
  std::string bytes;
  {
    std::ifstream f(file, std::ios::binary);
    bytes.assign((std::istreambuf_iterator<char>(f)), std::istreambuf_iterator<char>());
  }
  auto write = [&](const std::string& b) {
    std::ofstream f(file, std::ios::binary | std::ios::trunc);
    f << b;
  };
  for (const std::string& bad : {bytes.substr(0, bytes.size() - 1), bytes.substr(0, 10),
                                 std::string(bytes).replace(bytes.size() - 1, 1, "\x7f")}) {
    write(bad);
    Reopen();  // nothing cached
    auto n = CountSegment(*snap(), "SEGMENT('lst')", Options());
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.status().code(), Status::Code::kCorruption);
    EXPECT_NE(n.status().message().find(file), std::string::npos) << n.status().message();
  }
  std::filesystem::remove(file);
  Reopen();
  EXPECT_FALSE(CountSegment(*snap(), "SEGMENT('lst')", Options()).ok());
  // Validation alone (no files opened) still passes: the segment exists.
  EXPECT_TRUE(ReferencesOf(*snap(), "SEGMENT('lst')", Options()).ok());
}

TEST(MembersFileTest, EveryFlippedByteIsDetected) {
  Bitmap b = Bitmap::Of(std::vector<uint32_t>{1, 5, 70000, 1u << 30});
  uint64_t sum = 0;
  const std::string bytes = EncodeMembersFile(b, &sum);
  auto ok = DecodeMembersFile(bytes, "f", sum);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->ToVector(), (std::vector<uint32_t>{1, 5, 70000, 1u << 30}));
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x20);
    auto r = DecodeMembersFile(bad, "f");
    EXPECT_EQ(r.status().code(), Status::Code::kCorruption) << "byte " << i;
  }
  EXPECT_EQ(DecodeMembersFile(bytes, "f", sum + 1).status().code(), Status::Code::kCorruption);
  EXPECT_EQ(DecodeMembersFile("", "f").status().code(), Status::Code::kCorruption);
  Bitmap empty;
  const std::string e = EncodeMembersFile(empty, nullptr);
  EXPECT_EQ(DecodeMembersFile(e, "f")->cardinality(), 0u);
}

// Random AND/OR/NOT expressions over tags, a list, a snapshot, an sql
// segment and a dynamic segment combining them, after two deletions: the
// engine (count and set) against sets computed directly.
TEST_F(FrozenSegmentsTest, MixedKindsMatchBruteForce) {
  const Set list = Where([](uint32_t u) { return u % 4 == 1 || u == 6; });
  const Set sql = Where([](uint32_t u) { return u % 5 == 0; });
  ASSERT_TRUE(AddList("uploaded", list).ok());
  ASSERT_TRUE(AddList("sql_orders", sql, "2026-10-01", SegmentKind::kSql).ok());
  ASSERT_TRUE(saved_->Freeze("young_b", "city = 'b' OR age < 25", *snap(), D("2026-10-01"), "t").ok());
  ASSERT_TRUE(saved_
                  ->Save("combined", "SEGMENT('uploaded') AND vip AND NOT SEGMENT('sql_orders')", *snap(),
                         D("2026-10-31"))
                  .ok());
  const Set deleted = {6, 15};
  DeleteUsers({6, 15});
  const Set universe = Where([&](uint32_t u) { return !deleted.count(u); });
  auto in_u = [&](Set s) {
    for (uint32_t d : deleted) s.erase(d);
    return s;
  };
  const Set vip = Where([](uint32_t u) { return HasVip(u) && Vip(u); });
  const Set frozen = Where([](uint32_t u) { return City(u, false) == "b" || Age(u) < 25; });
  std::vector<std::pair<std::string, Set>> atoms = {
      {"vip", in_u(vip)},
      {"city = 'a'", in_u(Where([](uint32_t u) { return City(u, true) == "a"; }))},
      {"age >= 30", in_u(Where([](uint32_t u) { return Age(u) >= 30; }))},
      {"SEGMENT('uploaded')", in_u(list)},
      {"SEGMENT('sql_orders')", in_u(sql)},
      {"SEGMENT('young_b')", in_u(frozen)},
      {"SEGMENT('combined')",
       in_u(Where([&](uint32_t u) { return list.count(u) && vip.count(u) && !sql.count(u); }))},
  };
  std::mt19937 rng(7);
  std::function<std::pair<std::string, Set>(int)> gen = [&](int depth) -> std::pair<std::string, Set> {
    const int pick = depth == 0 ? 0 : static_cast<int>(rng() % 4);
    if (pick == 0) return atoms[rng() % atoms.size()];
    if (pick == 1) {
      auto [t, s] = gen(depth - 1);
      Set out;
      for (uint32_t u : universe) {
        if (!s.count(u)) out.insert(u);
      }
      return {"NOT (" + t + ")", out};
    }
    auto [lt, ls] = gen(depth - 1);
    auto [rt, rs] = gen(depth - 1);
    Set out;
    for (uint32_t u : universe) {
      const bool in = pick == 2 ? ls.count(u) && rs.count(u) : ls.count(u) || rs.count(u);
      if (in) out.insert(u);
    }
    return {"(" + lt + (pick == 2 ? " AND " : " OR ") + rt + ")", out};
  };
  for (int i = 0; i < 300; ++i) {
    auto [expr, expected] = gen(1 + i % 4);
    SCOPED_TRACE(expr);
    EXPECT_EQ(Eval(expr), expected);
    EXPECT_EQ(Count(expr), static_cast<int64_t>(expected.size()));
  }
}

}  // namespace
}  // namespace tagloop

namespace tagloop {
namespace {

// Matching ids against the users: duplicates, unknown and deleted ids.
TEST_F(FrozenSegmentsTest, IdMatcherCountsDuplicatesAndUnknownIds) {
  DeleteUsers({3});
  auto s = snap();
  auto m = IdMatcher::Create(*s);
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  std::vector<std::string_view> a = {"u01", "u02", "nobody", "u01", "u03"};
  std::vector<std::string_view> b = {"nobody", "ghost", "u39"};
  m->Add(a);
  m->Add(b);
  ListMatch r = std::move(*m).Finish();
  EXPECT_EQ(r.lines, 8u);
  EXPECT_EQ(r.distinct, 6u);  // u01 u02 nobody u03 ghost u39
  EXPECT_EQ(r.duplicates, 2u);
  EXPECT_EQ(r.matched, 3u);  // u03 was deleted: unknown
  EXPECT_EQ(r.unknown, 3u);
  EXPECT_EQ(r.unknown_sample, (std::vector<std::string>{"nobody", "u03", "ghost"}));
  EXPECT_EQ(SetOf(r.members), (Set{1, 2, 39}));
  EXPECT_DOUBLE_EQ(r.match_rate(), 0.5);
}

}  // namespace
}  // namespace tagloop
