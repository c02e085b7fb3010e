// What the /catalog routes (api_catalog_*.cc) share: who may see a tag of
// which lifecycle status, lineage (what depends on a tag), the JSON of runs
// and definitions, strict reading of the bodies JsonBody cannot express, and
// the audit actions of catalog changes.
//
// Visibility (the same rule as CatalogTagAccess for expressions): published
// and imported-only tags for everyone, drafts for operators and admins,
// offline tags for admins only (and in lists only when asked for with
// include_offline=true). A tag the caller may not see is a 404 whose message
// says why, as a count on it would.
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/run_history.h"
#include "catalog/tag_catalog.h"
#include "server/api/api_context.h"
#include "server/api/api_json.h"
#include "server/api/request.h"

namespace tagloop::catalog_api {

// Audit actions of catalog changes (AuditEntry::action); the target is the
// tag, category id, run id or source name.
namespace audit {
inline constexpr std::string_view kDefine = "catalog.define";  // a definition created or changed
inline constexpr std::string_view kPublish = "catalog.publish";
inline constexpr std::string_view kOffline = "catalog.offline";  // detail says "forced" when forced
inline constexpr std::string_view kRestore = "catalog.restore";
inline constexpr std::string_view kRun = "catalog.run";            // manual or repair run queued
inline constexpr std::string_view kBackfill = "catalog.backfill";  // item_count = runs queued
inline constexpr std::string_view kCancel = "catalog.cancel";
inline constexpr std::string_view kPush = "catalog.push";  // item_count = values set + users unset
inline constexpr std::string_view kListUpload = "catalog.list_upload";  // item_count = list rows
inline constexpr std::string_view kMoveTag = "catalog.move_tag";
inline constexpr std::string_view kCategoryCreate = "catalog.category_create";
inline constexpr std::string_view kCategoryChange = "catalog.category_change";
inline constexpr std::string_view kCategoryDelete = "catalog.category_delete";
inline constexpr std::string_view kSourcePut = "sources.put";  // never the password
inline constexpr std::string_view kSourceDelete = "sources.delete";
}  // namespace audit

// Whether `role` may see a tag of `status` at all (lists also need
// include_offline for offline tags).
bool MaySee(TagStatus status, Role role);
// Why `role` may not see a tag of `status` ("tag 'x' is a draft: only
// operators and admins see it"), as NotFound; OK when it may.
Status CheckVisible(std::string_view tag, TagStatus status, Role role);

// The catalog entry of `name` from the current catalog view, as the caller
// may see it. NotFound for a tag the catalog does not define and for one the
// caller may not see (CheckVisible).
Result<TagEntry> VisibleEntry(ApiContext& ctx, const ApiCall& call, std::string_view name);
// The catalog entry of `name` for a change (read from the catalog itself,
// not the view). NotFound for an undefined tag.
Result<TagEntry> DefinedEntry(ApiContext& ctx, std::string_view name);

// What depends on a tag: composite tags reading it (directly) and saved
// segments whose expressions read it (directly or through other segments).
struct Lineage {
  std::vector<std::string> composite_tags;  // sorted
  std::vector<std::string> saved_segments;  // sorted
  bool empty() const { return composite_tags.empty() && saved_segments.empty(); }
};
// With `published_only`, composite tags that are not published are left out
// (drafts do not stop a tag going offline).
Lineage LineageOf(ApiContext& ctx, std::string_view tag, bool published_only);
Json LineageJson(const Lineage& lineage);

// A run record; the log only when `with_log`.
Json RunJson(const RunRecord& run, bool with_log);
// Unix milliseconds or null.
Json OptionalMs(const std::optional<int64_t>& ms);
// A definition's JSON form (TagDefinitionToJson) as a response value.
Json DefinitionJson(const TagDefinition& definition);

// A path parameter that must be a positive id ("run id", "category id").
Result<int64_t> PathId(std::string_view text, std::string_view what);

// Makes a catalog change visible to this server's next request (the
// scheduler's view: lifecycle checks, schedules, the dependency graph).
// A failure is logged: the change stands and the next poll picks it up.
void RefreshCatalog(ApiContext& ctx);

// AuditChange for a catalog change by the caller.
void AuditCatalog(ApiContext& ctx, const ApiCall& call, std::string_view action, std::string_view target,
                  int64_t item_count, std::string detail);


}  // namespace tagloop::catalog_api
