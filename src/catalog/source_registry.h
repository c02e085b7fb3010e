// SourceRegistry: the named SQL sources producers read from (issue 4:
// "Sources are configured once"), in the `sources` table of the catalog
// database. The password is a secret: it is stored here (the file is mode
// 0600) or named by an environment variable, returned only to the producer
// that connects, and never listed, logged or put in a message.
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

namespace tagloop {

struct SourceRecord {
  std::string name;        // [a-z][a-z0-9_]{0,63}, how definitions name it
  std::string kind;        // "sqlite", "postgresql", "odbc"
  std::string connection;  // without the password
  std::string password;    // secret; "" when none or when password_env is used
  std::string password_env;  // at most one of password and password_env is set
  int64_t fetch_rows = 10000;  // 1..1000000
  int64_t updated_at_ms = 0;
  std::string updated_by;
};

class SourceRegistry {
 public:
  static Result<std::unique_ptr<SourceRegistry>> Open(const std::string& dir, WallClock* clock = WallClock::Default());

  // Creates or replaces a source. With keep_password, an empty password
  // keeps the stored one (edits of other fields need not resend it), unless
  // password_env is set: then no password is stored. InvalidArgument (never
  // quoting a password) for a bad name, kind or fetch_rows, both a password
  // and password_env, a password for an sqlite source (a local file), or a
  // connection that seems to hold a password
  // ("password=", "pwd=", "user:secret@" in a URI): it would be listed.
  // produce/source.h checks the rest of a source's settings.
  Status Put(const SourceRecord& source, std::string_view actor, bool keep_password);
  // NotFound when there is no such source. With the password.
  Result<SourceRecord> Get(std::string_view name);
  // Every source, by name, WITHOUT passwords (has_password tells whether one is set).
  struct Listed {
    SourceRecord source;
    bool has_password = false;
  };
  Result<std::vector<Listed>> List();
  Status Remove(std::string_view name);

 private:
  SourceRegistry(std::unique_ptr<CatalogDb> db, WallClock* clock) : db_(std::move(db)), clock_(clock) {}
  std::mutex mu_;
  std::unique_ptr<CatalogDb> db_;
  WallClock* clock_;
};

}  // namespace tagloop
