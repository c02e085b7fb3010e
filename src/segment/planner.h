// Stage 4 of the segment language: bound tree -> SegmentPlan.
//
// Lowers each predicate to set algebra following the SPEC's two-valued
// rules (t != v = exists(t) minus users of v; t NOT IN (...) = exists minus
// the union; t IS NULL = universe minus exists; CONTAINS ALL = intersection;
// NOT BETWEEN = exists minus BETWEEN), then rewrites:
//   - AND/OR chains are flattened into n-ary nodes;
//   - `x AND NOT y` becomes x ANDNOT y; NOT under OR is turned around by De
//     Morgan (a OR NOT b = NOT (b ANDNOT a)), so the universe is complemented
//     at most where it must be (a NOT at the top of the plan);
//   - ALL, values nobody has, tags without a version, empty ranges fold away;
//   - AND children run cheapest (smallest estimated) first, so the running
//     intersection shrinks fast and an empty one stops the evaluation.
// Estimates come from stored cardinalities only; no bitmap is read.
// When the universe has holes (deleted users) the root is intersected with it.
//
// Thread-safe; the plan borrows from `snapshot` (see plan.h).
#pragma once

#include "segment/bound.h"
#include "segment/plan.h"
#include "store/tag_store.h"

namespace tagloop::segment {

SegmentPlan PlanSegment(const Snapshot& snapshot, const BoundExpr& bound);

}  // namespace tagloop::segment
