// Saved segments: named audiences, usable in other expressions as
// SEGMENT('name'). Each has a kind:
//   dynamic   an expression, evaluated anew, as of the query's date, every
//             time it is used (the default; what every segment was before
//             kinds existed);
//   snapshot  the members of an expression frozen at one moment (evaluated
//             on the store's state then, as of a chosen date);
//   list      uploaded external ids (matched against the user dictionary;
//             unknown ids are counted, never added as users);
//   sql       the user ids a query on a named SQL source returned.
// Non-dynamic ("frozen") segments are versioned: every freeze, upload or
// query run adds version N+1 (number, created_unix, created_by, the business
// date it stands for, member count, a description of its source) whose
// members are stored as a Roaring bitmap of dense ids in its own file,
// DIR/segments/<sanitised name>-v<N>.roar (members_file.h), written durably
// before the index names it. Every version is kept until the segment is
// deleted.
//
// Which version SEGMENT('x') reads at a query's date D: the version with the
// latest business date on or before D (the highest number among equals);
// when every version is dated after D, the newest version (highest number).
// A version's business date: a snapshot's as-of date; a list's upload day
// (the caller's business calendar); an sql run's {{biz_date}}. The planner
// intersects the members with the query snapshot's universe, so users
// deleted since a version was stored are not in it.
//
// Every segment may carry a description: free text for people (valid UTF-8,
// at most 2000 characters), "" when none was given.
//
// The index is one JSON file, DIR/segments.json:
//   {"format": 1, "segments": [{"name", "expr", "created_unix", "updated_unix"}, ...]}
// while every segment is dynamic (the format older tagloop versions read);
// a segment with a description has a "description" key too, in either
// format (no format change: older versions ignore the key, and a file
// without it reads as "");
// format 2 adds per segment "kind" and, for frozen kinds, "versions" (and
// "source"/"query" for sql) — docs/format.md. Files without "kind" load as
// dynamic. The index is rewritten whole through Env::WriteFileAtomic
// (readers see the old or the new file). Changes take DIR/segments.lock,
// re-read the file and write it back, so two processes never lose each
// other's changes (a busy lock is a FailedPrecondition error, not a wait).
// Member files no longer named by the index (a deleted segment's, a killed
// write's) are removed by the next change, under the lock.
//
// Thread-safe: all methods may be called concurrently.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bitmap.h"
#include "core/date.h"
#include "core/env.h"
#include "core/status.h"
#include "segment/segment_resolver.h"
#include "segment/tag_access.h"
#include "store/tag_store.h"

namespace tagloop {

enum class SegmentKind : uint8_t { kDynamic, kSnapshot, kList, kSql };

// "dynamic", "snapshot", "list", "sql".
const char* SegmentKindName(SegmentKind kind);
// The inverse; InvalidArgument listing the kinds otherwise.
Result<SegmentKind> ParseSegmentKind(std::string_view text);

// One stored version of a frozen segment.
struct SegmentVersion {
  int number = 0;  // 1, 2, ...
  int64_t created_unix = 0;
  std::string created_by;  // the principal's name ("cli:<user>" locally)
  Days date = 0;           // the business date it stands for (see the top)
  uint64_t members = 0;    // users in the file (as stored, before any deletion)
  // Where the members came from: "expr 'is_vip' as of 2026-10-31 (store
  // generation 12)", "upload: 120 lines, 3 unknown", "sql 'shop': SELECT ...".
  std::string source;
  std::string file;       // relative to DIR: "segments/vip-v1.roar"
  uint64_t checksum = 0;  // XXH3-64 of the file's payload
};

struct SavedSegment {
  std::string name;
  SegmentKind kind = SegmentKind::kDynamic;
  std::string expr;         // dynamic: the expression; snapshot: the one frozen; else ""
  std::string source_name;  // sql: the source
  std::string query;        // sql: the query template ({{biz_date}} ...)
  std::string description;  // free text for people; "" when none
  int64_t created_unix = 0;
  int64_t updated_unix = 0;
  std::vector<SegmentVersion> versions;  // frozen kinds: ascending by number; dynamic: none

  bool frozen() const { return kind != SegmentKind::kDynamic; }
  // The version SEGMENT(name) reads at `as_of` (rule at the top); null for a
  // dynamic segment.
  const SegmentVersion* VersionAsOf(Days as_of) const;
};

// What a new version of a frozen segment is made of.
struct FrozenVersionInput {
  SegmentKind kind = SegmentKind::kList;  // not kDynamic
  std::string expr;                       // snapshot: the expression frozen
  std::string source_name, query;         // sql
  Bitmap members;                         // dense ids
  Days date = 0;                          // the business date it stands for
  std::string created_by;
  std::string source;  // where the members came from (SegmentVersion::source)
  // The segment's new description; nullopt keeps the current one ("" for a
  // new segment).
  std::optional<std::string> description;
};

class SavedSegments : public SegmentResolver {
 public:
  // Loads DIR/segments.json (none yet: no segments). Corruption when the file
  // is not a valid segments file. Member files are read when first used.
  // `env` is not owned and must outlive this.
  [[nodiscard]] static Result<std::unique_ptr<SavedSegments>> Open(Env* env, const std::string& dir);

  // A valid name: 1-128 bytes of UTF-8, no control characters, no leading or
  // trailing space.
  [[nodiscard]] static Status ValidateName(std::string_view name);
  // A valid description: valid UTF-8 of at most 2000 characters (code
  // points), no control characters but tab, line feed and carriage return.
  // InvalidArgument naming the field "description" otherwise.
  [[nodiscard]] static Status ValidateDescription(std::string_view description);

  // Creates or replaces the dynamic segment `name`. First checks the name
  // and the description, then that `expr` parses and binds on `snapshot` as
  // of `as_of`, with this segment already defined as `expr` (so a cycle
  // through it is refused). `description` replaces the segment's
  // description; nullopt keeps it ("" for a new segment).
  // InvalidArgument (with the expression position) when any is bad;
  // FailedPrecondition when `name` is a frozen segment (delete it first);
  // IOError when the file cannot be written, in which case nothing changed.
  [[nodiscard]] Status Save(std::string_view name, std::string_view expr, const Snapshot& snapshot,
                            Days as_of, const std::optional<std::string>& description = std::nullopt);

  // Freezes `expr` (evaluated now on `snapshot` as of `as_of`, saved
  // segments resolved by this object, tags checked by `access` when not
  // null) as the next version of the snapshot segment `name`, creating it if
  // needed; the segment's expression becomes `expr` and its description
  // `description` (nullopt: kept). Errors as Save, plus FailedPrecondition
  // when `name` is of another kind; nothing changes then.
  [[nodiscard]] Result<SegmentVersion> Freeze(std::string_view name, std::string_view expr,
                                              const Snapshot& snapshot, Days as_of,
                                              std::string_view created_by, const TagAccess* access = nullptr,
                                              const std::optional<std::string>& description = std::nullopt);

  // Stores `input` as the next version of the frozen segment `name`
  // (creating it with input.kind if needed; replacing its expr, or source and
  // query, with the input's, and its description when input.description is
  // set). InvalidArgument for a bad name or description or a dynamic
  // kind; FailedPrecondition when `name` exists with another kind; IOError
  // when a file cannot be written (nothing changed: a member file written
  // before the failure is removed by a later change).
  [[nodiscard]] Result<SegmentVersion> AddVersion(std::string_view name, FrozenVersionInput input);

  // Removes `name`, then its member files. NotFound when there is none;
  // FailedPrecondition naming the segments whose expressions use it (delete
  // or change them first; a snapshot's frozen expression counts, since
  // freezing it again needs it).
  [[nodiscard]] Status Delete(std::string_view name);

  // Re-reads the file, to see changes made by other processes since Open.
  [[nodiscard]] Status Reload();

  // NotFound (with a suggestion) when there is no such segment.
  [[nodiscard]] Result<SavedSegment> Get(std::string_view name) const;
  // Every saved segment, sorted by name.
  std::vector<SavedSegment> List() const;

  // The members stored for `version` (read once, then cached).
  // Corruption naming the file when it fails its checks; IOError when it
  // cannot be read.
  [[nodiscard]] Result<std::shared_ptr<const Bitmap>> LoadMembers(const SegmentVersion& version) const;

  // SegmentResolver. ExpressionOf a list or sql segment is
  // FailedPrecondition (it has members, not an expression); MembersOf
  // follows the version rule at the top.
  [[nodiscard]] Result<std::string> ExpressionOf(std::string_view name) const override;
  std::vector<std::string> Names() const override;
  [[nodiscard]] Result<std::optional<FrozenMembers>> MembersOf(std::string_view name, Days as_of,
                                                               bool load) const override;

  using Map = std::map<std::string, SavedSegment, std::less<>>;

 private:
  SavedSegments(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}
  std::string path() const;
  Result<Map> ReadFile() const;
  Status WriteFile(const Map& segments) const;
  // Removes member files (and temporaries) under DIR/segments that
  // `segments` does not name. Call with the lock held.
  void RemoveUnnamedFiles(const Map& segments) const;

  Env* env_;
  std::string dir_;
  mutable std::mutex mu_;  // guards segments_
  Map segments_;
  // Drops cached member sets of files `segments` does not name.
  void EvictUnnamed(const Map& segments) const;

  mutable std::mutex cache_mu_;  // guards cache_
  // Member sets read (or written) so far, by file, until the index no
  // longer names the file.
  mutable std::map<std::string, std::shared_ptr<const Bitmap>, std::less<>> cache_;
};

// The frozen members of `segment` at `as_of` through `loader` (its version
// rule): shared by SavedSegments and the resolvers it validates with.
Result<std::optional<FrozenMembers>> FrozenMembersOf(const SavedSegments& loader, const SavedSegment& segment,
                                                     Days as_of, bool load);

}  // namespace tagloop
