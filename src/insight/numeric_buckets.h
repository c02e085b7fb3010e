// Buckets for a numeric tag's values that a person would choose: round
// boundaries (steps of 1, 2 or 5 times a power of ten; calendar months or
// years for dates) spanning the bulk of the universe's values (its 1st to
// 99th percentile), with an open bucket below and above for the tails, so
// one outlier does not squeeze everyone into a single bucket.
//
// Values are in a tag's stored units (decimal scaled by 10^scale, dates in
// days since 1970-01-01). Pure functions, thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "core/tag_type.h"

namespace tagloop {

// Users with lo <= value < hi; an absent bound is open.
struct NumericBucket {
  std::optional<int64_t> lo, hi;
};

// About `target` buckets (at least 1) covering every value in [min, max],
// with boundaries chosen from [p01, p99] (min <= p01 <= p99 <= max).
std::vector<NumericBucket> ChooseNumericBuckets(const TagType& type, int64_t min, int64_t max, int64_t p01,
                                                int64_t p99, int target = 10);

// The index of the bucket holding `value` (buckets as returned above).
size_t BucketOf(std::span<const NumericBucket> buckets, int64_t value);

// "30 – 40", "< 30", ">= 90", "2026-10" (a calendar month), "2026" (a year).
std::string BucketLabel(const TagType& type, const NumericBucket& bucket);

// The condition for the bucket's users: "age >= 30 AND age < 40".
std::string BucketExpr(const TagType& type, std::string_view tag, const NumericBucket& bucket);

}  // namespace tagloop
