#include "source/source_registry.h"

#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "catalog/tag_catalog.h"

namespace tagloop {

namespace {
constexpr const char* kColumns =
    "SELECT name, kind, connection, password, password_env, fetch_rows, updated_at_ms, updated_by FROM sources";

SourceSpec ReadSource(const Statement& q) {
  return SourceSpec{q.Text(0), q.Text(1), q.Text(2), q.Text(3), q.Text(4), q.Int(5), q.Int(6), q.Text(7)};
}
}  // namespace

Result<std::unique_ptr<SourceRegistry>> SourceRegistry::Open(const std::string& dir, WallClock* clock) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<CatalogDb> db, CatalogDb::Open(dir));
  return std::unique_ptr<SourceRegistry>(new SourceRegistry(std::move(db), clock));
}

Status SourceRegistry::Put(const SourceSpec& s, std::string_view actor, bool keep_password) {
  TAGLOOP_RETURN_IF_ERROR(ValidateSourceSpec(s));
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
  return q.Run();
}

Result<SourceSpec> SourceRegistry::Get(std::string_view name) {
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

Result<std::vector<std::string>> TagsNamingSource(TagCatalog& catalog, std::string_view name) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<TagEntry> tags, catalog.List(/*include_offline=*/true));
  std::vector<std::string> naming;
  for (const TagEntry& e : tags) {
    const TagDefinition& d = e.definition;
    auto source = d.producer_config.find("source");
    if (d.producer == ProducerKind::kSql && source != d.producer_config.end() && source->is_string() &&
        source->get<std::string>() == name) {
      naming.push_back(d.name);
    }
  }
  std::sort(naming.begin(), naming.end());
  return naming;
}

Status RemoveSource(SourceRegistry& sources, TagCatalog& catalog, std::string_view name, bool force,
                    std::vector<std::string>* naming) {
  // NotFound first: a missing source is not "in use".
  TAGLOOP_RETURN_IF_ERROR(sources.Get(name).status());
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<std::string> tags, TagsNamingSource(catalog, name));
  if (naming != nullptr) *naming = tags;
  if (!tags.empty() && !force) {
    return Status::FailedPrecondition(
        fmt::format("source '{}' is used by tags {}; change their definitions first, or force the removal", name,
                    fmt::join(tags, ", ")));
  }
  return sources.Remove(name);
}

}  // namespace tagloop
