#include "segment/executor.h"

#include <memory>
#include <utility>
#include <vector>

namespace tagloop::segment {

namespace {

// A set being computed: either borrowed (a stored bitmap, read in place) or
// owned (an intermediate result, which may be updated in place).
class Operand {
 public:
  static Operand Borrow(const roaring_bitmap_t* r) {
    Operand o;
    o.view_ = r;
    return o;
  }
  static Operand Own(Bitmap b) {
    Operand o;
    o.owned_ = std::make_unique<Bitmap>(std::move(b));
    o.view_ = o.owned_->get();
    return o;
  }

  const roaring_bitmap_t* get() const { return view_; }
  bool owned() const { return owned_ != nullptr; }
  Bitmap& bitmap() { return *owned_; }
  bool empty() const { return roaring_bitmap_is_empty(view_); }
  Bitmap Take() && { return owned_ ? std::move(*owned_) : Bitmap::Copy(view_); }

 private:
  Operand() = default;
  const roaring_bitmap_t* view_ = nullptr;
  std::unique_ptr<Bitmap> owned_;  // a pointer, not an optional: GCC misreads optional<Bitmap>
};

// Always into a new bitmap: CRoaring 0.2.66 has SIMD kernels only for the
// out-of-place array-container AND / ANDNOT (in place they are scalar merges,
// ~5x slower on the array containers of small value bitmaps).
Operand Intersect(Operand a, Operand b) { return Operand::Own(Bitmap::And(a.get(), b.get())); }

Operand Subtract(Operand a, const Operand& b) { return Operand::Own(Bitmap::AndNot(a.get(), b.get())); }

class Executor {
 public:
  Executor(const SegmentPlan& plan, const Deadline* deadline) : plan_(plan), deadline_(deadline) {}

  // Whether the deadline stopped the run (its results are then meaningless).
  bool stopped() const { return stopped_; }

  Operand Eval(const PlanNode& n) {
    if (Step()) return Operand::Own(Bitmap());
    switch (n.op) {
      case PlanOp::kEmpty: return Operand::Own(Bitmap());
      case PlanOp::kUniverse: return Operand::Borrow(plan_.universe);
      case PlanOp::kStored: return Operand::Borrow(n.bitmap);
      case PlanOp::kBsiCompare: return Operand::Own(BsiCompare(n.bsi, n.cmp, n.lo));
      case PlanOp::kBsiBetween: return Operand::Own(BsiBetween(n.bsi, n.lo, n.hi));
      case PlanOp::kOr: return Union(n.children);
      case PlanOp::kAnd: {
        Operand acc = IntersectChildren(n, n.children.size());
        return SubtractExcluded(std::move(acc), n, n.excluded.size());
      }
    }
    return Operand::Own(Bitmap());
  }

  uint64_t Count(const PlanNode& n) {
    if (Step()) return 0;
    switch (n.op) {
      case PlanOp::kEmpty: return 0;
      case PlanOp::kUniverse: return plan_.universe_size;
      case PlanOp::kStored: return roaring_bitmap_get_cardinality(n.bitmap);
      case PlanOp::kBsiCompare:
      case PlanOp::kBsiBetween: return CountBsi(n, nullptr);
      case PlanOp::kOr: return CountUnion(n.children);
      case PlanOp::kAnd: break;
    }
    if (n.children.empty()) {  // complement: |U| - |U ∩ union(excluded)|
      if (plan_.universe_is_dense) {
        if (n.excluded.size() == 1) return plan_.universe_size - Count(n.excluded[0]);
        return plan_.universe_size - CountUnion(n.excluded);
      }
      Operand x = Union(n.excluded);
      return plan_.universe_size - roaring_bitmap_and_cardinality(x.get(), plan_.universe);
    }
    if (n.excluded.empty()) {
      if (n.children.size() == 1) return Count(n.children[0]);
      Operand acc = IntersectChildren(n, n.children.size() - 1);
      if (acc.empty()) return 0;
      const PlanNode& last_node = n.children.back();
      if (IsBsi(last_node)) return CountBsi(last_node, acc.get());
      Operand last = Eval(last_node);
      return roaring_bitmap_and_cardinality(acc.get(), last.get());
    }
    Operand acc = IntersectChildren(n, n.children.size());
    acc = SubtractExcluded(std::move(acc), n, n.excluded.size() - 1);
    if (acc.empty()) return 0;
    const PlanNode& last_node = n.excluded.back();
    if (IsBsi(last_node)) return roaring_bitmap_get_cardinality(acc.get()) - CountBsi(last_node, acc.get());
    Operand last = Eval(last_node);
    return roaring_bitmap_andnot_cardinality(acc.get(), last.get());
  }

 private:
  // The intersection of the first `k` children (the universe when the node
  // has none); stops early once empty.
  Operand IntersectChildren(const PlanNode& n, size_t k) {
    if (n.children.empty()) return Operand::Borrow(plan_.universe);
    Operand acc = Eval(n.children[0]);
    for (size_t i = 1; i < k && !acc.empty() && !stopped_; ++i) {
      const PlanNode& c = n.children[i];
      // A range after a cheaper child scans only the users still in play.
      if (IsBsi(c)) {
        if (Step()) break;
        acc = Operand::Own(EvalBsi(c, acc.get()));
      } else {
        Operand next = Eval(c);
        acc = Intersect(std::move(acc), std::move(next));
      }
    }
    return acc;
  }

  Operand SubtractExcluded(Operand acc, const PlanNode& n, size_t k) {
    for (size_t i = 0; i < k && !acc.empty() && !stopped_; ++i) {
      const PlanNode& x = n.excluded[i];
      if (IsBsi(x) && Step()) break;
      Operand drop = IsBsi(x) ? Operand::Own(EvalBsi(x, acc.get())) : Eval(x);
      acc = Subtract(std::move(acc), drop);
    }
    return acc;
  }

  static bool IsBsi(const PlanNode& n) { return n.op == PlanOp::kBsiCompare || n.op == PlanOp::kBsiBetween; }

  // A BSI predicate, restricted to `within` when not null.
  static Bitmap EvalBsi(const PlanNode& n, const roaring_bitmap_t* within) {
    return n.op == PlanOp::kBsiCompare ? BsiCompare(n.bsi, n.cmp, n.lo, within)
                                       : BsiBetween(n.bsi, n.lo, n.hi, within);
  }
  static uint64_t CountBsi(const PlanNode& n, const roaring_bitmap_t* within) {
    return n.op == PlanOp::kBsiCompare ? BsiCompareCount(n.bsi, n.cmp, n.lo, within)
                                       : BsiBetweenCount(n.bsi, n.lo, n.hi, within);
  }

  std::vector<Operand> EvalAll(const std::vector<PlanNode>& xs, size_t k) {
    std::vector<Operand> ops;
    ops.reserve(k);
    for (size_t i = 0; i < k && !stopped_; ++i) ops.push_back(Eval(xs[i]));
    return ops;
  }

  static Operand OrMany(std::vector<Operand> ops) {
    if (ops.empty()) return Operand::Own(Bitmap());  // stopped before the first
    if (ops.size() == 1) return std::move(ops[0]);
    std::vector<const roaring_bitmap_t*> ptrs;
    ptrs.reserve(ops.size());
    for (const Operand& o : ops) ptrs.push_back(o.get());
    return Operand::Own(Bitmap::OrMany(ptrs));
  }

  Operand Union(const std::vector<PlanNode>& xs) {
    if (xs.empty()) return Operand::Own(Bitmap());
    return OrMany(EvalAll(xs, xs.size()));
  }

  uint64_t CountUnion(const std::vector<PlanNode>& xs) {
    if (xs.empty()) return 0;
    if (xs.size() == 1) return Count(xs[0]);
    Operand head = OrMany(EvalAll(xs, xs.size() - 1));
    Operand last = Eval(xs.back());
    return roaring_bitmap_or_cardinality(head.get(), last.get());
  }

  // One step of work; true once the deadline has passed (then every later
  // step is skipped). The clock is read at the first step and every
  // kDeadlineCheckInterval steps.
  bool Step() {
    if (stopped_) return true;
    if (deadline_ == nullptr || steps_++ % kDeadlineCheckInterval != 0) return false;
    stopped_ = deadline_->Expired();
    return stopped_;
  }

  const SegmentPlan& plan_;
  const Deadline* deadline_;
  uint32_t steps_ = 0;
  bool stopped_ = false;
};

}  // namespace

uint64_t CountPlan(const SegmentPlan& plan) { return Executor(plan, nullptr).Count(plan.root); }

Bitmap EvaluatePlan(const SegmentPlan& plan) { return Executor(plan, nullptr).Eval(plan.root).Take(); }

Result<uint64_t> CountPlan(const SegmentPlan& plan, const Deadline* deadline, std::string_view what) {
  Executor executor(plan, deadline);
  const uint64_t n = executor.Count(plan.root);
  if (executor.stopped()) return deadline->Check(what);
  return n;
}

Result<Bitmap> EvaluatePlan(const SegmentPlan& plan, const Deadline* deadline, std::string_view what) {
  Executor executor(plan, deadline);
  Bitmap users = executor.Eval(plan.root).Take();
  if (executor.stopped()) return deadline->Check(what);
  return users;
}

}  // namespace tagloop::segment
