#include "segment/binder.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <set>
#include <utility>

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
      return ErrorAt(pos, fmt::format("segment '{}' refers to itself ({}{})", name, path, name));
    }
    if (static_cast<int>(stack_.size()) >= kMaxSegmentDepth) {
      return ErrorAt(pos, fmt::format("segments nested more than {} deep", kMaxSegmentDepth));
    }
    auto unknown = [&]() {
      std::vector<std::string> names = options_.segments->Names();
      std::vector<std::string_view> views(names.begin(), names.end());
      return Status::InvalidArgument(
          fmt::format("unknown segment '{}' at position {}{}", name, pos, DidYouMean(name, views)), pos);
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
      return Status::InvalidArgument(
          fmt::format("in segment '{}' at position {}: {}", name, pos, inner.message()), pos);
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
      return Status::InvalidArgument(fmt::format("unknown tag '{}' at position {}{}", ref.name, ref.position,
                                                 DidYouMean(ref.name, names)),
                                     ref.position);
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
      return Status::PermissionDenied(fmt::format("{} at position {}", st.message(), ref.position));
    }
    if (!st.ok()) return ErrorAt(ref.position, st.message());
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

  // A literal as the stored int64 of an int/decimal/date tag.
  Result<int64_t> NumericValue(const BoundTag& tag, const Literal& l) {
    if (l.kind == LiteralKind::kDaysAgo) {
      if (tag.type.kind != TagKind::kDate) return TypeMismatch(tag, l);
      Result<int64_t> n = ParseIntValue(l.text);
      static const int64_t kFirst = DaysFromCivil(1, 1, 1), kLast = DaysFromCivil(9999, 12, 31);
      if (!n.ok() || *n < kFirst - kLast || *n > kLast - kFirst || options_.as_of - *n < kFirst ||
          options_.as_of - *n > kLast) {
        return ErrorAt(l.position, fmt::format("DAYS_AGO({}) is outside the years 0001-9999", l.text));
      }
      return static_cast<int64_t>(options_.as_of) - *n;
    }
    if (l.kind != LiteralKind::kString && l.kind != LiteralKind::kNumber) return TypeMismatch(tag, l);
    Result<int64_t> v = ParseNumericValue(tag.type, l.text);
    if (!v.ok()) return BadLiteral(tag, l, v.status());
    return *v;
  }

  Status TypeMismatch(const BoundTag& tag, const Literal& l) {
    return ErrorAt(l.position, fmt::format("type error: tag '{}' is {}, it cannot be compared with {}",
                                           tag.name, tag.type.ToString(), LiteralKindName(l.kind)));
  }
  Status BadLiteral(const BoundTag& tag, const Literal& l, const Status& why) {
    return ErrorAt(l.position, fmt::format("type error: {} for tag '{}' ({})", why.message(), tag.name,
                                           tag.type.ToString()));
  }

  Status ConvertAll(BoundPredicate& p, const std::vector<Literal>& literals, bool keep_duplicates) {
    for (const Literal& l : literals) {
      if (p.tag.type.is_numeric()) {
        TAGLOOP_ASSIGN_OR_RETURN(int64_t v, NumericValue(p.tag, l));
        if (keep_duplicates || std::find(p.numbers.begin(), p.numbers.end(), v) == p.numbers.end()) {
          p.numbers.push_back(v);
        }
      } else {
        TAGLOOP_ASSIGN_OR_RETURN(std::string v, CategoricalValue(p.tag, l));
        if (std::find(p.values.begin(), p.values.end(), v) == p.values.end())
          p.values.push_back(std::move(v));
      }
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
                                     name, type.ToString(), name));
        }
        p.kind = PredicateKind::kCompare;
        p.values.push_back("true");
        return p;
      case NodeKind::kCompare:
        if (n.op != CompareOp::kEq && n.op != CompareOp::kNe && !type.is_numeric()) {
          return ErrorAt(n.position,
                         fmt::format("type error: '{}' needs an int, decimal or date tag; '{}' is {}",
                                     CompareOpText(n.op), name, type.ToString()));
        }
        p.kind = PredicateKind::kCompare;
        p.op = n.op;
        TAGLOOP_RETURN_IF_ERROR(ConvertAll(p, n.literals, false));
        return p;
      case NodeKind::kIn:
        p.kind = n.negated ? PredicateKind::kNotIn : PredicateKind::kIn;
        TAGLOOP_RETURN_IF_ERROR(ConvertAll(p, n.literals, false));
        return p;
      case NodeKind::kBetween:
        if (!type.is_numeric()) {
          return ErrorAt(n.position,
                         fmt::format("type error: BETWEEN needs an int, decimal or date tag; '{}' is {}",
                                     name, type.ToString()));
        }
        p.kind = n.negated ? PredicateKind::kNotBetween : PredicateKind::kBetween;
        TAGLOOP_RETURN_IF_ERROR(ConvertAll(p, n.literals, true));
        return p;
      case NodeKind::kIsNull:
        p.kind = n.negated ? PredicateKind::kIsNotNull : PredicateKind::kIsNull;
        return p;
      case NodeKind::kContains:
        if (type.kind != TagKind::kSet) {
          return ErrorAt(n.position, fmt::format("type error: CONTAINS needs a set tag; '{}' is {}", name,
                                                 type.ToString()));
        }
        p.kind = n.contains_all ? PredicateKind::kContainsAll : PredicateKind::kIn;
        TAGLOOP_RETURN_IF_ERROR(ConvertAll(p, n.literals, false));
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
