// A move-only owner of a CRoaring bitmap, and small helpers. Stored bitmaps are
// read as `const roaring_bitmap_t*` frozen views owned by their TagVersion;
// computed results are Bitmaps. Not thread-safe for writes; concurrent reads
// of one bitmap are safe.
#pragma once

#include <roaring/roaring.h>

#include <cstdint>
#include <span>
#include <utility>
#include <vector>

namespace tagloop {

class Bitmap {
 public:
  Bitmap() : r_(roaring_bitmap_create()) {}
  explicit Bitmap(roaring_bitmap_t* owned) : r_(owned) {}
  Bitmap(Bitmap&& o) noexcept : r_(std::exchange(o.r_, nullptr)) {}
  Bitmap& operator=(Bitmap&& o) noexcept {
    if (this != &o) {
      if (r_) roaring_bitmap_free(r_);
      r_ = std::exchange(o.r_, nullptr);
    }
    return *this;
  }
  Bitmap(const Bitmap&) = delete;
  Bitmap& operator=(const Bitmap&) = delete;
  ~Bitmap() {
    if (r_) roaring_bitmap_free(r_);
  }

  // [lo, hi): users lo..hi-1.
  static Bitmap Range(uint32_t lo, uint32_t hi) {
    return hi > lo ? Bitmap(roaring_bitmap_from_range(lo, hi, 1)) : Bitmap();
  }
  static Bitmap Copy(const roaring_bitmap_t* r) { return Bitmap(roaring_bitmap_copy(r)); }
  static Bitmap Of(std::span<const uint32_t> sorted_or_not) {
    Bitmap b;
    b.AddMany(sorted_or_not);
    return b;
  }

  roaring_bitmap_t* get() { return r_; }
  const roaring_bitmap_t* get() const { return r_; }
  uint64_t cardinality() const { return roaring_bitmap_get_cardinality(r_); }
  bool empty() const { return roaring_bitmap_is_empty(r_); }
  bool Contains(uint32_t x) const { return roaring_bitmap_contains(r_, x); }
  void Add(uint32_t x) { roaring_bitmap_add(r_, x); }
  void AddMany(std::span<const uint32_t> xs) {
    if (!xs.empty()) roaring_bitmap_add_many(r_, xs.size(), xs.data());
  }
  // Converts to the best container kinds; call before serializing.
  void Optimize() {
    roaring_bitmap_run_optimize(r_);
    roaring_bitmap_shrink_to_fit(r_);
  }
  std::vector<uint32_t> ToVector() const {
    std::vector<uint32_t> v(cardinality());
    roaring_bitmap_to_uint32_array(r_, v.data());
    return v;
  }

  void AndWith(const roaring_bitmap_t* o) { roaring_bitmap_and_inplace(r_, o); }
  void OrWith(const roaring_bitmap_t* o) { roaring_bitmap_or_inplace(r_, o); }
  void AndNotWith(const roaring_bitmap_t* o) { roaring_bitmap_andnot_inplace(r_, o); }

  static Bitmap And(const roaring_bitmap_t* a, const roaring_bitmap_t* b) {
    return Bitmap(roaring_bitmap_and(a, b));
  }
  static Bitmap Or(const roaring_bitmap_t* a, const roaring_bitmap_t* b) {
    return Bitmap(roaring_bitmap_or(a, b));
  }
  static Bitmap AndNot(const roaring_bitmap_t* a, const roaring_bitmap_t* b) {
    return Bitmap(roaring_bitmap_andnot(a, b));
  }
  static Bitmap OrMany(std::span<const roaring_bitmap_t*> xs) {
    if (xs.empty()) return Bitmap();
    return Bitmap(roaring_bitmap_or_many(xs.size(), const_cast<const roaring_bitmap_t**>(xs.data())));
  }

 private:
  roaring_bitmap_t* r_;
};

}  // namespace tagloop
