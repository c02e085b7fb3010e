// A segment plan: set algebra over stored bitmaps and BSI comparisons,
// relative to the universe, ready for the executor. Built by the planner
// (planner.h), printed by ExplainPlan.
//
// A plan borrows bitmaps from the TagVersions it pins and from the Snapshot
// (the universe): it must not outlive that Snapshot. Immutable once built;
// several threads may execute one plan at a time.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "core/bitmap.h"
#include "core/bsi.h"
#include "segment/references.h"
#include "store/tag_version.h"

namespace tagloop::segment {

enum class PlanOp : uint8_t {
  kEmpty,       // nobody
  kUniverse,    // everybody
  kStored,      // `bitmap`, a stored bitmap (a value's users, a tag's `exists`, the universe,
                //   a frozen segment's members)
  kBsiCompare,  // users with v `cmp` lo
  kBsiBetween,  // users with lo <= v <= hi
  kAnd,         // (the intersection of `children`, or the universe if none) minus each of `excluded`
  kOr,          // the union of `children`
};

struct PlanNode {
  PlanOp op = PlanOp::kEmpty;
  const roaring_bitmap_t* bitmap = nullptr;  // kStored
  BsiView bsi;                               // kBsi*
  CompareOp cmp = CompareOp::kEq;            // kBsiCompare
  int64_t lo = 0, hi = 0;                    // kBsiCompare: lo; kBsiBetween: [lo, hi]
  std::vector<PlanNode> children;            // kAnd (in evaluation order), kOr
  std::vector<PlanNode> excluded;            // kAnd
  // Users the node yields, estimated without reading any bitmap: exact for
  // kStored (the stored cardinality), an upper bound or a guess otherwise.
  uint64_t estimate = 0;
  bool exact = false;
  std::string label;  // for ExplainPlan: "city = '上海'", "age@2026-01-01 >= 30"

  // kAnd with no children: the universe minus the excluded (a complement).
  bool is_complement() const { return op == PlanOp::kAnd && children.empty(); }
};

struct SegmentPlan {
  PlanNode root;
  const roaring_bitmap_t* universe = nullptr;
  uint64_t universe_size = 0;
  // True when the universe is exactly the dense ids [0, user_count): every
  // stored bitmap is then inside it, and the executor never needs to
  // intersect with it.
  bool universe_is_dense = true;
  // Keeps the versions whose bitmaps the plan borrows mapped.
  std::vector<std::shared_ptr<const TagVersion>> versions;
  // Keeps the frozen segments' member sets the plan borrows alive (as
  // loaded, or trimmed to the universe's ids when they reach beyond it).
  std::vector<std::shared_ptr<const Bitmap>> members;
  // The tags and saved segments the expression reads (also those whose
  // nodes folded away), so a caller can record usage without parsing again.
  // Filled by tagloop::PlanSegment (segment.h); empty when a plan is made
  // from a bound tree directly (segment::PlanSegment).
  SegmentReferences references;
};

// Node constructors.
PlanNode MakeLeaf(PlanOp op, std::string label, uint64_t estimate, bool exact);
PlanNode MakeNary(PlanOp op, std::vector<PlanNode> children);  // kAnd / kOr
PlanNode MakeComplement(PlanNode x);                           // the universe minus x

// A human-readable tree, one node per line, with estimates.
std::string ExplainPlan(const SegmentPlan& plan);

}  // namespace tagloop::segment
