#include "source/postgres_source.h"

#include <fmt/format.h>
#include <libpq-fe.h>
#include <poll.h>

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <iterator>
#include <optional>
#include <span>
#include <vector>

#include "source/postgres_conninfo.h"
#include "source/row_batcher.h"
#include "source/source_driver.h"

namespace tagloop {

// -------------------------------------------------------------------- source

namespace {

using Clock = std::chrono::steady_clock;
constexpr auto kConnectTimeout = std::chrono::seconds(15);
constexpr auto kDrainTimeout = std::chrono::seconds(5);
constexpr Oid kBoolOid = 16;

struct ResultDeleter {
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, ResultDeleter>;

// Waits on the connection's socket until it is ready, the caller's control
// says stop, or an optional time limit of our own passes.
class Waiter {
 public:
  Waiter(const RunControl& control, std::string_view name) : control_(control), name_(name) {}
  void set_limit(std::optional<Clock::time_point> limit, std::string message) {
    limit_ = limit;
    limit_message_ = std::move(message);
  }
  Status Check() const {
    TAGLOOP_RETURN_IF_ERROR(CheckRunControl(control_, name_));
    if (limit_ && Clock::now() >= *limit_)
      return Status::FailedPrecondition(SourceMessage(name_, limit_message_));
    return Status::Ok();
  }
  Status Wait(int fd, bool for_write) const {
    for (;;) {
      TAGLOOP_RETURN_IF_ERROR(Check());
      if (fd < 0) return Status::IOError(SourceMessage(name_, "the connection has no socket"));
      pollfd p{fd, static_cast<short>(for_write ? POLLOUT : POLLIN), 0};
      int rc = poll(&p, 1, TimeoutMs());
      if (rc > 0) return Status::Ok();
      if (rc < 0 && errno != EINTR) {
        return Status::IOError(SourceMessage(name_, fmt::format("poll failed: {}", std::strerror(errno))));
      }
    }
  }

 private:
  int TimeoutMs() const {
    using std::chrono::milliseconds;
    std::optional<Clock::duration> wait;
    auto consider = [&](Clock::duration d) { wait = wait ? std::min(*wait, d) : d; };
    if (control_.cancel != nullptr) consider(milliseconds(50));
    if (control_.deadline) consider(*control_.deadline - Clock::now());
    if (limit_) consider(*limit_ - Clock::now());
    if (!wait) return -1;
    // Round up so a wait never ends just before the deadline and spins.
    auto ms = std::chrono::ceil<milliseconds>(*wait).count();
    return ms < 0 ? 0 : static_cast<int>(ms);
  }

  const RunControl& control_;
  std::string_view name_;
  std::optional<Clock::time_point> limit_;
  std::string limit_message_;
};

// Decodes one field of a COPY text row: nullopt for \N, else the bytes
// (a view into `begin..end` when there is no escape, else into `scratch`).
std::optional<std::string_view> DecodeCopyField(const char* begin, const char* end, std::string& scratch) {
  size_t size = static_cast<size_t>(end - begin);
  if (size == 2 && begin[0] == '\\' && begin[1] == 'N') return std::nullopt;
  const char* bs = static_cast<const char*>(std::memchr(begin, '\\', size));
  if (bs == nullptr) return std::string_view(begin, size);
  scratch.assign(begin, bs);
  for (const char* p = bs; p < end; ++p) {
    if (*p != '\\' || p + 1 == end) {
      scratch += *p;
      continue;
    }
    char c = *++p;
    switch (c) {
      case 'b': scratch += '\b'; break;
      case 'f': scratch += '\f'; break;
      case 'n': scratch += '\n'; break;
      case 'r': scratch += '\r'; break;
      case 't': scratch += '\t'; break;
      case 'v': scratch += '\v'; break;
      case 'x': {
        int v = 0, digits = 0;
        while (digits < 2 && p + 1 < end && std::isxdigit(static_cast<unsigned char>(p[1]))) {
          char h = *++p;
          v = v * 16 + (h <= '9' ? h - '0' : (h | 0x20) - 'a' + 10);
          ++digits;
        }
        if (digits == 0)
          scratch += 'x';
        else
          scratch += static_cast<char>(v);
        break;
      }
      default:
        if (c >= '0' && c <= '7') {
          int v = c - '0', digits = 1;
          while (digits < 3 && p + 1 < end && p[1] >= '0' && p[1] <= '7') v = v * 8 + (*++p - '0'), ++digits;
          scratch += static_cast<char>(v);
        } else {
          scratch += c;  // \\ and any other escaped character stand for themselves
        }
    }
  }
  return std::string_view(scratch);
}

std::optional<std::string_view> NormaliseBool(std::optional<std::string_view> v) {
  if (v && *v == "t") return std::string_view("true");
  if (v && *v == "f") return std::string_view("false");
  return v;
}

class PostgresSource final : public Source {
 public:
  explicit PostgresSource(const SourceSpec& config) : config_(config) {}
  ~PostgresSource() override { Close(); }

  Status Query(std::string_view sql, RowSink& sink, const RunControl& control) override;
  Result<TableResult> QueryTable(const TableQuery& query, const RunControl& control) override;
  Status Ping() override;

 private:
  struct Columns {
    int count = 0;
    bool is_bool[2] = {false, false};
  };

  Status Connect(Waiter& waiter);
  void Close() {
    if (conn_ != nullptr) PQfinish(conn_);
    conn_ = nullptr;
  }
  // Waits for the next result of the command in flight (nullptr when done).
  Result<PgResult> NextResult(const Waiter& waiter);
  // Collects every result of the command in flight; the first error wins.
  Result<PgResult> FinishCommand(const Waiter& waiter);
  Result<Columns> Describe(std::string_view sql, const Waiter& waiter);
  Status Copy(std::string_view sql, const Columns& columns, RowBatcher& batcher, const Waiter& waiter);
  Status AddCopyRow(const char* buf, int len, const Columns& columns, RowBatcher& batcher);
  // Cancels the command in flight on the server, drains the connection (or
  // closes it) and returns `why`.
  Status Abort(Status why, bool in_copy);
  bool Drain(bool in_copy);

  // Table queries (Source::QueryTable): one transaction per call.
  Result<PgResult> Command(const std::string& sql, const Waiter& waiter);
  Status CopyIds(std::span<const std::string_view> ids, const Waiter& waiter);
  Status RunTableTransaction(const TableQuery& query, const Waiter& waiter, TableResult* result);
  // After a failed table query: rolls the transaction back (cancelling the
  // command in flight first), or closes the connection; returns `why`.
  Status EndFailedTransaction(Status why);

  Status ConnectionError(std::string_view what) const;
  Status ResultError(const PGresult* r) const;
  std::string Clean(std::string text) const;

  SourceSpec config_;
  std::string secret_;  // the password last connected with: scrubbed from messages
  PGconn* conn_ = nullptr;
  std::string scratch_id_, scratch_value_;  // decoded fields with escapes
};

std::string PostgresSource::Clean(std::string text) const {
  while (!text.empty() && (text.back() == '\n' || text.back() == ' ')) text.pop_back();
  std::string out;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n') {
      out += i + 1 < text.size() && text[i + 1] == '\t' ? " " : "; ";
      if (i + 1 < text.size() && text[i + 1] == '\t') ++i;
    } else {
      out += text[i];
    }
  }
  return RedactSecret(std::move(out), secret_);
}

Status PostgresSource::ConnectionError(std::string_view what) const {
  std::string msg = conn_ != nullptr ? Clean(PQerrorMessage(conn_)) : "out of memory";
  return Status::FailedPrecondition(SourceMessage(config_.name, fmt::format("{}: {}", what, msg)));
}

Status PostgresSource::ResultError(const PGresult* r) const {
  const char* state = PQresultErrorField(r, PG_DIAG_SQLSTATE);
  const char* primary = PQresultErrorField(r, PG_DIAG_MESSAGE_PRIMARY);
  if (primary == nullptr) {  // not from the server: libpq's own (lost connection, ...)
    return Status::IOError(SourceMessage(config_.name, Clean(PQresultErrorMessage(r))));
  }
  std::string msg = primary;
  if (const char* detail = PQresultErrorField(r, PG_DIAG_MESSAGE_DETAIL)) msg += fmt::format(" ({})", detail);
  if (const char* hint = PQresultErrorField(r, PG_DIAG_MESSAGE_HINT)) msg += fmt::format(" HINT: {}", hint);
  msg += fmt::format(" [SQLSTATE {}", state != nullptr ? state : "?");
  if (const char* pos = PQresultErrorField(r, PG_DIAG_STATEMENT_POSITION))
    msg += fmt::format(", character {}", pos);
  msg += ']';
  return SqlStateStatus(state != nullptr ? state : "", SourceMessage(config_.name, Clean(std::move(msg))));
}

Status PostgresSource::Connect(Waiter& waiter) {
  if (conn_ != nullptr && PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE) {
    return Status::Ok();
  }
  Close();
  TAGLOOP_ASSIGN_OR_RETURN(secret_, ResolvePassword(config_));
  // The password is a keyword of its own, never spliced into a string;
  // keywords after "dbname" (the expanded conninfo) override it.
  const char* keys[] = {"dbname", "client_encoding", "fallback_application_name", "password", nullptr};
  const char* values[] = {config_.connection.c_str(), "UTF8", "tagloop",
                          secret_.empty() ? nullptr : secret_.c_str(), nullptr};
  conn_ = PQconnectStartParams(keys, values, /*expand_dbname=*/1);
  if (conn_ == nullptr || PQstatus(conn_) == CONNECTION_BAD) {
    Status st = ConnectionError("cannot connect");
    Close();
    return st;
  }
  waiter.set_limit(Clock::now() + kConnectTimeout,
                   fmt::format("cannot connect: no answer within {} s", kConnectTimeout.count()));
  PostgresPollingStatusType state = PGRES_POLLING_WRITING;
  while (state != PGRES_POLLING_OK) {
    if (state == PGRES_POLLING_FAILED) {
      Status st = ConnectionError("cannot connect");
      Close();
      return st;
    }
    Status st = waiter.Wait(PQsocket(conn_), state == PGRES_POLLING_WRITING);
    if (!st.ok()) {
      Close();
      return st;
    }
    state = PQconnectPoll(conn_);
  }
  // Server notices (RAISE NOTICE in a query's functions) would go to stderr.
  PQsetNoticeProcessor(
      conn_, [](void*, const char*) {}, nullptr);
  // ISO dates whatever the server's default; the session only reads.
  if (!PQsendQuery(conn_, "SET datestyle TO ISO, YMD; SET default_transaction_read_only TO on")) {
    Status st = ConnectionError("cannot set up the session");
    Close();
    return st;
  }
  auto r = FinishCommand(waiter);
  waiter.set_limit(std::nullopt, "");
  if (!r.ok()) {
    Close();
    return r.status();
  }
  return Status::Ok();
}

Result<PgResult> PostgresSource::NextResult(const Waiter& waiter) {
  while (PQisBusy(conn_)) {
    TAGLOOP_RETURN_IF_ERROR(waiter.Wait(PQsocket(conn_), false));
    if (!PQconsumeInput(conn_)) return Status::IOError(ConnectionError("the connection failed").message());
  }
  return PgResult(PQgetResult(conn_));
}

Result<PgResult> PostgresSource::FinishCommand(const Waiter& waiter) {
  PgResult first;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(PgResult r, NextResult(waiter));
    if (r == nullptr) break;
    ExecStatusType st = PQresultStatus(r.get());
    bool failed = st == PGRES_FATAL_ERROR || st == PGRES_BAD_RESPONSE || st == PGRES_NONFATAL_ERROR;
    if (first == nullptr || (failed && PQresultStatus(first.get()) != PGRES_FATAL_ERROR))
      first = std::move(r);
  }
  if (first == nullptr) return Status::IOError(SourceMessage(config_.name, "no result from the server"));
  ExecStatusType st = PQresultStatus(first.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) return ResultError(first.get());
  return first;
}

Result<PostgresSource::Columns> PostgresSource::Describe(std::string_view sql, const Waiter& waiter) {
  std::string text(sql);
  if (!PQsendPrepare(conn_, "", text.c_str(), 0, nullptr)) return ConnectionError("cannot send the query");
  TAGLOOP_RETURN_IF_ERROR(FinishCommand(waiter).status());
  if (!PQsendDescribePrepared(conn_, "")) return ConnectionError("cannot send the query");
  TAGLOOP_ASSIGN_OR_RETURN(PgResult described, FinishCommand(waiter));
  Columns columns;
  columns.count = PQnfields(described.get());
  for (int c = 0; c < columns.count && c < 2; ++c)
    columns.is_bool[c] = PQftype(described.get(), c) == kBoolOid;
  return columns;
}

Status PostgresSource::Query(std::string_view sql, RowSink& sink, const RunControl& control) {
  Waiter waiter(control, config_.name);
  TAGLOOP_RETURN_IF_ERROR(waiter.Check());
  bool fresh = conn_ == nullptr;
  TAGLOOP_RETURN_IF_ERROR(Connect(waiter));
  auto columns = Describe(sql, waiter);
  if (!columns.ok() && !fresh && PQstatus(conn_) == CONNECTION_BAD) {
    // The kept connection died while idle (server restart, network): retry
    // once on a new one; describing has no side effects.
    TAGLOOP_RETURN_IF_ERROR(Connect(waiter));
    columns = Describe(sql, waiter);
  }
  if (!columns.ok()) {
    Status::Code code = columns.status().code();
    if (code == Status::Code::kCancelled || code == Status::Code::kDeadlineExceeded) {
      return Abort(columns.status(), false);
    }
    if (PQstatus(conn_) == CONNECTION_BAD) Close();
    return columns.status();
  }
  RowBatcher batcher(sink, config_.fetch_rows, config_.name);
  TAGLOOP_RETURN_IF_ERROR(batcher.Start(columns->count));
  return Copy(sql, *columns, batcher, waiter);
}

Status PostgresSource::AddCopyRow(const char* buf, int len, const Columns& columns, RowBatcher& batcher) {
  const char* end = buf + len;
  if (end > buf && end[-1] == '\n') --end;
  const char* tab = static_cast<const char*>(std::memchr(buf, '\t', static_cast<size_t>(end - buf)));
  auto malformed = [&] {
    return Status::Internal(
        SourceMessage(config_.name, fmt::format("unexpected COPY row {}", batcher.rows() + 1)));
  };
  if (columns.count == 1) {
    if (tab != nullptr) return malformed();
    auto id = DecodeCopyField(buf, end, scratch_id_);
    return batcher.Add(columns.is_bool[0] ? NormaliseBool(id) : id, std::nullopt);
  }
  if (tab == nullptr || std::memchr(tab + 1, '\t', static_cast<size_t>(end - tab - 1)) != nullptr)
    return malformed();
  auto id = DecodeCopyField(buf, tab, scratch_id_);
  auto value = DecodeCopyField(tab + 1, end, scratch_value_);
  return batcher.Add(columns.is_bool[0] ? NormaliseBool(id) : id,
                     columns.is_bool[1] ? NormaliseBool(value) : value);
}

Status PostgresSource::Copy(std::string_view sql, const Columns& columns, RowBatcher& batcher,
                            const Waiter& waiter) {
  // The query goes inside COPY ( ... ): cut it at its ";" (the server took it
  // as one statement, so only blanks and comments follow), and put the
  // closing parenthesis on a line of its own so a trailing "-- comment"
  // cannot swallow it.
  size_t end = sql.size();
  FindSecondStatement(sql, &end);
  sql = sql.substr(0, end);
  std::string copy = "COPY (\n";
  copy.append(sql);
  copy += "\n) TO STDOUT";
  // The extended protocol takes one statement only: nothing after a ";" runs.
  if (!PQsendQueryParams(conn_, copy.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0)) {
    return Status::IOError(ConnectionError("cannot send the query").message());
  }
  auto first = NextResult(waiter);
  if (!first.ok()) return Abort(first.status(), false);
  if (*first == nullptr || PQresultStatus(first->get()) != PGRES_COPY_OUT) {
    Status st = *first == nullptr ? Status::IOError(SourceMessage(config_.name, "no result from the server"))
                                  : ResultError(first->get());
    if (!Drain(false)) Close();
    return st;
  }
  first->reset();
  for (int64_t n = 1;; ++n) {
    char* buf = nullptr;
    int len = PQgetCopyData(conn_, &buf, /*async=*/1);
    if (len > 0) {
      Status st = AddCopyRow(buf, len, columns, batcher);
      PQfreemem(buf);
      if (st.ok() && (n & 4095) == 0) st = waiter.Check();
      if (!st.ok()) return Abort(std::move(st), true);
      continue;
    }
    if (len == 0) {  // no complete row buffered: wait for more bytes
      Status st = waiter.Wait(PQsocket(conn_), false);
      if (!st.ok()) return Abort(std::move(st), true);
      if (!PQconsumeInput(conn_)) {
        st = Status::IOError(ConnectionError("the connection failed").message());
        Close();
        return st;
      }
      continue;
    }
    if (len == -1) break;  // the COPY is over; its outcome is the next result
    Status st = Status::IOError(ConnectionError("the connection failed").message());
    Close();
    return st;
  }
  auto done = FinishCommand(waiter);
  if (!done.ok()) {
    Status::Code code = done.status().code();
    if (code == Status::Code::kCancelled || code == Status::Code::kDeadlineExceeded) {
      return Abort(done.status(), false);
    }
    return done.status();
  }
  return batcher.Finish();
}

Status PostgresSource::Abort(Status why, bool in_copy) {
  if (conn_ == nullptr) return why;
  if (PGcancel* cancel = PQgetCancel(conn_)) {
    char err[256];
    PQcancel(cancel, err, sizeof err);  // best effort: draining (or closing) follows anyway
    PQfreeCancel(cancel);
  }
  if (!Drain(in_copy)) Close();
  return why;
}

bool PostgresSource::Drain(bool in_copy) {
  RunControl none;
  Waiter waiter(none, config_.name);
  waiter.set_limit(Clock::now() + kDrainTimeout, "drain");
  for (;;) {
    if (in_copy) {
      char* buf = nullptr;
      int len = PQgetCopyData(conn_, &buf, 1);
      if (len > 0) {
        PQfreemem(buf);
        continue;
      }
      if (len == 0) {
        if (!waiter.Wait(PQsocket(conn_), false).ok() || !PQconsumeInput(conn_)) return false;
        continue;
      }
      if (len == -2) return false;
      in_copy = false;
    }
    auto r = NextResult(waiter);
    if (!r.ok()) return false;
    if (*r == nullptr) break;
    if (PQresultStatus(r->get()) == PGRES_COPY_OUT) in_copy = true;
  }
  return PQstatus(conn_) == CONNECTION_OK && PQtransactionStatus(conn_) == PQTRANS_IDLE;
}

// ------------------------------------------------------------ table queries

constexpr Oid kNumberOids[] = {20, 21, 23, 26, 700, 701, 1700};  // int8 int2 int4 oid float4 float8 numeric
constexpr const char* kSegmentTable = "tagloop_segment";

Result<PgResult> PostgresSource::Command(const std::string& sql, const Waiter& waiter) {
  // The extended protocol: exactly one statement.
  if (!PQsendQueryParams(conn_, sql.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0)) {
    return Status::IOError(ConnectionError("cannot send a command").message());
  }
  return FinishCommand(waiter);
}

Status PostgresSource::CopyIds(std::span<const std::string_view> ids, const Waiter& waiter) {
  std::string copy = fmt::format("COPY {}(user_id) FROM STDIN", kSegmentTable);
  if (!PQsendQueryParams(conn_, copy.c_str(), 0, nullptr, nullptr, nullptr, nullptr, 0)) {
    return Status::IOError(ConnectionError("cannot send a command").message());
  }
  TAGLOOP_ASSIGN_OR_RETURN(PgResult started, NextResult(waiter));
  if (started == nullptr || PQresultStatus(started.get()) != PGRES_COPY_IN) {
    Status st = started == nullptr ? Status::IOError(SourceMessage(config_.name, "no result from the server"))
                                   : ResultError(started.get());
    return st;
  }
  started.reset();
  // Non-blocking while sending, so a full socket buffer is waited for with
  // poll() (cancel and deadline stay responsive).
  PQsetnonblocking(conn_, 1);
  auto put = [&](auto&& call) -> Status {
    for (;;) {
      int rc = call();
      if (rc == 1) return Status::Ok();
      if (rc < 0) return Status::IOError(ConnectionError("pushing the ids failed").message());
      TAGLOOP_RETURN_IF_ERROR(waiter.Wait(PQsocket(conn_), true));
      if (PQflush(conn_) < 0) return Status::IOError(ConnectionError("pushing the ids failed").message());
    }
  };
  std::string chunk;
  chunk.reserve((1 << 20) + 512);
  Status st;
  for (size_t i = 0; st.ok() && i < ids.size(); ++i) {
    for (char c : ids[i]) {  // COPY text format escapes
      switch (c) {
        case '\\': chunk += "\\\\"; break;
        case '\t': chunk += "\\t"; break;
        case '\n': chunk += "\\n"; break;
        case '\r': chunk += "\\r"; break;
        default: chunk += c;
      }
    }
    chunk += '\n';
    if (chunk.size() >= (1 << 20) || i + 1 == ids.size()) {
      st = waiter.Check();
      if (st.ok()) st = put([&] { return PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())); });
      chunk.clear();
    }
  }
  if (st.ok()) {
    st = put([&] { return PQputCopyEnd(conn_, nullptr); });
  } else if (PQstatus(conn_) == CONNECTION_OK) {
    (void)PQputCopyEnd(conn_, "cancelled");  // the server ends the COPY with an error
  }
  while (st.ok()) {
    int rc = PQflush(conn_);
    if (rc == 0) break;
    if (rc < 0) st = Status::IOError(ConnectionError("pushing the ids failed").message());
    if (rc == 1) st = waiter.Wait(PQsocket(conn_), true);
  }
  PQsetnonblocking(conn_, 0);
  if (!st.ok()) return st;
  return FinishCommand(waiter).status();
}

Status PostgresSource::RunTableTransaction(const TableQuery& query, const Waiter& waiter, TableResult* result) {
  // READ WRITE for this transaction only (the session default is read-only):
  // the one write is the temporary table, dropped with the transaction.
  const bool push = query.pieces.size() > 1;
  TAGLOOP_RETURN_IF_ERROR(Command(push ? "BEGIN READ WRITE" : "BEGIN READ ONLY", waiter).status());
  if (push) {
    result->pushed_as = "temp_table";
    TAGLOOP_RETURN_IF_ERROR(
        Command(fmt::format("CREATE TEMP TABLE {}(user_id text) ON COMMIT DROP", kSegmentTable), waiter).status());
    TAGLOOP_RETURN_IF_ERROR(CopyIds(query.ids, waiter));
    TAGLOOP_RETURN_IF_ERROR(Command(fmt::format("ANALYZE {}", kSegmentTable), waiter).status());
    // From here on the transaction cannot write (a switch PostgreSQL allows
    // at any time, and never back to read-write after a query).
    TAGLOOP_RETURN_IF_ERROR(Command("SET TRANSACTION READ ONLY", waiter).status());
  }
  std::string sql = JoinTablePieces(query, kSegmentTable);
  TAGLOOP_ASSIGN_OR_RETURN(Columns described, Describe(sql, waiter));
  if (described.count < 1) return Status::InvalidArgument(SourceMessage(config_.name, "the query returns no columns"));
  size_t end = sql.size();
  FindSecondStatement(sql, &end);  // the server took it as one statement: only blanks and comments follow
  std::string declare = "DECLARE tagloop_cursor NO SCROLL CURSOR FOR\n";
  declare.append(sql, 0, end);
  declare += '\n';
  TAGLOOP_RETURN_IF_ERROR(Command(declare, waiter).status());
  TAGLOOP_ASSIGN_OR_RETURN(PgResult rows,
                           Command(fmt::format("FETCH FORWARD {} FROM tagloop_cursor", query.max_rows + 1), waiter));
  const int columns = PQnfields(rows.get());
  std::vector<TableCell::Kind> kinds(static_cast<size_t>(columns), TableCell::Kind::kText);
  for (int c = 0; c < columns; ++c) {
    result->columns.emplace_back(PQfname(rows.get(), c));
    Oid type = PQftype(rows.get(), c);
    if (type == kBoolOid) kinds[static_cast<size_t>(c)] = TableCell::Kind::kBool;
    if (std::find(std::begin(kNumberOids), std::end(kNumberOids), type) != std::end(kNumberOids))
      kinds[static_cast<size_t>(c)] = TableCell::Kind::kNumber;
  }
  const int n = PQntuples(rows.get());
  for (int r = 0; r < n; ++r) {
    if (result->rows.size() >= query.max_rows) {
      result->truncated = true;
      break;
    }
    std::vector<TableCell>& row = result->rows.emplace_back(static_cast<size_t>(columns));
    for (int c = 0; c < columns; ++c) {
      if (PQgetisnull(rows.get(), r, c)) continue;
      TableCell& cell = row[static_cast<size_t>(c)];
      cell.kind = kinds[static_cast<size_t>(c)];
      cell.text.assign(PQgetvalue(rows.get(), r, c), static_cast<size_t>(PQgetlength(rows.get(), r, c)));
      if (cell.kind == TableCell::Kind::kBool) cell.text = cell.text == "t" ? "true" : "false";
    }
  }
  return Command("ROLLBACK", waiter).status();
}

Status PostgresSource::EndFailedTransaction(Status why) {
  if (conn_ == nullptr) return why;
  if (PQstatus(conn_) != CONNECTION_OK) {
    Close();
    return why;
  }
  if (PQisBusy(conn_)) {  // stopped while a command ran: cancel it on the server
    if (PGcancel* cancel = PQgetCancel(conn_)) {
      char err[256];
      PQcancel(cancel, err, sizeof err);
      PQfreeCancel(cancel);
    }
  }
  RunControl none;
  Waiter waiter(none, config_.name);
  waiter.set_limit(Clock::now() + kDrainTimeout, "drain");
  for (;;) {  // the rest of the command in flight, if any
    auto r = NextResult(waiter);
    if (!r.ok()) {
      Close();
      return why;
    }
    if (*r == nullptr) break;
    ExecStatusType st = PQresultStatus(r->get());
    if (st == PGRES_COPY_IN) (void)PQputCopyEnd(conn_, "cancelled");
    if (st == PGRES_COPY_OUT) {
      Close();
      return why;
    }
  }
  if (PQtransactionStatus(conn_) != PQTRANS_IDLE) {
    if (!PQsendQuery(conn_, "ROLLBACK") || !FinishCommand(waiter).ok()) Close();
  }
  if (conn_ != nullptr && PQtransactionStatus(conn_) != PQTRANS_IDLE) Close();
  return why;
}

Result<TableResult> PostgresSource::QueryTable(const TableQuery& query, const RunControl& control) {
  Waiter waiter(control, config_.name);
  TAGLOOP_RETURN_IF_ERROR(waiter.Check());
  bool fresh = conn_ == nullptr;
  TAGLOOP_RETURN_IF_ERROR(Connect(waiter));
  if (!fresh && !Command("SELECT 1", waiter).ok() && PQstatus(conn_) == CONNECTION_BAD) {
    // The kept connection died while idle: use a new one.
    TAGLOOP_RETURN_IF_ERROR(Connect(waiter));
  }
  TableResult result;
  Status st = RunTableTransaction(query, waiter, &result);
  if (!st.ok()) return EndFailedTransaction(std::move(st));
  return result;
}

Status PostgresSource::Ping() {
  RunControl none;
  Waiter waiter(none, config_.name);
  TAGLOOP_RETURN_IF_ERROR(Connect(waiter));
  waiter.set_limit(Clock::now() + kConnectTimeout,
                   fmt::format("no answer to SELECT 1 within {} s", kConnectTimeout.count()));
  if (!PQsendQuery(conn_, "SELECT 1")) return ConnectionError("cannot send a query");
  auto r = FinishCommand(waiter);
  if (!r.ok()) {
    if (!waiter.Check().ok() && PQstatus(conn_) == CONNECTION_OK) return Abort(r.status(), false);
    if (PQstatus(conn_) == CONNECTION_BAD) Close();
    return r.status();
  }
  return Status::Ok();
}

}  // namespace

// ------------------------------------------------------------------- driver

namespace {

bool IsKnownKey(const std::string& key) {
  PQconninfoOption* defaults = PQconndefaults();
  bool known = false;
  for (PQconninfoOption* o = defaults; o != nullptr && o->keyword != nullptr; ++o) {
    if (key == o->keyword) known = true;
  }
  PQconninfoFree(defaults);
  return known;
}

// libpq's own checks, after ValidatePostgresConninfo's (source_spec.cc).
Status ValidateWithLibpq(const SourceSpec& spec) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<ConninfoPair> pairs, TokenizeConninfo(spec.connection));
  for (const ConninfoPair& p : pairs) {
    if (!IsKnownKey(p.key)) {
      return Status::InvalidArgument(fmt::format("connection: unknown libpq option '{}'", p.key.substr(0, 64)));
    }
  }
  // libpq's parser has the last word (its message is not shown: it may quote values).
  char* err = nullptr;
  PQconninfoOption* parsed = PQconninfoParse(spec.connection.c_str(), &err);
  if (parsed == nullptr) {
    PQfreemem(err);
    return Status::InvalidArgument(
        "connection: libpq cannot parse it (key=value pairs; quote values with blanks)");
  }
  PQconninfoFree(parsed);
  return Status::Ok();
}

std::unique_ptr<Source> OpenPostgresSource(const SourceSpec& spec, const std::string& /*data_dir*/) {
  return std::make_unique<PostgresSource>(spec);
}

}  // namespace

const SourceDriver& PostgresSourceDriver() {
  static const SourceDriver driver{kSourceDriverAbi, "postgresql", ValidateWithLibpq, OpenPostgresSource};
  return driver;
}

}  // namespace tagloop

// The module's one export (source_driver.h).
extern "C" __attribute__((visibility("default"))) const tagloop::SourceDriver* tagloop_source_driver() {
  return &tagloop::PostgresSourceDriver();
}
