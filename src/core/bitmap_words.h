// Word-level access to CRoaring containers, for kernels that combine many
// bitmaps in one pass (the BSI comparison). A container covers 65536 users
// (one 16-bit key); as words it is 1024 uint64s. Uses CRoaring 0.2.66's
// container layout (roaring_array.h, containers/*.h), which the pinned
// Debian version fixes.
#pragma once

#include <roaring/roaring.h>

#include <cstdint>

namespace tagloop {

inline constexpr int kContainerWords = 1024;

// Walks one bitmap's containers in key order, handing out each container as
// 1024 words (a pointer into a bitset container, or expanded into `scratch`).
class ContainerCursor {
 public:
  explicit ContainerCursor(const roaring_bitmap_t* r) : ra_(&r->high_low_container) {}
  // Words of the container with key `key`, or null when the bitmap has none.
  // Keys must be asked in ascending order. `scratch` must hold 1024 words.
  const uint64_t* WordsFor(uint16_t key, uint64_t* scratch);
  int size() const { return ra_->size; }
  uint16_t key_at(int i) const { return ra_->keys[i]; }
  const uint64_t* WordsAt(int i, uint64_t* scratch) const;

 private:
  const roaring_array_t* ra_;
  int pos_ = 0;
};

// Appends 1024 words as the container for `key` (skipped when all zero). The
// bitmap's cardinalities are settled by FinishAppends.
void AppendWords(roaring_bitmap_t* r, uint16_t key, const uint64_t* words);
void FinishAppends(roaring_bitmap_t* r);

}  // namespace tagloop
