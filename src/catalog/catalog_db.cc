#include "catalog/catalog_db.h"

#include <fcntl.h>
#include <fmt/format.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "catalog/catalog_schema.h"

namespace tagloop {

namespace {

// `st` with another message, keeping its code.
Status WithContext(const Status& st, std::string msg) {
  switch (st.code()) {
    case Status::Code::kCorruption: return Status::Corruption(std::move(msg));
    case Status::Code::kInvalidArgument: return Status::InvalidArgument(std::move(msg));
    case Status::Code::kFailedPrecondition: return Status::FailedPrecondition(std::move(msg));
    case Status::Code::kInternal: return Status::Internal(std::move(msg));
    default: return Status::IOError(std::move(msg));
  }
}

}  // namespace

// ---------------------------------------------------------------- Statement

Statement::~Statement() {
  if (stmt_ != nullptr) sqlite3_finalize(stmt_);
}

Statement::Statement(Statement&& other) noexcept
    : stmt_(other.stmt_), db_(other.db_), bind_error_(other.bind_error_) {
  other.stmt_ = nullptr;
}

Statement& Statement::operator=(Statement&& other) noexcept {
  if (this != &other) {
    if (stmt_ != nullptr) sqlite3_finalize(stmt_);
    stmt_ = other.stmt_;
    db_ = other.db_;
    bind_error_ = other.bind_error_;
    other.stmt_ = nullptr;
  }
  return *this;
}

Statement& Statement::Reset() {
  sqlite3_reset(stmt_);  // returns the last step's error, already reported by Step
  sqlite3_clear_bindings(stmt_);
  bind_error_ = SQLITE_OK;
  return *this;
}

void Statement::NoteBind(int rc) {
  if (rc != SQLITE_OK && bind_error_ == SQLITE_OK) bind_error_ = rc;
}

Statement& Statement::Bind(int index, int64_t value) {
  NoteBind(sqlite3_bind_int64(stmt_, index, value));
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  NoteBind(sqlite3_bind_text64(stmt_, index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8));
  return *this;
}

Statement& Statement::BindBlob(int index, const void* data, size_t size) {
  NoteBind(sqlite3_bind_blob64(stmt_, index, data, size, SQLITE_TRANSIENT));
  return *this;
}

Statement& Statement::BindNull(int index) {
  NoteBind(sqlite3_bind_null(stmt_, index));
  return *this;
}

Statement& Statement::BindDouble(int index, double value) {
  NoteBind(sqlite3_bind_double(stmt_, index, value));
  return *this;
}

Result<bool> Statement::Step() {
  if (bind_error_ != SQLITE_OK) return db_->Error(bind_error_, "cannot bind a parameter");
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  Status st = db_->Error(rc, "statement failed");
  sqlite3_reset(stmt_);  // leave it reusable (and release its read lock)
  return st;
}

Status Statement::Run() {
  while (true) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return Status::Ok();
  }
}

bool Statement::IsNull(int column) const { return sqlite3_column_type(stmt_, column) == SQLITE_NULL; }
int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }
double Statement::Double(int column) const { return sqlite3_column_double(stmt_, column); }
std::optional<int64_t> Statement::OptionalInt(int column) const {
  if (IsNull(column)) return std::nullopt;
  return Int(column);
}

std::string Statement::Text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), static_cast<size_t>(n));
}

std::string Statement::Blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_, column);
  int n = sqlite3_column_bytes(stmt_, column);
  return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), static_cast<size_t>(n));
}

// ---------------------------------------------------------------- CatalogDb

std::string CatalogDb::PathFor(const std::string& dir) {
  if (!dir.empty() && dir.back() == '/') return dir + "tagloop.db";
  return dir + "/tagloop.db";
}

Status CatalogDb::Error(int rc, std::string_view what) const {
  const char* detail =
      db_ != nullptr && sqlite3_errcode(db_) == rc ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
  std::string msg = fmt::format("tagloop.db '{}': {}: {}", path_, what, detail);
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB: return Status::Corruption(std::move(msg));
    case SQLITE_CONSTRAINT: return Status::InvalidArgument(std::move(msg));
    case SQLITE_MISUSE:
    case SQLITE_RANGE: return Status::Internal(std::move(msg));
    default: return Status::IOError(std::move(msg));
  }
}

Result<std::unique_ptr<CatalogDb>> CatalogDb::Open(const std::string& dir, const CatalogOptions& options) {
  struct stat st {};
  if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode)) {
    return Status::NotFound(fmt::format("data directory '{}' does not exist", dir));
  }
  std::string path = PathFor(dir);
  const bool existed = ::stat(path.c_str(), &st) == 0;
  if (!existed && !options.create_if_missing) {
    return Status::NotFound(fmt::format("no catalog database '{}'", path));
  }
  if (!existed) {
    // Create it empty (a valid empty database) with mode 0600 before SQLite
    // opens it: its -wal and -shm files inherit that mode, and there is no
    // moment when the audit log is readable by others.
    int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
    if (fd < 0) {
      return Status::IOError(fmt::format("tagloop.db '{}': cannot create: {}", path, std::strerror(errno)));
    }
    ::close(fd);
  }
  // NOMUTEX: SQLite's own per-connection mutex is redundant, a CatalogDb is
  // used by one thread at a time (see the header).
  int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE;
  if (options.create_if_missing) flags |= SQLITE_OPEN_CREATE;
  sqlite3* handle = nullptr;
  int rc = sqlite3_open_v2(path.c_str(), &handle, flags, nullptr);
  std::unique_ptr<CatalogDb> db(new CatalogDb(handle, path));
  if (rc != SQLITE_OK) return db->Error(rc, "cannot open");
  TAGLOOP_RETURN_IF_ERROR(db->Configure(options));
  TAGLOOP_RETURN_IF_ERROR(db->Migrate());
  TAGLOOP_ASSIGN_OR_RETURN(Statement dv, db->Prepare("PRAGMA data_version"));
  db->data_version_ = std::make_unique<Statement>(std::move(dv));
  return db;
}

CatalogDb::~CatalogDb() {
  data_version_.reset();  // statements must be finalized before the connection closes
  if (db_ != nullptr) sqlite3_close_v2(db_);
}

Status CatalogDb::Configure(const CatalogOptions& options) {
  int rc = sqlite3_busy_timeout(db_, options.busy_timeout_ms);
  if (rc != SQLITE_OK) return Error(rc, "cannot set the busy timeout");
  // journal_mode answers with the mode in effect: anything but "wal" means
  // the file system refused it (e.g. no shared memory), which we do not run on.
  TAGLOOP_ASSIGN_OR_RETURN(Statement wal, Prepare("PRAGMA journal_mode = WAL"));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, wal.Step());
  if (!row || wal.Text(0) != "wal") {
    return Status::IOError(
        fmt::format("tagloop.db '{}': cannot switch to WAL mode (got '{}')", path_, row ? wal.Text(0) : ""));
  }
  return Exec("PRAGMA foreign_keys = ON; PRAGMA synchronous = FULL;");
}

Status CatalogDb::Migrate() {
  TAGLOOP_ASSIGN_OR_RETURN(int64_t current, SchemaVersion());
  auto migrations = CatalogMigrations();
  const int64_t latest = migrations.empty() ? 0 : migrations.back().version;
  if (current > latest) {
    return Status::FailedPrecondition(fmt::format(
        "tagloop.db '{}': schema version {} is newer than this tagloop knows ({}); upgrade tagloop", path_,
        current, latest));
  }
  for (const CatalogMigration& m : migrations) {
    if (m.version <= current) continue;
    Status st = MigrateTo(m.version, m.sql);
    if (!st.ok()) {
      return WithContext(st, fmt::format("{} (migration {}: {})", st.message(), m.version, m.description));
    }
  }
  return Status::Ok();
}

Status CatalogDb::MigrateTo(int64_t version, const char* sql) {
  TAGLOOP_ASSIGN_OR_RETURN(Transaction tx, Begin(/*immediate=*/true));
  // Another process may have applied it while we waited for the write lock.
  TAGLOOP_ASSIGN_OR_RETURN(int64_t current, SchemaVersion());
  if (current >= version) return Status::Ok();
  TAGLOOP_RETURN_IF_ERROR(Exec(sql));
  // PRAGMA takes no bound parameters; `version` is our own integer constant.
  const std::string set_version = fmt::format("PRAGMA user_version = {}", version);
  TAGLOOP_RETURN_IF_ERROR(Exec(set_version.c_str()));
  return tx.Commit();
}

Result<Statement> CatalogDb::Prepare(std::string_view sql) {
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT, &stmt,
                              nullptr);
  if (rc != SQLITE_OK) {
    Status st = Error(rc, "cannot prepare a statement");
    // A syntax error or unknown column is a bug in tagloop's constant SQL.
    if ((rc & 0xff) == SQLITE_ERROR) return Status::Internal(st.message());
    return st;
  }
  return Statement(stmt, this);
}

Status CatalogDb::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (err != nullptr) sqlite3_free(err);  // the same text as sqlite3_errmsg
  if (rc != SQLITE_OK) return Error(rc, "statement failed");
  return Status::Ok();
}

Result<CatalogDb::Transaction> CatalogDb::Begin(bool immediate) {
  TAGLOOP_RETURN_IF_ERROR(Exec(immediate ? "BEGIN IMMEDIATE" : "BEGIN"));
  return Transaction(this);
}

CatalogDb::Transaction::~Transaction() {
  if (db_ != nullptr) (void)db_->Exec("ROLLBACK");
}

Status CatalogDb::Transaction::Commit() {
  if (db_ == nullptr) return Status::Internal("transaction already finished");
  Status st = db_->Exec("COMMIT");
  if (st.ok()) db_ = nullptr;  // on failure the destructor rolls back
  return st;
}

Result<int64_t> CatalogDb::DataVersion() {
  data_version_->Reset();
  TAGLOOP_ASSIGN_OR_RETURN(bool row, data_version_->Step());
  if (!row) return Status::Internal("PRAGMA data_version returned no row");
  int64_t v = data_version_->Int(0);
  data_version_->Reset();
  return v;
}

Result<int64_t> CatalogDb::SchemaVersion() {
  TAGLOOP_ASSIGN_OR_RETURN(Statement s, Prepare("PRAGMA user_version"));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, s.Step());
  if (!row) return Status::Internal("PRAGMA user_version returned no row");
  return s.Int(0);
}

int64_t CatalogDb::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }
int64_t CatalogDb::Changes() const { return sqlite3_changes64(db_); }

}  // namespace tagloop
