#include "catalog/tag_catalog.h"

#include <fmt/format.h>

namespace tagloop {

namespace {

using json = nlohmann::json;

// The stored form: the JSON form with the category as an id, not a path.
std::string EncodeStored(const TagDefinition& def) {
  json j = TagDefinitionToJson(def);
  j.erase("category");
  j["category_id"] = def.category_id;
  return j.dump();
}

constexpr const char* kTagColumns =
    "SELECT t.name, t.status, t.current_version, t.created_at_ms, t.created_by, t.updated_at_ms, t.updated_by, "
    "v.definition FROM tags t JOIN tag_definition_versions v ON v.tag = t.name AND v.version = t.current_version";

}  // namespace

const char* ApplyChangeName(ApplyOutcome::Change change) {
  switch (change) {
    case ApplyOutcome::Change::kCreated:
      return "created";
    case ApplyOutcome::Change::kUpdated:
      return "updated";
    case ApplyOutcome::Change::kUnchanged:
      return "unchanged";
  }
  return "?";
}

Result<std::unique_ptr<TagCatalog>> TagCatalog::Open(const std::string& dir, WallClock* clock) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<CatalogDb> db, CatalogDb::Open(dir));
  return std::unique_ptr<TagCatalog>(new TagCatalog(std::move(db), clock));
}

Result<TagDefinition> TagCatalog::DecodeStored(std::string_view name, const std::string& text) {
  json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return Status::Corruption(fmt::format("{}: definition of tag '{}' is not JSON", db_->path(), name));
  Result<TagDefinition> def = TagDefinitionFromJson(j);
  if (!def.ok()) {
    return Status::Corruption(fmt::format("{}: stored definition of tag '{}': {}", db_->path(), name,
                                          def.status().message()));
  }
  // An old version may name a category deleted since (a tag's current
  // category cannot be deleted): its history stays readable.
  Result<std::string> path = CategoryPathLocked(def->category_id);
  if (!path.ok() && path.status().code() != Status::Code::kNotFound) return path.status();
  def->category_path = path.ok() ? std::move(*path) : std::string();
  return def;
}

Result<std::string> TagCatalog::CategoryPathLocked(int64_t id) {
  std::string path;
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT parent_id, name FROM categories WHERE id = ?1"));
  for (int depth = 0; id != 0; ++depth) {
    if (depth > 1000) return Status::Corruption(fmt::format("{}: category tree has a cycle", db_->path()));
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Reset().Bind(1, id).Step());
    if (!row) return Status::NotFound(fmt::format("no category with id {}", id));
    path = path.empty() ? q.Text(1) : q.Text(1) + "/" + path;
    id = q.OptionalInt(0).value_or(0);
  }
  return path;
}

Result<int64_t> TagCatalog::EnsureCategoryPathLocked(std::string_view path, bool create) {
  // Every level is checked before any is looked up, so that Preview (which
  // stops at the first missing level) refuses what Apply would refuse.
  std::vector<std::string_view> parts;
  for (size_t start = 0; !path.empty();) {
    size_t slash = path.find('/', start);
    parts.push_back(path.substr(start, slash == std::string_view::npos ? std::string_view::npos : slash - start));
    if (slash == std::string_view::npos) break;
    start = slash + 1;
  }
  for (std::string_view part : parts) {
    if (part.empty() || part.size() > 64) {
      return Status::InvalidArgument(fmt::format(
          "category '{}': each level needs 1 to 64 bytes between the '/' (no leading, trailing or double '/')", path));
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(Statement find,
                           db_->Prepare("SELECT id FROM categories WHERE ifnull(parent_id, 0) = ?1 AND name = ?2"));
  TAGLOOP_ASSIGN_OR_RETURN(Statement insert,
                           db_->Prepare("INSERT INTO categories (parent_id, name, created_at_ms) VALUES (?1, ?2, ?3)"));
  int64_t parent = 0;
  for (std::string_view part : parts) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, find.Reset().Bind(1, parent).Bind(2, part).Step());
    if (row) {
      parent = find.Int(0);
      continue;
    }
    if (!create) return int64_t{-1};  // would be created: differs from every existing id
    insert.Reset().Bind(1, parent == 0 ? std::optional<int64_t>() : std::optional<int64_t>(parent));
    insert.Bind(2, part).Bind(3, clock_->NowUnixMillis());
    TAGLOOP_RETURN_IF_ERROR(insert.Run());
    parent = db_->LastInsertRowId();
  }
  return parent;
}

Result<int64_t> TagCatalog::EnsureCategoryPath(std::string_view path) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(int64_t id, EnsureCategoryPathLocked(path, true));
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return id;
}

Result<CategoryInfo> TagCatalog::FindCategory(std::string_view path) {
  std::lock_guard lock(mu_);
  if (path.empty()) return Status::InvalidArgument("category: the path is empty");
  TAGLOOP_ASSIGN_OR_RETURN(int64_t id, EnsureCategoryPathLocked(path, /*create=*/false));
  if (id < 0) return Status::NotFound(fmt::format("no category '{}'", path));
  TAGLOOP_ASSIGN_OR_RETURN(Statement q,
                           db_->Prepare("SELECT ifnull(parent_id, 0), name, title_en FROM categories WHERE id = ?1"));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Bind(1, id).Step());
  if (!row) return Status::NotFound(fmt::format("no category '{}'", path));
  return CategoryInfo{id, q.Int(0), q.Text(1), std::string(path), q.Text(2)};
}

Result<TagEntry> TagCatalog::GetLocked(std::string_view name) {
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare(fmt::format("{} WHERE t.name = ?1", kTagColumns)));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Bind(1, name).Step());
  if (!row) return Status::NotFound(fmt::format("tag '{}' is not defined in the catalog", name));
  TagEntry e;
  TAGLOOP_ASSIGN_OR_RETURN(e.status, ParseTagStatus(q.Text(1)));
  e.version = q.Int(2);
  e.created_at_ms = q.Int(3);
  e.created_by = q.Text(4);
  e.updated_at_ms = q.Int(5);
  e.updated_by = q.Text(6);
  TAGLOOP_ASSIGN_OR_RETURN(e.definition, DecodeStored(name, q.Text(7)));
  return e;
}

Result<TagEntry> TagCatalog::Get(std::string_view name) {
  std::lock_guard lock(mu_);
  return GetLocked(name);
}

Result<std::vector<TagEntry>> TagCatalog::List(bool include_offline) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare(fmt::format("{} ORDER BY t.name", kTagColumns)));
  std::vector<TagEntry> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    TagEntry e;
    e.definition.name = q.Text(0);
    TAGLOOP_ASSIGN_OR_RETURN(e.status, ParseTagStatus(q.Text(1)));
    if (e.status == TagStatus::kOffline && !include_offline) continue;
    e.version = q.Int(2);
    e.created_at_ms = q.Int(3);
    e.created_by = q.Text(4);
    e.updated_at_ms = q.Int(5);
    e.updated_by = q.Text(6);
    TAGLOOP_ASSIGN_OR_RETURN(e.definition, DecodeStored(q.Text(0), q.Text(7)));
    out.push_back(std::move(e));
  }
  return out;
}

Result<std::vector<DefinitionVersion>> TagCatalog::History(std::string_view name) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT version, definition, created_at_ms, created_by FROM "
                                                     "tag_definition_versions WHERE tag = ?1 ORDER BY version"));
  q.Bind(1, name);
  std::vector<DefinitionVersion> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    DefinitionVersion v;
    v.version = q.Int(0);
    TAGLOOP_ASSIGN_OR_RETURN(v.definition, DecodeStored(name, q.Text(1)));
    v.created_at_ms = q.Int(2);
    v.created_by = q.Text(3);
    out.push_back(std::move(v));
  }
  if (out.empty()) return Status::NotFound(fmt::format("tag '{}' is not defined in the catalog", name));
  return out;
}

Result<DefinitionVersion> TagCatalog::GetVersion(std::string_view name, int64_t version) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT definition, created_at_ms, created_by FROM "
                                                     "tag_definition_versions WHERE tag = ?1 AND version = ?2"));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Bind(1, name).Bind(2, version).Step());
  if (!row) return Status::NotFound(fmt::format("tag '{}' has no definition version {}", name, version));
  DefinitionVersion v;
  v.version = version;
  TAGLOOP_ASSIGN_OR_RETURN(v.definition, DecodeStored(name, q.Text(0)));
  v.created_at_ms = q.Int(1);
  v.created_by = q.Text(2);
  return v;
}

Result<ApplyOutcome> TagCatalog::ApplyLocked(TagDefinition def, std::string_view actor, bool write) {
  TAGLOOP_ASSIGN_OR_RETURN(def.category_id, EnsureCategoryPathLocked(def.category_path, write));
  ApplyOutcome out;
  Result<TagEntry> existing = GetLocked(def.name);
  if (!existing.ok() && existing.status().code() != Status::Code::kNotFound) return existing.status();
  if (!existing.ok()) {
    out.change = ApplyOutcome::Change::kCreated;
    out.version = 1;
  } else {
    out.status_before = out.status = existing->status;
    TagDefinition& before = existing->definition;
    if (before.SameAs(def)) {
      out.version = existing->version;
      return out;
    }
    out.change = ApplyOutcome::Change::kUpdated;
    out.version = existing->version + 1;
    out.diff = DiffDefinitions(before, def);
    if (def.category_id < 0) {  // Preview of a category that does not exist yet
      for (std::string& line : out.diff) {
        if (line.starts_with("category: ")) line += " (new category)";
      }
    }
  }
  if (!write) return out;

  // The tags row first: tag_definition_versions.tag references it (foreign key).
  int64_t now = clock_->NowUnixMillis();
  std::optional<int64_t> category = def.category_id > 0 ? std::optional<int64_t>(def.category_id) : std::nullopt;
  if (out.change == ApplyOutcome::Change::kCreated) {
    TAGLOOP_ASSIGN_OR_RETURN(Statement insert_tag,
                             db_->Prepare("INSERT INTO tags (name, status, current_version, category_id, "
                                          "created_at_ms, created_by, updated_at_ms, updated_by) "
                                          "VALUES (?1, 'draft', 1, ?2, ?3, ?4, ?3, ?4)"));
    TAGLOOP_RETURN_IF_ERROR(insert_tag.Bind(1, def.name).Bind(2, category).Bind(3, now).Bind(4, actor).Run());
  } else {
    TAGLOOP_ASSIGN_OR_RETURN(Statement update_tag,
                             db_->Prepare("UPDATE tags SET current_version = ?2, category_id = ?3, "
                                          "updated_at_ms = ?4, updated_by = ?5 WHERE name = ?1"));
    TAGLOOP_RETURN_IF_ERROR(
        update_tag.Bind(1, def.name).Bind(2, out.version).Bind(3, category).Bind(4, now).Bind(5, actor).Run());
  }
  TAGLOOP_ASSIGN_OR_RETURN(Statement insert_version,
                           db_->Prepare("INSERT INTO tag_definition_versions (tag, version, definition, "
                                        "created_at_ms, created_by) VALUES (?1, ?2, ?3, ?4, ?5)"));
  TAGLOOP_RETURN_IF_ERROR(
      insert_version.Bind(1, def.name).Bind(2, out.version).Bind(3, EncodeStored(def)).Bind(4, now).Bind(5, actor).Run());
  return out;
}

Result<ApplyOutcome> TagCatalog::Preview(const TagDefinition& definition) {
  std::lock_guard lock(mu_);
  return ApplyLocked(definition, "", /*write=*/false);
}

Result<ApplyOutcome> TagCatalog::Apply(TagDefinition definition, std::string_view actor) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(ApplyOutcome out, ApplyLocked(std::move(definition), actor, /*write=*/true));
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Result<std::vector<ApplyOutcome>> TagCatalog::ApplyAll(std::vector<TagDefinition> definitions,
                                                       std::string_view actor, bool publish) {
  for (size_t i = 0; i < definitions.size(); ++i) {
    for (size_t j = 0; j < i; ++j) {
      if (definitions[i].name == definitions[j].name) {
        return Status::InvalidArgument(
            fmt::format("tag '{}' is defined twice (definitions {} and {})", definitions[i].name, j + 1, i + 1));
      }
    }
  }
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  std::vector<ApplyOutcome> outcomes;
  outcomes.reserve(definitions.size());
  for (TagDefinition& def : definitions) {
    std::string name = def.name;
    TAGLOOP_ASSIGN_OR_RETURN(ApplyOutcome out, ApplyLocked(std::move(def), actor, /*write=*/true));
    if (publish && out.status != TagStatus::kPublished) {
      TAGLOOP_RETURN_IF_ERROR(SetStatusLocked(name, out.status, TagStatus::kPublished, actor));
      out.status = TagStatus::kPublished;
    }
    outcomes.push_back(std::move(out));
  }
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return outcomes;
}

Result<ApplyOutcome> TagCatalog::MoveTag(std::string_view name, int64_t category_id, std::string_view actor) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, GetLocked(name));
  TAGLOOP_ASSIGN_OR_RETURN(entry.definition.category_path, CategoryPathLocked(category_id));
  TAGLOOP_ASSIGN_OR_RETURN(ApplyOutcome out, ApplyLocked(std::move(entry.definition), actor, /*write=*/true));
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return out;
}

Status TagCatalog::SetStatus(std::string_view name, TagStatus status, std::string_view actor) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, GetLocked(name));
  if (entry.status == status) return Status::Ok();
  TAGLOOP_RETURN_IF_ERROR(SetStatusLocked(name, entry.status, status, actor));
  return tx.Commit();
}

Status TagCatalog::SetStatusLocked(std::string_view name, TagStatus from, TagStatus to, std::string_view actor) {
  if (to == TagStatus::kDraft) {
    return Status::FailedPrecondition(
        fmt::format("tag '{}' is {}; a tag goes back to draft only before it is first published", name,
                    TagStatusName(from)));
  }
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("UPDATE tags SET status = ?2, updated_at_ms = ?3, "
                                                     "updated_by = ?4 WHERE name = ?1"));
  return q.Bind(1, name).Bind(2, std::string_view(TagStatusName(to))).Bind(3, clock_->NowUnixMillis()).Bind(4, actor).Run();
}

Result<std::vector<CategoryInfo>> TagCatalog::Categories() {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q,
                           db_->Prepare("SELECT id, ifnull(parent_id, 0), name, title_en FROM categories ORDER BY id"));
  std::vector<CategoryInfo> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(CategoryInfo{q.Int(0), q.Int(1), q.Text(2), "", q.Text(3)});
  }
  for (CategoryInfo& c : out) {
    TAGLOOP_ASSIGN_OR_RETURN(c.path, CategoryPathLocked(c.id));
  }
  return out;
}

Result<CategoryInfo> TagCatalog::CreateCategory(int64_t parent_id, std::string_view name, std::string_view title_en) {
  std::lock_guard lock(mu_);
  if (name.empty() || name.size() > 64 || name.find('/') != std::string_view::npos) {
    return Status::InvalidArgument("category name: 1 to 64 bytes, no '/'");
  }
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(std::string parent_path, CategoryPathLocked(parent_id));
  TAGLOOP_ASSIGN_OR_RETURN(Statement find,
                           db_->Prepare("SELECT 1 FROM categories WHERE ifnull(parent_id, 0) = ?1 AND name = ?2"));
  TAGLOOP_ASSIGN_OR_RETURN(bool exists, find.Bind(1, parent_id).Bind(2, name).Step());
  if (exists) return Status::AlreadyExists(fmt::format("category '{}' already has '{}'", parent_path, name));
  TAGLOOP_ASSIGN_OR_RETURN(Statement insert, db_->Prepare("INSERT INTO categories (parent_id, name, title_en, "
                                                          "created_at_ms) VALUES (?1, ?2, ?3, ?4)"));
  insert.Bind(1, parent_id == 0 ? std::optional<int64_t>() : std::optional<int64_t>(parent_id));
  TAGLOOP_RETURN_IF_ERROR(insert.Bind(2, name).Bind(3, title_en).Bind(4, clock_->NowUnixMillis()).Run());
  CategoryInfo info{db_->LastInsertRowId(), parent_id, std::string(name), "", std::string(title_en)};
  info.path = parent_path.empty() ? info.name : parent_path + "/" + info.name;
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return info;
}

Status TagCatalog::RenameCategory(int64_t id, std::string_view name, std::string_view title_en) {
  std::lock_guard lock(mu_);
  if (name.empty() || name.size() > 64 || name.find('/') != std::string_view::npos) {
    return Status::InvalidArgument("category name: 1 to 64 bytes, no '/'");
  }
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("UPDATE categories SET name = ?2, title_en = ?3 WHERE id = ?1"));
  Status s = q.Bind(1, id).Bind(2, name).Bind(3, title_en).Run();
  if (!s.ok() && s.message().find("UNIQUE") != std::string::npos) {
    return Status::AlreadyExists(fmt::format("a sibling category is already named '{}'", name));
  }
  TAGLOOP_RETURN_IF_ERROR(s);
  if (db_->Changes() == 0) return Status::NotFound(fmt::format("no category with id {}", id));
  return Status::Ok();
}

Status TagCatalog::MoveCategory(int64_t id, int64_t new_parent_id) {
  std::lock_guard lock(mu_);
  if (id <= 0) return Status::NotFound(fmt::format("no category with id {}", id));
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_RETURN_IF_ERROR(CategoryPathLocked(id).status());
  // Walk up from the new parent: meeting `id` means moving it under itself.
  TAGLOOP_ASSIGN_OR_RETURN(Statement up, db_->Prepare("SELECT ifnull(parent_id, 0) FROM categories WHERE id = ?1"));
  for (int64_t at = new_parent_id; at != 0;) {
    if (at == id) return Status::InvalidArgument("a category cannot move under itself");
    TAGLOOP_ASSIGN_OR_RETURN(bool row, up.Reset().Bind(1, at).Step());
    if (!row) return Status::NotFound(fmt::format("no category with id {}", at));
    at = up.Int(0);
  }
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("UPDATE categories SET parent_id = ?2 WHERE id = ?1"));
  Status s = q.Bind(1, id).Bind(2, new_parent_id == 0 ? std::optional<int64_t>() : std::optional<int64_t>(new_parent_id)).Run();
  if (!s.ok() && s.message().find("UNIQUE") != std::string::npos) {
    return Status::AlreadyExists("the new parent already has a category of that name");
  }
  TAGLOOP_RETURN_IF_ERROR(s);
  return tx.Commit();
}

Status TagCatalog::DeleteCategory(int64_t id) {
  std::lock_guard lock(mu_);
  if (id <= 0) return Status::NotFound(fmt::format("no category with id {}", id));
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(std::string path, CategoryPathLocked(id));
  TAGLOOP_ASSIGN_OR_RETURN(Statement used, db_->Prepare("SELECT (SELECT count(*) FROM tags WHERE category_id = ?1), "
                                                        "(SELECT count(*) FROM categories WHERE parent_id = ?1)"));
  TAGLOOP_RETURN_IF_ERROR(used.Bind(1, id).Step().status());
  if (used.Int(0) > 0 || used.Int(1) > 0) {
    return Status::FailedPrecondition(fmt::format("category '{}' still holds {} tags and {} categories", path,
                                                  used.Int(0), used.Int(1)));
  }
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("DELETE FROM categories WHERE id = ?1"));
  TAGLOOP_RETURN_IF_ERROR(q.Bind(1, id).Run());
  return tx.Commit();
}

Result<int64_t> TagCatalog::Generation() {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q,
                           db_->Prepare("SELECT value FROM catalog_state WHERE key = 'catalog_generation'"));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return Status::Corruption(fmt::format("{}: catalog_generation is missing", db_->path()));
  return q.Int(0);
}

}  // namespace tagloop
