// The user dictionary: external ids (1-128 bytes of UTF-8 without control
// characters) <-> dense uint32 ids assigned in order of first appearance.
// Stored as immutable segment files (docs/format.md), each a run of
// consecutive dense ids; new users are appended as a new segment.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/env.h"
#include "core/status.h"

namespace tagloop {

// Checks the SPEC's rules for an external id; the message says which is broken.
Status ValidateExternalId(std::string_view id);

class UserDictionary {
 public:
  UserDictionary() = default;
  UserDictionary(const UserDictionary&) = delete;
  UserDictionary& operator=(const UserDictionary&) = delete;

  // Maps segment files (in order; each must start where the previous ended).
  static Result<std::unique_ptr<UserDictionary>> Open(Env* env, const std::vector<std::string>& paths);
  // A writable copy on top of this dictionary (new ids go to a pending run):
  // the fork indexes only its own new ids and asks this one for the rest
  // (ids and look-ups), so forking a 10M-user dictionary costs nothing once
  // its index is built. This dictionary must outlive the fork and must not
  // be interned into meanwhile. A fork may be forked again (depth() + 1).
  std::unique_ptr<UserDictionary> Fork() const;
  // How many forks down from a dictionary opened from files (0).
  int depth() const { return parent_ ? parent_->depth() + 1 : 0; }

  uint32_t size() const { return committed_size_ + static_cast<uint32_t>(pending_offsets_.size()) - 1; }
  std::string_view ExternalId(uint32_t user) const;
  // The newest dense id of an external id.
  // Thread-safe (on a dictionary no one Interns into); builds the hash
  // index on first use, O(size).
  std::optional<uint32_t> Find(std::string_view external_id) const;
  // Find for many ids at once (out[i] = kNotFound when absent), overlapping
  // the cache misses of neighbouring look-ups. Thread-safe like Find.
  static constexpr uint32_t kNotFound = UINT32_MAX;
  void FindMany(std::span<const std::string_view> external_ids, uint32_t* out) const;
  // Assigns the next dense id to an unseen id; returns the existing one otherwise.
  // The caller validates the id first. Not thread-safe.
  uint32_t Intern(std::string_view external_id);
  // Always assigns a new dense id (a deleted user coming back). Find then
  // returns the newest dense id of that external id. Not thread-safe.
  uint32_t Append(std::string_view external_id);
  // Sizes the hash index for `users` ids, so appending up to there never
  // rebuilds it. Not thread-safe.
  void Reserve(uint64_t users);
  uint32_t pending_count() const { return static_cast<uint32_t>(pending_offsets_.size()) - 1; }
  // The segment file bytes of the pending ids.
  std::string EncodePendingSegment() const;

 private:
  struct Segment {
    std::shared_ptr<MappedFile> file;
    uint32_t first = 0, count = 0;
    const uint64_t* offsets = nullptr;  // count + 1 entries into blob
    const char* blob = nullptr;
  };
  void EnsureIndex() const;
  void FindManyOwn(std::span<const std::string_view> external_ids, uint32_t* out) const;
  // The first dense id the own index holds: 0, or committed_size_ in a fork
  // (whose parent indexes the committed ids).
  uint32_t index_first() const { return parent_ ? committed_size_ : 0; }
  void IndexInsert(uint32_t user) const;
  void RebuildIndex(uint64_t capacity) const;

  std::vector<Segment> segments_;
  uint32_t committed_size_ = 0;
  std::string pending_blob_;
  std::vector<uint64_t> pending_offsets_{0};
  const UserDictionary* parent_ = nullptr;  // Fork(): looks up the committed ids

  // Open addressing (linear probing, load <= 3/4), built on first Find. A
  // slot holds (hash >> 32) << 32 | (user + 1), 0 = empty: probes compare the
  // hash's high half before touching the id text, so a look-up costs about
  // one cache miss for the slot and one for the text it verifies.
  mutable std::once_flag index_once_;
  mutable std::vector<uint64_t> slots_;
  mutable uint64_t mask_ = 0;
  void IndexInsertHashed(uint32_t user, uint64_t hash) const;
  static uint64_t CapacityFor(uint64_t users);
};

}  // namespace tagloop
