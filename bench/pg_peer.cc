// Loading the member table into PostgreSQL and rebuilding one of its columns.
#include "pg_peer.h"

#include <cstdio>
#include <cstring>
#include <memory>
#include <string_view>

#include "stats.h"

namespace tagloop::bench {
namespace {

// Reads a file line by line through a large buffer.
class LineReader {
 public:
  explicit LineReader(const std::string& path) : f_(std::fopen(path.c_str(), "rb")), buf_(1 << 22) {}
  ~LineReader() {
    if (f_) std::fclose(f_);
  }
  bool ok() const { return f_ != nullptr; }
  // Sets `line` (without '\n') and returns true, or false at the end.
  bool Next(std::string* line) {
    line->clear();
    for (;;) {
      if (pos_ == len_) {
        len_ = std::fread(buf_.data(), 1, buf_.size(), f_);
        pos_ = 0;
        if (len_ == 0) return !line->empty();
      }
      const char* start = buf_.data() + pos_;
      const void* nl = std::memchr(start, '\n', len_ - pos_);
      if (nl) {
        const size_t n = static_cast<size_t>(static_cast<const char*>(nl) - start);
        line->append(start, n);
        pos_ += n + 1;
        if (!line->empty() && line->back() == '\r') line->pop_back();
        return true;
      }
      line->append(start, len_ - pos_);
      pos_ = len_;
    }
  }

 private:
  std::FILE* f_;
  std::vector<char> buf_;
  size_t pos_ = 0, len_ = 0;
};

std::string PgType(const std::string& type) {
  if (type == "bool") return "boolean";
  if (type == "set") return "text[]";
  if (type == "int") return "bigint";
  if (type == "date") return "date";
  if (type.rfind("decimal:", 0) == 0) return "numeric(18," + type.substr(8) + ")";
  return "text";  // enum, and columns not named in --types
}

// Appends `s` escaped for COPY's text format.
void AppendCopyText(std::string_view s, std::string* out) {
  for (char c : s) {
    if (c == '\\') out->append("\\\\");
    else if (c == '\t') out->append("\\t");
    else out->push_back(c);
  }
}

// Appends a set cell "a|b" as the array literal {"a","b"}, COPY-escaped.
void AppendArray(std::string_view cell, std::string* out) {
  std::string literal = "{\"";
  for (char c : cell) {
    if (c == '|') {
      literal += "\",\"";
      continue;
    }
    if (c == '"' || c == '\\') literal.push_back('\\');
    literal.push_back(c);
  }
  literal += "\"}";
  AppendCopyText(literal, out);
}

// Converts one CSV line (no quoting: the generator never quotes) into a COPY
// text row. `is_set[i]` marks array columns.
bool CsvToCopyRow(const std::string& line, const std::vector<bool>& is_set, std::string* out,
                  std::string* error) {
  if (line.find('"') != std::string::npos) {
    *error = "quoted CSV fields are not supported by the PostgreSQL loader";
    return false;
  }
  size_t col = 0, start = 0;
  for (;;) {
    const size_t comma = line.find(',', start);
    const std::string_view cell(line.data() + start, (comma == std::string::npos ? line.size() : comma) - start);
    if (col >= is_set.size()) break;
    if (col) out->push_back('\t');
    if (cell.empty()) out->append("\\N");
    else if (is_set[col]) AppendArray(cell, out);
    else AppendCopyText(cell, out);
    ++col;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  if (col != is_set.size()) {
    *error = "row has " + std::to_string(col) + " fields, want " + std::to_string(is_set.size());
    return false;
  }
  out->push_back('\n');
  return true;
}

// Streams the CSV (header checked against `names`) into COPY.
bool CopyCsv(PgConnection& pg, const std::string& copy_sql, const std::string& csv_path,
             const std::vector<std::string>& names, const std::vector<bool>& is_set, int64_t* rows,
             std::string* error) {
  LineReader reader(csv_path);
  if (!reader.ok()) {
    *error = csv_path + ": cannot open";
    return false;
  }
  std::string line;
  std::string expected;
  for (size_t i = 0; i < names.size(); ++i) expected += (i ? "," : "") + names[i];
  if (!reader.Next(&line) || line != expected) {
    *error = csv_path + ": header is not '" + expected + "'";
    return false;
  }
  *rows = 0;
  return pg.CopyIn(copy_sql, [&](std::string* chunk, std::string* err) {
    while (chunk->size() < (1 << 20)) {
      if (!reader.Next(&line)) return false;
      if (!CsvToCopyRow(line, is_set, chunk, err)) {
        *err = csv_path + ":" + std::to_string(*rows + 2) + ": " + *err;
        return false;
      }
      ++*rows;
    }
    return true;
  }, error);
}

// Indexes an operator-facing PostgreSQL would have on this table: btree on
// the commonly filtered scalar columns, GIN on the arrays.
const std::vector<std::pair<std::string, std::string>> kIndexes = {
    {"city", "btree"},          {"member_level", "btree"},    {"age", "btree"},
    {"orders_total", "btree"},  {"credit_score", "btree"},    {"spend_total", "btree"},
    {"register_date", "btree"}, {"last_order_date", "btree"}, {"last_login_date", "btree"},
    {"interests", "gin"},       {"used_car_classes", "gin"},  {"coupon_types", "gin"},
};

}  // namespace

PgConnection::~PgConnection() {
  if (conn_) PQfinish(conn_);
}

bool PgConnection::Connect(const std::string& conninfo, std::string* error) {
  conn_ = PQconnectdb(conninfo.c_str());
  if (PQstatus(conn_) != CONNECTION_OK) {
    *error = std::string("connect: ") + PQerrorMessage(conn_);
    return false;
  }
  return Exec("SET client_min_messages = warning", error);
}

bool PgConnection::Exec(const std::string& sql, std::string* error) {
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn_, sql.c_str()), &PQclear);
  const auto st = PQresultStatus(res.get());
  if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
    *error = sql.substr(0, 200) + ": " + PQerrorMessage(conn_);
    return false;
  }
  return true;
}

bool PgConnection::QueryScalar(const std::string& sql, std::string* value, std::string* error) {
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn_, sql.c_str()), &PQclear);
  if (PQresultStatus(res.get()) != PGRES_TUPLES_OK || PQntuples(res.get()) != 1 || PQnfields(res.get()) != 1) {
    *error = sql.substr(0, 200) + ": " + PQerrorMessage(conn_);
    return false;
  }
  *value = PQgetisnull(res.get(), 0, 0) ? "" : PQgetvalue(res.get(), 0, 0);
  return true;
}

bool PgConnection::StartCopy(const std::string& copy_sql, std::string* error) {
  std::unique_ptr<PGresult, decltype(&PQclear)> res(PQexec(conn_, copy_sql.c_str()), &PQclear);
  if (PQresultStatus(res.get()) != PGRES_COPY_IN) {
    *error = copy_sql + ": " + PQerrorMessage(conn_);
    return false;
  }
  return true;
}

bool PgConnection::PutCopyData(const std::string& chunk, std::string* error) {
  if (PQputCopyData(conn_, chunk.data(), static_cast<int>(chunk.size())) != 1) {
    *error = std::string("COPY data: ") + PQerrorMessage(conn_);
    return false;
  }
  return true;
}

bool PgConnection::EndCopy(std::string* error) {
  const std::string pending = *error;
  if (pending.empty() && PQputCopyEnd(conn_, nullptr) != 1) {
    *error = std::string("COPY end: ") + PQerrorMessage(conn_);
    return false;
  }
  bool ok = true;
  while (PGresult* res = PQgetResult(conn_)) {
    if (PQresultStatus(res) != PGRES_COMMAND_OK && pending.empty()) {
      *error = std::string("COPY: ") + PQerrorMessage(conn_);
      ok = false;
    }
    PQclear(res);
  }
  return ok && pending.empty();
}

bool ParseTypes(const std::string& text, std::vector<TypedColumn>* out, std::string* error) {
  out->clear();
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string::npos) comma = text.size();
    std::string entry = text.substr(start, comma - start);
    while (!entry.empty() && (entry.back() == '\n' || entry.back() == ' ')) entry.pop_back();
    const size_t colon = entry.find(':');
    if (colon == std::string::npos || colon == 0) {
      *error = "bad types entry '" + entry + "' (want col:type)";
      return false;
    }
    out->push_back({entry.substr(0, colon), entry.substr(colon + 1)});
    start = comma + 1;
  }
  return true;
}

bool LoadUsers(PgConnection& pg, const std::string& csv_path, const std::string& id_column,
               const std::vector<TypedColumn>& types, PgLoadReport* report, std::string* error) {
  std::vector<std::string> names = {id_column};
  std::vector<bool> is_set = {false};
  std::string ddl = "CREATE TABLE users (" + id_column + " text NOT NULL";
  for (const auto& c : types) {
    names.push_back(c.name);
    is_set.push_back(c.type == "set");
    ddl += ", " + c.name + " " + PgType(c.type);
  }
  ddl += ")";

  // Table and COPY in one transaction: with wal_level=minimal the rows skip
  // the WAL, and FREEZE writes them already frozen (PostgreSQL's bulk path).
  double t0 = NowMs();
  if (!pg.Exec("DROP TABLE IF EXISTS users", error) || !pg.Exec("BEGIN", error) || !pg.Exec(ddl, error)) return false;
  if (!CopyCsv(pg, "COPY users FROM STDIN WITH (FREEZE)", csv_path, names, is_set, &report->rows, error)) {
    std::string ignored;
    pg.Exec("ROLLBACK", &ignored);
    return false;
  }
  if (!pg.Exec("COMMIT", error)) return false;
  report->copy_s = (NowMs() - t0) / 1000;

  t0 = NowMs();
  double t = NowMs();
  if (!pg.Exec("ALTER TABLE users ADD PRIMARY KEY (" + id_column + ")", error)) return false;
  report->index_seconds.push_back({id_column + " (primary key)", (NowMs() - t) / 1000});
  for (const auto& [column, method] : kIndexes) {
    bool present = false;
    for (const auto& c : types) present = present || c.name == column;
    if (!present) continue;
    t = NowMs();
    if (!pg.Exec("CREATE INDEX users_" + column + " ON users USING " + method + " (" + column + ")", error)) {
      return false;
    }
    report->index_seconds.push_back({column + " (" + method + ")", (NowMs() - t) / 1000});
  }
  report->index_s = (NowMs() - t0) / 1000;

  t0 = NowMs();
  if (!pg.Exec("VACUUM (FREEZE, ANALYZE) users", error)) return false;
  report->analyze_s = (NowMs() - t0) / 1000;
  return true;
}

double RebuildColumn(PgConnection& pg, const std::string& csv_path, const std::string& id_column,
                     const TypedColumn& column, std::string* error) {
  const double t0 = NowMs();
  int64_t rows = 0;
  if (!pg.Exec("BEGIN", error) ||
      !pg.Exec("CREATE TEMP TABLE new_column (" + id_column + " text, value " + PgType(column.type) +
                   ") ON COMMIT DROP", error) ||
      !CopyCsv(pg, "COPY new_column FROM STDIN", csv_path, {id_column, column.name},
               {false, column.type == "set"}, &rows, error) ||
      !pg.Exec("ANALYZE new_column", error) ||
      !pg.Exec("UPDATE users u SET " + column.name + " = n.value FROM new_column n WHERE u." + id_column +
                   " = n." + id_column, error) ||
      !pg.Exec("COMMIT", error)) {
    std::string ignored;
    pg.Exec("ROLLBACK", &ignored);
    return -1;
  }
  return (NowMs() - t0) / 1000;
}

}  // namespace tagloop::bench
