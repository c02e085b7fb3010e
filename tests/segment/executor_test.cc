// The executor on hand-made plans: random trees over random bitmaps and BSIs,
// with a universe that has holes (deleted users) and without, checked
// against std::set arithmetic; both paths (count, materialise) must agree.
#include "segment/executor.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <random>

#include "testing/ticking_env.h"

namespace tagloop::segment {
namespace {

// A set of users as one flag per dense id.
using Set = std::vector<uint8_t>;

std::vector<uint32_t> Members(const Set& s) {
  std::vector<uint32_t> out;
  for (uint32_t u = 0; u < s.size(); ++u) {
    if (s[u]) out.push_back(u);
  }
  return out;
}

class ExecutorTest : public ::testing::Test {
 protected:
  static constexpr uint32_t kUsers = 70000;  // two containers

  void MakeData(bool dense) {
    universe_set_.assign(kUsers, 0);
    for (uint32_t u = 0; u < kUsers; ++u) universe_set_[u] = dense || rng_() % 10 != 0;
    universe_ = Bitmap::Of(Members(universe_set_));
    // Stored bitmaps may hold deleted users; never users beyond the ids.
    for (int i = 0; i < 6; ++i) {
      Set s(kUsers, 0);
      const uint32_t rate = 1 + static_cast<uint32_t>(rng_() % 4);
      for (uint32_t u = 0; u < kUsers; ++u) s[u] = rng_() % 8 < rate;
      sets_.push_back(s);
      stored_.push_back(Bitmap::Of(Members(s)));
    }
    std::vector<uint32_t> users;
    for (uint32_t u = 0; u < kUsers; ++u) {
      if (rng_() % 3 != 0) {
        users.push_back(u);
        values_.push_back(static_cast<int64_t>(rng_() % 200) - 100);
      }
    }
    bsi_users_ = users;
    bsi_ = BuildBsi(users, values_);
    for (const Bitmap& s : bsi_.slices) slice_ptrs_.push_back(s.get());
  }

  BsiView View() const { return BsiView{bsi_.base, bsi_.exists.get(), slice_ptrs_}; }

  PlanNode RandomNode(int depth) {
    const int r = static_cast<int>(rng_() % 100);
    PlanNode n;
    if (depth == 0 || r < 40) {
      const int leaf = static_cast<int>(rng_() % 10);
      if (leaf == 0) {
        n.op = PlanOp::kEmpty;
      } else if (leaf == 1) {
        n.op = PlanOp::kUniverse;
      } else if (leaf <= 3) {
        n.op = rng_() % 2 ? PlanOp::kBsiCompare : PlanOp::kBsiBetween;
        n.bsi = View();
        n.cmp = static_cast<CompareOp>(rng_() % 6);
        n.lo = static_cast<int64_t>(rng_() % 220) - 110;
        n.hi = n.lo + static_cast<int64_t>(rng_() % 60) - 10;
      } else {
        const size_t i = rng_() % stored_.size();
        n.op = PlanOp::kStored;
        n.bitmap = stored_[i].get();
        n.estimate = Members(sets_[i]).size();
        n.exact = true;
      }
      return n;
    }
    const int k = 1 + static_cast<int>(rng_() % 3);
    if (r < 70) {
      n.op = PlanOp::kOr;
      for (int i = 0; i < k; ++i) n.children.push_back(RandomNode(depth - 1));
      return n;
    }
    n.op = PlanOp::kAnd;
    const int inc = static_cast<int>(rng_() % 3);  // 0: a complement
    for (int i = 0; i < inc; ++i) n.children.push_back(RandomNode(depth - 1));
    for (int i = 0; i < k; ++i) n.excluded.push_back(RandomNode(depth - 1));
    return n;
  }

  static Set And(Set a, const Set& b) {
    for (size_t u = 0; u < a.size(); ++u) a[u] &= b[u];
    return a;
  }

  // The meaning of plan.h, by sets (BSI leaves from the raw values).
  Set Eval(const PlanNode& n) {
    switch (n.op) {
      case PlanOp::kEmpty: return Set(kUsers, 0);
      case PlanOp::kUniverse: return universe_set_;
      case PlanOp::kStored:
        for (size_t i = 0; i < stored_.size(); ++i) {
          if (stored_[i].get() == n.bitmap) return sets_[i];
        }
        return universe_set_;  // the universe leaf of a wrapped root
      case PlanOp::kBsiCompare:
      case PlanOp::kBsiBetween: {
        Set out(kUsers, 0);
        for (size_t i = 0; i < bsi_users_.size(); ++i) {
          const int64_t v = values_[i], c = n.lo;
          bool in = false;
          if (n.op == PlanOp::kBsiBetween) {
            in = n.lo <= v && v <= n.hi;
          } else {
            switch (n.cmp) {
              case CompareOp::kEq: in = v == c; break;
              case CompareOp::kNe: in = v != c; break;
              case CompareOp::kLt: in = v < c; break;
              case CompareOp::kLe: in = v <= c; break;
              case CompareOp::kGt: in = v > c; break;
              case CompareOp::kGe: in = v >= c; break;
            }
          }
          if (in) out[bsi_users_[i]] = 1;
        }
        return out;
      }
      case PlanOp::kOr: {
        Set out(kUsers, 0);
        for (const auto& c : n.children) {
          Set s = Eval(c);
          for (size_t u = 0; u < kUsers; ++u) out[u] |= s[u];
        }
        return out;
      }
      case PlanOp::kAnd: {
        Set acc = n.children.empty() ? universe_set_ : Eval(n.children[0]);
        for (size_t i = 1; i < n.children.size(); ++i) acc = And(acc, Eval(n.children[i]));
        for (const auto& e : n.excluded) {
          Set x = Eval(e);
          for (size_t u = 0; u < kUsers; ++u) acc[u] &= !x[u];
        }
        return acc;
      }
    }
    return Set(kUsers, 0);
  }

  std::mt19937_64 rng_{20260301};
  Set universe_set_;
  Bitmap universe_;
  std::vector<Set> sets_;
  std::vector<Bitmap> stored_;
  std::vector<uint32_t> bsi_users_;
  std::vector<int64_t> values_;
  BsiBuild bsi_;
  std::vector<const roaring_bitmap_t*> slice_ptrs_;
};

TEST_F(ExecutorTest, RandomPlansWithAndWithoutDeletedUsers) {
  for (bool dense : {true, false}) {
    sets_.clear();
    stored_.clear();
    values_.clear();
    slice_ptrs_.clear();
    MakeData(dense);
    SegmentPlan plan;
    plan.universe = universe_.get();
    plan.universe_size = Members(universe_set_).size();
    plan.universe_is_dense = dense;
    for (int i = 0; i < 150; ++i) {
      plan.root = RandomNode(3);
      if (!dense && !plan.root.is_complement()) {  // what the planner's universe wrap does
        PlanNode wrap;
        wrap.op = PlanOp::kAnd;
        wrap.children.push_back(std::move(plan.root));
        PlanNode u;
        u.op = PlanOp::kStored;
        u.bitmap = universe_.get();
        wrap.children.push_back(std::move(u));
        plan.root = std::move(wrap);
      }
      Set want = Eval(plan.root);
      if (!dense) want = And(want, universe_set_);
      Bitmap got = EvaluatePlan(plan);
      const std::vector<uint32_t> members = Members(want);
      ASSERT_EQ(got.ToVector(), members) << "dense " << dense << " plan " << i << "\n" << ExplainPlan(plan);
      ASSERT_EQ(CountPlan(plan), members.size()) << "dense " << dense << " plan " << i << "\n"
                                                 << ExplainPlan(plan);
    }
  }
}

TEST_F(ExecutorTest, ResultsAreOwnedCopiesNotTheStoredBitmaps) {
  MakeData(true);
  SegmentPlan plan;
  plan.universe = universe_.get();
  plan.universe_size = Members(universe_set_).size();
  plan.root.op = PlanOp::kStored;
  plan.root.bitmap = stored_[0].get();
  Bitmap got = EvaluatePlan(plan);
  EXPECT_NE(got.get(), stored_[0].get());
  got.Add(kUsers + 5);
  EXPECT_FALSE(stored_[0].Contains(kUsers + 5));
  EXPECT_EQ(CountPlan(plan), Members(sets_[0]).size());
}

// A single huge plan stops inside the executor once its deadline passes:
// an OR of 600 values and an AND of 600 ranges, each stopped after a few
// looks at the clock (every kDeadlineCheckInterval steps), long before its
// loop ends; a generous deadline gives the same answer as none.
TEST_F(ExecutorTest, DeadlineStopsALongLoopOverChildren) {
  MakeData(true);
  SegmentPlan plan;
  plan.universe = universe_.get();
  plan.universe_size = Members(universe_set_).size();
  plan.universe_is_dense = true;
  PlanNode any;
  any.op = PlanOp::kOr;
  PlanNode ranges;
  ranges.op = PlanOp::kAnd;
  for (int i = 0; i < 600; ++i) {
    PlanNode leaf;
    leaf.op = PlanOp::kStored;
    leaf.bitmap = stored_[static_cast<size_t>(i) % stored_.size()].get();
    any.children.push_back(std::move(leaf));
    PlanNode range;
    range.op = PlanOp::kBsiCompare;
    range.bsi = View();
    range.cmp = CompareOp::kGe;
    range.lo = -100;  // every user with a value: the intersection never empties
    ranges.children.push_back(std::move(range));
  }
  for (PlanNode* root : {&any, &ranges}) {
    plan.root = *root;
    const uint64_t want = CountPlan(plan);
    const std::vector<uint32_t> want_users = EvaluatePlan(plan).ToVector();

    testing::TickingEnv clock;
    const Deadline tiny = Deadline::After(&clock, 5);  // passes at the 5th look
    Result<uint64_t> n = CountPlan(plan, &tiny, "counting the segment");
    ASSERT_FALSE(n.ok());
    EXPECT_EQ(n.status().code(), Status::Code::kUnavailable);
    EXPECT_EQ(n.status().reason(), ErrorReason::kDeadlineExceeded);
    EXPECT_NE(n.status().message().find("while counting the segment"), std::string::npos) << n.status().message();
    // Stopped after about 5 looks, long before the loop ends (600 / 16 = 37).
    EXPECT_LT(clock.reads(), 12);

    testing::TickingEnv clock2;
    const Deadline tiny2 = Deadline::After(&clock2, 5);
    Result<Bitmap> users = EvaluatePlan(plan, &tiny2, "evaluating the segment");
    ASSERT_FALSE(users.ok());
    EXPECT_EQ(users.status().reason(), ErrorReason::kDeadlineExceeded);
    EXPECT_LT(clock2.reads(), 12);

    testing::TickingEnv clock3;
    const Deadline generous = Deadline::After(&clock3, 1'000'000);
    Result<uint64_t> all = CountPlan(plan, &generous, "counting the segment");
    ASSERT_TRUE(all.ok()) << all.status().ToString();
    EXPECT_EQ(*all, want);
    Result<Bitmap> all_users = EvaluatePlan(plan, &generous, "evaluating the segment");
    ASSERT_TRUE(all_users.ok());
    EXPECT_EQ(all_users->ToVector(), want_users);
    // The clock is read once per kDeadlineCheckInterval steps: about
    // 2 × 600 / 16 looks for the 2 × 600 steps of both runs.
    EXPECT_LT(clock3.reads(), 120);
  }
}

}  // namespace
}  // namespace tagloop::segment
