#include "insight/segment_compare.h"

#include <fmt/format.h>

#include <atomic>
#include <bit>

#include "core/parallel.h"

namespace tagloop {

Result<Overlap> ComputeOverlap(std::span<const roaring_bitmap_t* const> segments) {
  const size_t n = segments.size();
  if (n < 2 || n > kMaxOverlapSegments) {
    return Status::InvalidArgument(
        fmt::format("overlap takes 2 to {} segments, got {}", kMaxOverlapSegments, n));
  }
  Overlap out;
  out.sizes.resize(n);
  out.intersections.assign(n, std::vector<uint64_t>(n, 0));
  for (size_t i = 0; i < n; ++i) {
    out.sizes[i] = roaring_bitmap_get_cardinality(segments[i]);
    out.intersections[i][i] = out.sizes[i];
    for (size_t j = i + 1; j < n; ++j) {
      out.intersections[i][j] = out.intersections[j][i] = roaring_bitmap_and_cardinality(segments[i], segments[j]);
    }
  }
  Bitmap all = Bitmap(roaring_bitmap_or_many(n, const_cast<const roaring_bitmap_t**>(segments.data())));
  out.union_users = all.cardinality();
  Bitmap common = Bitmap::Copy(segments[0]);
  for (size_t i = 1; i < n; ++i) roaring_bitmap_and_inplace(common.get(), segments[i]);
  out.common_users = common.cardinality();
  out.exclusive.resize(n);
  for (size_t i = 0; i < n; ++i) {
    std::vector<const roaring_bitmap_t*> others;
    for (size_t j = 0; j < n; ++j) {
      if (j != i) others.push_back(segments[j]);
    }
    Bitmap rest = Bitmap(roaring_bitmap_or_many(others.size(), others.data()));
    out.exclusive[i] = roaring_bitmap_andnot_cardinality(segments[i], rest.get());
  }
  if (n <= kMaxVennSegments) {
    // |∩ of T| for every non-empty subset T, each built from T minus its
    // highest member; then users in exactly M = Σ over T ⊇ M of
    // (-1)^{|T|-|M|} |∩ T| (inclusion-exclusion).
    const uint32_t subsets = 1u << n;
    std::vector<uint64_t> inter(subsets, 0);
    std::vector<Bitmap> sets(subsets);
    for (uint32_t t = 1; t < subsets; ++t) {
      int high = 31 - std::countl_zero(t);
      uint32_t rest = t & ~(1u << high);
      if (rest == 0) {
        inter[t] = out.sizes[high];
        if (t < subsets / 2) sets[t] = Bitmap::Copy(segments[high]);
        continue;
      }
      if (inter[rest] == 0) continue;  // an empty intersection stays empty
      if (t < subsets / 2) {
        sets[t] = Bitmap(roaring_bitmap_and(sets[rest].get(), segments[high]));
        inter[t] = sets[t].cardinality();
      } else {
        inter[t] = roaring_bitmap_and_cardinality(sets[rest].get(), segments[high]);
      }
    }
    for (uint32_t m = 1; m < subsets; ++m) {
      __int128 exact = 0;
      for (uint32_t t = m;; t = (t + 1) | m) {
        int extra = std::popcount(t) - std::popcount(m);
        exact += (extra % 2 ? -1 : 1) * static_cast<__int128>(inter[t]);
        if (t == subsets - 1) break;
      }
      if (exact > 0) out.regions.push_back({m, static_cast<uint64_t>(exact)});
    }
  }
  return out;
}

Result<std::vector<HistoryPoint>> SegmentHistory(const Snapshot& snapshot, std::string_view expr,
                                                 SegmentQueryOptions options, Days from, Days to, int step,
                                                 unsigned threads) {
  if (step < 1) return Status::InvalidArgument("the step must be at least 1 day");
  if (to < from) return Status::InvalidArgument("'from' is after 'to'");
  const int64_t points = (int64_t{to} - from) / step + 1;
  if (points > kMaxHistoryDays) {
    return Status::InvalidArgument(
        fmt::format("a history has at most {} points; this one would have {}", kMaxHistoryDays, points));
  }
  // Bind once up front so an error is reported before any work.
  options.as_of = to;
  TAGLOOP_RETURN_IF_ERROR(ValidateSegment(snapshot, expr, options));
  std::vector<HistoryPoint> out(static_cast<size_t>(points));
  std::vector<Status> errors(out.size());
  ParallelFor(threads, out.size(), [&](size_t i) {
    SegmentQueryOptions day = options;
    day.as_of = static_cast<Days>(from + static_cast<int64_t>(i) * step);
    out[i].date = day.as_of;
    auto n = CountSegment(snapshot, expr, day);
    if (n.ok()) {
      out[i].users = *n;
    } else {
      errors[i] = n.status();
    }
  });
  for (Status& st : errors) TAGLOOP_RETURN_IF_ERROR(st);
  return out;
}

Result<SegmentDiff> DiffSegment(const Snapshot& snapshot, std::string_view expr, SegmentQueryOptions options,
                                Days from, Days to) {
  options.as_of = from;
  TAGLOOP_ASSIGN_OR_RETURN(Bitmap a, EvaluateSegment(snapshot, expr, options));
  options.as_of = to;
  TAGLOOP_ASSIGN_OR_RETURN(Bitmap b, EvaluateSegment(snapshot, expr, options));
  SegmentDiff out;
  out.from_users = a.cardinality();
  out.to_users = b.cardinality();
  out.stayed = roaring_bitmap_and_cardinality(a.get(), b.get());
  out.entered = Bitmap(roaring_bitmap_andnot(b.get(), a.get()));
  out.left = Bitmap(roaring_bitmap_andnot(a.get(), b.get()));
  return out;
}

}  // namespace tagloop
