// SourceRegistry: the named SQL sources definitions read from ("Sources are
// configured once"), in the `sources` table of the catalog database. The
// password is a secret: it is stored here (the file is mode 0600) or named
// by an environment variable, returned only to the caller that connects
// (Get), and never listed, logged or put in a message.
//
// Thread-safety: every method may be called from any thread.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_db.h"
#include "core/status.h"
#include "core/wall_clock.h"
#include "source/source_spec.h"

namespace tagloop {

class TagCatalog;

class SourceRegistry {
 public:
  static Result<std::unique_ptr<SourceRegistry>> Open(const std::string& dir, WallClock* clock = WallClock::Default());

  // Creates or replaces a source (updated_at_ms and updated_by are set here
  // from the clock and `actor`). With keep_password, an empty password
  // keeps the stored one (edits of other fields need not resend it), unless
  // password_env is set: then no password is stored. The errors of
  // ValidateSourceSpec (never quoting a password).
  Status Put(const SourceSpec& source, std::string_view actor, bool keep_password);
  // NotFound when there is no such source. With the password.
  Result<SourceSpec> Get(std::string_view name);
  // Every source, by name, WITHOUT passwords (has_password tells whether one is set).
  struct Listed {
    SourceSpec source;
    bool has_password = false;
  };
  Result<std::vector<Listed>> List();
  // Removes the source whatever names it (see RemoveSource). NotFound when
  // there is no such source.
  Status Remove(std::string_view name);

 private:
  SourceRegistry(std::unique_ptr<CatalogDb> db, WallClock* clock) : db_(std::move(db)), clock_(clock) {}
  std::mutex mu_;
  std::unique_ptr<CatalogDb> db_;
  WallClock* clock_;
};

// The tags whose current definition reads source `name` (a sql producer's
// "source"), offline tags included, sorted by name.
Result<std::vector<std::string>> TagsNamingSource(TagCatalog& catalog, std::string_view name);

// Removes source `name` unless definitions still name it, so a tag's next
// run does not fail on a source that is gone: FailedPrecondition "source
// 'pg' is used by tags a, b; change their definitions first, or force the
// removal" with those tags in *naming, unless `force`. NotFound when there
// is no such source. On success *naming holds the tags that still name it
// (non-empty only when forced), for the caller to report. `naming` may be
// null.
Status RemoveSource(SourceRegistry& sources, TagCatalog& catalog, std::string_view name, bool force,
                    std::vector<std::string>* naming);

}  // namespace tagloop
