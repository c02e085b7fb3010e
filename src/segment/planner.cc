#include "segment/planner.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

namespace tagloop::segment {

namespace {

// ---- Leaves and lowering ------------------------------------------------------

PlanNode Leaf(PlanOp op, std::string label, uint64_t estimate, bool exact) {
  PlanNode n;
  n.op = op;
  n.label = std::move(label);
  n.estimate = estimate;
  n.exact = exact;
  return n;
}

PlanNode Complement(PlanNode x) {
  PlanNode n;
  n.op = PlanOp::kAnd;
  n.excluded.push_back(std::move(x));
  return n;
}

PlanNode Nary(PlanOp op, std::vector<PlanNode> children) {
  PlanNode n;
  n.op = op;
  n.children = std::move(children);
  return n;
}

const char* OpText(CompareOp op) {
  switch (op) {
    case CompareOp::kEq: return "=";
    case CompareOp::kNe: return "!=";
    case CompareOp::kLt: return "<";
    case CompareOp::kLe: return "<=";
    case CompareOp::kGt: return ">";
    case CompareOp::kGe: return ">=";
  }
  return "?";
}

class Lowering {
 public:
  explicit Lowering(SegmentPlan& plan) : plan_(plan) {}

  PlanNode Lower(const BoundExpr& e) {
    switch (e.kind) {
      case BoundKind::kAll: return Leaf(PlanOp::kUniverse, "ALL", plan_.universe_size, true);
      case BoundKind::kAnd:
      case BoundKind::kOr: {
        std::vector<PlanNode> children;
        for (const BoundExpr& c : e.children) children.push_back(Lower(c));
        return Nary(e.kind == BoundKind::kAnd ? PlanOp::kAnd : PlanOp::kOr, std::move(children));
      }
      case BoundKind::kNot: return Complement(Lower(e.children.at(0)));
      case BoundKind::kPredicate: return LowerPredicate(e.predicate);
    }
    return Leaf(PlanOp::kEmpty, "?", 0, true);
  }

 private:
  std::string TagText(const BoundTag& t) const {
    return t.explicit_version ? fmt::format("{}@{}", t.name, FormatDate(t.as_of)) : t.name;
  }
  std::string Versioned(const BoundTag& t, std::string text) const {
    if (!t.version) return fmt::format("{} (no version on or before {})", text, FormatDate(t.as_of));
    return fmt::format("{} (version {})", text, FormatDate(t.version->date()));
  }
  void Pin(const BoundTag& t) {
    if (t.version && std::find(plan_.versions.begin(), plan_.versions.end(), t.version) == plan_.versions.end()) {
      plan_.versions.push_back(t.version);
    }
  }

  PlanNode Value(const BoundTag& t, const std::string& v) {
    std::string label = Versioned(t, fmt::format("{} = '{}'", TagText(t), v));
    std::optional<size_t> i = t.version ? t.version->FindValue(v) : std::nullopt;
    if (!i) return Leaf(PlanOp::kEmpty, label, 0, true);
    Pin(t);
    PlanNode n = Leaf(PlanOp::kStored, std::move(label), t.version->value_cardinality(*i), true);
    n.bitmap = t.version->value_users(*i);
    return n;
  }

  PlanNode Exists(const BoundTag& t) {
    std::string label = Versioned(t, fmt::format("{} IS NOT NULL", TagText(t)));
    if (!t.version) return Leaf(PlanOp::kEmpty, std::move(label), 0, true);
    Pin(t);
    PlanNode n = Leaf(PlanOp::kStored, std::move(label), t.version->users_with_value(), true);
    n.bitmap = t.version->exists();
    return n;
  }

  // Guesses for ordering only: an equality hits a small share of the users
  // with a value, a range about half of them.
  PlanNode Bsi(const BoundTag& t, PlanOp op, CompareOp cmp, int64_t lo, int64_t hi) {
    std::string text =
        op == PlanOp::kBsiBetween
            ? fmt::format("{} BETWEEN {} AND {}", TagText(t), FormatNumericValue(t.type, lo),
                          FormatNumericValue(t.type, hi))
            : fmt::format("{} {} {}", TagText(t), OpText(cmp), FormatNumericValue(t.type, lo));
    std::string label = Versioned(t, std::move(text));
    if (!t.version || t.version->users_with_value() == 0) return Leaf(PlanOp::kEmpty, std::move(label), 0, true);
    const uint64_t n = t.version->users_with_value();
    const uint64_t guess = cmp == CompareOp::kEq && op == PlanOp::kBsiCompare ? n / 16 + 1
                           : cmp == CompareOp::kNe                            ? n
                                                                              : n / 2 + 1;
    Pin(t);
    PlanNode leaf = Leaf(op, std::move(label), std::min(guess, n), false);
    leaf.bsi = t.version->bsi();
    leaf.cmp = cmp;
    leaf.lo = lo;
    leaf.hi = hi;
    return leaf;
  }

  PlanNode Equal(const BoundPredicate& p, size_t i) {
    if (p.tag.type.is_numeric()) return Bsi(p.tag, PlanOp::kBsiCompare, CompareOp::kEq, p.numbers[i], 0);
    return Value(p.tag, p.values[i]);
  }
  std::vector<PlanNode> EachValue(const BoundPredicate& p) {
    std::vector<PlanNode> out;
    const size_t n = p.tag.type.is_numeric() ? p.numbers.size() : p.values.size();
    for (size_t i = 0; i < n; ++i) out.push_back(Equal(p, i));
    return out;
  }
  // exists(t) minus each of `out`: "has a value, and not ...".
  PlanNode ExistsExcept(const BoundTag& t, std::vector<PlanNode> out) {
    PlanNode n = Nary(PlanOp::kAnd, {});
    n.children.push_back(Exists(t));
    n.excluded = std::move(out);
    return n;
  }

  PlanNode LowerPredicate(const BoundPredicate& p) {
    const bool numeric = p.tag.type.is_numeric();
    switch (p.kind) {
      case PredicateKind::kCompare:
        if (numeric) return Bsi(p.tag, PlanOp::kBsiCompare, p.op, p.numbers.at(0), 0);
        if (p.op == CompareOp::kEq) return Equal(p, 0);
        return ExistsExcept(p.tag, EachValue(p));  // kNe
      case PredicateKind::kIn: return Nary(PlanOp::kOr, EachValue(p));
      case PredicateKind::kNotIn: return ExistsExcept(p.tag, EachValue(p));
      case PredicateKind::kContainsAll: return Nary(PlanOp::kAnd, EachValue(p));
      case PredicateKind::kBetween:
      case PredicateKind::kNotBetween: {
        const int64_t lo = p.numbers.at(0), hi = p.numbers.at(1);
        PlanNode range = lo > hi ? Leaf(PlanOp::kEmpty, "empty range", 0, true)
                                 : Bsi(p.tag, PlanOp::kBsiBetween, CompareOp::kEq, lo, hi);
        if (p.kind == PredicateKind::kBetween) return range;
        std::vector<PlanNode> out;
        out.push_back(std::move(range));
        return ExistsExcept(p.tag, std::move(out));
      }
      case PredicateKind::kIsNull: return Complement(Exists(p.tag));
      case PredicateKind::kIsNotNull: return Exists(p.tag);
    }
    return Leaf(PlanOp::kEmpty, "?", 0, true);
  }

  SegmentPlan& plan_;
};

// ---- Rewriting ----------------------------------------------------------------

class Rewriter {
 public:
  Rewriter(uint64_t universe_size, bool dense) : u_(universe_size), dense_(dense) {}

  PlanNode Simplify(PlanNode n) {
    switch (n.op) {
      case PlanOp::kStored:
        if (n.estimate == 0) return Leaf(PlanOp::kEmpty, std::move(n.label), 0, true);
        // Inside a dense universe, a stored bitmap as large as it is it.
        if (dense_ && n.estimate >= u_) return Leaf(PlanOp::kUniverse, std::move(n.label), u_, true);
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
    PlanNode n = Nary(PlanOp::kOr, std::move(xs));
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
      if (plain.empty()) return Leaf(PlanOp::kEmpty, "", 0, true);
      return Union(std::move(plain));
    }
    // De Morgan: p1 OR .. OR NOT n1 OR NOT n2 = NOT ((n1 AND n2) ANDNOT p1 ANDNOT ..),
    // one complement instead of one per branch.
    PlanNode inner = Nary(PlanOp::kAnd, {});
    for (PlanNode& c : complements) inner.children.push_back(Union(std::move(c.excluded)));
    inner.excluded = std::move(plain);
    return SimplifyAnd(Complement(std::move(inner)));
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

  static bool SameStored(const PlanNode& a, const PlanNode& b) {
    return a.op == PlanOp::kStored && b.op == PlanOp::kStored && a.bitmap == b.bitmap;
  }

  PlanNode SimplifyAnd(PlanNode n) {
    AndParts a;
    for (PlanNode& c : n.children) AddInclude(a, Simplify(std::move(c)));
    for (PlanNode& c : n.excluded) AddExclude(a, Simplify(std::move(c)));
    if (a.empty) return Leaf(PlanOp::kEmpty, "", 0, true);
    auto dedupe = [](std::vector<PlanNode>& xs) {
      std::vector<PlanNode> kept;
      for (PlanNode& x : xs) {
        bool dup = std::any_of(kept.begin(), kept.end(), [&](const PlanNode& k) { return SameStored(k, x); });
        if (!dup) kept.push_back(std::move(x));
      }
      xs = std::move(kept);
    };
    dedupe(a.inc);
    dedupe(a.exc);
    for (const PlanNode& i : a.inc) {
      for (const PlanNode& e : a.exc) {
        if (SameStored(i, e)) return Leaf(PlanOp::kEmpty, "", 0, true);  // x AND NOT x
      }
    }
    if (a.inc.empty() && a.exc.empty()) return Leaf(PlanOp::kUniverse, "", u_, true);
    if (a.inc.size() == 1 && a.exc.empty()) return std::move(a.inc[0]);
    // Cheapest first: the smallest sets bound the running intersection; the
    // largest exclusions shrink it most.
    std::stable_sort(a.inc.begin(), a.inc.end(),
                     [](const PlanNode& x, const PlanNode& y) { return x.estimate < y.estimate; });
    std::stable_sort(a.exc.begin(), a.exc.end(),
                     [](const PlanNode& x, const PlanNode& y) { return x.estimate > y.estimate; });
    PlanNode out = Nary(PlanOp::kAnd, std::move(a.inc));
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
  PlanNode raw = Lowering(plan).Lower(bound);
  plan.root = Rewriter(plan.universe_size, plan.universe_is_dense).Simplify(std::move(raw));
  if (!plan.universe_is_dense && plan.root.op != PlanOp::kEmpty && plan.root.op != PlanOp::kUniverse &&
      !plan.root.is_complement()) {
    // Stored bitmaps may still hold deleted users: keep only the universe's.
    PlanNode u = Leaf(PlanOp::kStored, "universe", plan.universe_size, true);
    u.bitmap = plan.universe;
    if (plan.root.op == PlanOp::kAnd) {
      plan.root.children.push_back(std::move(u));
    } else {
      PlanNode root = Nary(PlanOp::kAnd, {});
      root.estimate = plan.root.estimate;
      root.children.push_back(std::move(plan.root));
      root.children.push_back(std::move(u));
      plan.root = std::move(root);
    }
  }
  return plan;
}

}  // namespace tagloop::segment
