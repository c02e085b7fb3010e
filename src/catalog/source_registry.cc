#include "catalog/source_registry.h"

#include <fmt/format.h>

namespace tagloop {

namespace {
constexpr const char* kColumns =
    "SELECT name, kind, connection, password, password_env, fetch_rows, updated_at_ms, updated_by FROM sources";

SourceRecord ReadSource(const Statement& q) {
  return SourceRecord{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Int(5), q.Int(6), q.Text(7)};
}

bool IsValidSourceName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

// A cheap guard, not a parser: connection strings are listed to every
// reader of the catalog, so one that looks like it carries a secret is
// refused (libpq "password=", "sslpassword=", ODBC "PWD=", URI user-info).
bool MayHoldPassword(std::string_view connection) {
  std::string lower;
  for (char c : connection) {
    if (c != ' ' && c != '\t') lower += static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  }
  if (lower.find("password") != std::string::npos || lower.find("pwd=") != std::string::npos) return true;
  size_t scheme = lower.find("://");
  if (scheme == std::string::npos) return false;
  size_t at = lower.find('@', scheme + 3);
  return at != std::string::npos && lower.substr(scheme + 3, at - scheme - 3).find(':') != std::string::npos;
}

Status Validate(const SourceRecord& s) {
  if (!IsValidSourceName(s.name)) {
    return Status::InvalidArgument(
        fmt::format("source name '{}': 1 to 64 of a-z, 0-9 and _, starting with a letter", s.name));
  }
  if (s.kind != "sqlite" && s.kind != "postgresql" && s.kind != "odbc") {
    return Status::InvalidArgument(
        fmt::format("source '{}': kind '{}' is not one of sqlite, postgresql, odbc", s.name, s.kind));
  }
  if (s.fetch_rows < 1 || s.fetch_rows > 1'000'000) {
    return Status::InvalidArgument(fmt::format("source '{}': fetch_rows must be 1 to 1000000", s.name));
  }
  if (!s.password.empty() && !s.password_env.empty()) {
    return Status::InvalidArgument(
        fmt::format("source '{}': give either a password or password_env, not both", s.name));
  }
  if (s.kind == "sqlite" && (!s.password.empty() || !s.password_env.empty())) {
    return Status::InvalidArgument(fmt::format("source '{}': an sqlite source takes no password", s.name));
  }
  if (MayHoldPassword(s.connection)) {
    return Status::InvalidArgument(fmt::format(
        "source '{}': the connection must not hold a password (give it separately, or name an environment "
        "variable with password_env)",
        s.name));
  }
  return Status::Ok();
}
}  // namespace

Result<std::unique_ptr<SourceRegistry>> SourceRegistry::Open(const std::string& dir, WallClock* clock) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<CatalogDb> db, CatalogDb::Open(dir));
  return std::unique_ptr<SourceRegistry>(new SourceRegistry(std::move(db), clock));
}

Status SourceRegistry::Put(const SourceRecord& s, std::string_view actor, bool keep_password) {
  TAGLOOP_RETURN_IF_ERROR(Validate(s));
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(
      Statement q,
      db_->Prepare("INSERT INTO sources (name, kind, connection, password, password_env, fetch_rows, updated_at_ms, "
                   "updated_by) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8) ON CONFLICT (name) DO UPDATE SET "
                   "kind = excluded.kind, connection = excluded.connection, "
                   "password = CASE WHEN ?9 AND excluded.password = '' AND excluded.password_env = '' "
                   "THEN sources.password "
                   "ELSE excluded.password END, password_env = excluded.password_env, "
                   "fetch_rows = excluded.fetch_rows, updated_at_ms = excluded.updated_at_ms, "
                   "updated_by = excluded.updated_by"));
  q.Bind(1, s.name).Bind(2, s.kind).Bind(3, s.connection).Bind(4, s.password).Bind(5, s.password_env);
  q.Bind(6, s.fetch_rows).Bind(7, clock_->NowUnixMillis()).Bind(8, actor).Bind(9, int64_t{keep_password});
  Status st = q.Run();
  if (!st.ok() && st.message().find("CHECK") != std::string::npos) {
    return Status::InvalidArgument(fmt::format("source '{}': kind '{}' is not one of sqlite, postgresql, odbc",
                                               s.name, s.kind));
  }
  return st;
}

Result<SourceRecord> SourceRegistry::Get(std::string_view name) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare(fmt::format("{} WHERE name = ?1", kColumns)));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Bind(1, name).Step());
  if (!row) return Status::NotFound(fmt::format("no source named '{}'", name));
  return ReadSource(q);
}

Result<std::vector<SourceRegistry::Listed>> SourceRegistry::List() {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare(fmt::format("{} ORDER BY name", kColumns)));
  std::vector<Listed> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    Listed l{ReadSource(q), false};
    l.has_password = !l.source.password.empty();
    l.source.password.clear();
    out.push_back(std::move(l));
  }
  return out;
}

Status SourceRegistry::Remove(std::string_view name) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("DELETE FROM sources WHERE name = ?1"));
  TAGLOOP_RETURN_IF_ERROR(q.Bind(1, name).Run());
  if (db_->Changes() == 0) return Status::NotFound(fmt::format("no source named '{}'", name));
  return Status::Ok();
}

}  // namespace tagloop
