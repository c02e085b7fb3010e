// IdSet: a set of 64-bit hashes (of event ids) for de-duplication, by open
// addressing with linear probing: 8 bytes per slot at a load of at most
// 3/4, instead of a node (about 32 bytes plus the allocator's) per entry in
// std::unordered_set. Used by EventLog under its mutex.
//
// Thread-safety: none (the owner synchronises).
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace tagloop::events {

class IdSet {
 public:
  size_t size() const { return size_; }

  // True when `h` was not in the set (and now is).
  bool Insert(uint64_t h) {
    if ((size_ + 1) * 4 > slots_.size() * 3) Grow();
    h = Key(h);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == h) return false;
      if (slots_[i] == 0) {
        slots_[i] = h;
        ++size_;
        return true;
      }
    }
  }

  bool Contains(uint64_t h) const {
    if (slots_.empty()) return false;
    h = Key(h);
    for (size_t i = h & mask_;; i = (i + 1) & mask_) {
      if (slots_[i] == h) return true;
      if (slots_[i] == 0) return false;
    }
  }

  // Removes `h` if present (backward-shift deletion keeps probes correct).
  void Erase(uint64_t h) {
    if (slots_.empty()) return;
    h = Key(h);
    size_t i = h & mask_;
    while (slots_[i] != h) {
      if (slots_[i] == 0) return;
      i = (i + 1) & mask_;
    }
    for (size_t j = (i + 1) & mask_; slots_[j] != 0; j = (j + 1) & mask_) {
      const size_t home = slots_[j] & mask_;
      // Move slots_[j] into the hole at i unless its home lies cyclically in (i, j].
      const bool home_between = i <= j ? (i < home && home <= j) : (i < home || home <= j);
      if (!home_between) {
        slots_[i] = slots_[j];
        i = j;
      }
    }
    slots_[i] = 0;
    --size_;
  }

 private:
  // 0 marks an empty slot; the hashes are XXH3 values, so mixing is done.
  static uint64_t Key(uint64_t h) { return h == 0 ? 1 : h; }

  void Grow() {
    std::vector<uint64_t> old = std::move(slots_);
    slots_.assign(old.empty() ? 1024 : old.size() * 2, 0);
    mask_ = slots_.size() - 1;
    size_ = 0;
    for (uint64_t h : old) {
      if (h != 0) Insert(h);
    }
  }

  std::vector<uint64_t> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace tagloop::events
