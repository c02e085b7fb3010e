// Saved segments: named segment expressions, usable in other expressions as
// SEGMENT('name'). They are dynamic: the expression is evaluated anew, as of
// the query's date, every time it is used.
//
// Stored as one JSON file, DIR/segments.json:
//   {"format": 1, "segments": [{"name": "...", "expr": "...",
//                               "created_unix": N, "updated_unix": N}, ...]}
// rewritten whole through Env::WriteFileAtomic (readers see the old or the
// new file). Changes take DIR/segments.lock, re-read the file and write it
// back, so two processes never lose each other's changes (a busy lock is a
// FailedPrecondition error, not a wait).
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

#include "core/date.h"
#include "core/env.h"
#include "core/status.h"
#include "segment/segment_resolver.h"
#include "store/tag_store.h"

namespace tagloop {

struct SavedSegment {
  std::string name;
  std::string expr;
  int64_t created_unix = 0;
  int64_t updated_unix = 0;
};

class SavedSegments : public SegmentResolver {
 public:
  // Loads DIR/segments.json (none yet: no segments). Corruption when the file
  // is not a valid segments file. `env` is not owned and must outlive this.
  [[nodiscard]] static Result<std::unique_ptr<SavedSegments>> Open(Env* env, const std::string& dir);

  // A valid name: 1-128 bytes of UTF-8, no control characters, no leading or
  // trailing space.
  [[nodiscard]] static Status ValidateName(std::string_view name);

  // Creates or replaces `name`. First checks the name, then that `expr`
  // parses and binds on `snapshot` as of `as_of`, with this segment already
  // defined as `expr` (so a cycle through it is refused). InvalidArgument
  // (with the expression position) when either is bad; IOError when the file
  // cannot be written, in which case nothing changed.
  [[nodiscard]] Status Save(std::string_view name, std::string_view expr, const Snapshot& snapshot,
                            Days as_of);

  // Removes `name`. NotFound when there is none; FailedPrecondition naming
  // the segments whose expressions use it (delete or change them first).
  [[nodiscard]] Status Delete(std::string_view name);

  // Re-reads the file, to see changes made by other processes since Open.
  [[nodiscard]] Status Reload();

  // NotFound (with a suggestion) when there is no such segment.
  [[nodiscard]] Result<SavedSegment> Get(std::string_view name) const;
  // Every saved segment, sorted by name.
  std::vector<SavedSegment> List() const;

  // SegmentResolver.
  [[nodiscard]] Result<std::string> ExpressionOf(std::string_view name) const override;
  std::vector<std::string> Names() const override;

 private:
  using Map = std::map<std::string, SavedSegment, std::less<>>;
  SavedSegments(Env* env, std::string dir) : env_(env), dir_(std::move(dir)) {}
  std::string path() const;
  Result<Map> ReadFile() const;
  Status WriteFile(const Map& segments) const;

  Env* env_;
  std::string dir_;
  mutable std::mutex mu_;  // guards segments_
  Map segments_;
};

}  // namespace tagloop
