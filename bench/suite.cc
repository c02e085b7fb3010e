// Parser of bench/suite.txt.
#include "suite.h"

#include <fstream>
#include <sstream>

namespace tagloop::bench {
namespace {

std::string Trim(const std::string& s) {
  const size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r") - b + 1);
}

void ReplaceAll(std::string* s, const std::string& from, const std::string& to) {
  for (size_t pos = 0; (pos = s->find(from, pos)) != std::string::npos; pos += to.size()) {
    s->replace(pos, from.size(), to);
  }
}

}  // namespace

bool LoadSuite(const std::string& path, const std::string& as_of, std::vector<SuiteQuery>* out,
               std::string* error) {
  std::ifstream in(path);
  if (!in) {
    *error = path + ": cannot open";
    return false;
  }
  out->clear();
  std::string line, *field = nullptr;  // the field continuation lines extend
  auto fail = [&](int n, const std::string& what) {
    *error = path + ":" + std::to_string(n) + ": " + what;
    return false;
  };
  int n = 0;
  while (std::getline(in, line)) {
    ++n;
    const std::string t = Trim(line);
    if (t.empty() || t[0] == '#') {
      field = nullptr;
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      if (!field) return fail(n, "continuation line outside tagloop:/sql:");
      *field += " " + t;
    } else if (t.rfind("query ", 0) == 0) {
      std::istringstream ss(t.substr(6));
      SuiteQuery q;
      std::string preds;
      ss >> q.id >> preds;
      if (q.id.empty() || preds.rfind("preds=", 0) != 0) return fail(n, "want 'query <id> preds=<n> <text>'");
      q.predicates = std::atoi(preds.c_str() + 6);
      std::getline(ss, q.description);
      q.description = Trim(q.description);
      out->push_back(std::move(q));
      field = nullptr;
    } else if (t.rfind("tagloop:", 0) == 0 || t.rfind("sql:", 0) == 0) {
      if (out->empty()) return fail(n, "field before the first query");
      const bool is_sql = t[0] == 's';
      field = is_sql ? &out->back().sql : &out->back().tagloop;
      if (!field->empty()) return fail(n, "field given twice");
      *field = Trim(t.substr(is_sql ? 4 : 8));
    } else {
      return fail(n, "unexpected line");
    }
  }
  for (auto& q : *out) {
    if (q.tagloop.empty() || q.sql.empty()) {
      *error = path + ": query " + q.id + " lacks tagloop: or sql:";
      return false;
    }
    ReplaceAll(&q.sql, "{as_of}", as_of);
  }
  return true;
}

}  // namespace tagloop::bench
