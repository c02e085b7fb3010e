// A live tag: one tag's current values kept in memory and changed in place,
// for real-time tags (issue 5). The writer applies value changes as events
// arrive and publishes an immutable TagVersion (TagVersion::FromMemory) that
// counts, queries and profiles read like any version, through
// TagStore::SetLiveVersions.
//
// Publishing copies nothing in the steady state: two buffers take turns.
// Readers hold the published one; the writer brings the other up to date
// (the changes it missed, then the new ones) and publishes it. Only when a
// reader still holds the older buffer (a long query) is it replaced by a
// copy of the published one. So a publish costs O(changes), not O(users).
//
// Thread-safety: one writer thread calls every method; the versions it
// returns may be read by any thread for as long as they are held.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "core/bitmap.h"
#include "core/date.h"
#include "core/tag_type.h"
#include "store/tag_version.h"

namespace tagloop {

// One user's new value: none (has_value false), a categorical value's text
// (bool: "true"/"false"), or a numeric tag's stored number (decimal scaled,
// date as days).
struct LiveChange {
  uint32_t user = 0;
  bool has_value = false;
  std::string_view text;
  int64_t number = 0;
};

class LiveTag {
 public:
  // bool, enum, int, decimal or date (set tags are not kept live).
  explicit LiveTag(TagType type);
  LiveTag(const LiveTag&) = delete;
  LiveTag& operator=(const LiveTag&) = delete;

  const TagType& type() const { return type_; }
  // Records changes; they show in the next Publish.
  void Apply(std::span<const LiveChange> changes);
  // The current values as an immutable version dated `date`; the same object
  // as last time when nothing changed since (and the date is the same).
  std::shared_ptr<const TagVersion> Publish(Days date);
  // Changes recorded but not yet published.
  size_t unpublished() const { return incoming_.size(); }
  // Users with a value, as of the last Publish.
  uint64_t users() const;
  // How many publishes had to copy a buffer a reader still held.
  uint64_t copies() const { return copies_; }

 private:
  struct Buffer;
  // One change as both buffers apply it: categorical value codes are 1-based
  // (0 = no value); numeric tags carry the new number.
  struct Delta {
    uint32_t user = 0;
    uint32_t old_code = 0;
    uint32_t new_code = 0;
    bool has_value = false;
    int64_t number = 0;
  };
  void ApplyTo(Buffer& buffer, std::span<const Delta> deltas) const;
  uint32_t CodeOf(std::string_view value);
  std::shared_ptr<Buffer> Rebased(const Buffer& from, int64_t minimum);

  TagType type_;
  std::shared_ptr<Buffer> buffers_[2];
  int published_ = 1;  // index of the buffer readers see
  std::vector<Delta> lag_;       // applied to the published buffer, not to the other
  std::vector<Delta> incoming_;  // not yet applied to either
  std::shared_ptr<const TagVersion> version_;
  // Categorical: value names by code - 1, and each user's current code.
  std::vector<std::string> names_;
  std::unordered_map<std::string, uint32_t> codes_;
  std::vector<uint32_t> code_of_user_;
  uint64_t copies_ = 0;
  // Numeric: stored bits are value - base_. The base starts at 0 (counts,
  // sums and dates need no more slices than their magnitude) and moves down
  // when a smaller value arrives (rebuilding the buffers once).
  int64_t base_ = 0;
  int64_t rebase_to_ = 0;
  bool clone_next_ = false;  // the unpublished buffer is stale: copy the published one
};

}  // namespace tagloop
