// The wide synthetic user table of the server benchmarks: N users x T tags of
// mixed types, deterministic from a seed. Tag t%06 cycles through the types
//   0 bool, 1 enum (20 skewed values), 2 set (10 values, each ~25%),
//   3 int [0, 100000), 4 decimal:2 [0, 100000), 5 date [2020-01-01, +2496 days),
// named "t000".."t199"; 5-25% of the cells of a tag are empty (by tag).
// External ids are "u" + 10 digits, a bijection of the dense row number, so
// the i-th user's id is known without a dictionary (for look-up benchmarks).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/tag_type.h"

namespace tagloop::bench {

class WideModel {
 public:
  WideModel(uint64_t seed, uint32_t tags) : seed_(seed), tags_(tags) {}

  uint32_t tags() const { return tags_; }
  static std::string TagName(uint32_t tag);
  static TagType TypeOf(uint32_t tag);
  // The `--types` argument of `tagloop import` for tags [0, n).
  static std::string TypesArgument(uint32_t n);
  static std::string ExternalId(uint32_t row);
  // Distinct values of categorical tags ("v00".."v19", "s0".."s9", false/true).
  static std::vector<std::string> Values(uint32_t tag);

  // The row's cell of `tag` (`salt` re-draws values: a new version).
  // Categorical: a bit mask of value indexes into Values(tag) (0: empty).
  // Numeric: sets *value (int64 as stored) and returns whether there is one.
  uint64_t CategoricalMask(uint32_t row, uint32_t tag, uint64_t salt = 0) const;
  bool Numeric(uint32_t row, uint32_t tag, int64_t* value, uint64_t salt = 0) const;
  // The cell as CSV text ("" when empty; set values joined with '|').
  void AppendCell(uint32_t row, uint32_t tag, uint64_t salt, std::string* out) const;

 private:
  uint64_t Hash(uint32_t row, uint32_t tag, uint64_t salt) const;
  uint64_t seed_;
  uint32_t tags_;
};

}  // namespace tagloop::bench
