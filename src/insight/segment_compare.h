// Comparing segments with each other and with themselves over time:
//   - Overlap of 2..16 segments: sizes, the pairwise intersection matrix,
//     the union, each segment's exclusive part, and (up to 8 segments) every
//     region of the Venn diagram (users in exactly these segments).
//   - History: a segment's size as of each day of a date range.
//   - Diff: who entered and who left between two dates.
// Thread-safe; functions take evaluated bitmaps or expressions and a Snapshot.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "core/bitmap.h"
#include "core/date.h"
#include "core/status.h"
#include "segment/segment.h"
#include "store/tag_store.h"

namespace tagloop {

inline constexpr size_t kMaxOverlapSegments = 16;
inline constexpr size_t kMaxVennSegments = 8;

struct OverlapRegion {
  uint32_t members = 0;  // bit i: in segment i; users in exactly these segments
  uint64_t users = 0;
};

struct Overlap {
  std::vector<uint64_t> sizes;
  std::vector<std::vector<uint64_t>> intersections;  // [i][j] = |S_i ∩ S_j|; [i][i] = |S_i|
  uint64_t union_users = 0;
  uint64_t common_users = 0;                // in every segment
  std::vector<uint64_t> exclusive;          // in S_i and no other
  std::vector<OverlapRegion> regions;       // non-empty ones, when at most kMaxVennSegments
};

// InvalidArgument for fewer than 2 or more than kMaxOverlapSegments segments.
[[nodiscard]] Result<Overlap> ComputeOverlap(std::span<const roaring_bitmap_t* const> segments);

struct HistoryPoint {
  Days date = 0;
  uint64_t users = 0;
};

inline constexpr int kMaxHistoryDays = 731;

// The size of `expr` as of each day in [from, to] (every `step` days),
// evaluated with `options` (its as_of is replaced per day). InvalidArgument
// for an empty or too long range (more than kMaxHistoryDays points); the
// expression's errors as CountSegment gives them. Days run on `threads` threads.
[[nodiscard]] Result<std::vector<HistoryPoint>> SegmentHistory(const Snapshot& snapshot, std::string_view expr,
                                                               SegmentQueryOptions options, Days from, Days to,
                                                               int step = 1, unsigned threads = 2);

struct SegmentDiff {
  Bitmap entered;  // in the segment at `to`, not at `from`
  Bitmap left;     // at `from`, not at `to`
  uint64_t from_users = 0, to_users = 0, stayed = 0;
};

// Evaluates `expr` as of both dates and compares.
[[nodiscard]] Result<SegmentDiff> DiffSegment(const Snapshot& snapshot, std::string_view expr,
                                              SegmentQueryOptions options, Days from, Days to);

}  // namespace tagloop
