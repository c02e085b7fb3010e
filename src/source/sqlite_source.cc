#include "source/sqlite_source.h"

#include <fmt/format.h>
#include <sqlite3.h>
#include <strings.h>

#include <filesystem>

#include "source/row_batcher.h"
#include "source/source_driver.h"

namespace tagloop {

namespace {

// Finalizes a statement when the scope ends.
struct StmtGuard {
  sqlite3_stmt* stmt = nullptr;
  ~StmtGuard() { sqlite3_finalize(stmt); }
};

class SqliteSource final : public Source {
 public:
  SqliteSource(const SourceSpec& config, std::string path)
      : name_(config.name), fetch_rows_(config.fetch_rows) {
    // SQLite is built with URI filenames on: keep "file:..." a plain path.
    path_ = path.rfind("file:", 0) == 0 ? "./" + path : std::move(path);
  }
  ~SqliteSource() override {
    if (db_ != nullptr) sqlite3_close_v2(db_);
  }

  Status Query(std::string_view sql, RowSink& sink, const RunControl& control) override;
  Result<TableResult> QueryTable(const TableQuery& query, const RunControl& control) override;
  Status Ping() override;

 private:
  Status Open();
  // Prepares the one statement of `sql` (InvalidArgument for a second one or
  // a statement that writes).
  Status PrepareOne(std::string_view sql, StmtGuard& guard);
  Status Exec(const char* sql);
  Status PushIds(std::span<const std::string_view> ids, const RunControl& control);
  Status RunTable(const std::string& sql, size_t max_rows, const RunControl& control, TableResult* result);
  Status Run(sqlite3_stmt* stmt, RowSink& sink, const RunControl& control);
  Status StepError(int rc, std::string_view what) const;
  static int Progress(void* arg);

  std::string name_;
  std::string path_;
  int fetch_rows_;
  sqlite3* db_ = nullptr;
  const RunControl* control_ = nullptr;  // of the running query, for Progress
  Status stop_;                          // why Progress interrupted it
};

bool IsSpace(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

bool IsBoolType(const char* decltype_name) {
  return decltype_name != nullptr &&
         (strcasecmp(decltype_name, "BOOLEAN") == 0 || strcasecmp(decltype_name, "BOOL") == 0);
}

Status SqliteSource::Open() {
  if (db_ != nullptr) return Status::Ok();
  std::error_code ec;
  if (!std::filesystem::is_regular_file(path_, ec)) {
    return Status::FailedPrecondition(SourceMessage(name_, fmt::format("no database file at {}", path_)));
  }
  sqlite3* db = nullptr;
  int rc = sqlite3_open_v2(path_.c_str(), &db, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db != nullptr ? sqlite3_errmsg(db) : sqlite3_errstr(rc);
    sqlite3_close_v2(db);
    return Status::FailedPrecondition(SourceMessage(name_, fmt::format("cannot open {}: {}", path_, msg)));
  }
  sqlite3_extended_result_codes(db, 1);
  sqlite3_busy_timeout(db, 5000);
  sqlite3_limit(db, SQLITE_LIMIT_ATTACHED, 0);
  sqlite3_db_config(db, SQLITE_DBCONFIG_DEFENSIVE, 1, nullptr);
  sqlite3_db_config(db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, nullptr);
  db_ = db;
  return Status::Ok();
}

int SqliteSource::Progress(void* arg) {
  auto* self = static_cast<SqliteSource*>(arg);
  if (self->control_ == nullptr) return 0;
  Status st = CheckRunControl(*self->control_, self->name_);
  if (st.ok()) return 0;
  self->stop_ = std::move(st);
  return 1;  // interrupts the statement with SQLITE_INTERRUPT
}

Status SqliteSource::StepError(int rc, std::string_view what) const {
  std::string msg = SourceMessage(name_, fmt::format("{}: {}", what, sqlite3_errmsg(db_)));
  switch (rc & 0xff) {
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
    case SQLITE_CANTOPEN: return Status::FailedPrecondition(std::move(msg));
    case SQLITE_IOERR:
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
    case SQLITE_NOMEM:
    case SQLITE_FULL: return Status::IOError(std::move(msg));
    default: return Status::InvalidArgument(std::move(msg));
  }
}

Status SqliteSource::PrepareOne(std::string_view sql, StmtGuard& guard) {
  const char* tail = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), 0, &guard.stmt, &tail);
  if (rc != SQLITE_OK) return StepError(rc, "the query is not valid");
  if (guard.stmt == nullptr) return Status::InvalidArgument(SourceMessage(name_, "the query is empty"));
  // Anything after the first statement must be blanks, semicolons or comments.
  const char* end = sql.data() + sql.size();
  while (tail != nullptr && tail < end) {
    while (tail < end && (IsSpace(*tail) || *tail == ';')) ++tail;
    if (tail == end) break;
    StmtGuard next;
    const char* next_tail = nullptr;
    rc = sqlite3_prepare_v3(db_, tail, static_cast<int>(end - tail), 0, &next.stmt, &next_tail);
    if (rc != SQLITE_OK || next.stmt != nullptr) {
      return Status::InvalidArgument(SourceMessage(
          name_,
          fmt::format("a tag query is one statement; another one starts at position {}", tail - sql.data())));
    }
    tail = next_tail;
  }
  if (!sqlite3_stmt_readonly(guard.stmt)) {
    return Status::InvalidArgument(
        SourceMessage(name_, "a tag query must only read (this statement writes)"));
  }
  return Status::Ok();
}

Status SqliteSource::Query(std::string_view sql, RowSink& sink, const RunControl& control) {
  TAGLOOP_RETURN_IF_ERROR(CheckRunControl(control, name_));
  TAGLOOP_RETURN_IF_ERROR(Open());
  StmtGuard guard;
  TAGLOOP_RETURN_IF_ERROR(PrepareOne(sql, guard));
  control_ = &control;
  stop_ = Status::Ok();
  sqlite3_progress_handler(db_, 1000, &SqliteSource::Progress, this);
  Status st = Run(guard.stmt, sink, control);
  sqlite3_progress_handler(db_, 0, nullptr, nullptr);
  control_ = nullptr;
  return st;
}

Status SqliteSource::Exec(const char* sql) {
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, nullptr);
  if (rc == SQLITE_OK) return Status::Ok();
  if ((rc & 0xff) == SQLITE_INTERRUPT && !stop_.ok()) return stop_;
  return StepError(rc, "cannot push the ids");
}

Status SqliteSource::PushIds(std::span<const std::string_view> ids, const RunControl& control) {
  // TEMP tables live in the connection's own temporary database, which a
  // read-only open may write; the main database stays untouched.
  TAGLOOP_RETURN_IF_ERROR(Exec("DROP TABLE IF EXISTS temp.tagloop_segment"));
  TAGLOOP_RETURN_IF_ERROR(Exec("CREATE TEMP TABLE tagloop_segment(user_id TEXT)"));
  TAGLOOP_RETURN_IF_ERROR(Exec("BEGIN"));
  StmtGuard insert;
  int rc = sqlite3_prepare_v3(db_, "INSERT INTO temp.tagloop_segment(user_id) VALUES (?1)", -1,
                              SQLITE_PREPARE_PERSISTENT, &insert.stmt, nullptr);
  Status st = rc == SQLITE_OK ? Status::Ok() : StepError(rc, "cannot push the ids");
  for (size_t i = 0; st.ok() && i < ids.size(); ++i) {
    sqlite3_bind_text(insert.stmt, 1, ids[i].data(), static_cast<int>(ids[i].size()), SQLITE_STATIC);
    rc = sqlite3_step(insert.stmt);
    sqlite3_reset(insert.stmt);
    if (rc != SQLITE_DONE) {
      st = (rc & 0xff) == SQLITE_INTERRUPT && !stop_.ok() ? stop_ : StepError(rc, "cannot push the ids");
    } else if ((i & 4095) == 4095) {
      st = CheckRunControl(control, name_);
    }
  }
  if (!st.ok()) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    return st;
  }
  return Exec("COMMIT");
}

Result<TableResult> SqliteSource::QueryTable(const TableQuery& query, const RunControl& control) {
  TAGLOOP_RETURN_IF_ERROR(CheckRunControl(control, name_));
  TAGLOOP_RETURN_IF_ERROR(Open());
  control_ = &control;
  stop_ = Status::Ok();
  sqlite3_progress_handler(db_, 1000, &SqliteSource::Progress, this);
  TableResult result;
  Status st;
  if (query.pieces.size() > 1) {
    result.pushed_as = "temp_table";
    st = PushIds(query.ids, control);
  }
  if (st.ok()) st = RunTable(JoinTablePieces(query, "tagloop_segment"), query.max_rows, control, &result);
  sqlite3_progress_handler(db_, 0, nullptr, nullptr);
  control_ = nullptr;
  if (query.pieces.size() > 1) {
    // The ids leave with the call, whatever happened.
    if (sqlite3_get_autocommit(db_) == 0) sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    sqlite3_exec(db_, "DROP TABLE IF EXISTS temp.tagloop_segment", nullptr, nullptr, nullptr);
  }
  if (!st.ok()) return st;
  return result;
}

Status SqliteSource::RunTable(const std::string& sql, size_t max_rows, const RunControl& control,
                              TableResult* result) {
  StmtGuard guard;
  TAGLOOP_RETURN_IF_ERROR(PrepareOne(sql, guard));
  sqlite3_stmt* stmt = guard.stmt;
  const int columns = sqlite3_column_count(stmt);
  if (columns < 1) return Status::InvalidArgument(SourceMessage(name_, "the query returns no columns"));
  std::vector<bool> bools(static_cast<size_t>(columns));
  for (int c = 0; c < columns; ++c) {
    const char* name = sqlite3_column_name(stmt, c);
    result->columns.emplace_back(name != nullptr ? name : "");
    bools[static_cast<size_t>(c)] = IsBoolType(sqlite3_column_decltype(stmt, c));
  }
  for (int64_t n = 1;; ++n) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      if ((rc & 0xff) == SQLITE_INTERRUPT && !stop_.ok()) return stop_;
      return StepError(rc, fmt::format("the query failed at row {}", n));
    }
    if (result->rows.size() >= max_rows) {
      result->truncated = true;
      break;
    }
    std::vector<TableCell>& row = result->rows.emplace_back(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      TableCell& cell = row[static_cast<size_t>(c)];
      int type = sqlite3_column_type(stmt, c);
      if (type == SQLITE_NULL) continue;
      if (bools[static_cast<size_t>(c)] && type == SQLITE_INTEGER) {
        cell.kind = TableCell::Kind::kBool;
        cell.text = sqlite3_column_int64(stmt, c) != 0 ? "true" : "false";
        continue;
      }
      cell.kind = type == SQLITE_INTEGER || type == SQLITE_FLOAT ? TableCell::Kind::kNumber : TableCell::Kind::kText;
      const auto* text = reinterpret_cast<const char*>(type == SQLITE_BLOB ? sqlite3_column_blob(stmt, c)
                                                                           : sqlite3_column_text(stmt, c));
      cell.text.assign(text != nullptr ? text : "", static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
    }
    if ((n & 1023) == 0) TAGLOOP_RETURN_IF_ERROR(CheckRunControl(control, name_));
  }
  return Status::Ok();
}

Status SqliteSource::Run(sqlite3_stmt* stmt, RowSink& sink, const RunControl& control) {
  const int columns = sqlite3_column_count(stmt);
  RowBatcher batcher(sink, fetch_rows_, name_);
  TAGLOOP_RETURN_IF_ERROR(batcher.Start(columns));
  bool bools[2] = {false, false};
  for (int c = 0; c < columns; ++c) bools[c] = IsBoolType(sqlite3_column_decltype(stmt, c));

  auto column = [&](int c) -> std::optional<std::string_view> {
    int type = sqlite3_column_type(stmt, c);
    if (type == SQLITE_NULL) return std::nullopt;
    if (bools[c] && type == SQLITE_INTEGER) {
      sqlite3_int64 v = sqlite3_column_int64(stmt, c);
      if (v == 0) return std::string_view("false");
      if (v == 1) return std::string_view("true");
    }
    const auto* text = reinterpret_cast<const char*>(type == SQLITE_BLOB ? sqlite3_column_blob(stmt, c)
                                                                         : sqlite3_column_text(stmt, c));
    int size = sqlite3_column_bytes(stmt, c);
    return std::string_view(text != nullptr ? text : "", static_cast<size_t>(size));
  };

  for (int64_t n = 1;; ++n) {
    int rc = sqlite3_step(stmt);
    if (rc == SQLITE_DONE) break;
    if (rc != SQLITE_ROW) {
      if ((rc & 0xff) == SQLITE_INTERRUPT && !stop_.ok()) return stop_;
      return StepError(rc, fmt::format("the query failed at row {}", n));
    }
    TAGLOOP_RETURN_IF_ERROR(batcher.Add(column(0), columns > 1 ? column(1) : std::nullopt));
    // The progress handler only runs inside sqlite3_step; the sink's time counts too.
    if ((n & 1023) == 0) TAGLOOP_RETURN_IF_ERROR(CheckRunControl(control, name_));
  }
  return batcher.Finish();
}

Status SqliteSource::Ping() {
  TAGLOOP_RETURN_IF_ERROR(Open());
  StmtGuard guard;
  int rc = sqlite3_prepare_v2(db_, "SELECT count(*) FROM sqlite_schema", -1, &guard.stmt, nullptr);
  if (rc == SQLITE_OK) rc = sqlite3_step(guard.stmt);
  if (rc != SQLITE_ROW) {
    Status st = StepError(rc, fmt::format("cannot read {}", path_));
    return st.code() == Status::Code::kInvalidArgument ? Status::FailedPrecondition(st.message()) : st;
  }
  return Status::Ok();
}

}  // namespace

std::unique_ptr<Source> OpenSqliteSource(const SourceSpec& spec, const std::string& data_dir) {
  std::filesystem::path path(spec.connection);
  if (path.is_relative()) path = std::filesystem::path(data_dir) / path;
  return std::make_unique<SqliteSource>(spec, path.string());
}

const SourceDriver& SqliteSourceDriver() {
  // SQLite is linked into every command already (the catalog database), so
  // this driver is built in rather than a module.
  static const SourceDriver driver{kSourceDriverAbi, "sqlite", nullptr, OpenSqliteSource};
  return driver;
}

}  // namespace tagloop
