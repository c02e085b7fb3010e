// The syntax tree of a segment expression, as written: names and literals
// are still text (the binder resolves and converts them). Every node keeps
// the byte position of its first token for error messages.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/bsi.h"  // CompareOp

namespace tagloop::segment {

enum class LiteralKind : uint8_t {
  kString,  // text = the unescaped value
  kNumber,  // text = the number as written ("-12", "3.50")
  kTrue,
  kFalse,
  kDaysAgo,  // text = the argument as written ("30")
};

struct Literal {
  LiteralKind kind = LiteralKind::kString;
  std::string text;
  size_t position = 0;
  bool operator==(const Literal&) const = default;
};

// name [ '@' date ]
struct TagRef {
  std::string name;
  size_t position = 0;
  std::optional<std::string> version_date;  // as written after '@'
  size_t version_position = 0;
  bool operator==(const TagRef&) const = default;
};

enum class NodeKind : uint8_t {
  kOr,        // children: 2 or more
  kAnd,       // children: 2 or more
  kNot,       // children: exactly 1
  kAll,       // ALL
  kSegment,   // SEGMENT('name'): segment_name
  kBareTag,   // tag (a bool tag that is true)
  kCompare,   // tag op literal: op, literals[0]
  kIn,        // tag [NOT] IN (literals...): negated
  kBetween,   // tag [NOT] BETWEEN literals[0] AND literals[1]: negated
  kIsNull,    // tag IS [NOT] NULL: negated
  kContains,  // tag CONTAINS ANY|ALL (literals...): contains_all
};

struct Node {
  NodeKind kind = NodeKind::kAll;
  size_t position = 0;
  std::vector<Node> children;
  TagRef tag;
  CompareOp op = CompareOp::kEq;
  bool negated = false;
  bool contains_all = false;
  std::vector<Literal> literals;
  std::string segment_name;
  size_t segment_name_position = 0;
  bool operator==(const Node&) const = default;
};

// Canonical text of a tree: upper-case keywords, one pair of parentheses
// around every AND/OR group, strings re-escaped. Parsing it gives back the
// same tree (positions aside), which the tests and the fuzzer check.
std::string ToString(const Node& node);
std::string ToString(const Literal& literal);
// "=", "!=", "<", "<=", ">", ">=".
const char* CompareOpText(CompareOp op);

}  // namespace tagloop::segment
