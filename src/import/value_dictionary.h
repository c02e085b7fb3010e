// The distinct values of one categorical column and their dense codes
// (0, 1, … in order of first appearance): an open-addressing hash table over
// string views, built for tens of millions of look-ups of few distinct values.
// Not thread-safe; each parse chunk has its own.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "import/string_arena.h"

namespace tagloop {

class ValueDictionary {
 public:
  // The code of `value`, assigning the next one when it is new. `stable`:
  // value's bytes outlive the dictionary (they are referenced, not copied).
  uint32_t Intern(std::string_view value, bool stable);

  size_t size() const { return values_.size(); }
  // The value of a code; valid while the dictionary (or what it references) lives.
  std::string_view value(uint32_t code) const { return values_[code]; }

 private:
  void Grow();

  std::vector<std::string_view> values_;
  std::vector<uint64_t> hashes_;  // parallel to values_
  std::vector<uint32_t> slots_;   // code + 1; 0 = empty
  uint64_t mask_ = 0;
  StringArena arena_;
};

}  // namespace tagloop
