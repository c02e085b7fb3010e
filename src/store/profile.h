// Profile look-ups: every tag value of one user, as of a date. Reads each
// tag's version in force through its forward column (one field per tag), so
// a look-up costs O(tags), independent of the number of users or values.
#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "store/tag_store.h"

namespace tagloop {

struct TagValue {
  TagType type;
  Days version = 0;                 // business date of the version read
  std::vector<std::string> values;  // one value; several for set tags
};

struct Profile {
  std::string external_id;
  uint32_t user = 0;  // dense id
  // Only tags with a value, sorted by name.
  std::vector<std::pair<std::string, TagValue>> tags;
};

// Look-ups on one snapshot, for a server answering many of them: Open maps
// the user dictionary (and builds its hash index) and opens every tag's
// latest version once, so a look-up takes no lock and opens nothing unless
// `as_of` falls before a tag's latest version (then the store's cached open
// is used). Holds the snapshot. Thread-safe (Lookup is const).
class ProfileReader {
 public:
  // Errors of the dictionary or of opening a version (Corruption, IOError).
  static Result<std::unique_ptr<ProfileReader>> Open(std::shared_ptr<const Snapshot> snapshot);

  const Snapshot& snapshot() const { return *snapshot_; }
  uint64_t generation() const { return snapshot_->generation(); }
  // (files' generation, live generation): orders the states readers were built on.
  std::pair<uint64_t, uint64_t> state() const { return {snapshot_->generation(), snapshot_->live_generation()}; }

  // Fills *out with `external_id`'s values as of `as_of`, reusing out's
  // memory (a caller looking up many users keeps one Profile: no allocation
  // per tag for short values). NotFound when the id is unknown or the user
  // was deleted; errors of opening an older version.
  Status Lookup(std::string_view external_id, Days as_of, Profile* out) const;

 private:
  struct TagSlot {
    const TagInfo* info = nullptr;  // in the snapshot
    std::shared_ptr<const TagVersion> latest;
    Days latest_date = 0;
  };
  explicit ProfileReader(std::shared_ptr<const Snapshot> snapshot) : snapshot_(std::move(snapshot)) {}

  std::shared_ptr<const Snapshot> snapshot_;
  const UserDictionary* dictionary_ = nullptr;
  std::vector<TagSlot> tags_;  // in name order; tags with at least one version
};

// One look-up without a reader (opens through the snapshot; for the CLI and
// tests). Same results and errors as ProfileReader::Lookup. Thread-safe.
Result<Profile> LookupProfile(const Snapshot& snapshot, std::string_view external_id, Days as_of);

}  // namespace tagloop
