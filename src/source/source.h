// Data sources for SQL tag producers: a named database (an SQLite file, a
// PostgreSQL server through libpq, anything with an ODBC driver) that runs a
// producer's query and streams its rows, (user_id) or (user_id, value), to a
// RowSink in bounded batches.
//
//   SourceSpec spec{.name = "shop", .kind = "postgresql",
//                   .connection = "host=db port=5432 dbname=shop user=tagloop",
//                   .password_env = "SHOP_PASSWORD"};
//   TAGLOOP_ASSIGN_OR_RETURN(auto source, OpenSource(spec, data_dir));
//   TAGLOOP_ASSIGN_OR_RETURN(std::string sql, ExpandSqlTemplate(text, biz_date));
//   TAGLOOP_RETURN_IF_ERROR(source->Query(sql, sink, control));
//
// The settings (SourceSpec, source/source_spec.h), the drivers by kind
// (source/source_driver.h: SQLite built in, PostgreSQL and ODBC loadable
// modules), query templates (source/sql_template.h) and the named sources of
// the catalog database (source/source_registry.h) live next to this file.
//
// Read-only: a tag query should only read. SQLite files are opened
// read-only; PostgreSQL sessions (libpq, and ODBC when the server is
// PostgreSQL) set default_transaction_read_only and take one statement; for
// other ODBC databases read-only is a hint to the driver, so configure them
// with an account that can only read.
//
// Secrets: the password (SourceSpec::password, or the environment variable
// named by password_env) goes to the driver only; it never appears in a
// Status message, in DescribeSource() or in a log line. Connection strings
// must not hold one (ValidateSourceSpec refuses them), and driver messages
// are scrubbed of it in case a driver echoes it.
//
// Error codes (every message starts with "source '<name>': "):
//   InvalidArgument     the configuration or the query is wrong: a bad field,
//                       a query the database rejects (syntax, unknown table,
//                       permission, a write in the read-only session, a data
//                       error), the wrong number of columns, a NULL user id
//   FailedPrecondition  the source cannot be used: no connection, login
//                       refused, password_env not set, SQLite file missing or
//                       not a database, the kind's driver module missing
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

#include "core/status.h"
#include "source/source_spec.h"

namespace tagloop {

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
  // A batch of at most SourceSpec::fetch_rows rows, in result order; the
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

// ---------------------------------------------------------------------------
// Table queries (Source::QueryTable): a query returning any columns, with a
// list of user ids pushed to the database for it to join with. Used to
// compute business metrics of a segment next to the data
// (insight/segment_metrics.h) instead of pulling the source's tables out.

// One value of a table query's result.
struct TableCell {
  enum class Kind : uint8_t { kNull, kText, kNumber, kBool };
  Kind kind = Kind::kNull;
  // kText: the text; kNumber: the database's decimal text ("12", "-3.50",
  // "1.5e+20"); kBool: "true" or "false"; kNull: empty.
  std::string text;
  bool operator==(const TableCell&) const = default;
};

struct TableQuery {
  // The query around the pushed ids: pieces.size() - 1 places (between
  // consecutive pieces) where the source puts a relation of one text column
  // `user_id` holding `ids`. A single piece pushes nothing. The text is the
  // final SQL otherwise ({{biz_date}} parameters already expanded).
  std::vector<std::string> pieces;
  // The ids to push (duplicates are kept as given). Not owned.
  std::span<const std::string_view> ids;
  // Rows kept; more rows set TableResult::truncated (the rest are not read).
  size_t max_rows = 1000;
};

struct TableResult {
  std::vector<std::string> columns;          // the result's column names
  std::vector<std::vector<TableCell>> rows;  // at most TableQuery::max_rows
  bool truncated = false;                    // the query returned more rows
  // How the ids reached the database: "temp_table" (a session temporary
  // table, filled in one transaction and gone when the call returns) or
  // "values" (an inline VALUES list in the query text).
  std::string pushed_as;
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

  // Runs one query returning any number of columns (at least one) and
  // keeps at most query.max_rows rows, after pushing query.ids to the
  // database as a relation of one text column `user_id`, named between the
  // query's pieces:
  //   sqlite      a TEMP table `tagloop_segment` on the read-only connection
  //               (SQLite keeps TEMP tables in a separate in-memory database,
  //               writable on a read-only open), filled with one prepared
  //               INSERT in one transaction, dropped before returning.
  //   postgresql  a session temporary table `tagloop_segment`, created with
  //               ON COMMIT DROP in a transaction that opens READ WRITE
  //               (overriding default_transaction_read_only for it alone),
  //               filled with COPY FROM STDIN, ANALYZEd, after which the
  //               transaction is switched to READ ONLY (PostgreSQL allows
  //               that switch at any time, never the reverse) before the
  //               query is prepared; the query then runs as a NO SCROLL
  //               cursor (DECLARE accepts only SELECT/VALUES without
  //               data-modifying WITH) and the transaction is rolled back.
  //               So the only thing ever written is a temporary table that
  //               disappears with the transaction; the query itself cannot
  //               write even to it (a temp table write is the one write
  //               PostgreSQL allows read-only transactions, and the rollback
  //               undoes it). The account needs the TEMP privilege on the
  //               database (PostgreSQL grants it to PUBLIC by default).
  //   odbc        an inline list: "(SELECT user_id FROM (VALUES ('a'),
  //               ('b'), ...) AS tagloop_values(user_id))" (standard SQL;
  //               quotes doubled), so nothing is written at all and any
  //               driver works; the query text grows with the ids (~20
  //               bytes each). Give the relation an alias ("{{segment}} s"):
  //               some databases require one for a subquery in FROM.
  // Values arrive as TableCells: numbers and booleans typed by the result's
  // column types (SQLite: by each value's storage class, and BOOL/BOOLEAN
  // declared columns as booleans), everything else as text.
  // The same guarantees as Query: one statement (InvalidArgument otherwise),
  // read-only for the query, cancel and deadline noticed within ~50 ms
  // (also while pushing ids), the password never in a message. Errors as
  // for Query; a query returning no columns is InvalidArgument.
  virtual Result<TableResult> QueryTable(const TableQuery& query, const RunControl& control) = 0;

  // Connects if needed and checks the source answers (a trivial query), for
  // "test connection". Gives up after ~15 s.
  virtual Status Ping() = 0;
};

// Validates `spec` (ValidateSourceSpec) and returns a Source for it from its
// kind's driver, loading the driver's module on first use (not yet
// connected, see Source). `data_dir` resolves relative SQLite paths. The
// Source copies what it needs from `spec`. Implemented in source_driver.cc.
Result<std::unique_ptr<Source>> OpenSource(const SourceSpec& spec, const std::string& data_dir);

// ---------------------------------------------------------------------------
// For Source implementations (source/row_batcher.h batches their rows).

// "source '<name>': " + message.
std::string SourceMessage(std::string_view source_name, std::string_view message);
// `text` with every occurrence of `secret` replaced by "***" (no-op for an
// empty secret). Defence in depth for driver messages.
std::string RedactSecret(std::string text, std::string_view secret);
// The password to connect with: spec.password, or the value of the
// environment variable spec.password_env (FailedPrecondition when it is
// not set), or "" when neither is configured.
Result<std::string> ResolvePassword(const SourceSpec& spec);
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
// The inline relation odbc sources push ids as (see Source::QueryTable):
// "(SELECT user_id FROM (VALUES ('a'),('b')) AS tagloop_values(user_id))",
// quotes doubled; for no ids a relation with no rows.
std::string InlineIdRelation(std::span<const std::string_view> ids);
// The pieces of `query` joined with `relation` between them.
std::string JoinTablePieces(const TableQuery& query, std::string_view relation);
// Cancelled / DeadlineExceeded if `control` says to stop now, else OK.
Status CheckRunControl(const RunControl& control, std::string_view source_name);

}  // namespace tagloop
