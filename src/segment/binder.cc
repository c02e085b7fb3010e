#include "segment/binder.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <map>
#include <numeric>
#include <set>
#include <utility>

#include "segment/numeric_literal.h"
#include "segment/parser.h"
#include "segment/suggest.h"

namespace tagloop::segment {

namespace {

Status ErrorAt(size_t pos, std::string what) {
  return Status::InvalidArgument(fmt::format("{} at position {}", what, pos), pos);
}

std::string_view LiteralKindName(LiteralKind k) {
  switch (k) {
    case LiteralKind::kString: return "a string";
    case LiteralKind::kNumber: return "a number";
    case LiteralKind::kTrue: return "TRUE";
    case LiteralKind::kFalse: return "FALSE";
    case LiteralKind::kDaysAgo: return "DAYS_AGO(n)";
  }
  return "?";
}

// Drops repeated values, keeping the first of each where it stands: a sort
// of positions, O(n log n) (a search of the values kept so far per literal
// made an IN list of 100,000 strings take 30 s to bind).
template <typename T>
void KeepFirstOfEach(std::vector<T>& xs) {
  if (xs.size() < 2) return;
  std::vector<uint32_t> order(xs.size());
  std::iota(order.begin(), order.end(), 0u);
  std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) { return xs[a] < xs[b]; });
  std::vector<bool> repeat(xs.size(), false);
  for (size_t i = 1; i < order.size(); ++i) repeat[order[i]] = xs[order[i]] == xs[order[i - 1]];
  size_t kept = 0;
  for (size_t i = 0; i < xs.size(); ++i) {
    if (repeat[i]) continue;
    if (kept != i) xs[kept] = std::move(xs[i]);
    ++kept;
  }
  xs.resize(kept);
}

class Binder {
 public:
  Binder(const Snapshot& snap, const BindOptions& options) : snap_(snap), options_(options) {}

  Result<BoundExpr> BindNode(const Node& n) {
    // Each expression's nesting is bounded by the parser; this bounds the
    // total through nested saved segments, so later stages' recursion is too.
    if (depth_ >= kMaxTotalNesting) {
      return ErrorAt(n.position,
                     fmt::format("expression (with its saved segments) nested more than {} levels deep",
                                 kMaxTotalNesting));
    }
    ++depth_;
    Result<BoundExpr> r = BindNodeInner(n);
    --depth_;
    return r;
  }

  // The tags and segments bound so far, sorted (the sets keep them so).
  SegmentReferences TakeReferences() {
    return SegmentReferences{{tags_used_.begin(), tags_used_.end()},
                             {segments_used_.begin(), segments_used_.end()}};
  }

 private:
  static constexpr int kMaxTotalNesting = 2 * kMaxNesting;

  Result<BoundExpr> BindNodeInner(const Node& n) {
    BoundExpr out;
    switch (n.kind) {
      case NodeKind::kOr:
      case NodeKind::kAnd:
      case NodeKind::kNot: {
        out.kind = n.kind == NodeKind::kOr    ? BoundKind::kOr
                   : n.kind == NodeKind::kAnd ? BoundKind::kAnd
                                              : BoundKind::kNot;
        for (const Node& c : n.children) {
          TAGLOOP_ASSIGN_OR_RETURN(BoundExpr b, BindNode(c));
          out.children.push_back(std::move(b));
        }
        return out;
      }
      case NodeKind::kAll: out.kind = BoundKind::kAll; return out;
      case NodeKind::kSegment: return BindSegment(n);
      default: break;
    }
    out.kind = BoundKind::kPredicate;
    TAGLOOP_ASSIGN_OR_RETURN(out.predicate, BindPredicate(n));
    return out;
  }

  Result<BoundExpr> BindSegment(const Node& n) {
    const std::string& name = n.segment_name;
    const size_t pos = n.position;
    if (!options_.segments) {
      return ErrorAt(pos, fmt::format("unknown segment '{}' (no saved segments are available)", name));
    }
    if (std::find(stack_.begin(), stack_.end(), name) != stack_.end()) {
      std::string path;
      for (const auto& s : stack_) path += s + " -> ";
      return ErrorAt(pos, fmt::format("segment '{}' refers to itself ({}{})", name, path, name))
          .With(ErrorReason::kSegmentCycle, {{"segment", name}});
    }
    if (static_cast<int>(stack_.size()) >= kMaxSegmentDepth) {
      return ErrorAt(pos, fmt::format("segments nested more than {} deep", kMaxSegmentDepth));
    }
    auto unknown = [&]() {
      std::vector<std::string> names = options_.segments->Names();
      std::vector<std::string_view> views(names.begin(), names.end());
      Status::ReasonArgs args = {{"segment", name}, {"available", std::to_string(names.size())}};
      if (auto near = ClosestName(name, views)) args.emplace_back("suggestion", *near);
      return Status::InvalidArgument(
                 fmt::format("unknown segment '{}' at position {}{}", name, pos, DidYouMean(name, views)), pos)
          .With(ErrorReason::kUnknownSegment, std::move(args));
    };
    // A frozen segment is a fixed set of users: a leaf, whatever its source
    // expression read when it was frozen.
    Result<std::optional<FrozenMembers>> frozen =
        options_.segments->MembersOf(name, options_.as_of, options_.open_versions);
    if (!frozen.ok()) {
      if (frozen.status().code() == Status::Code::kNotFound) return unknown();
      return frozen.status();
    }
    if (frozen->has_value()) {
      segments_used_.insert(name);
      BoundExpr leaf;
      leaf.kind = BoundKind::kMembers;
      leaf.members.segment = name;
      leaf.members.kind = (*frozen)->kind;
      leaf.members.version = (*frozen)->version;
      leaf.members.members = std::move((*frozen)->members);
      leaf.members.position = pos;
      leaf.from_segment = name;
      return leaf;
    }
    Result<std::string> text = options_.segments->ExpressionOf(name);
    if (!text.ok()) {
      if (text.status().code() != Status::Code::kNotFound) return text.status();
      return unknown();
    }
    auto wrap = [&](const Status& inner) {
      if (inner.code() == Status::Code::kPermissionDenied) {
        return inner.WithPrefix(fmt::format("in segment '{}' at position {}", name, pos));
      }
      if (inner.code() != Status::Code::kInvalidArgument) return inner;
      // The inner reason stays: a client names what is wrong inside the segment.
      return Status::InvalidArgument(
                 fmt::format("in segment '{}' at position {}: {}", name, pos, inner.message()), pos)
          .With(inner.reason(), inner.reason_args());
    };
    segments_used_.insert(name);
    Result<Node> parsed = Parse(*text);
    if (!parsed.ok()) return wrap(parsed.status());
    stack_.push_back(name);
    Result<BoundExpr> bound = BindNode(*parsed);
    stack_.pop_back();
    if (!bound.ok()) return wrap(bound.status());
    bound->from_segment = name;
    return bound;
  }

  Result<BoundTag> BindTag(const TagRef& ref) {
    const TagInfo* info = snap_.FindTag(ref.name);
    if (!info) {
      std::vector<std::string_view> names;
      names.reserve(snap_.tags().size());
      for (const auto& [tag_name, _] : snap_.tags()) names.push_back(tag_name);
      Status::ReasonArgs args = {{"tag", ref.name}};
      if (auto near = ClosestName(ref.name, names)) args.emplace_back("suggestion", *near);
      return Status::InvalidArgument(fmt::format("unknown tag '{}' at position {}{}", ref.name, ref.position,
                                                 DidYouMean(ref.name, names)),
                                     ref.position)
          .With(ErrorReason::kUnknownTag, std::move(args));
    }
    TAGLOOP_RETURN_IF_ERROR(CheckAccess(ref));
    tags_used_.insert(ref.name);
    BoundTag tag;
    tag.name = ref.name;
    tag.type = info->type;
    tag.position = ref.position;
    tag.as_of = options_.as_of;
    if (ref.version_date) {
      Result<Days> d = ParseDate(*ref.version_date);
      if (!d.ok()) {
        return ErrorAt(ref.version_position,
                       fmt::format("bad version date after '{}@': {}", ref.name, d.status().message()));
      }
      tag.as_of = *d;
      tag.explicit_version = true;
    }
    if (!options_.open_versions) return tag;
    auto key = std::make_pair(tag.name, tag.as_of);
    auto it = versions_.find(key);
    if (it == versions_.end()) {
      const VersionInfo* v = info->VersionAsOf(tag.as_of);
      std::shared_ptr<const TagVersion> opened;
      if (v) {
        auto r = snap_.OpenVersion(*info, *v);
        if (!r.ok()) return r.status();
        opened = std::move(*r);
      }
      it = versions_.emplace(key, std::move(opened)).first;
    }
    tag.version = it->second;
    return tag;
  }

  // The TagAccess hook, asked once per tag name; a refusal becomes an
  // InvalidArgument at this reference.
  Status CheckAccess(const TagRef& ref) {
    if (!options_.tag_access || allowed_.count(ref.name)) return Status::Ok();
    Status st = options_.tag_access->Check(ref.name);
    // A refusal by the caller's role stays one (an HTTP 403, not a 400).
    if (st.code() == Status::Code::kPermissionDenied) {
      return Status::PermissionDenied(fmt::format("{} at position {}", st.message(), ref.position), ref.position)
          .With(st.reason(), st.reason_args());
    }
    if (!st.ok()) return ErrorAt(ref.position, st.message()).With(st.reason(), st.reason_args());
    allowed_.insert(ref.name);
    return Status::Ok();
  }

  // A literal as the stored value of a bool/enum/set tag.
  Result<std::string> CategoricalValue(const BoundTag& tag, const Literal& l) {
    if (tag.type.kind == TagKind::kBool) {
      if (l.kind == LiteralKind::kTrue) return std::string("true");
      if (l.kind == LiteralKind::kFalse) return std::string("false");
      if (l.kind == LiteralKind::kDaysAgo) return TypeMismatch(tag, l);
      Result<bool> b = ParseBoolValue(l.text);
      if (!b.ok()) return BadLiteral(tag, l, b.status());
      return std::string(*b ? "true" : "false");
    }
    // enum/set values are text; a number stands for its text as written.
    if (l.kind == LiteralKind::kString || l.kind == LiteralKind::kNumber) return l.text;
    return TypeMismatch(tag, l);
  }

  // A literal for an int/decimal/date tag, placed exactly on the tag's
  // scale (numeric_literal.h): int and decimal literals may fall between two
  // values the tag can hold; dates and DAYS_AGO(n) are always exact.
  Result<ScaledLiteral> NumericValue(const BoundTag& tag, const Literal& l) {
    if (l.kind == LiteralKind::kDaysAgo) {
      if (tag.type.kind != TagKind::kDate) return TypeMismatch(tag, l);
      Result<int64_t> n = ParseIntValue(l.text);
      static const int64_t kFirst = DaysFromCivil(1, 1, 1), kLast = DaysFromCivil(9999, 12, 31);
      if (!n.ok() || *n < kFirst - kLast || *n > kLast - kFirst || options_.as_of - *n < kFirst ||
          options_.as_of - *n > kLast) {
        return ErrorAt(l.position, fmt::format("DAYS_AGO({}) is outside the years 0001-9999", l.text));
      }
      return ScaledLiteral{static_cast<int64_t>(options_.as_of) - *n, true};
    }
    if (l.kind != LiteralKind::kString && l.kind != LiteralKind::kNumber) return TypeMismatch(tag, l);
    Result<ScaledLiteral> v = ScaleNumericLiteral(tag.type, l.text);
    if (!v.ok()) return BadLiteral(tag, l, v.status());
    return *v;
  }

  Status TypeMismatch(const BoundTag& tag, const Literal& l) {
    return ErrorAt(l.position, fmt::format("type error: tag '{}' is {}, it cannot be compared with {}",
                                           tag.name, tag.type.ToString(), LiteralKindName(l.kind)))
        .With(ErrorReason::kTypeMismatch,
              {{"tag", tag.name}, {"type", tag.type.ToString()}, {"literal", std::string(LiteralKindName(l.kind))}});
  }
  Status BadLiteral(const BoundTag& tag, const Literal& l, const Status& why) {
    return ErrorAt(l.position, fmt::format("type error: {} for tag '{}' ({})", why.message(), tag.name,
                                           tag.type.ToString()));
  }

  // The literals of IN, NOT IN and CONTAINS as stored values, each once, in
  // the order written. A numeric literal no value of the tag can equal (1.5
  // on an int tag) is left out: IN matches nobody for it, NOT IN excludes
  // nobody for it, so the list may end up empty.
  Status ConvertList(BoundPredicate& p, const std::vector<Literal>& literals) {
    for (const Literal& l : literals) {
      if (p.tag.type.is_numeric()) {
        TAGLOOP_ASSIGN_OR_RETURN(ScaledLiteral v, NumericValue(p.tag, l));
        if (v.exact) p.numbers.push_back(static_cast<int64_t>(v.floor));
      } else {
        TAGLOOP_ASSIGN_OR_RETURN(std::string v, CategoricalValue(p.tag, l));
        p.values.push_back(std::move(v));
      }
    }
    KeepFirstOfEach(p.numbers);
    KeepFirstOfEach(p.values);
    return Status::Ok();
  }

  // t op x on a numeric tag, exactly. When x lies strictly between two
  // values the tag can hold, floor < x < floor + 1: t = x is nobody and
  // t != x everyone with a value (an empty IN and NOT IN); t < x and t <= x
  // are t <= floor; t > x and t >= x are t > floor. A floor below the 64-bit
  // range (x between INT64_MIN - 1 and INT64_MIN) gives t < INT64_MIN and
  // t >= INT64_MIN; a floor of INT64_MAX needs nothing special.
  Status BindNumericCompare(BoundPredicate& p, CompareOp op, const Literal& l) {
    TAGLOOP_ASSIGN_OR_RETURN(ScaledLiteral x, NumericValue(p.tag, l));
    p.kind = PredicateKind::kCompare;
    p.op = op;
    if (x.exact) {
      p.numbers.push_back(static_cast<int64_t>(x.floor));
      return Status::Ok();
    }
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min();
    const bool below_range = x.floor < kMin;
    switch (op) {
      case CompareOp::kEq: p.kind = PredicateKind::kIn; return Status::Ok();
      case CompareOp::kNe: p.kind = PredicateKind::kNotIn; return Status::Ok();
      case CompareOp::kLt:
      case CompareOp::kLe: p.op = below_range ? CompareOp::kLt : CompareOp::kLe; break;
      case CompareOp::kGt:
      case CompareOp::kGe: p.op = below_range ? CompareOp::kGe : CompareOp::kGt; break;
    }
    p.numbers.push_back(below_range ? kMin : static_cast<int64_t>(x.floor));
    return Status::Ok();
  }

  // [NOT] BETWEEN a AND b on a numeric tag, exactly: lo is the smallest
  // value the tag can hold >= a, hi the largest <= b (BETWEEN 1.5 AND 4 on
  // an int tag is 2..4). A bound beyond the 64-bit range leaves no value in
  // the range, written as lo > hi (as BETWEEN 5 AND 1 is).
  Status BindNumericBetween(BoundPredicate& p, const Literal& a, const Literal& b) {
    TAGLOOP_ASSIGN_OR_RETURN(ScaledLiteral from, NumericValue(p.tag, a));
    TAGLOOP_ASSIGN_OR_RETURN(ScaledLiteral to, NumericValue(p.tag, b));
    const __int128 lo = from.exact ? from.floor : from.floor + 1, hi = to.floor;
    constexpr int64_t kMin = std::numeric_limits<int64_t>::min(), kMax = std::numeric_limits<int64_t>::max();
    if (lo > kMax || hi < kMin) {
      p.numbers = {kMax, kMin};
    } else {
      p.numbers = {static_cast<int64_t>(lo), static_cast<int64_t>(hi)};
    }
    return Status::Ok();
  }

  Result<BoundPredicate> BindPredicate(const Node& n) {
    BoundPredicate p;
    TAGLOOP_ASSIGN_OR_RETURN(p.tag, BindTag(n.tag));
    const TagType& type = p.tag.type;
    const std::string& name = p.tag.name;
    switch (n.kind) {
      case NodeKind::kBareTag:
        if (type.kind != TagKind::kBool) {
          return ErrorAt(n.position,
                         fmt::format("type error: tag '{}' is {}; only a bool tag can stand alone "
                                     "(compare it, e.g. {} IS NOT NULL)",
                                     name, type.ToString(), name))
              .With(ErrorReason::kNotABoolTag, {{"tag", name}, {"type", type.ToString()}});
        }
        p.kind = PredicateKind::kCompare;
        p.values.push_back("true");
        return p;
      case NodeKind::kCompare:
        if (n.op != CompareOp::kEq && n.op != CompareOp::kNe && !type.is_numeric()) {
          return ErrorAt(n.position,
                         fmt::format("type error: '{}' needs an int, decimal or date tag; '{}' is {}",
                                     CompareOpText(n.op), name, type.ToString()))
              .With(ErrorReason::kNeedsOrderedTag,
                    {{"operator", std::string(CompareOpText(n.op))}, {"tag", name}, {"type", type.ToString()}});
        }
        if (type.is_numeric()) {
          TAGLOOP_RETURN_IF_ERROR(BindNumericCompare(p, n.op, n.literals.at(0)));
          return p;
        }
        p.kind = PredicateKind::kCompare;
        p.op = n.op;
        TAGLOOP_RETURN_IF_ERROR(ConvertList(p, n.literals));  // the one value
        return p;
      case NodeKind::kIn:
        p.kind = n.negated ? PredicateKind::kNotIn : PredicateKind::kIn;
        TAGLOOP_RETURN_IF_ERROR(ConvertList(p, n.literals));
        return p;
      case NodeKind::kBetween:
        if (!type.is_numeric()) {
          return ErrorAt(n.position,
                         fmt::format("type error: BETWEEN needs an int, decimal or date tag; '{}' is {}",
                                     name, type.ToString()))
              .With(ErrorReason::kNeedsOrderedTag, {{"operator", "BETWEEN"}, {"tag", name}, {"type", type.ToString()}});
        }
        p.kind = n.negated ? PredicateKind::kNotBetween : PredicateKind::kBetween;
        TAGLOOP_RETURN_IF_ERROR(BindNumericBetween(p, n.literals.at(0), n.literals.at(1)));
        return p;
      case NodeKind::kIsNull:
        p.kind = n.negated ? PredicateKind::kIsNotNull : PredicateKind::kIsNull;
        return p;
      case NodeKind::kContains:
        if (type.kind != TagKind::kSet) {
          return ErrorAt(n.position, fmt::format("type error: CONTAINS needs a set tag; '{}' is {}", name,
                                                 type.ToString()))
              .With(ErrorReason::kNeedsSetTag, {{"tag", name}, {"type", type.ToString()}});
        }
        p.kind = n.contains_all ? PredicateKind::kContainsAll : PredicateKind::kIn;
        TAGLOOP_RETURN_IF_ERROR(ConvertList(p, n.literals));
        return p;
      default: break;
    }
    return Status::Internal("binder: not a predicate");
  }

  const Snapshot& snap_;
  const BindOptions& options_;
  std::vector<std::string> stack_;  // saved segments being expanded
  int depth_ = 0;
  std::map<std::pair<std::string, Days>, std::shared_ptr<const TagVersion>> versions_;
  std::set<std::string, std::less<>> allowed_;  // tags the TagAccess hook accepted
  std::set<std::string, std::less<>> tags_used_, segments_used_;
};

}  // namespace

Result<BoundExpr> Bind(const Snapshot& snapshot, const Node& root, const BindOptions& options,
                       SegmentReferences* references) {
  Binder binder(snapshot, options);
  Result<BoundExpr> bound = binder.BindNode(root);
  if (bound.ok() && references) *references = binder.TakeReferences();
  return bound;
}

}  // namespace tagloop::segment
