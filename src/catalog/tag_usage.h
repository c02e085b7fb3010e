// TagUsage: how often each tag is used, by whom and for what (issue 4,
// "Usage statistics"), in the tag_usage table of the catalog database.
//
// Record() is on the hot path of counts, queries and profile look-ups, so it
// only adds to an in-memory table; Flush() writes the accumulated counts in
// one transaction (the server calls it every few seconds and at shutdown). A
// crash loses at most the counts since the last flush, nothing else.
//
// Kinds of use: "count", "query", "segment" (saving a segment), "composite"
// (a composite tag reading it), "profile", and later "campaign".
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <tuple>
#include <vector>

#include "catalog/catalog_db.h"
#include "core/status.h"
#include "core/wall_clock.h"

namespace tagloop {

struct TagUsageRow {
  std::string tag;
  std::string kind;
  std::string principal;
  uint64_t uses = 0;
  int64_t last_used_ms = 0;
};

class TagUsage {
 public:
  static Result<std::unique_ptr<TagUsage>> Open(const std::string& dir, WallClock* clock = WallClock::Default());

  // Counts `uses` uses of `tag` of this kind by `principal`. Memory only.
  void Record(std::string_view tag, std::string_view kind, std::string_view principal, uint64_t uses = 1);
  // Writes what Record gathered. On error the counts stay pending.
  Status Flush();
  // Stored rows (after a Flush) for one tag ("" = all), most used first.
  Result<std::vector<TagUsageRow>> Rows(std::string_view tag);

 private:
  TagUsage(std::unique_ptr<CatalogDb> db, WallClock* clock) : db_(std::move(db)), clock_(clock) {}
  using Key = std::tuple<std::string, std::string, std::string>;
  struct Pending {
    uint64_t uses = 0;
    int64_t last_used_ms = 0;
  };
  std::mutex pending_mu_;
  std::map<Key, Pending, std::less<>> pending_;
  std::mutex db_mu_;
  std::unique_ptr<CatalogDb> db_;
  WallClock* clock_;
};

}  // namespace tagloop
