#include "core/bitmap_words.h"

#include <roaring/containers/containers.h>
#include <roaring/roaring_array.h>

#include <cstring>

namespace tagloop {

const uint64_t* ContainerCursor::WordsAt(int i, uint64_t* scratch) const {
  const void* c = ra_->containers[i];
  uint8_t type = ra_->typecodes[i];
  if (type == SHARED_CONTAINER_TYPE_CODE) {
    const auto* shared = static_cast<const shared_container_t*>(c);
    c = shared->container;
    type = shared->typecode;
  }
  switch (type) {
    case BITSET_CONTAINER_TYPE_CODE:
      return static_cast<const bitset_container_t*>(c)->array;
    case ARRAY_CONTAINER_TYPE_CODE: {
      const auto* a = static_cast<const array_container_t*>(c);
      std::memset(scratch, 0, kContainerWords * sizeof(uint64_t));
      for (int32_t k = 0; k < a->cardinality; ++k) {
        const uint16_t v = a->array[k];
        scratch[v >> 6] |= uint64_t{1} << (v & 63);
      }
      return scratch;
    }
    case RUN_CONTAINER_TYPE_CODE: {
      const auto* r = static_cast<const run_container_t*>(c);
      std::memset(scratch, 0, kContainerWords * sizeof(uint64_t));
      for (int32_t k = 0; k < r->n_runs; ++k) {
        uint32_t lo = r->runs[k].value, hi = lo + r->runs[k].length;  // inclusive
        uint32_t wlo = lo >> 6, whi = hi >> 6;
        const uint64_t first = ~uint64_t{0} << (lo & 63);
        const uint64_t last = ~uint64_t{0} >> (63 - (hi & 63));
        if (wlo == whi) {
          scratch[wlo] |= first & last;
        } else {
          scratch[wlo] |= first;
          for (uint32_t w = wlo + 1; w < whi; ++w) scratch[w] = ~uint64_t{0};
          scratch[whi] |= last;
        }
      }
      return scratch;
    }
  }
  return nullptr;
}

const uint64_t* ContainerCursor::WordsFor(uint16_t key, uint64_t* scratch) {
  while (pos_ < ra_->size && ra_->keys[pos_] < key) ++pos_;
  if (pos_ == ra_->size || ra_->keys[pos_] != key) return nullptr;
  return WordsAt(pos_, scratch);
}

void AppendWords(roaring_bitmap_t* r, uint16_t key, const uint64_t* words) {
  uint64_t any = 0;
  for (int w = 0; w < kContainerWords; ++w) any |= words[w];
  if (any == 0) return;
  bitset_container_t* b = bitset_container_create();
  std::memcpy(b->array, words, kContainerWords * sizeof(uint64_t));
  b->cardinality = BITSET_UNKNOWN_CARDINALITY;
  ra_append(&r->high_low_container, key, b, BITSET_CONTAINER_TYPE_CODE);
}

void FinishAppends(roaring_bitmap_t* r) {
  // Computes each container's cardinality and turns sparse ones into arrays.
  roaring_bitmap_repair_after_lazy(r);
}

}  // namespace tagloop
