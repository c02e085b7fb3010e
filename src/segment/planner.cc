#include "segment/planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>
#include <utility>

#include "segment/lowering.h"

namespace tagloop::segment {

namespace {

class Rewriter {
 public:
  Rewriter(uint64_t universe_size, bool dense) : u_(universe_size), dense_(dense) {}

  PlanNode Simplify(PlanNode n) {
    switch (n.op) {
      case PlanOp::kStored:
        if (n.estimate == 0) return MakeLeaf(PlanOp::kEmpty, std::move(n.label), 0, true);
        // Inside a dense universe, a stored bitmap as large as it is it.
        if (dense_ && n.estimate >= u_) return MakeLeaf(PlanOp::kUniverse, std::move(n.label), u_, true);
        return n;
      case PlanOp::kOr: return SimplifyOr(std::move(n));
      case PlanOp::kAnd: return SimplifyAnd(std::move(n));
      default: return n;
    }
  }

 private:
  // The union of simplified nodes (none of them an OR or a complement).
  PlanNode Union(std::vector<PlanNode> xs) {
    if (xs.size() == 1) return std::move(xs[0]);
    PlanNode n = MakeNary(PlanOp::kOr, std::move(xs));
    n.estimate = 0;
    for (const PlanNode& c : n.children) n.estimate = std::min(u_, n.estimate + c.estimate);
    return n;
  }

  PlanNode SimplifyOr(PlanNode n) {
    std::vector<PlanNode> plain, complements;
    for (PlanNode& raw : n.children) {
      PlanNode c = Simplify(std::move(raw));
      if (c.op == PlanOp::kEmpty) continue;
      if (c.op == PlanOp::kUniverse) return c;
      if (c.op == PlanOp::kOr) {
        for (PlanNode& g : c.children) plain.push_back(std::move(g));
      } else if (c.is_complement()) {
        complements.push_back(std::move(c));
      } else {
        plain.push_back(std::move(c));
      }
    }
    if (complements.empty()) {
      if (plain.empty()) return MakeLeaf(PlanOp::kEmpty, "", 0, true);
      return Union(std::move(plain));
    }
    // De Morgan: p1 OR .. OR NOT n1 OR NOT n2 = NOT ((n1 AND n2) ANDNOT p1 ANDNOT ..),
    // one complement instead of one per branch.
    PlanNode inner = MakeNary(PlanOp::kAnd, {});
    for (PlanNode& c : complements) inner.children.push_back(Union(std::move(c.excluded)));
    inner.excluded = std::move(plain);
    return SimplifyAnd(MakeComplement(std::move(inner)));
  }

  struct AndParts {
    std::vector<PlanNode> inc, exc;
    bool empty = false;
  };

  void AddInclude(AndParts& a, PlanNode c) {
    if (c.op == PlanOp::kEmpty) {
      a.empty = true;
    } else if (c.op == PlanOp::kUniverse) {
      // x AND ALL = x
    } else if (c.op == PlanOp::kAnd) {  // flatten; a complement adds only exclusions
      for (PlanNode& g : c.children) AddInclude(a, std::move(g));
      for (PlanNode& g : c.excluded) AddExclude(a, std::move(g));
    } else {
      a.inc.push_back(std::move(c));
    }
  }

  void AddExclude(AndParts& a, PlanNode c) {
    if (c.op == PlanOp::kEmpty) {
      // x ANDNOT nobody = x
    } else if (c.op == PlanOp::kUniverse) {
      a.empty = true;
    } else if (c.op == PlanOp::kOr) {  // x - (p OR q) = x - p - q
      for (PlanNode& g : c.children) AddExclude(a, std::move(g));
    } else if (c.is_complement()) {  // x - (U - e) = x AND e
      AddInclude(a, Union(std::move(c.excluded)));
    } else {
      a.exc.push_back(std::move(c));
    }
  }

  PlanNode SimplifyAnd(PlanNode n) {
    AndParts a;
    for (PlanNode& c : n.children) AddInclude(a, Simplify(std::move(c)));
    for (PlanNode& c : n.excluded) AddExclude(a, Simplify(std::move(c)));
    if (a.empty) return MakeLeaf(PlanOp::kEmpty, "", 0, true);
    // The same stored bitmap twice counts once; included and excluded, it
    // empties the AND. A hash set, not a comparison of every pair: a NOT IN
    // list of 20,000 known values is 20,000 exclusions.
    std::unordered_set<const roaring_bitmap_t*> included;
    auto dedupe = [](std::vector<PlanNode>& xs, std::unordered_set<const roaring_bitmap_t*>& seen) {
      std::vector<PlanNode> kept;
      kept.reserve(xs.size());
      for (PlanNode& x : xs) {
        if (x.op == PlanOp::kStored && !seen.insert(x.bitmap).second) continue;
        kept.push_back(std::move(x));
      }
      xs = std::move(kept);
    };
    dedupe(a.inc, included);
    std::unordered_set<const roaring_bitmap_t*> excluded;
    dedupe(a.exc, excluded);
    for (const PlanNode& e : a.exc) {
      if (e.op == PlanOp::kStored && included.count(e.bitmap)) {
        return MakeLeaf(PlanOp::kEmpty, "", 0, true);  // x AND NOT x
      }
    }
    if (a.inc.empty() && a.exc.empty()) return MakeLeaf(PlanOp::kUniverse, "", u_, true);
    if (a.inc.size() == 1 && a.exc.empty()) return std::move(a.inc[0]);
    // Cheapest first: the smallest sets bound the running intersection; the
    // largest exclusions shrink it most.
    std::stable_sort(a.inc.begin(), a.inc.end(),
                     [](const PlanNode& x, const PlanNode& y) { return x.estimate < y.estimate; });
    std::stable_sort(a.exc.begin(), a.exc.end(),
                     [](const PlanNode& x, const PlanNode& y) { return x.estimate > y.estimate; });
    PlanNode out = MakeNary(PlanOp::kAnd, std::move(a.inc));
    out.excluded = std::move(a.exc);
    if (!out.children.empty()) {
      out.estimate = out.children.front().estimate;
    } else {
      uint64_t largest = 0;
      for (const PlanNode& e : out.excluded) largest = std::max(largest, e.estimate);
      out.estimate = u_ - std::min(u_, largest);
    }
    return out;
  }

  uint64_t u_;
  bool dense_;
};

}  // namespace

SegmentPlan PlanSegment(const Snapshot& snapshot, const BoundExpr& bound) {
  SegmentPlan plan;
  plan.universe = snapshot.universe();
  plan.universe_size = snapshot.universe_size();
  // The universe is a subset of [0, user_count); equal sizes mean equal sets.
  plan.universe_is_dense = plan.universe_size == snapshot.user_count();
  PlanNode raw = LowerBound(bound, plan);
  plan.root = Rewriter(plan.universe_size, plan.universe_is_dense).Simplify(std::move(raw));
  if (!plan.universe_is_dense && plan.root.op != PlanOp::kEmpty && plan.root.op != PlanOp::kUniverse &&
      !plan.root.is_complement()) {
    // Stored bitmaps may still hold deleted users: keep only the universe's.
    PlanNode u = MakeLeaf(PlanOp::kStored, "universe", plan.universe_size, true);
    u.bitmap = plan.universe;
    if (plan.root.op == PlanOp::kAnd) {
      plan.root.children.push_back(std::move(u));
    } else {
      PlanNode root = MakeNary(PlanOp::kAnd, {});
      root.estimate = plan.root.estimate;
      root.children.push_back(std::move(plan.root));
      root.children.push_back(std::move(u));
      plan.root = std::move(root);
    }
  }
  return plan;
}

}  // namespace tagloop::segment
