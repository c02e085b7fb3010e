// TagCatalog: tag definitions, their versions, lifecycle and the category
// tree, in the catalog database DIR/tagloop.db (catalog_schema.cc, v2).
//
// - Apply() stores a definition: a new tag starts as a draft at version 1; an
//   edit that changes anything stores the whole definition again as version
//   N+1 (immutable); an identical definition changes nothing. The tag's type
//   cannot change once it has data (the store keeps one type per tag): the
//   caller (produce/) checks that against the store.
// - SetStatus() moves a tag through draft -> published -> offline (any
//   direction except back to draft once published). Every change bumps
//   catalog_generation, which a running server polls (Generation()) to pick
//   up changes made by any process within a fraction of a second.
// - Categories are a tree of names; a tag points at one by id, so renaming
//   or moving a category, or moving a tag, touches no data.
//
// `actor` is who made the change (principal name), stored with each version.
// Errors: InvalidArgument for bad input (naming the field), NotFound for an
// unknown tag/category, FailedPrecondition for a forbidden transition or a
// non-empty category, IOError from SQLite.
//
// Thread-safety: every method may be called from any thread (one SQLite
// connection behind a mutex). Several TagCatalogs (processes) may share the
// file; each change is one transaction.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_db.h"
#include "catalog/tag_definition.h"
#include "core/status.h"
#include "core/wall_clock.h"

namespace tagloop {

struct CategoryInfo {
  int64_t id = 0;
  int64_t parent_id = 0;  // 0 = top level
  std::string name;
  std::string path;  // "交易/会员"
  std::string title_en;
};

struct TagEntry {
  TagDefinition definition;  // the current version, category_path filled in
  TagStatus status = TagStatus::kDraft;
  int64_t version = 0;  // current definition version
  int64_t created_at_ms = 0;
  std::string created_by;
  int64_t updated_at_ms = 0;
  std::string updated_by;
};

struct DefinitionVersion {
  int64_t version = 0;
  TagDefinition definition;  // category_path as of now
  int64_t created_at_ms = 0;
  std::string created_by;
};

struct ApplyOutcome {
  enum class Change : uint8_t { kCreated, kUpdated, kUnchanged };
  Change change = Change::kUnchanged;
  int64_t version = 0;            // the tag's definition version after the call
  std::vector<std::string> diff;  // DiffDefinitions against the previous version
  TagStatus status_before = TagStatus::kDraft;  // kDraft for a new tag
  TagStatus status = TagStatus::kDraft;         // after the call
};
const char* ApplyChangeName(ApplyOutcome::Change change);  // "created", "updated", "unchanged"

class TagCatalog {
 public:
  static Result<std::unique_ptr<TagCatalog>> Open(const std::string& dir, WallClock* clock = WallClock::Default());

  // --- definitions ---
  // What Apply would do, without writing. A category path that does not
  // exist yet shows in the diff as "category: 'old' -> 'new/path' (new
  // category)". Same errors as Apply.
  Result<ApplyOutcome> Preview(const TagDefinition& definition);
  // Stores `definition` (its category_path is resolved, creating missing
  // categories; category_id is ignored). New tags start as drafts.
  // InvalidArgument for a bad category path (empty level, level over 64
  // bytes, leading or trailing '/').
  Result<ApplyOutcome> Apply(TagDefinition definition, std::string_view actor);
  // Applies every definition in order, and with `publish` also publishes
  // each (offline and draft tags become published), in ONE transaction: on
  // any error nothing is written. InvalidArgument when a tag appears twice.
  // One outcome per definition, in order.
  Result<std::vector<ApplyOutcome>> ApplyAll(std::vector<TagDefinition> definitions, std::string_view actor,
                                             bool publish);
  // NotFound when the tag is not defined.
  Result<TagEntry> Get(std::string_view name);
  // Every defined tag, by name; offline ones only with include_offline.
  Result<std::vector<TagEntry>> List(bool include_offline);
  // Every version of a definition, oldest first (NotFound for an unknown
  // tag). category_path is the category's path as of now, "" when that
  // category has been deleted since (category_id keeps its old id).
  Result<std::vector<DefinitionVersion>> History(std::string_view name);
  Result<DefinitionVersion> GetVersion(std::string_view name, int64_t version);
  // Lifecycle. Publishing a draft, taking a tag offline, bringing it back.
  // FailedPrecondition for published/offline -> draft. No-op when unchanged.
  Status SetStatus(std::string_view name, TagStatus status, std::string_view actor);

  // --- categories ---
  // Every category with its path, in order of id.
  Result<std::vector<CategoryInfo>> Categories();
  // The category at a path like "交易/会员"; NotFound when there is none,
  // InvalidArgument for a malformed path ("" is not a category).
  Result<CategoryInfo> FindCategory(std::string_view path);
  // The id of a path like "交易/会员" ("" -> 0), creating missing levels.
  Result<int64_t> EnsureCategoryPath(std::string_view path);
  // A new category under parent_id (0 = top). AlreadyExists when the parent
  // has one of that name; NotFound for an unknown parent.
  Result<CategoryInfo> CreateCategory(int64_t parent_id, std::string_view name, std::string_view title_en);
  // Sets a category's name and English title. AlreadyExists when a sibling
  // has that name, NotFound for an unknown id.
  Status RenameCategory(int64_t id, std::string_view name, std::string_view title_en);
  // Moves a category under another (0 = top); InvalidArgument when that would
  // put it under itself (or one of its descendants), AlreadyExists when the
  // new parent has a category of that name, NotFound for unknown ids.
  Status MoveCategory(int64_t id, int64_t new_parent_id);
  // FailedPrecondition when it still has tags or sub-categories.
  Status DeleteCategory(int64_t id);
  // Moves one tag to a category, 0 = none (a new definition version; no data
  // changes). NotFound for an unknown tag or category.
  Result<ApplyOutcome> MoveTag(std::string_view name, int64_t category_id, std::string_view actor);

  // --- change detection ---
  // catalog_generation: changes whenever any process changed tags,
  // definitions, categories or sources.
  Result<int64_t> Generation();

 private:
  TagCatalog(std::unique_ptr<CatalogDb> db, WallClock* clock) : db_(std::move(db)), clock_(clock) {}
  Result<std::string> CategoryPathLocked(int64_t id);
  Result<TagEntry> GetLocked(std::string_view name);
  Result<int64_t> EnsureCategoryPathLocked(std::string_view path, bool create);
  Result<ApplyOutcome> ApplyLocked(TagDefinition definition, std::string_view actor, bool write);
  Status SetStatusLocked(std::string_view name, TagStatus from, TagStatus to, std::string_view actor);
  Result<TagDefinition> DecodeStored(std::string_view name, const std::string& json_text);

  std::mutex mu_;
  std::unique_ptr<CatalogDb> db_;
  WallClock* clock_;
};

}  // namespace tagloop
