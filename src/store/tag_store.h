// The tag store: a data directory of versioned tags and the user dictionary.
//
// Layout (docs/format.md): DIR/MANIFEST names every live file; DIR/ids/*.ids
// hold the dictionary (external id <-> dense uint32), DIR/tags/<tag>/*.tlv one
// file per tag version. A write (StoreWriter) writes new files, then publishes
// them all at once by replacing MANIFEST atomically: readers see the old or the
// new state, never a mix, and never wait for a writer. One writer at a time
// (DIR/LOCK, across processes).
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "core/bitmap.h"
#include "core/date.h"
#include "core/env.h"
#include "core/status.h"
#include "core/tag_type.h"
#include "store/tag_version.h"
#include "store/user_dictionary.h"

namespace tagloop {

struct StoreOptions {
  Env* env = Env::Default();
  // Create an empty store when DIR has no MANIFEST (default: error). Static.
  bool create_if_missing = false;
  // Check every section checksum when a version is first opened (header and
  // directory checksums are always checked). Static.
  bool verify_checksums = true;
  // Files no longer named by MANIFEST (replaced or dropped versions, leftovers
  // of a killed write) are removed by the next writer once this old, so that
  // readers still holding an older snapshot can open them meanwhile.
  int64_t obsolete_file_grace_seconds = 600;
};

struct VersionInfo {
  Days date = 0;
  std::string file;          // relative to DIR
  uint64_t users = 0;        // users with a value
  uint64_t bytes = 0;        // file size
  int64_t created_unix = 0;  // when it was published
};

struct TagInfo {
  std::string name;
  TagType type;
  std::vector<VersionInfo> versions;  // ascending by date, one per date

  // The version in force at `as_of`: the latest with date <= as_of, or null.
  const VersionInfo* VersionAsOf(Days as_of) const;
};

class TagStore;

// The in-memory versions of real-time tags (store/live_tag.h), shown by every
// snapshot on top of the published files: each is the tag's version for its
// date (replacing a file version of the same date, if any).
struct LiveVersions {
  uint64_t generation = 0;  // increases with every change
  std::map<std::string, std::shared_ptr<const TagVersion>, std::less<>> versions;
};

// An immutable published state of the store. Cheap to hold; thread-safe.
class Snapshot {
 public:
  // The MANIFEST's generation: changes when files are published.
  uint64_t generation() const { return generation_; }
  // The generation of the live versions shown (0: none); a state is the same
  // as another when both generations are.
  uint64_t live_generation() const { return live_ ? live_->generation : 0; }
  // Dense ids [0, user_count()) have been assigned.
  uint32_t user_count() const { return user_count_; }
  // Every user ever told about, minus deleted users: the complement base of NOT.
  const roaring_bitmap_t* universe() const { return universe_.get(); }
  uint64_t universe_size() const { return universe_.cardinality(); }

  const std::map<std::string, TagInfo, std::less<>>& tags() const { return tags_; }
  const TagInfo* FindTag(std::string_view name) const;

  // Opens (once, then cached by the store) the given version of a tag.
  Result<std::shared_ptr<const TagVersion>> OpenVersion(const TagInfo& tag, const VersionInfo& version) const;
  // The version of `tag` in force at `as_of`; null (OK) when the tag has no
  // version on or before that date; NotFound when there is no such tag.
  Result<std::shared_ptr<const TagVersion>> VersionAsOf(std::string_view tag, Days as_of) const;

  // The user dictionary (external id <-> dense id) of this snapshot, mapped
  // and checksum-verified on first use (counts never need it). Thread-safe.
  // FailedPrecondition for a state made by WithDeclaredTags without a base.
  Result<const UserDictionary*> dictionary() const;

  // `base` plus tags that are defined but have no data yet: each declared tag
  // `base` does not hold appears with its type and no version, so that an
  // expression over it binds (names and literal types checked) and "nobody
  // has a value" — what checking a batch of definitions needs before their
  // first production. Tags `base` holds keep their own type and versions.
  // `base` may be null (no store yet): the state then has no users, only the
  // declared tags. For binding and validation only: it names no file that
  // `base` does not, and nothing may be written from it. The result keeps
  // `base` alive and shares its dictionary and live versions.
  static std::shared_ptr<const Snapshot> WithDeclaredTags(
      std::shared_ptr<const Snapshot> base, const std::vector<std::pair<std::string, TagType>>& declared);

 private:
  friend class TagStore;
  friend class StoreWriter;
  const TagStore* store_ = nullptr;
  // With live versions: the state of the files this one extends (its
  // dictionary is shared) and the live versions it shows.
  std::shared_ptr<const Snapshot> files_;
  std::shared_ptr<const LiveVersions> live_;
  uint64_t generation_ = 0;
  uint32_t user_count_ = 0;
  std::vector<std::string> id_segments_;  // relative to DIR, in id order
  mutable std::once_flag dictionary_once_;
  mutable std::unique_ptr<UserDictionary> dictionary_;
  mutable Status dictionary_status_;
  // A dictionary handed over by the write that published this state (its
  // fork of the base's dictionary, index built): keeps the base alive.
  mutable std::shared_ptr<const Snapshot> dictionary_base_;
  void AdoptDictionary(std::unique_ptr<UserDictionary> dictionary, std::shared_ptr<const Snapshot> base) const;
  Bitmap universe_;
  std::string deleted_file_;  // "" when no user was deleted
  Bitmap deleted_;
  std::map<std::string, TagInfo, std::less<>> tags_;
};

class StoreWriter;

class TagStore {
 public:
  // Opens DIR (or creates it, with options.create_if_missing).
  static Result<std::unique_ptr<TagStore>> Open(const std::string& dir, StoreOptions options = {});
  ~TagStore();

  const std::string& dir() const { return dir_; }
  const StoreOptions& options() const { return options_; }

  // The current published state, with the live versions. Thread-safe.
  std::shared_ptr<const Snapshot> snapshot() const;
  // Replaces the live versions every later snapshot shows (null: none).
  // Cheap (no file is touched); thread-safe. Writers never see them: a
  // StoreWriter starts from the files' state.
  void SetLiveVersions(std::shared_ptr<const LiveVersions> live);
  // Re-reads MANIFEST if another process published since; thread-safe.
  Status Refresh();

  // Starts a write: takes DIR/LOCK (FailedPrecondition if another writer has
  // it) and removes obsolete files. Nothing is visible until Commit().
  Result<std::unique_ptr<StoreWriter>> BeginWrite();

 private:
  friend class Snapshot;
  friend class StoreWriter;
  TagStore(std::string dir, StoreOptions options) : dir_(std::move(dir)), options_(options) {}
  Result<std::shared_ptr<const Snapshot>> LoadManifest();
  Result<std::shared_ptr<const TagVersion>> OpenVersionFile(const std::string& file) const;
  void Publish(std::shared_ptr<const Snapshot> snap);
  std::shared_ptr<const Snapshot> files_snapshot() const;
  static std::shared_ptr<const Snapshot> WithLive(std::shared_ptr<const Snapshot> files,
                                                  std::shared_ptr<const LiveVersions> live);
  Status RemoveObsoleteFiles(const Snapshot& current);

  std::string dir_;
  StoreOptions options_;
  mutable std::mutex mu_;          // guards current_ and version_cache_
  mutable std::mutex version_mu_;  // one version file is opened (and verified) at a time
  std::shared_ptr<const Snapshot> files_;  // MANIFEST's state
  std::shared_ptr<const LiveVersions> live_;
  std::shared_ptr<const Snapshot> current_;  // files_ with live_
  // Versions named by the current state stay mapped (and verified) once opened.
  mutable std::map<std::string, std::shared_ptr<const TagVersion>> version_cache_;
};

// An all-or-nothing write: new users, new or replaced tag versions, dropped
// versions. Destroying it without Commit() publishes nothing. PutVersion may
// be called from several threads at once; every other method from one thread
// at a time, and not concurrently with PutVersion.
class StoreWriter {
 public:
  ~StoreWriter();

  // The snapshot this write started from.
  const Snapshot& base() const { return *base_; }

  // Dense ids of external ids, assigning new ids (in order) to unseen ones.
  // InvalidArgument (naming the index) for an id that is empty, longer than
  // 128 bytes or has control characters. Large batches are validated and
  // looked up on `threads` threads.
  Status InternUsers(std::span<const std::string_view> external_ids, std::vector<uint32_t>* out,
                     unsigned threads = 1);
  Result<uint32_t> InternUser(std::string_view external_id);
  // Users assigned so far, including this write's new ones.
  uint32_t user_count() const;

  // Encodes and writes the version file now (durably, not yet visible) and stages it; at
  // Commit it becomes the tag's version for content.date, replacing one that
  // exists. InvalidArgument for a bad tag name or a type that differs from the
  // tag's existing type.
  Status PutVersion(std::string_view tag, TagVersionContent content);
  // Deletes users (the right to be forgotten): at Commit they leave the
  // universe, and every tag's latest version that holds a value for one of
  // them is rewritten without them (older versions keep their history, but
  // no query, count or profile shows deleted users at any date). A deleted
  // external id that is imported again later gets a new dense id.
  // NotFound for a dense id that was never assigned.
  Status DeleteUsers(std::span<const uint32_t> users);
  // Stages the removal of one version (NotFound if absent).
  Status DropVersion(std::string_view tag, Days date);
  // Stages the removal of versions of `tag` (all tags when empty) that are
  // older than `before` while keeping at least `keep_latest` newest ones.
  // Returns how many were staged.
  Result<size_t> ApplyRetention(std::string_view tag, Days before, size_t keep_latest);

  // Publishes everything staged with one atomic MANIFEST swap.
  Status Commit();

 private:
  friend class TagStore;
  StoreWriter() = default;
  TagStore* store_ = nullptr;
  std::unique_ptr<FileLock> lock_;
  std::shared_ptr<const Snapshot> base_;
  std::unique_ptr<UserDictionary> dictionary_;        // base + new users (handed to the new state at Commit)
  uint32_t user_count_after_commit_ = 0;
  std::map<std::string, TagInfo, std::less<>> tags_;  // staged state
  Status PurgeDeletedFromLatestVersions();
  std::mutex mu_;   // guards tags_, written_files_ and committed_ during PutVersion
  Bitmap deleted_;  // base's deleted users plus this write's
  bool deleted_changed_ = false;
  std::vector<std::string> written_files_;
  bool committed_ = false;
};

}  // namespace tagloop
