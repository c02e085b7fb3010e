// The PostgreSQL side of the benchmark: loads the member CSV into a typed wide
// table `users` (with indexes, VACUUM ANALYZE) and times count queries, so
// tagloop can be compared with a well-set-up PostgreSQL 15 on the same data.
#pragma once

#include <libpq-fe.h>

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace tagloop::bench {

// One libpq connection. Methods return false and fill `error` on failure.
class PgConnection {
 public:
  PgConnection() = default;
  ~PgConnection();
  PgConnection(const PgConnection&) = delete;
  PgConnection& operator=(const PgConnection&) = delete;

  bool Connect(const std::string& conninfo, std::string* error);
  // Runs statements that return no rows.
  bool Exec(const std::string& sql, std::string* error);
  // Runs a query returning one row of one column.
  bool QueryScalar(const std::string& sql, std::string* value, std::string* error);
  // COPY ... FROM STDIN: streams `feed` chunks until it returns false.
  template <typename Feed>
  bool CopyIn(const std::string& copy_sql, Feed&& feed, std::string* error);
  int backend_pid() const { return PQbackendPID(conn_); }

 private:
  bool StartCopy(const std::string& copy_sql, std::string* error);
  bool PutCopyData(const std::string& chunk, std::string* error);
  bool EndCopy(std::string* error);
  PGconn* conn_ = nullptr;
};

template <typename Feed>
bool PgConnection::CopyIn(const std::string& copy_sql, Feed&& feed, std::string* error) {
  if (!StartCopy(copy_sql, error)) return false;
  std::string chunk;
  bool more = true;
  while (more) {
    chunk.clear();
    more = feed(&chunk, error);
    if (!error->empty()) {
      PQputCopyEnd(conn_, error->c_str());
      EndCopy(error);
      return false;
    }
    if (!chunk.empty() && !PutCopyData(chunk, error)) return false;
  }
  return EndCopy(error);
}

// A column of the member CSV and its tagloop type ("bool", "decimal:2", ...).
struct TypedColumn {
  std::string name, type;
};
// Parses a FILE.types line "col:type,col:type" (split on commas, then on
// the first colon).
bool ParseTypes(const std::string& text, std::vector<TypedColumn>* out, std::string* error);

struct PgLoadReport {
  int64_t rows = 0;
  double copy_s = 0;     // CREATE TABLE + COPY (text rows converted on the fly)
  double index_s = 0;    // every index, primary key included
  double analyze_s = 0;  // VACUUM (FREEZE) ANALYZE
  std::vector<std::pair<std::string, double>> index_seconds;  // per index
  double total_s() const { return copy_s + index_s + analyze_s; }
};

// (Re)creates `users` from the CSV: id column `id_column` (text primary key)
// plus one typed column per entry of `types`; set cells "a|b" become text[]
// and empty cells NULL. Then builds the benchmark's indexes and analyzes.
bool LoadUsers(PgConnection& pg, const std::string& csv_path, const std::string& id_column,
               const std::vector<TypedColumn>& types, PgLoadReport* report, std::string* error);

// Replaces one column of `users` by the values of a two-column CSV (id, value)
// with an UPDATE joined on the id; returns the seconds taken, or -1.
double RebuildColumn(PgConnection& pg, const std::string& csv_path, const std::string& id_column,
                     const TypedColumn& column, std::string* error);

}  // namespace tagloop::bench
