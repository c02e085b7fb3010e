// Data sources for SQL tag producers: a named database (an SQLite file, a
// PostgreSQL server through libpq, anything with an ODBC driver) that runs a
// producer's query and streams its rows, (user_id) or (user_id, value), to a
// RowSink in bounded batches.
//
//   SourceConfig config{.name = "shop", .kind = SourceKind::kPostgresql,
//                       .connection = "host=db port=5432 dbname=shop user=tagloop",
//                       .password_env = "SHOP_PASSWORD"};
//   TAGLOOP_ASSIGN_OR_RETURN(auto source, OpenSource(config, data_dir));
//   TAGLOOP_ASSIGN_OR_RETURN(std::string sql, ExpandSqlTemplate(text, biz_date));
//   TAGLOOP_RETURN_IF_ERROR(source->Query(sql, sink, control));
//
// Read-only: a tag query should only read. SQLite files are opened
// read-only; PostgreSQL sessions (libpq, and ODBC when the server is
// PostgreSQL) set default_transaction_read_only and take one statement; for
// other ODBC databases read-only is a hint to the driver, so configure them
// with an account that can only read.
//
// Secrets: the password (SourceConfig::password, or the environment variable
// named by password_env) goes to the driver only; it never appears in a
// Status message, in DescribeSource() or in a log line. Connection strings
// must not hold one (ValidateSourceConfig refuses them), and driver messages
// are scrubbed of it in case a driver echoes it.
//
// Error codes (every message starts with "source '<name>': "):
//   InvalidArgument     the configuration or the query is wrong: a bad field,
//                       a query the database rejects (syntax, unknown table,
//                       permission, a write in the read-only session, a data
//                       error), the wrong number of columns, a NULL user id
//   FailedPrecondition  the source cannot be used: no connection, login
//                       refused, password_env not set, SQLite file missing or
//                       not a database
//   IOError             the connection broke during a query, or the database
//                       failed for a reason that is not the query's
//   Cancelled           RunControl::cancel was set
//   DeadlineExceeded    RunControl::deadline passed (the query is cancelled
//                       on the server)
//   anything a RowSink returns, unchanged
#pragma once

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"

namespace tagloop {

enum class SourceKind : uint8_t { kSqlite, kPostgresql, kOdbc };

// "sqlite", "postgresql", "odbc".
const char* SourceKindName(SourceKind kind);
// The inverse of SourceKindName; anything else is InvalidArgument.
Result<SourceKind> ParseSourceKind(std::string_view text);

struct SourceConfig {
  // How producers name the source: [a-z][a-z0-9_]{0,63}.
  std::string name;
  SourceKind kind = SourceKind::kSqlite;
  // sqlite: a database file path; a relative path is relative to the data
  //   directory ("business.db" is the embedded business database). Opened
  //   read-only; a missing file is an error, never created.
  // postgresql: a libpq conninfo in key=value form, without a password
  //   ("host=127.0.0.1 port=5432 dbname=shop user=tagloop"). URIs are refused
  //   (they can carry a password in the user-info part).
  // odbc: an ODBC connection string without PWD/PASSWORD ("DSN=warehouse", or
  //   "Driver=...;Server=...;Port=...;Database=...;Uid=...").
  std::string connection;
  // The password (secret: never logged, never in messages). Or:
  std::string password;
  // the name of the environment variable holding it, read at each connect.
  // At most one of the two may be set; sqlite takes neither.
  std::string password_env;
  // Rows per batch handed to the sink, 1..1000000. Default 10000.
  int fetch_rows = 10000;
};

// Checks the name syntax and the kind-specific rules (no password inside the
// connection, at most one of password/password_env, fetch_rows in range).
// InvalidArgument naming the field ("connection: ...") on failure. Does not
// connect and does not read the environment.
Status ValidateSourceConfig(const SourceConfig& config);

// "postgresql 'shop' (host=127.0.0.1 port=5432 dbname=shop user=tagloop)",
// "sqlite 'biz' (business.db)", "odbc 'dw' (DSN=warehouse)": for logs and the
// API. Never contains a secret, even for an invalid config (a connection that
// does not parse is shown as "(invalid connection)").
std::string DescribeSource(const SourceConfig& config);

// One row of a query result. The views point into the source's batch buffer.
struct SourceRow {
  std::string_view user_id;  // never NULL (a NULL user id is an error)
  std::string_view value;    // empty when value_null or for a 1-column query
  bool value_null = false;
};

// Receives a query's rows. Called on the thread that called Source::Query.
class RowSink {
 public:
  virtual ~RowSink() = default;
  // Called once before any rows: the query returns `columns` columns (1 =
  // user id only, 2 = user id + value). An error stops the query.
  virtual Status Begin(int columns) = 0;
  // A batch of at most SourceConfig::fetch_rows rows, in result order; the
  // views are valid only during the call. Returning an error stops the query
  // (cancelled on the server) and Query returns that error.
  virtual Status Rows(std::span<const SourceRow> rows) = 0;
};

// How a running query is stopped from outside.
struct RunControl {
  // When set (by any thread), the query stops soon (within ~50 ms) with
  // Cancelled. Not owned; must outlive the Query call.
  const std::atomic<bool>* cancel = nullptr;
  // When it passes, the query stops with DeadlineExceeded: cancelled on the
  // server, including before the first row (and, for libpq, while
  // connecting; an ODBC login is bounded by its own 15 s timeout instead).
  std::optional<std::chrono::steady_clock::time_point> deadline;
};

// A connection to one data source. Sources connect lazily: OpenSource does
// not connect; the first Ping or Query does, and later calls reuse the
// connection (reconnecting when it was lost). Destroying a Source closes it.
//
// Thread-safety: a Source is used by one thread at a time (it is one
// connection); RunControl::cancel may be set from any thread.
class Source {
 public:
  virtual ~Source() = default;

  // Runs one query and streams its rows to `sink` in batches of at most
  // fetch_rows; memory stays bounded whatever the result size. The query must
  // be one statement returning (user_id, value) or user_id alone; it runs in
  // a read-only session/connection where the database supports that
  // (PostgreSQL: default_transaction_read_only; SQLite: a read-only open).
  // Values arrive as text: booleans "true"/"false", dates "YYYY-MM-DD",
  // numbers their decimal text; timestamps keep the database's text
  // (PostgreSQL ISO style; ODBC's "YYYY-MM-DD hh:mm:ss[.f]").
  // Errors: see the top of this file. A query returning 0 or more than 2
  // columns is InvalidArgument ("a tag query returns (user_id, value) or
  // user_id alone; this one returns 3 columns") before any row is read; a
  // NULL user id is InvalidArgument naming the row number (1-based). Rows
  // handed to the sink before an error stay handed: the caller discards them.
  virtual Status Query(std::string_view sql, RowSink& sink, const RunControl& control) = 0;

  // Connects if needed and checks the source answers (a trivial query), for
  // "test connection". Gives up after ~15 s.
  virtual Status Ping() = 0;
};

// Validates `config` and returns a Source for it (not yet connected, see
// Source). `data_dir` resolves relative SQLite paths. The Source copies what
// it needs from `config`.
Result<std::unique_ptr<Source>> OpenSource(const SourceConfig& config, const std::string& data_dir);

// Expands a query template for business date `biz_date`:
//   {{biz_date}}         2026-11-23
//   {{biz_date_nodash}}  20261123
//   {{biz_month}}        2026-11
//   {{biz_date-N}}, {{biz_date+N}}, {{biz_date_nodash-N}}: shifted by N days;
//   {{biz_month-N}}, {{biz_month+N}}: shifted by N months (N up to 99999).
// Spaces inside the braces are allowed ("{{ biz_date - 7 }}"). A "{{" that is
// not followed (after spaces) by a letter is left alone, so PostgreSQL array
// literals like '{{1,2},{3,4}}' pass. An unknown name, a malformed shift, a
// missing "}}" or a date outside years 1..9999 is InvalidArgument with the
// byte position of the "{{".
Result<std::string> ExpandSqlTemplate(std::string_view sql, Days biz_date);

// ---------------------------------------------------------------------------
// For Source implementations.

// Checks the column count, copies rows and hands them to a RowSink in batches
// of at most `batch_rows` rows (or ~16 MiB of bytes, whichever comes first),
// so a source's own buffers can be reused between fetches. Not thread-safe.
class RowBatcher {
 public:
  // `source_name` prefixes error messages.
  RowBatcher(RowSink& sink, int batch_rows, std::string source_name);

  // Checks 1 <= columns <= 2 (InvalidArgument otherwise) and calls
  // sink.Begin(columns).
  Status Start(int columns);
  // Adds one row (copied). A null `user_id` is InvalidArgument naming the
  // row; `value` is ignored for a 1-column query. Hands a full batch to the
  // sink and returns its error.
  Status Add(std::optional<std::string_view> user_id, std::optional<std::string_view> value);
  // Hands the rows still held to the sink.
  Status Finish();
  // Rows added so far.
  int64_t rows() const { return rows_added_; }

 private:
  struct Entry {
    size_t offset;
    uint32_t id_size, value_size;
    bool value_null;
  };
  Status Flush();

  RowSink& sink_;
  size_t batch_rows_;
  std::string source_name_;
  int columns_ = 0;
  int64_t rows_added_ = 0;
  std::string bytes_;
  std::vector<Entry> entries_;
  std::vector<SourceRow> rows_;
};

// "source '<name>': " + message.
std::string SourceMessage(std::string_view source_name, std::string_view message);
// `text` with every occurrence of `secret` replaced by "***" (no-op for an
// empty secret). Defence in depth for driver messages.
std::string RedactSecret(std::string text, std::string_view secret);
// The password to connect with: config.password, or the value of the
// environment variable config.password_env (FailedPrecondition when it is
// not set), or "" when neither is configured.
Result<std::string> ResolvePassword(const SourceConfig& config);
// The Status for a database error with SQLSTATE `sqlstate` (PostgreSQL's
// codes, which ODBC shares for these classes): the query's fault (classes 0A
// 21 22 23 25 2F 3D 3F 42 44) is InvalidArgument, a login or connection
// failure (08 28) FailedPrecondition, a cancelled statement (57014, e.g. by
// statement_timeout or an administrator) Cancelled, anything else IOError.
Status SqlStateStatus(std::string_view sqlstate, std::string message);
// Where a second statement starts in `sql` (a byte position), or npos; when
// `first_end` is given it gets the position of the first statement's ";"
// (sql.size() when there is none). Drivers such as psqlodbc run "a; b" as two
// statements, and the second could undo the read-only session. Follows
// PostgreSQL's lexical rules: '...' ('' inside; backslash escapes only in
// E'...'), "...", $tag$...$tag$, -- and nested /* */ comments, as a server
// with standard_conforming_strings on (the default) does. For other dialects
// it mostly errs towards refusing (MySQL's #, backticks, backslashes in plain
// strings), but a dialect without nested comments or E'' strings could hide
// a statement from it: give such sources an account that can only read.
size_t FindSecondStatement(std::string_view sql, size_t* first_end = nullptr);
// Cancelled / DeadlineExceeded if `control` says to stop now, else OK.
Status CheckRunControl(const RunControl& control, std::string_view source_name);

}  // namespace tagloop
