// One immutable version of one tag: the users' values on one business date,
// in one checksummed file (format in docs/format.md), memory-mapped and read
// through CRoaring frozen views. Thread-safe: all methods are const.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/bitmap.h"
#include "core/bsi.h"
#include "core/date.h"
#include "core/env.h"
#include "core/status.h"
#include "core/tag_type.h"

namespace tagloop {

// What a new version holds, before encoding. Categorical tags (bool, enum,
// set) give one bitmap per distinct value (bool: values "false" and "true");
// numeric tags (int, decimal, date) give a BSI of int64 values (decimal
// scaled by 10^scale, date as days since 1970-01-01).
struct TagVersionContent {
  TagType type;
  Days date = 0;
  std::vector<std::string> values;  // categorical: distinct values, any order
  std::vector<Bitmap> value_users;  // categorical: users per value, parallel to `values`
  BsiBuild bsi;                     // numeric
};

// Accumulates one user's value at a time (for tests and small producers;
// the bulk CSV import fills TagVersionContent directly).
class TagVersionBuilder {
 public:
  TagVersionBuilder(TagType type, Days date);
  // bool tags: "true"/"false" are the values; enum: one value per user
  // (a second call for the same user is the caller's bug); set: one call per value.
  void AddValue(uint32_t user, std::string_view value);
  void AddBool(uint32_t user, bool value) { AddValue(user, value ? "true" : "false"); }
  void AddNumber(uint32_t user, int64_t value);
  TagVersionContent Finish();

 private:
  TagType type_;
  Days date_;
  std::vector<std::string> values_;
  std::vector<std::vector<uint32_t>> users_;
  std::vector<uint32_t> num_users_;
  std::vector<int64_t> num_values_;
};

// Encodes the file bytes of a version (optimizes the bitmaps in place).
std::string EncodeTagVersion(TagVersionContent& content);

class TagVersion {
 public:
  // Maps and validates a version file: header, directory and (when
  // verify_checksums) every section's checksum. Corruption on any mismatch.
  static Result<std::shared_ptr<const TagVersion>> Open(Env* env, const std::string& path,
                                                        bool verify_checksums);
  // Validates bytes held in memory (a copy is kept, aligned); for fuzzing and tests.
  static Result<std::shared_ptr<const TagVersion>> FromBytes(std::string_view bytes);

  // A version over bitmaps held in memory (a live tag's state, store/live_tag.h):
  // nothing is copied or encoded. `owner` keeps the bitmaps and value names
  // alive as long as the version; they must not change meanwhile.
  // Categorical: `values` with their users, any order, each value once (empty
  // ones are left out). Numeric: `bsi_base` and `slices` (bit i of value-base).
  // No forward column: a profile read probes the bitmaps.
  struct MemoryContent {
    TagType type;
    Days date = 0;
    const roaring_bitmap_t* exists = nullptr;
    std::vector<std::pair<std::string_view, const roaring_bitmap_t*>> values;
    int64_t bsi_base = 0;
    std::vector<const roaring_bitmap_t*> slices;
  };
  static std::shared_ptr<const TagVersion> FromMemory(const MemoryContent& content,
                                                      std::shared_ptr<const void> owner);
  ~TagVersion();

  const TagType& type() const { return type_; }
  Days date() const { return date_; }
  // Users with a value (any value) in this version.
  const roaring_bitmap_t* exists() const { return sections_[0]; }
  uint64_t users_with_value() const { return cardinalities_[0]; }
  size_t file_bytes() const { return size_; }

  // Categorical tags: distinct values, sorted by bytes.
  size_t value_count() const { return values_.size(); }
  std::string_view value(size_t i) const { return values_[i]; }
  const roaring_bitmap_t* value_users(size_t i) const { return sections_[1 + i]; }
  uint64_t value_cardinality(size_t i) const { return cardinalities_[1 + i]; }
  std::optional<size_t> FindValue(std::string_view value) const;

  // Numeric tags.
  BsiView bsi() const;
  // A user's value(s) as text (empty when none): one for bool/enum/int/
  // decimal/date, several for set (sorted). One read of the forward column
  // (docs/format.md) when the version has one, else a probe per bitmap.
  std::vector<std::string> ValuesOf(uint32_t user) const;
  // The same into *out (cleared first), reusing its memory: no allocation
  // for short values once *out has room (the profile look-up hot path).
  void ValuesOf(uint32_t user, std::vector<std::string>* out) const;
  // Hints the CPU to fetch the user's forward-column word (no effect without
  // one): a caller reading many versions for one user issues these first so
  // the memory reads overlap instead of stalling one after another.
  void PrefetchValuesOf(uint32_t user) const {
    if (forward_ && user < forward_users_)
      __builtin_prefetch(&forward_[(uint64_t{user} * forward_width_) >> 6]);
  }
  bool has_forward_column() const { return forward_ != nullptr; }

  // Numeric tags: appends `value - base` (see bsi()) of every user in
  // `users` that has a value, in increasing user order, to *out; with
  // `users_out`, the users too. `users` null: every user with a value. One
  // sequential pass over the forward column when the version has one, else
  // one merge pass per bit slice. For insight and exports over many users.
  void NumericOffsets(const roaring_bitmap_t* users, std::vector<uint64_t>* out,
                      std::vector<uint32_t>* users_out = nullptr) const;

  // Categorical tags: (*counts)[i] = how many of `users` have value(i)
  // (resized to value_count()). Many values and a forward column: one pass
  // over the users; else one intersection count per value.
  void CountValues(const roaring_bitmap_t* users, std::vector<uint64_t>* counts) const;

  // The same two for a caller that already holds the users as a sorted id
  // array (`ids` must hold exactly the members of `users`): the forward
  // column is read straight from the array, which callers looking at many
  // tags for one segment decode once.
  void NumericOffsets(const roaring_bitmap_t* users, std::span<const uint32_t> ids,
                      std::vector<uint64_t>* out) const;
  void CountValues(const roaring_bitmap_t* users, std::span<const uint32_t> ids,
                   std::vector<uint64_t>* counts) const;

 private:
  TagVersion() = default;
  static Result<std::shared_ptr<const TagVersion>> Parse(std::unique_ptr<MappedFile> file,
                                                         std::string owned, const char* base,
                                                         size_t size, bool verify);

  std::unique_ptr<MappedFile> file_;
  std::string owned_;                   // FromBytes: the aligned copy
  std::shared_ptr<const void> owner_;  // FromMemory: holds the bitmaps (not freed here)
  size_t size_ = 0;
  TagType type_;
  Days date_ = 0;
  int64_t bsi_base_ = 0;
  std::vector<const roaring_bitmap_t*> sections_;  // frozen views into the file
  std::vector<uint64_t> cardinalities_;
  std::vector<std::string_view> values_;           // categorical value names (into the file)
  uint64_t ForwardCode(uint32_t user) const;
  const uint64_t* forward_ = nullptr;  // packed user -> code, or null
  uint64_t forward_users_ = 0;
  uint32_t forward_width_ = 0;
};

}  // namespace tagloop
