#include "catalog/catalog_documents.h"

#include <fmt/format.h>

namespace tagloop {

namespace {

constexpr const char* kColumns =
    "SELECT kind, name, version, body_json, created_by, created_ms, updated_by, updated_ms FROM documents";

CatalogDocument ReadDocument(const Statement& q) {
  return CatalogDocument{q.Text(0), q.Text(1), q.Int(2), q.Text(3), q.Text(4), q.Text(6), q.Int(5), q.Int(7)};
}

// The highest version ever given to (kind, name), deleted ones included.
Result<int64_t> LastVersion(CatalogDb& db, std::string_view kind, std::string_view name) {
  TAGLOOP_ASSIGN_OR_RETURN(
      Statement q, db.Prepare("SELECT coalesce(max(version), 0) FROM document_versions WHERE kind = ?1 AND name = ?2"));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Bind(1, kind).Bind(2, name).Step());
  return row ? q.Int(0) : 0;
}

Status Record(CatalogDb& db, std::string_view kind, std::string_view name, int64_t version,
              std::optional<std::string_view> body, std::string_view actor, int64_t now) {
  TAGLOOP_ASSIGN_OR_RETURN(Statement q,
                           db.Prepare("INSERT INTO document_versions (kind, name, version, body_json, changed_by, "
                                      "changed_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6)"));
  q.Bind(1, kind).Bind(2, name).Bind(3, version).Bind(5, actor).Bind(6, now);
  if (body) {
    q.Bind(4, *body);
  } else {
    q.BindNull(4);
  }
  return q.Run();
}

}  // namespace

Result<std::unique_ptr<CatalogDocuments>> CatalogDocuments::Open(const std::string& dir, WallClock* clock) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<CatalogDb> db, CatalogDb::Open(dir));
  return std::unique_ptr<CatalogDocuments>(new CatalogDocuments(std::move(db), clock));
}

Status CatalogDocuments::ValidateName(std::string_view name) {
  bool ok = !name.empty() && name.size() <= 128;
  for (unsigned char c : name) {
    if (c < 0x80 && !((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' ||
                      c == '-' || c == '.')) {
      ok = false;
    }
  }
  if (!ok || name == "." || name == "..") {
    return Status::InvalidArgument(fmt::format(
        "name '{}': 1 to 128 bytes of letters, digits, _ - . or non-ASCII characters (no spaces or slashes)", name));
  }
  return Status::Ok();
}

Result<int64_t> CatalogDocuments::Put(std::string_view kind, std::string_view name, std::string_view body_json,
                                      std::string_view actor, bool must_be_new) {
  TAGLOOP_RETURN_IF_ERROR(ValidateName(name));
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(Statement cur,
                           db_->Prepare("SELECT version, body_json FROM documents WHERE kind = ?1 AND name = ?2"));
  TAGLOOP_ASSIGN_OR_RETURN(bool exists, cur.Bind(1, kind).Bind(2, name).Step());
  if (exists && must_be_new) return Status::AlreadyExists(fmt::format("{} '{}' already exists", kind, name));
  if (exists && cur.Text(1) == body_json) return cur.Int(0);
  TAGLOOP_ASSIGN_OR_RETURN(int64_t last, LastVersion(*db_, kind, name));
  const int64_t version = last + 1;
  const int64_t now = clock_->NowUnixMillis();
  TAGLOOP_ASSIGN_OR_RETURN(
      Statement q,
      db_->Prepare("INSERT INTO documents (kind, name, version, body_json, created_by, created_ms, updated_by, "
                   "updated_ms) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?5, ?6) ON CONFLICT (kind, name) DO UPDATE SET "
                   "version = excluded.version, body_json = excluded.body_json, updated_by = excluded.updated_by, "
                   "updated_ms = excluded.updated_ms"));
  TAGLOOP_RETURN_IF_ERROR(
      q.Bind(1, kind).Bind(2, name).Bind(3, version).Bind(4, body_json).Bind(5, actor).Bind(6, now).Run());
  TAGLOOP_RETURN_IF_ERROR(Record(*db_, kind, name, version, body_json, actor, now));
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return version;
}

Result<CatalogDocument> CatalogDocuments::Get(std::string_view kind, std::string_view name) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare(fmt::format("{} WHERE kind = ?1 AND name = ?2", kColumns)));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Bind(1, kind).Bind(2, name).Step());
  if (!row) return Status::NotFound(fmt::format("no {} named '{}'", kind, name));
  return ReadDocument(q);
}

Result<std::vector<CatalogDocument>> CatalogDocuments::List(std::string_view kind) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare(fmt::format("{} WHERE kind = ?1 ORDER BY name", kColumns)));
  q.Bind(1, kind);
  std::vector<CatalogDocument> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(ReadDocument(q));
  }
  return out;
}

Status CatalogDocuments::Delete(std::string_view kind, std::string_view name, std::string_view actor) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("DELETE FROM documents WHERE kind = ?1 AND name = ?2"));
  TAGLOOP_RETURN_IF_ERROR(q.Bind(1, kind).Bind(2, name).Run());
  if (db_->Changes() == 0) return Status::NotFound(fmt::format("no {} named '{}'", kind, name));
  TAGLOOP_ASSIGN_OR_RETURN(int64_t last, LastVersion(*db_, kind, name));
  TAGLOOP_RETURN_IF_ERROR(Record(*db_, kind, name, last + 1, std::nullopt, actor, clock_->NowUnixMillis()));
  return tx.Commit();
}

Result<std::vector<DocumentVersion>> CatalogDocuments::History(std::string_view kind, std::string_view name) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT version, body_json, changed_by, changed_ms FROM "
                                                     "document_versions WHERE kind = ?1 AND name = ?2 "
                                                     "ORDER BY version DESC"));
  q.Bind(1, kind).Bind(2, name);
  std::vector<DocumentVersion> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    DocumentVersion v;
    v.version = q.Int(0);
    if (!q.IsNull(1)) v.body_json = q.Text(1);
    v.changed_by = q.Text(2);
    v.changed_ms = q.Int(3);
    out.push_back(std::move(v));
  }
  if (out.empty()) return Status::NotFound(fmt::format("no {} named '{}'", kind, name));
  return out;
}

}  // namespace tagloop
