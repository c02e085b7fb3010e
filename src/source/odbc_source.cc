#include "source/odbc_source.h"

#include <fmt/format.h>
#include <sql.h>
#include <sqlext.h>
#include <strings.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <mutex>
#include <optional>
#include <thread>

#include "source/odbc_connection_string.h"
#include "source/row_batcher.h"
#include "source/source_driver.h"

namespace tagloop {

// -------------------------------------------------------------------- source

namespace {

bool HasKey(const std::vector<OdbcAttribute>& attrs, const char* key) {
  return std::any_of(attrs.begin(), attrs.end(),
                     [&](const OdbcAttribute& a) { return strcasecmp(a.key.c_str(), key) == 0; });
}

using Clock = std::chrono::steady_clock;
constexpr SQLULEN kLoginTimeoutSeconds = 15;
constexpr size_t kBindBudgetBytes = 4 << 20;  // bound buffers per statement
constexpr size_t kMaxValueBytes = 32767;

// Diagnostic records of a handle: the first SQLSTATE and "STATE: message; ...".
struct Diagnostics {
  std::string sqlstate;
  std::string text;
};

Diagnostics GetDiagnostics(SQLSMALLINT type, SQLHANDLE handle) {
  Diagnostics d;
  for (SQLSMALLINT i = 1; i <= 5; ++i) {
    SQLCHAR state[6] = {0};
    SQLCHAR msg[1024] = {0};
    SQLINTEGER native = 0;
    SQLSMALLINT len = 0;
    SQLRETURN rc = SQLGetDiagRec(type, handle, i, state, &native, msg, sizeof msg, &len);
    if (!SQL_SUCCEEDED(rc)) break;
    if (d.sqlstate.empty()) d.sqlstate = reinterpret_cast<char*>(state);
    std::string m(reinterpret_cast<char*>(msg));
    std::replace(m.begin(), m.end(), '\n', ' ');
    while (!m.empty() && (m.back() == ' ' || m.back() == ';')) m.pop_back();
    if (!d.text.empty()) d.text += "; ";
    d.text += fmt::format("{}: {}", reinterpret_cast<char*>(state), m);
  }
  if (d.text.empty()) d.text = "no diagnostics from the driver";
  return d;
}

// Calls SQLCancel on a statement from a thread of its own when the caller's
// cancel flag is set or the deadline passes, and again every 200 ms until
// stopped (a cancel that arrives between two fetches does nothing).
class CancelWatch {
 public:
  CancelWatch(SQLHSTMT stmt, const RunControl& control, std::string_view name)
      : stmt_(stmt), control_(control), name_(name), thread_([this] { Run(); }) {}
  ~CancelWatch() { Stop(); }
  // Ends the watch; after it returns SQLCancel is no longer called.
  void Stop() {
    {
      std::lock_guard lock(mu_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }
  // Why the watch cancelled the statement (OK when it did not).
  Status reason() {
    std::lock_guard lock(mu_);
    return reason_;
  }

 private:
  void Run() {
    std::unique_lock lock(mu_);
    while (!done_) {
      cv_.wait_for(lock, reason_.ok() ? std::chrono::milliseconds(20) : std::chrono::milliseconds(200));
      if (done_) break;
      if (reason_.ok()) reason_ = CheckRunControl(control_, name_);
      if (!reason_.ok()) SQLCancel(stmt_);  // under the lock, so Stop() waits for it
    }
  }

  SQLHSTMT stmt_;
  const RunControl& control_;
  std::string name_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool done_ = false;
  Status reason_;
  std::thread thread_;
};

// A statement handle, closed and freed when the scope ends. (psqlodbc leaks
// a prepared statement's description when it is freed without SQL_CLOSE.)
struct StatementHandle {
  SQLHSTMT h = SQL_NULL_HSTMT;
  ~StatementHandle() { Free(); }
  void Free() {
    if (h == SQL_NULL_HSTMT) return;
    SQLFreeStmt(h, SQL_CLOSE);
    SQLFreeHandle(SQL_HANDLE_STMT, h);
    h = SQL_NULL_HSTMT;
  }
};

bool IsCharType(SQLSMALLINT type) {
  switch (type) {
    case SQL_CHAR:
    case SQL_VARCHAR:
    case SQL_LONGVARCHAR:
    case SQL_WCHAR:
    case SQL_WVARCHAR:
    case SQL_WLONGVARCHAR: return true;
    default: return false;
  }
}

class OdbcSource final : public Source {
 public:
  explicit OdbcSource(const SourceSpec& config) : config_(config) {}
  ~OdbcSource() override {
    Disconnect();
    if (env_ != SQL_NULL_HENV) SQLFreeHandle(SQL_HANDLE_ENV, env_);
  }

  Status Query(std::string_view sql, RowSink& sink, const RunControl& control) override;
  Result<TableResult> QueryTable(const TableQuery& query, const RunControl& control) override;
  Status Ping() override;

 private:
  Status Connect();
  Status FetchTable(SQLHSTMT stmt, int columns, size_t max_rows, const RunControl& control, CancelWatch* watch,
                    TableResult* result);
  void Disconnect() {
    if (dbc_ == SQL_NULL_HDBC) return;
    if (connected_) SQLDisconnect(dbc_);
    SQLFreeHandle(SQL_HANDLE_DBC, dbc_);
    dbc_ = SQL_NULL_HDBC;
    connected_ = false;
  }
  bool ConnectionDead() {
    SQLUINTEGER dead = SQL_CD_FALSE;
    SQLRETURN rc = SQLGetConnectAttr(dbc_, SQL_ATTR_CONNECTION_DEAD, &dead, 0, nullptr);
    return SQL_SUCCEEDED(rc) && dead == SQL_CD_TRUE;
  }
  // Prepares `sql` on a new statement and returns its column count.
  Result<int> Prepare(StatementHandle& stmt, const std::string& sql);
  Status Fetch(SQLHSTMT stmt, int columns, RowSink& sink, const RunControl& control, CancelWatch* watch);
  // The Status for a failed call on `handle`: the watch's reason if it
  // cancelled, else the diagnostics mapped by SQLSTATE.
  Status Error(SQLSMALLINT type, SQLHANDLE handle, std::string_view what, CancelWatch* watch,
               const RunControl* control);
  Status RunSetup(const char* sql);

  SourceSpec config_;
  std::string secret_;  // the password last connected with: scrubbed from messages
  SQLHENV env_ = SQL_NULL_HENV;
  SQLHDBC dbc_ = SQL_NULL_HDBC;
  bool connected_ = false;
};

Status OdbcSource::Error(SQLSMALLINT type, SQLHANDLE handle, std::string_view what, CancelWatch* watch,
                         const RunControl* control) {
  if (watch != nullptr) {
    Status why = watch->reason();
    if (!why.ok()) return why;
  }
  Diagnostics d = GetDiagnostics(type, handle);
  std::string msg = SourceMessage(config_.name, RedactSecret(fmt::format("{}: {}", what, d.text), secret_));
  if (d.sqlstate == "HY008" || d.sqlstate == "57014") {
    if (control != nullptr) TAGLOOP_RETURN_IF_ERROR(CheckRunControl(*control, config_.name));
    return Status::Cancelled(std::move(msg));
  }
  if (d.sqlstate == "HYT00" || d.sqlstate == "HYT01") return Status::DeadlineExceeded(std::move(msg));
  if (d.sqlstate.rfind("08", 0) == 0 && type == SQL_HANDLE_STMT) return Status::IOError(std::move(msg));
  if (d.sqlstate.rfind("HY", 0) == 0 || d.sqlstate.rfind("IM", 0) == 0 || d.sqlstate.rfind("01", 0) == 0) {
    return type == SQL_HANDLE_DBC ? Status::FailedPrecondition(std::move(msg))
                                  : Status::IOError(std::move(msg));
  }
  return SqlStateStatus(d.sqlstate, std::move(msg));
}

Status OdbcSource::Connect() {
  if (connected_) {
    if (!ConnectionDead()) return Status::Ok();
    Disconnect();
  }
  if (env_ == SQL_NULL_HENV) {
    if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_ENV, SQL_NULL_HANDLE, &env_))) {
      env_ = SQL_NULL_HENV;
      return Status::Internal(SourceMessage(config_.name, "cannot allocate an ODBC environment"));
    }
    SQLSetEnvAttr(env_, SQL_ATTR_ODBC_VERSION, reinterpret_cast<SQLPOINTER>(SQL_OV_ODBC3), 0);
  }
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_DBC, env_, &dbc_))) {
    dbc_ = SQL_NULL_HDBC;
    return Status::Internal(SourceMessage(config_.name, "cannot allocate an ODBC connection"));
  }
  SQLSetConnectAttr(dbc_, SQL_ATTR_LOGIN_TIMEOUT, reinterpret_cast<SQLPOINTER>(kLoginTimeoutSeconds), 0);
  auto password = ResolvePassword(config_);
  if (!password.ok()) {
    Disconnect();
    return password.status();
  }
  secret_ = *password;
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<OdbcAttribute> attrs, ParseOdbcConnectionString(config_.connection));
  std::string text = config_.connection;
  auto add = [&](const char* key, std::string_view value) {
    if (HasKey(attrs, key)) return;
    if (!text.empty() && text.back() != ';') text += ';';
    text += fmt::format("{}={}", key, value);
  };
  add("UseDeclareFetch", "1");
  add("Fetch", std::to_string(config_.fetch_rows));
  add("BoolsAsChar", "0");
  // psqlodbc's communication and debug logs (Debian's odbcinst.ini turns
  // CommLog on) would write queries and errors to files in /tmp.
  add("CommLog", "0");
  add("Debug", "0");
  if (!password->empty()) {
    if (text.back() != ';') text += ';';
    text += "PWD=" + BracedOdbcValue(*password);
    explicit_bzero(password->data(), password->size());
  }
  SQLRETURN rc = SQLDriverConnect(dbc_, nullptr, reinterpret_cast<SQLCHAR*>(text.data()), SQL_NTS, nullptr, 0,
                                  nullptr, SQL_DRIVER_NOPROMPT);
  explicit_bzero(text.data(), text.size());
  if (!SQL_SUCCEEDED(rc)) {
    Status st = Error(SQL_HANDLE_DBC, dbc_, "cannot connect", nullptr, nullptr);
    if (st.code() != Status::Code::kFailedPrecondition) st = Status::FailedPrecondition(st.message());
    Disconnect();
    return st;
  }
  connected_ = true;
  // Read-only: a hint to the driver, and a setting PostgreSQL enforces.
  SQLSetConnectAttr(dbc_, SQL_ATTR_ACCESS_MODE, reinterpret_cast<SQLPOINTER>(SQL_MODE_READ_ONLY), 0);
  SQLCHAR dbms[64] = {0};
  SQLSMALLINT len = 0;
  if (SQL_SUCCEEDED(SQLGetInfo(dbc_, SQL_DBMS_NAME, dbms, sizeof dbms, &len)) &&
      std::strcmp(reinterpret_cast<char*>(dbms), "PostgreSQL") == 0) {
    Status st = RunSetup("SET default_transaction_read_only TO on");
    if (!st.ok()) {
      Disconnect();
      return st;
    }
  }
  return Status::Ok();
}

Status OdbcSource::RunSetup(const char* sql) {
  StatementHandle stmt;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt.h))) {
    stmt.h = SQL_NULL_HSTMT;
    return Error(SQL_HANDLE_DBC, dbc_, "cannot allocate a statement", nullptr, nullptr);
  }
  SQLRETURN rc = SQLExecDirect(stmt.h, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql)), SQL_NTS);
  if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA)
    return Error(SQL_HANDLE_STMT, stmt.h, "session setup failed", nullptr, nullptr);
  return Status::Ok();
}

Result<int> OdbcSource::Prepare(StatementHandle& stmt, const std::string& sql) {
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt.h))) {
    stmt.h = SQL_NULL_HSTMT;
    return Error(SQL_HANDLE_DBC, dbc_, "cannot allocate a statement", nullptr, nullptr);
  }
  SQLRETURN rc = SQLPrepare(stmt.h, reinterpret_cast<SQLCHAR*>(const_cast<char*>(sql.c_str())),
                            static_cast<SQLINTEGER>(sql.size()));
  if (!SQL_SUCCEEDED(rc)) return Error(SQL_HANDLE_STMT, stmt.h, "the query was refused", nullptr, nullptr);
  SQLSMALLINT columns = 0;
  rc = SQLNumResultCols(stmt.h, &columns);
  if (!SQL_SUCCEEDED(rc)) return Error(SQL_HANDLE_STMT, stmt.h, "the query was refused", nullptr, nullptr);
  return static_cast<int>(columns);
}

Status OdbcSource::Query(std::string_view sql_text, RowSink& sink, const RunControl& control) {
  TAGLOOP_RETURN_IF_ERROR(CheckRunControl(control, config_.name));
  bool fresh = !connected_;
  TAGLOOP_RETURN_IF_ERROR(Connect());
  if (size_t second = FindSecondStatement(sql_text); second != std::string_view::npos) {
    return Status::InvalidArgument(SourceMessage(
        config_.name,
        fmt::format("a tag query is one statement; another one starts at position {}", second)));
  }
  // A newline, so that a query ending in a "-- comment" does not swallow
  // what psqlodbc appends (its DECLARE ... FETCH wrapping).
  const std::string sql = std::string(sql_text) + "\n";
  StatementHandle stmt;
  auto columns = Prepare(stmt, sql);
  if (!columns.ok() && !fresh && ConnectionDead()) {
    // The kept connection died while idle: retry once on a new one. The
    // statement goes first: disconnecting frees it inside the driver manager.
    stmt.Free();
    Disconnect();
    TAGLOOP_RETURN_IF_ERROR(Connect());
    columns = Prepare(stmt, sql);
  }
  if (!columns.ok()) return columns.status();
  RowBatcher batcher(sink, 1, config_.name);  // only to check the count before running
  if (*columns < 1 || *columns > 2) return batcher.Start(*columns);
  Status st;
  if (control.cancel != nullptr || control.deadline) {
    CancelWatch watch(stmt.h, control, config_.name);
    st = Fetch(stmt.h, *columns, sink, control, &watch);
    watch.Stop();
  } else {
    st = Fetch(stmt.h, *columns, sink, control, nullptr);
  }
  // Closing ends a cursor left open by an error or a sink stop; the
  // statement must go before a disconnect, which frees it in the driver manager.
  stmt.Free();
  if (!st.ok() && ConnectionDead()) Disconnect();
  return st;
}

Status OdbcSource::Fetch(SQLHSTMT stmt, int columns, RowSink& sink, const RunControl& control,
                         CancelWatch* watch) {
  // One bound SQL_C_CHAR buffer per column, `rows` values deep.
  size_t width[2] = {0, 0};
  bool is_bit[2] = {false, false};
  for (int c = 0; c < columns; ++c) {
    SQLSMALLINT type = 0, digits = 0, nullable = 0;
    SQLULEN size = 0;
    SQLRETURN rc = SQLDescribeCol(stmt, static_cast<SQLUSMALLINT>(c + 1), nullptr, 0, nullptr, &type, &size,
                                  &digits, &nullable);
    if (!SQL_SUCCEEDED(rc))
      return Error(SQL_HANDLE_STMT, stmt, "cannot describe the result", watch, &control);
    is_bit[c] = type == SQL_BIT;
    width[c] = 256;
    if (IsCharType(type)) {
      // Sizes are in characters; UTF-8 takes up to 4 bytes each.
      width[c] =
          size == 0 || size > kMaxValueBytes / 4 ? kMaxValueBytes + 1 : std::max<size_t>(256, size * 4 + 1);
    }
  }
  size_t rows = std::clamp<size_t>(kBindBudgetBytes / (width[0] + width[1]), 16, 1024);
  if (!SQL_SUCCEEDED(SQLSetStmtAttr(stmt, SQL_ATTR_ROW_ARRAY_SIZE, reinterpret_cast<SQLPOINTER>(rows), 0))) {
    rows = 1;  // the driver has no block cursors
  }
  std::vector<char> data[2];
  std::vector<SQLLEN> lengths[2];
  std::vector<SQLUSMALLINT> row_status(rows);
  SQLULEN fetched = 0;
  SQLSetStmtAttr(stmt, SQL_ATTR_ROW_BIND_TYPE, reinterpret_cast<SQLPOINTER>(SQL_BIND_BY_COLUMN), 0);
  SQLSetStmtAttr(stmt, SQL_ATTR_ROWS_FETCHED_PTR, &fetched, 0);
  SQLSetStmtAttr(stmt, SQL_ATTR_ROW_STATUS_PTR, row_status.data(), 0);
  for (int c = 0; c < columns; ++c) {
    data[c].resize(width[c] * rows);
    lengths[c].resize(rows);
    SQLRETURN rc = SQLBindCol(stmt, static_cast<SQLUSMALLINT>(c + 1), SQL_C_CHAR, data[c].data(),
                              static_cast<SQLLEN>(width[c]), lengths[c].data());
    if (!SQL_SUCCEEDED(rc)) return Error(SQL_HANDLE_STMT, stmt, "cannot bind the result", watch, &control);
  }

  RowBatcher batcher(sink, config_.fetch_rows, config_.name);
  TAGLOOP_RETURN_IF_ERROR(batcher.Start(columns));
  SQLRETURN rc = SQLExecute(stmt);
  if (!SQL_SUCCEEDED(rc) && rc != SQL_NO_DATA)
    return Error(SQL_HANDLE_STMT, stmt, "the query failed", watch, &control);

  auto cell = [&](int c, size_t i, std::optional<std::string_view>& out) -> Status {
    SQLLEN n = lengths[c][i];
    if (n == SQL_NULL_DATA) {
      out = std::nullopt;
      return Status::Ok();
    }
    if (n < 0 || static_cast<size_t>(n) >= width[c]) {
      return Status::InvalidArgument(
          SourceMessage(config_.name, fmt::format("row {}: column {} holds more than {} bytes",
                                                  batcher.rows() + 1, c + 1, width[c] - 1)));
    }
    std::string_view v(data[c].data() + i * width[c], static_cast<size_t>(n));
    if (is_bit[c] && v == "1")
      v = "true";
    else if (is_bit[c] && v == "0")
      v = "false";
    out = v;
    return Status::Ok();
  };

  if (rc != SQL_NO_DATA) {
    for (;;) {
      rc = SQLFetch(stmt);
      if (rc == SQL_NO_DATA) break;
      if (!SQL_SUCCEEDED(rc)) return Error(SQL_HANDLE_STMT, stmt, "fetching failed", watch, &control);
      for (size_t i = 0; i < fetched; ++i) {
        if (row_status[i] == SQL_ROW_ERROR) {
          return Error(SQL_HANDLE_STMT, stmt, fmt::format("row {} failed", batcher.rows() + 1), watch,
                       &control);
        }
        std::optional<std::string_view> id, value;
        TAGLOOP_RETURN_IF_ERROR(cell(0, i, id));
        if (columns > 1) TAGLOOP_RETURN_IF_ERROR(cell(1, i, value));
        TAGLOOP_RETURN_IF_ERROR(batcher.Add(id, value));
      }
      if (watch != nullptr) TAGLOOP_RETURN_IF_ERROR(watch->reason());
      TAGLOOP_RETURN_IF_ERROR(CheckRunControl(control, config_.name));
    }
  }
  return batcher.Finish();
}

bool IsNumberType(SQLSMALLINT type) {
  switch (type) {
    case SQL_TINYINT:
    case SQL_SMALLINT:
    case SQL_INTEGER:
    case SQL_BIGINT:
    case SQL_DECIMAL:
    case SQL_NUMERIC:
    case SQL_REAL:
    case SQL_FLOAT:
    case SQL_DOUBLE: return true;
    default: return false;
  }
}

Result<TableResult> OdbcSource::QueryTable(const TableQuery& query, const RunControl& control) {
  TAGLOOP_RETURN_IF_ERROR(CheckRunControl(control, config_.name));
  bool fresh = !connected_;
  TAGLOOP_RETURN_IF_ERROR(Connect());
  TableResult result;
  // The ids go inline (see source.h): nothing is written, whatever the driver.
  std::string sql;
  if (query.pieces.size() > 1) {
    result.pushed_as = "values";
    sql = JoinTablePieces(query, InlineIdRelation(query.ids));
  } else {
    sql = JoinTablePieces(query, "");
  }
  if (size_t second = FindSecondStatement(sql); second != std::string_view::npos) {
    return Status::InvalidArgument(SourceMessage(
        config_.name, fmt::format("a query is one statement; another one starts at position {}", second)));
  }
  sql += '\n';
  StatementHandle stmt;
  auto columns = Prepare(stmt, sql);
  if (!columns.ok() && !fresh && ConnectionDead()) {
    stmt.Free();
    Disconnect();
    TAGLOOP_RETURN_IF_ERROR(Connect());
    columns = Prepare(stmt, sql);
  }
  if (!columns.ok()) return columns.status();
  if (*columns < 1) return Status::InvalidArgument(SourceMessage(config_.name, "the query returns no columns"));
  Status st;
  if (control.cancel != nullptr || control.deadline) {
    CancelWatch watch(stmt.h, control, config_.name);
    st = FetchTable(stmt.h, *columns, query.max_rows, control, &watch, &result);
    watch.Stop();
  } else {
    st = FetchTable(stmt.h, *columns, query.max_rows, control, nullptr, &result);
  }
  stmt.Free();
  if (!st.ok()) {
    if (ConnectionDead()) Disconnect();
    return st;
  }
  return result;
}

Status OdbcSource::FetchTable(SQLHSTMT stmt, int columns, size_t max_rows, const RunControl& control,
                              CancelWatch* watch, TableResult* result) {
  constexpr size_t kMaxTableValueBytes = 1 << 20;
  std::vector<TableCell::Kind> kinds(static_cast<size_t>(columns), TableCell::Kind::kText);
  for (int c = 0; c < columns; ++c) {
    SQLCHAR name[256] = {0};
    SQLSMALLINT name_len = 0, type = 0, digits = 0, nullable = 0;
    SQLULEN size = 0;
    SQLRETURN rc = SQLDescribeCol(stmt, static_cast<SQLUSMALLINT>(c + 1), name, sizeof name, &name_len, &type,
                                  &size, &digits, &nullable);
    if (!SQL_SUCCEEDED(rc)) return Error(SQL_HANDLE_STMT, stmt, "cannot describe the result", watch, &control);
    result->columns.emplace_back(reinterpret_cast<char*>(name));
    if (type == SQL_BIT) kinds[static_cast<size_t>(c)] = TableCell::Kind::kBool;
    if (IsNumberType(type)) kinds[static_cast<size_t>(c)] = TableCell::Kind::kNumber;
  }
  SQLRETURN rc = SQLExecute(stmt);
  if (rc == SQL_NO_DATA) return Status::Ok();
  if (!SQL_SUCCEEDED(rc)) return Error(SQL_HANDLE_STMT, stmt, "the query failed", watch, &control);
  std::vector<char> buf(4096);
  for (;;) {
    rc = SQLFetch(stmt);
    if (rc == SQL_NO_DATA) break;
    if (!SQL_SUCCEEDED(rc)) return Error(SQL_HANDLE_STMT, stmt, "fetching failed", watch, &control);
    if (result->rows.size() >= max_rows) {
      result->truncated = true;
      break;
    }
    std::vector<TableCell>& row = result->rows.emplace_back(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      TableCell& cell = row[static_cast<size_t>(c)];
      std::string value;
      bool null = false;
      for (;;) {  // long values arrive in pieces
        SQLLEN n = 0;
        rc = SQLGetData(stmt, static_cast<SQLUSMALLINT>(c + 1), SQL_C_CHAR, buf.data(),
                        static_cast<SQLLEN>(buf.size()), &n);
        if (rc == SQL_NO_DATA) break;
        if (!SQL_SUCCEEDED(rc)) return Error(SQL_HANDLE_STMT, stmt, "reading a value failed", watch, &control);
        if (n == SQL_NULL_DATA) {
          null = true;
          break;
        }
        // A piece fills the buffer but its terminating NUL when more follows.
        size_t got = n == SQL_NO_TOTAL || static_cast<size_t>(n) >= buf.size() ? buf.size() - 1
                                                                               : static_cast<size_t>(n);
        value.append(buf.data(), got);
        if (value.size() > kMaxTableValueBytes) {
          return Status::InvalidArgument(SourceMessage(
              config_.name, fmt::format("row {}: column {} holds more than {} bytes", result->rows.size(), c + 1,
                                        kMaxTableValueBytes)));
        }
        if (rc == SQL_SUCCESS) break;
      }
      if (null) continue;
      cell.kind = kinds[static_cast<size_t>(c)];
      if (cell.kind == TableCell::Kind::kBool) value = value == "1" ? "true" : value == "0" ? "false" : value;
      cell.text = std::move(value);
    }
    if (watch != nullptr) TAGLOOP_RETURN_IF_ERROR(watch->reason());
    TAGLOOP_RETURN_IF_ERROR(CheckRunControl(control, config_.name));
  }
  return Status::Ok();
}

Status OdbcSource::Ping() {
  TAGLOOP_RETURN_IF_ERROR(Connect());
  StatementHandle stmt;
  if (!SQL_SUCCEEDED(SQLAllocHandle(SQL_HANDLE_STMT, dbc_, &stmt.h))) {
    stmt.h = SQL_NULL_HSTMT;
    return Error(SQL_HANDLE_DBC, dbc_, "cannot allocate a statement", nullptr, nullptr);
  }
  SQLSetStmtAttr(stmt.h, SQL_ATTR_QUERY_TIMEOUT, reinterpret_cast<SQLPOINTER>(kLoginTimeoutSeconds), 0);
  SQLRETURN rc = SQLExecDirect(stmt.h, reinterpret_cast<SQLCHAR*>(const_cast<char*>("SELECT 1")), SQL_NTS);
  if (SQL_SUCCEEDED(rc)) return Status::Ok();
  Status st = Error(SQL_HANDLE_STMT, stmt.h, "no answer to SELECT 1", nullptr, nullptr);
  // A database whose dialect rejects "SELECT 1" still answered.
  if (st.code() == Status::Code::kInvalidArgument) return Status::Ok();
  if (ConnectionDead()) Disconnect();
  return st;
}

}  // namespace

// ------------------------------------------------------------------- driver

namespace {

std::unique_ptr<Source> OpenOdbcSource(const SourceSpec& spec, const std::string& /*data_dir*/) {
  return std::make_unique<OdbcSource>(spec);
}

}  // namespace

const SourceDriver& OdbcSourceDriver() {
  // No checks beyond ValidateOdbcConnectionString's: the driver manager
  // reads the string only when connecting.
  static const SourceDriver driver{kSourceDriverAbi, "odbc", nullptr, OpenOdbcSource};
  return driver;
}

}  // namespace tagloop

// The module's one export (source_driver.h).
extern "C" __attribute__((visibility("default"))) const tagloop::SourceDriver* tagloop_source_driver() {
  return &tagloop::OdbcSourceDriver();
}
