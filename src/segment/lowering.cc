#include "segment/lowering.h"

#include <fmt/format.h>

#include <algorithm>
#include <utility>

#include "segment/ast.h"

namespace tagloop::segment {

namespace {

class Lowering {
 public:
  explicit Lowering(SegmentPlan& plan) : plan_(plan) {}

  PlanNode Lower(const BoundExpr& e) {
    switch (e.kind) {
      case BoundKind::kAll: return MakeLeaf(PlanOp::kUniverse, "ALL", plan_.universe_size, true);
      case BoundKind::kAnd:
      case BoundKind::kOr: {
        std::vector<PlanNode> children;
        for (const BoundExpr& c : e.children) children.push_back(Lower(c));
        return MakeNary(e.kind == BoundKind::kAnd ? PlanOp::kAnd : PlanOp::kOr, std::move(children));
      }
      case BoundKind::kNot: return MakeComplement(Lower(e.children.at(0)));
      case BoundKind::kPredicate: return LowerPredicate(e.predicate);
      case BoundKind::kMembers: return Members(e.members);
    }
    return MakeLeaf(PlanOp::kEmpty, "?", 0, true);
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
    if (t.version &&
        std::find(plan_.versions.begin(), plan_.versions.end(), t.version) == plan_.versions.end()) {
      plan_.versions.push_back(t.version);
    }
  }

  // A frozen segment's members: a stored set of exact size. Ids at or beyond
  // a dense universe's end (members stored by a newer state of the store
  // than the query's snapshot) are trimmed, so every leaf of a dense plan
  // stays inside the universe (the count path relies on that).
  PlanNode Members(const BoundMembers& m) {
    std::string label = fmt::format("SEGMENT('{}') ({} version {})", m.segment, m.kind, m.version);
    if (!m.members) return MakeLeaf(PlanOp::kEmpty, std::move(label), 0, true);
    std::shared_ptr<const Bitmap> set = m.members;
    if (plan_.universe_is_dense && !set->empty() &&
        roaring_bitmap_maximum(set->get()) >= plan_.universe_size) {
      Bitmap inside = Bitmap::Copy(set->get());
      roaring_bitmap_remove_range_closed(inside.get(), static_cast<uint32_t>(plan_.universe_size),
                                         UINT32_MAX);
      set = std::make_shared<const Bitmap>(std::move(inside));
    }
    plan_.members.push_back(set);
    PlanNode n = MakeLeaf(PlanOp::kStored, std::move(label), set->cardinality(), true);
    n.bitmap = set->get();
    return n;
  }

  PlanNode Value(const BoundTag& t, const std::string& v) {
    std::string label = Versioned(t, fmt::format("{} = '{}'", TagText(t), v));
    std::optional<size_t> i = t.version ? t.version->FindValue(v) : std::nullopt;
    if (!i) return MakeLeaf(PlanOp::kEmpty, label, 0, true);
    Pin(t);
    PlanNode n = MakeLeaf(PlanOp::kStored, std::move(label), t.version->value_cardinality(*i), true);
    n.bitmap = t.version->value_users(*i);
    return n;
  }

  PlanNode Exists(const BoundTag& t) {
    std::string label = Versioned(t, fmt::format("{} IS NOT NULL", TagText(t)));
    if (!t.version) return MakeLeaf(PlanOp::kEmpty, std::move(label), 0, true);
    Pin(t);
    PlanNode n = MakeLeaf(PlanOp::kStored, std::move(label), t.version->users_with_value(), true);
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
            : fmt::format("{} {} {}", TagText(t), CompareOpText(cmp), FormatNumericValue(t.type, lo));
    std::string label = Versioned(t, std::move(text));
    if (!t.version || t.version->users_with_value() == 0)
      return MakeLeaf(PlanOp::kEmpty, std::move(label), 0, true);
    const uint64_t n = t.version->users_with_value();
    const uint64_t guess = cmp == CompareOp::kEq && op == PlanOp::kBsiCompare ? n / 16 + 1
                           : cmp == CompareOp::kNe                            ? n
                                                                              : n / 2 + 1;
    Pin(t);
    PlanNode leaf = MakeLeaf(op, std::move(label), std::min(guess, n), false);
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
    PlanNode n = MakeNary(PlanOp::kAnd, {});
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
      case PredicateKind::kIn:
        // Only numeric literals no value of the tag can equal leave a list
        // empty (bound.h); such a predicate is nobody.
        if (p.values.empty() && p.numbers.empty()) {
          return MakeLeaf(PlanOp::kEmpty,
                          Versioned(p.tag, fmt::format("{} IN (): no listed number fits {}", TagText(p.tag),
                                                       p.tag.type.ToString())),
                          0, true);
        }
        return MakeNary(PlanOp::kOr, EachValue(p));
      case PredicateKind::kNotIn: return ExistsExcept(p.tag, EachValue(p));
      case PredicateKind::kContainsAll: return MakeNary(PlanOp::kAnd, EachValue(p));
      case PredicateKind::kBetween:
      case PredicateKind::kNotBetween: {
        const int64_t lo = p.numbers.at(0), hi = p.numbers.at(1);
        PlanNode range = lo > hi ? MakeLeaf(PlanOp::kEmpty, "empty range", 0, true)
                                 : Bsi(p.tag, PlanOp::kBsiBetween, CompareOp::kEq, lo, hi);
        if (p.kind == PredicateKind::kBetween) return range;
        std::vector<PlanNode> out;
        out.push_back(std::move(range));
        return ExistsExcept(p.tag, std::move(out));
      }
      case PredicateKind::kIsNull: return MakeComplement(Exists(p.tag));
      case PredicateKind::kIsNotNull: return Exists(p.tag);
    }
    return MakeLeaf(PlanOp::kEmpty, "?", 0, true);
  }

  SegmentPlan& plan_;
};

}  // namespace

PlanNode LowerBound(const BoundExpr& bound, SegmentPlan& plan) { return Lowering(plan).Lower(bound); }

}  // namespace tagloop::segment
