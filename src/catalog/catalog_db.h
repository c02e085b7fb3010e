// CatalogDb: the data directory's SQLite database, DIR/tagloop.db (DESIGN.md:
// catalog and workflow state; API tokens and the audit log live here first,
// later issues add their tables).
//
// Opening a CatalogDb sets WAL mode (readers never block the one writer, and
// another process may read and write at the same time), a busy timeout, foreign
// keys on and synchronous=FULL (a committed transaction survives a power cut),
// then brings the schema up to date: the migrations of catalog_schema.h are
// applied in order, each in its own IMMEDIATE transaction together with the
// `user_version` pragma that records it, so two processes opening the same file
// at once apply each migration exactly once.
//
// SQL is always constant text with `?` parameters bound through Statement; a
// value from a caller is never spliced into SQL.
//
// Errors are Status values naming the file: IOError when the operating system
// or SQLite refuses (including a lock held longer than the busy timeout),
// Corruption when the file is not a valid database, FailedPrecondition when it
// was written by a newer tagloop (unknown schema version).
//
// Thread-safety: a CatalogDb and its Statements are NOT thread-safe. Use one
// CatalogDb (= one SQLite connection) per thread, or guard one with a mutex;
// TokenStore and AuditLog each own their connections and mutexes. Many
// CatalogDb objects, in one process or many, may use the same file at once.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "core/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace tagloop {

struct CatalogOptions {
  // How long a statement waits for another connection's write lock before it
  // fails with IOError ("database is locked"). Default 5000 ms.
  int busy_timeout_ms = 5000;
  // Create DIR/tagloop.db when it does not exist (the folder DIR itself must
  // exist: a mistyped --data path is an error, not a new data directory).
  // Default true. A new file is created with mode 0600 (it holds the audit
  // log, which names users whose data was read).
  bool create_if_missing = true;
};

class CatalogDb;

// A prepared statement. Parameters are 1-based, as in SQLite; columns are
// 0-based. A bind error is remembered and returned by the next Step(). Must
// not outlive the CatalogDb that prepared it. Movable, not copyable.
class Statement {
 public:
  Statement() = default;
  ~Statement();
  Statement(Statement&& other) noexcept;
  Statement& operator=(Statement&& other) noexcept;
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;

  // Clears the bindings and rewinds the statement, ready for new parameters.
  Statement& Reset();
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);  // copied by SQLite
  Statement& BindBlob(int index, const void* data, size_t size);
  Statement& BindNull(int index);
  Statement& BindDouble(int index, double value);
  Statement& Bind(int index, std::optional<int64_t> value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // Runs one step: true when a row is available, false when done.
  [[nodiscard]] Result<bool> Step();
  // Runs a statement that returns no rows (or ignores them) to completion.
  [[nodiscard]] Status Run();

  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Double(int column) const;
  std::optional<int64_t> OptionalInt(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;

 private:
  friend class CatalogDb;
  Statement(sqlite3_stmt* stmt, CatalogDb* db) : stmt_(stmt), db_(db) {}
  void NoteBind(int rc);

  sqlite3_stmt* stmt_ = nullptr;
  CatalogDb* db_ = nullptr;
  int bind_error_ = 0;
};

class CatalogDb {
 public:
  // "DIR/tagloop.db".
  static std::string PathFor(const std::string& dir);

  // Opens (or creates, see CatalogOptions) DIR/tagloop.db and migrates its
  // schema. NotFound when DIR does not exist or the file does not and
  // create_if_missing is false; otherwise the errors listed above.
  [[nodiscard]] static Result<std::unique_ptr<CatalogDb>> Open(const std::string& dir,
                                                               const CatalogOptions& options = {});
  ~CatalogDb();
  CatalogDb(const CatalogDb&) = delete;
  CatalogDb& operator=(const CatalogDb&) = delete;

  const std::string& path() const { return path_; }

  // Compiles constant SQL (one statement). Internal error on a syntax error:
  // that is a bug in tagloop, not in the caller's input.
  [[nodiscard]] Result<Statement> Prepare(std::string_view sql);
  // Runs constant SQL without parameters (may hold several statements).
  [[nodiscard]] Status Exec(const char* sql);

  // A transaction, rolled back on destruction unless Commit() succeeded.
  // IMMEDIATE (the default) takes the write lock at once, so it cannot fail
  // half-way for a lock another writer holds.
  class Transaction {
   public:
    Transaction(Transaction&& other) noexcept : db_(other.db_) { other.db_ = nullptr; }
    Transaction(const Transaction&) = delete;
    Transaction& operator=(const Transaction&) = delete;
    Transaction& operator=(Transaction&&) = delete;
    ~Transaction();
    [[nodiscard]] Status Commit();

   private:
    friend class CatalogDb;
    explicit Transaction(CatalogDb* db) : db_(db) {}
    CatalogDb* db_;
  };
  [[nodiscard]] Result<Transaction> Begin(bool immediate = true);

  // SQLite's `PRAGMA data_version`: changes whenever ANOTHER connection (in
  // this or another process) commits to the file; never for this connection's
  // own commits. Cheap: no disk read when nothing changed.
  [[nodiscard]] Result<int64_t> DataVersion();
  // The schema version (`PRAGMA user_version`) after migration.
  [[nodiscard]] Result<int64_t> SchemaVersion();

  int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT/UPDATE/DELETE.
  int64_t Changes() const;

  // "tagloop.db '<path>': <what>: <SQLite's message>" for the code `rc`.
  Status Error(int rc, std::string_view what) const;

 private:
  CatalogDb(sqlite3* db, std::string path) : db_(db), path_(std::move(path)) {}
  Status Configure(const CatalogOptions& options);
  Status Migrate();
  Status MigrateTo(int64_t version, const char* sql);

  sqlite3* db_;
  std::string path_;
  std::unique_ptr<Statement> data_version_;
};

}  // namespace tagloop
