// Stage 5 of the segment language: runs a SegmentPlan on bitmaps.
//
// Stored bitmaps are never copied unless the result is exactly one of them:
// operations read them in place (roaring_bitmap_and, or_many over pointers)
// and only intermediate results are owned. The count path never builds the
// final set: its last step is and_/andnot_/or_cardinality, and the count of
// a complement is universe_size minus the count of what it excludes.
// An AND stops as soon as its running intersection is empty.
//
// Without a deadline neither function fails (the plan's bitmaps were
// validated when their files were opened). With one, a single huge plan (an
// OR of thousands of values, a long AND of ranges) stops once it has passed.
// Thread-safe: a plan may be executed by several threads.
#pragma once

#include <cstdint>
#include <string_view>

#include "core/bitmap.h"
#include "core/deadline.h"
#include "core/status.h"
#include "segment/plan.h"

namespace tagloop::segment {

// How many steps (a node evaluated, a child intersected or subtracted, a
// range predicate) run between two looks at a deadline: a look reads the
// clock, a step costs at least one bitmap operation.
inline constexpr uint32_t kDeadlineCheckInterval = 16;

// The number of users in the plan's set.
uint64_t CountPlan(const SegmentPlan& plan);
// The plan's set of users (dense ids), inside the universe.
Bitmap EvaluatePlan(const SegmentPlan& plan);

// The same under `deadline` (null: none). The executor looks at it at its
// first step and every kDeadlineCheckInterval steps inside its loops over a
// node's children and range predicates; once it has passed, the remaining
// steps are skipped and the answer is the deadline's Unavailable status
// (reason query_deadline) saying `what` was running ("counting the segment").
Result<uint64_t> CountPlan(const SegmentPlan& plan, const Deadline* deadline, std::string_view what);
Result<Bitmap> EvaluatePlan(const SegmentPlan& plan, const Deadline* deadline, std::string_view what);

}  // namespace tagloop::segment
