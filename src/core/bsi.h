// Bit-sliced index (BSI) over Roaring bitmaps, for int/decimal/date tags.
//
// A user u with value v is in `exists`, and in slice i iff bit i of
// (v - base) is set, where base is the smallest value of the version. Range
// predicates cost O(number of slices) bitmap operations, whatever the number
// of users (O'Neil & Quass, "Improved query performance with variant indexes").
#pragma once

#include <cstdint>
#include <span>
#include <vector>

#include "core/bitmap.h"

namespace tagloop {

enum class CompareOp : uint8_t { kEq, kNe, kLt, kLe, kGt, kGe };

// A read-only BSI; the bitmaps are owned elsewhere (a mapped TagVersion).
struct BsiView {
  int64_t base = 0;
  const roaring_bitmap_t* exists = nullptr;
  std::span<const roaring_bitmap_t* const> slices;  // slices[i] = bit i
};

// Users with a value v such that `v op constant`. kNe: with a value other
// than it. With `within`, only users of that set (an AND pushed into the scan,
// which then reads only the containers `within` has). Large inputs are split
// across two threads.
Bitmap BsiCompare(const BsiView& bsi, CompareOp op, int64_t constant,
                  const roaring_bitmap_t* within = nullptr);
// The size of BsiCompare's result, without building it.
uint64_t BsiCompareCount(const BsiView& bsi, CompareOp op, int64_t constant,
                         const roaring_bitmap_t* within = nullptr);
// Users with lo <= v <= hi (empty if lo > hi); `within` as above.
Bitmap BsiBetween(const BsiView& bsi, int64_t lo, int64_t hi, const roaring_bitmap_t* within = nullptr);
uint64_t BsiBetweenCount(const BsiView& bsi, int64_t lo, int64_t hi, const roaring_bitmap_t* within = nullptr);
// The value of one user, if it has one (O(slices) look-ups).
bool BsiValueOf(const BsiView& bsi, uint32_t user, int64_t* value);
// Sum of the values of the users in `filter` (all users when null), exact in
// 128 bits; `count` receives how many users were summed.
__int128 BsiSum(const BsiView& bsi, const roaring_bitmap_t* filter, uint64_t* count);

// An owning BSI being built for a new version.
struct BsiBuild {
  int64_t base = 0;
  Bitmap exists;
  std::vector<Bitmap> slices;
};

// Builds from parallel arrays; `users` need not be sorted; a user appears at most once.
BsiBuild BuildBsi(std::span<const uint32_t> users, std::span<const int64_t> values);

}  // namespace tagloop
