// The bound tree: the syntax tree with every name resolved against one
// Snapshot, every tag reference pinned to the version in force, and every
// literal converted to the tag's representation. The planner's input.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/bitmap.h"
#include "core/bsi.h"
#include "core/date.h"
#include "core/tag_type.h"
#include "store/tag_version.h"

namespace tagloop::segment {

struct BoundTag {
  std::string name;
  TagType type;
  Days as_of = 0;                 // the date the version was chosen for
  bool explicit_version = false;  // written as name@date
  // The latest version on or before `as_of`; null when there is none, in
  // which case no user has a value (everyone is NULL for this tag).
  std::shared_ptr<const TagVersion> version;
  size_t position = 0;
};

enum class PredicateKind : uint8_t {
  kCompare,      // op, one value (categorical tags: kEq or kNe only)
  kIn,           // any of values (also CONTAINS ANY); none listed: nobody
  kNotIn,        // has a value, none of them in values (none listed: has a value)
  kContainsAll,  // set tags: every one of values
  kBetween,      // numbers = {lo, hi}
  kNotBetween,   // has a value outside [lo, hi]
  kIsNull,
  kIsNotNull,
};

struct BoundPredicate {
  PredicateKind kind = PredicateKind::kCompare;
  CompareOp op = CompareOp::kEq;
  BoundTag tag;
  // Categorical tags: the values as stored (bool: "true"/"false"), distinct,
  // in the order written. Numeric tags: `numbers` as stored (decimal scaled,
  // date as days), distinct except for BETWEEN's {lo, hi}. Numeric literals
  // are compared exactly, so a literal between two values the tag can hold
  // (1.5 on an int tag) is bound as an exact equivalent: left out of IN and
  // NOT IN lists (which may then be empty: IN nobody, NOT IN everyone with a
  // value), `t = 1.5` as an empty IN, `t != 1.5` as an empty NOT IN,
  // `t > 1.5` as `t > 1`, `t < 1.5` as `t <= 1`, BETWEEN's bounds rounded
  // inwards (an empty range has lo > hi).
  std::vector<std::string> values;
  std::vector<int64_t> numbers;
};

enum class BoundKind : uint8_t { kAll, kAnd, kOr, kNot, kPredicate, kMembers };

// The members of a frozen saved segment (SEGMENT('x') on a snapshot, list or
// sql segment): a fixed set of dense ids, read no tags.
struct BoundMembers {
  std::string segment;  // the saved segment's name
  std::string kind;     // "snapshot", "list", "sql"
  int version = 0;      // the version in force at the query's date
  // Null only in a tree bound without opening files (BindOptions::
  // open_versions false); may hold users deleted since it was stored.
  std::shared_ptr<const Bitmap> members;
  size_t position = 0;  // of SEGMENT(...) in the outermost text
};

struct BoundExpr {
  BoundKind kind = BoundKind::kAll;
  std::vector<BoundExpr> children;  // kAnd/kOr: 2+, kNot: 1
  BoundPredicate predicate;         // kPredicate
  BoundMembers members;             // kMembers
  std::string from_segment;         // set on the root of an expanded SEGMENT('x')
};

}  // namespace tagloop::segment
