// Tag access by lifecycle status and usage recording, shared by every route
// that evaluates expressions (api_context.h).
#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <array>

#include "server/api/api_context.h"

namespace tagloop {

Status CatalogTagAccess::Check(std::string_view tag) const {
  TAGLOOP_RETURN_IF_ERROR(CheckVisible(tag));
  if (!SeesPersonalData(role_) && view_->personal.contains(tag)) {
    return Status::PermissionDenied(
        fmt::format("tag '{}' holds personal data: only operators and admins may use it in expressions, "
                    "counts, insight and reports",
                    tag))
        .With(ErrorReason::kPersonalTag, {{"tag", std::string(tag)}, {"role", RoleName(role_)}});
  }
  return Status::Ok();
}

Status CatalogTagAccess::CheckVisible(std::string_view tag) const {
  switch (view_->StatusOf(tag)) {
    case TagStatus::kPublished:
      return Status::Ok();
    case TagStatus::kDraft:
      if (RoleAllows(role_, Role::kOperator)) return Status::Ok();
      return Status::InvalidArgument(fmt::format("tag '{}' is a draft: it is not published yet", tag))
          .With(ErrorReason::kTagDraft, {{"tag", std::string(tag)}});
    case TagStatus::kOffline:
      if (RoleAllows(role_, Role::kAdmin)) return Status::Ok();
      return Status::InvalidArgument(fmt::format("tag '{}' is offline", tag))
          .With(ErrorReason::kTagOffline, {{"tag", std::string(tag)}});
  }
  return Status::Internal("unknown tag status");
}

std::shared_ptr<const std::vector<std::string>> HiddenTags(const std::shared_ptr<const CatalogView>& view, Role role) {
  // Profile look-ups ask on every request; a view changes only with the
  // catalog. One entry per role, so callers of several roles on one thread
  // do not rebuild the list in turn.
  struct Cached {
    std::shared_ptr<const CatalogView> view;
    std::shared_ptr<const std::vector<std::string>> hidden;
  };
  thread_local std::array<Cached, 4> per_role;
  Cached& cached = per_role[static_cast<size_t>(role) % per_role.size()];
  if (cached.view != view || cached.hidden == nullptr) {
    auto hidden = std::make_shared<std::vector<std::string>>();
    if (view != nullptr) {
      CatalogTagAccess access(view, role);
      for (const auto& [name, entry] : view->tags) {
        if (!access.CheckVisible(name).ok()) hidden->push_back(name);  // the map is sorted: so is the list
      }
    }
    cached = Cached{view, std::move(hidden)};
  }
  return cached.hidden;
}

CatalogTagAccess TagAccessFor(ApiContext& ctx, const ApiCall& call) {
  return CatalogTagAccess(ctx.production->scheduler().view(), call.principal.role);
}

SegmentQueryOptions QueryOptionsFor(ApiContext& ctx, const ApiCall& call, Days as_of, const CatalogTagAccess* access) {
  SegmentQueryOptions options;
  options.as_of = as_of;
  options.segments = &ctx.workspace->segments();
  options.tag_access = access;
  options.deadline = &call.deadline;
  return options;
}

void RecordTagUse(ApiContext& ctx, const ApiCall& call, const Snapshot& snapshot, std::string_view expr,
                  const SegmentQueryOptions& options, std::string_view kind) {
  // Binding again costs microseconds next to the query it follows.
  Result<SegmentReferences> refs = ReferencesOf(snapshot, expr, options);
  if (!refs.ok()) {
    spdlog::debug("usage of '{}' not recorded: {}", expr, refs.status().ToString());
    return;
  }
  for (const std::string& tag : refs->tags) ctx.workspace->usage().Record(tag, kind, call.principal.name);
}

}  // namespace tagloop
