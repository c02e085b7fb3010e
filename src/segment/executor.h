// Stage 5 of the segment language: runs a SegmentPlan on bitmaps.
//
// Stored bitmaps are never copied unless the result is exactly one of them:
// operations read them in place (roaring_bitmap_and, or_many over pointers)
// and only intermediate results are owned. The count path never builds the
// final set: its last step is and_/andnot_/or_cardinality, and the count of
// a complement is universe_size minus the count of what it excludes.
// An AND stops as soon as its running intersection is empty.
//
// Neither function fails (the plan's bitmaps were validated when their files
// were opened). Thread-safe: a plan may be executed by several threads.
#pragma once

#include <cstdint>

#include "core/bitmap.h"
#include "segment/plan.h"

namespace tagloop::segment {

// The number of users in the plan's set.
uint64_t CountPlan(const SegmentPlan& plan);
// The plan's set of users (dense ids), inside the universe.
Bitmap EvaluatePlan(const SegmentPlan& plan);

}  // namespace tagloop::segment
