// The benchmark suite (bench/suite.txt): named queries, each as a tagloop
// segment expression and as the equivalent PostgreSQL WHERE clause.
#pragma once

#include <string>
#include <vector>

namespace tagloop::bench {

struct SuiteQuery {
  std::string id;           // "q01"
  int predicates = 0;       // as declared by preds=N
  std::string description;
  std::string tagloop;      // segment language
  std::string sql;          // WHERE clause, with {as_of} already substituted
};

// Reads `path` (format in suite.txt's header), substituting `as_of`
// (YYYY-MM-DD) for {as_of} in SQL. On error returns false and sets `error`
// to "path:line: what".
bool LoadSuite(const std::string& path, const std::string& as_of, std::vector<SuiteQuery>* out,
               std::string* error);

}  // namespace tagloop::bench
