// Part of stage 4 (the planner): a bound tree -> plan nodes, one predicate
// at a time, following the SPEC's two-valued rules; no rewriting yet.
//   t = v            the users of v (numeric: BSI =)
//   t != v           exists(t) ANDNOT users of v (numeric: BSI !=)
//   t IN (...)       OR of the values; NOT IN: exists(t) ANDNOT each value
//   CONTAINS ALL     AND of the values
//   BETWEEN          BSI range (empty when lo > hi); NOT BETWEEN: exists ANDNOT range
//   IS NULL          the universe ANDNOT exists(t); IS NOT NULL: exists(t)
//   SEGMENT('x')     x frozen (snapshot/list/sql): its members, a stored leaf
//                    with its exact cardinality as the estimate
// A tag without a version (or a value nobody has) gives an empty leaf.
// Internal to src/segment; thread-safe.
#pragma once

#include "segment/bound.h"
#include "segment/plan.h"

namespace tagloop::segment {

// Lowers `bound`, adding the versions it borrows from to plan.versions
// (plan.universe_size must be set).
PlanNode LowerBound(const BoundExpr& bound, SegmentPlan& plan);

}  // namespace tagloop::segment
