#include "segment/ast.h"

#include "segment/quote.h"

namespace tagloop::segment {

namespace {

std::string TagText(const TagRef& t) {
  if (!t.version_date) return t.name;
  return t.name + "@" + QuoteString(*t.version_date);
}

std::string List(const std::vector<Literal>& ls) {
  std::string out = "(";
  for (size_t i = 0; i < ls.size(); ++i) {
    if (i) out += ", ";
    out += ToString(ls[i]);
  }
  return out + ")";
}

}  // namespace

const char* CompareOpText(CompareOp op) {
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

std::string ToString(const Literal& l) {
  switch (l.kind) {
    case LiteralKind::kString: return QuoteString(l.text);
    case LiteralKind::kNumber: return l.text;
    case LiteralKind::kTrue: return "TRUE";
    case LiteralKind::kFalse: return "FALSE";
    case LiteralKind::kDaysAgo: return "DAYS_AGO(" + l.text + ")";
  }
  return "?";
}

std::string ToString(const Node& n) {
  switch (n.kind) {
    case NodeKind::kOr:
    case NodeKind::kAnd: {
      std::string out = "(";
      for (size_t i = 0; i < n.children.size(); ++i) {
        if (i) out += n.kind == NodeKind::kOr ? " OR " : " AND ";
        out += ToString(n.children[i]);
      }
      return out + ")";
    }
    case NodeKind::kNot: return "NOT " + ToString(n.children.at(0));
    case NodeKind::kAll: return "ALL";
    case NodeKind::kSegment: return "SEGMENT(" + QuoteString(n.segment_name) + ")";
    case NodeKind::kBareTag: return TagText(n.tag);
    case NodeKind::kCompare:
      return TagText(n.tag) + " " + CompareOpText(n.op) + " " + ToString(n.literals.at(0));
    case NodeKind::kIn: return TagText(n.tag) + (n.negated ? " NOT IN " : " IN ") + List(n.literals);
    case NodeKind::kBetween:
      return TagText(n.tag) + (n.negated ? " NOT BETWEEN " : " BETWEEN ") + ToString(n.literals.at(0)) +
             " AND " + ToString(n.literals.at(1));
    case NodeKind::kIsNull: return TagText(n.tag) + (n.negated ? " IS NOT NULL" : " IS NULL");
    case NodeKind::kContains:
      return TagText(n.tag) + (n.contains_all ? " CONTAINS ALL " : " CONTAINS ANY ") + List(n.literals);
  }
  return "?";
}

}  // namespace tagloop::segment
