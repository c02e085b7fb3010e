// Matching external ids (an uploaded list, an SQL query's rows) against one
// Snapshot's users, for list and sql segments and the match report. Ids not
// in the universe (never seen, or deleted) are counted as unknown, never
// added as users.
//
//   TAGLOOP_ASSIGN_OR_RETURN(IdMatcher m, IdMatcher::Create(snapshot));
//   m.Add(ids);             // any number of batches
//   ListMatch r = std::move(m).Finish();
//
// Not thread-safe (one matcher per upload); it must not outlive `snapshot`.
#pragma once

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "core/bitmap.h"
#include "core/status.h"
#include "store/tag_store.h"

namespace tagloop {

inline constexpr size_t kUnknownSampleSize = 100;

struct ListMatch {
  uint64_t lines = 0;       // ids given (each line or row; blank lines are not ids)
  uint64_t distinct = 0;    // different ids among them
  uint64_t duplicates = 0;  // lines - distinct
  uint64_t matched = 0;     // distinct ids of users in the universe
  uint64_t unknown = 0;     // distinct ids that are not (distinct - matched)
  // The first kUnknownSampleSize unknown ids, in input order, each once.
  std::vector<std::string> unknown_sample;
  Bitmap members;  // the matched users' dense ids

  // matched / distinct (0 for an empty list).
  double match_rate() const {
    return distinct ? static_cast<double>(matched) / static_cast<double>(distinct) : 0;
  }
};

class IdMatcher {
 public:
  // Error: the snapshot's dictionary cannot be read (Corruption/IOError).
  [[nodiscard]] static Result<IdMatcher> Create(const Snapshot& snapshot);

  // Matches a batch of ids (copied where needed: the views may die after).
  void Add(std::span<const std::string_view> ids);
  ListMatch Finish() &&;

 private:
  IdMatcher(const Snapshot& snapshot, const UserDictionary& dictionary)
      : snapshot_(&snapshot), dictionary_(&dictionary) {}

  const Snapshot* snapshot_;
  const UserDictionary* dictionary_;
  ListMatch out_;
  std::unordered_set<std::string> unknown_;
  std::vector<uint32_t> found_;
};

}  // namespace tagloop
