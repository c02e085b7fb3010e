// Shared pieces of the /catalog routes (api_catalog.h).
#include "server/api/catalog/api_catalog.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <algorithm>

#include "segment/segment.h"

namespace tagloop::catalog_api {

bool MaySee(TagStatus status, Role role) {
  switch (status) {
    case TagStatus::kPublished: return true;
    case TagStatus::kDraft: return RoleAllows(role, Role::kOperator);
    case TagStatus::kOffline: return RoleAllows(role, Role::kAdmin);
  }
  return false;
}

Status CheckVisible(std::string_view tag, TagStatus status, Role role) {
  if (MaySee(status, role)) return Status::Ok();
  if (status == TagStatus::kDraft) {
    return Status::NotFound(fmt::format("tag '{}' is a draft: only operators and admins see it", tag));
  }
  return Status::NotFound(fmt::format("tag '{}' is offline: only admins see it", tag));
}

Result<TagEntry> VisibleEntry(ApiContext& ctx, const ApiCall& call, std::string_view name) {
  std::shared_ptr<const CatalogView> view = ctx.production->scheduler().view();
  auto it = view->tags.find(name);
  if (it == view->tags.end()) {
    return Status::NotFound(fmt::format("tag '{}' is not defined in the catalog", name));
  }
  TAGLOOP_RETURN_IF_ERROR(CheckVisible(name, it->second.status, call.principal.role));
  return it->second;
}

Result<TagEntry> DefinedEntry(ApiContext& ctx, std::string_view name) {
  return ctx.workspace->catalog().Get(name);
}

Lineage LineageOf(ApiContext& ctx, std::string_view tag, bool published_only) {
  Lineage out;
  std::shared_ptr<const CatalogView> view = ctx.production->scheduler().view();
  for (std::string& dependent : ctx.production->scheduler().DependentsOf(tag)) {
    if (published_only && view->StatusOf(dependent) != TagStatus::kPublished) continue;
    out.composite_tags.push_back(std::move(dependent));
  }
  std::shared_ptr<const Snapshot> snap = ctx.workspace->store().snapshot();
  SegmentQueryOptions options;
  options.as_of = ctx.Today();
  options.segments = &ctx.workspace->segments();
  for (const SavedSegment& s : ctx.workspace->segments().List()) {
    // A segment that no longer binds (a tag it read is gone) reads nothing.
    Result<SegmentReferences> refs = ReferencesOf(*snap, s.expr, options);
    if (refs.ok() && std::binary_search(refs->tags.begin(), refs->tags.end(), tag)) {
      out.saved_segments.push_back(s.name);
    }
  }
  std::sort(out.composite_tags.begin(), out.composite_tags.end());
  return out;
}

Json LineageJson(const Lineage& lineage) {
  return {{"composite_tags", lineage.composite_tags}, {"saved_segments", lineage.saved_segments}};
}

Json OptionalMs(const std::optional<int64_t>& ms) { return ms ? Json(*ms) : Json(nullptr); }

Json RunJson(const RunRecord& run, bool with_log) {
  Json j = {{"id", run.id},
            {"tag", run.tag},
            {"biz_date", FormatDate(run.biz_date)},
            {"definition_version", run.definition_version},
            {"trigger", RunTriggerName(run.trigger)},
            {"state", RunStateName(run.state)},
            {"attempt", run.attempt},
            {"requested_by", run.requested_by},
            {"queued_at_ms", run.queued_at_ms},
            {"started_at_ms", OptionalMs(run.started_at_ms)},
            {"finished_at_ms", OptionalMs(run.finished_at_ms)},
            {"rows", run.rows},
            {"users", run.users},
            {"error", run.error.empty() ? Json(nullptr) : Json(run.error)}};
  if (with_log) j["log"] = run.log;
  return j;
}

Json DefinitionJson(const TagDefinition& definition) { return Json(TagDefinitionToJson(definition)); }

Result<int64_t> PathId(std::string_view text, std::string_view what) {
  int64_t id = 0;
  bool ok = !text.empty() && text.size() <= 18;
  for (char c : text) {
    ok = ok && c >= '0' && c <= '9';
    id = id * 10 + (c - '0');
  }
  if (!ok || id <= 0) return Status::InvalidArgument(fmt::format("invalid {} '{}'", what, text));
  return id;
}

void RefreshCatalog(ApiContext& ctx) {
  if (Status st = ctx.production->scheduler().RefreshNow(); !st.ok()) {
    spdlog::warn("catalog refresh after a change: {} (the next poll retries)", st.ToString());
  }
}

void AuditCatalog(ApiContext& ctx, const ApiCall& call, std::string_view action, std::string_view target,
                  int64_t item_count, std::string detail) {
  AuditEntry entry = AuditEntry::For(call.principal, action, target, item_count);
  entry.detail = std::move(detail);
  AuditChange(ctx, std::move(entry));
}

}  // namespace tagloop::catalog_api
