// The wide CSV import of the SPEC ("Wide CSV import"): one row per user, one
// column per tag, all of them published as new versions for one business date
// in a single atomic store write, or not at all.
//
// Pipeline (each phase timed in ImportSummary::phases):
//   scan    header check, quote-aware split of the rows into chunks
//   parse   chunks parsed on all threads into typed per-column values
//   ids     external ids resolved in file order (new users get new ids)
//   build   each tag's bitmaps / BSI built, encoded and its version file
//           written durably, on all threads
//   commit  one MANIFEST swap publishes users and versions together
// Any error (file:line:column for problems of the file) leaves the store as it
// was: the write is abandoned before the swap.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "import/column_types.h"
#include "store/tag_store.h"

namespace tagloop {

struct ImportOptions {
  // The CSV's name in error messages ("users.csv" in "users.csv:12:5: …").
  // ImportWideCsvFile uses the path when this is empty. Default "csv".
  std::string source_name;
  // The header column holding the users' external ids. Required.
  std::string id_column;
  // Types of tag columns; columns not named are `enum`. Default: none.
  std::vector<ColumnType> column_types;
  // Business date of the data. Default: today (UTC) by the store's Env clock.
  std::optional<Days> version;
  // Worker threads for parse and build. 0 (default): one per core.
  unsigned threads = 0;
  // Approximate bytes of CSV per parse task. Default 8 MiB; smaller values
  // only matter for tests (results never depend on it).
  size_t chunk_bytes = size_t{8} << 20;
};

enum class ImportPhase : uint8_t { kScan, kParse, kIds, kBuild, kCommit };
const char* ImportPhaseName(ImportPhase phase);  // "scan", "parse", …

struct ImportProgress {
  ImportPhase phase = ImportPhase::kScan;
  uint64_t rows = 0;         // rows parsed (parse) or resolved (ids) so far; all rows later
  uint64_t bytes = 0;        // CSV bytes parsed so far
  uint64_t total_bytes = 0;  // size of the CSV
  size_t tags_done = 0;      // versions written (build)
  size_t tags_total = 0;
  double seconds = 0;  // since the import started
};
// Called on the importing thread, about ten times a second and at each phase change.
using ImportProgressFn = std::function<void(const ImportProgress&)>;

struct ImportPhaseTime {
  ImportPhase phase;
  double seconds = 0;
};

struct ImportSummary {
  Days version = 0;
  uint64_t rows = 0;        // users in the file
  size_t tags = 0;          // tag columns, i.e. versions published
  uint64_t new_users = 0;   // users the store did not know before
  uint64_t bytes = 0;       // CSV size
  uint64_t generation = 0;  // the store generation this import published
  double seconds = 0;
  std::vector<ImportPhaseTime> phases;
};

// Imports CSV bytes held by the caller (they must stay valid during the
// call). Takes the store's write lock for the duration (FailedPrecondition if
// another writer holds it). On success every tag column has a new version
// for the date (replacing one of the same date) and every id is a user, all
// published at once; on error nothing changes. Errors: InvalidArgument for
// the options and the file (located), IOError from the file system, others
// from the store. Thread-compatible; `progress` runs on the calling thread.
Result<ImportSummary> ImportWideCsv(TagStore& store, std::string_view csv, const ImportOptions& options,
                                    const ImportProgressFn& progress = {});

// The same for a file, mapped read-only through the store's Env.
Result<ImportSummary> ImportWideCsvFile(TagStore& store, const std::string& path,
                                        const ImportOptions& options, const ImportProgressFn& progress = {});

}  // namespace tagloop
