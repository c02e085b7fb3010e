// The category tree: GET /catalog/categories (with tag counts), POST
// /catalog/categories, PATCH and DELETE /catalog/categories/{id}.
// Categories are pure metadata: renaming or moving one touches no data and
// no definition (definitions hold the category's id).
#include <fmt/format.h>

#include <algorithm>
#include <map>

#include "server/api/catalog/api_catalog.h"
#include "server/api/api_routes.h"

namespace tagloop {

namespace {

using namespace catalog_api;

Json CategoryJson(const CategoryInfo& c) {
  return {{"id", c.id},
          {"parent_id", c.parent_id == 0 ? Json(nullptr) : Json(c.parent_id)},
          {"name", c.name},
          {"path", c.path},
          {"title_en", c.title_en}};
}

struct Tree {
  std::map<int64_t, std::vector<const CategoryInfo*>> children;  // by parent id (0 = top), sorted by name
  std::map<int64_t, uint64_t> direct;                            // tags per category id
};

// The node of `c` with its subtree; `total` gets the tags of the subtree.
Json NodeJson(const Tree& tree, const CategoryInfo& c, uint64_t* total) {
  auto direct = tree.direct.find(c.id);
  uint64_t own = direct == tree.direct.end() ? 0 : direct->second;
  uint64_t sum = own;
  Json kids = Json::array();
  if (auto it = tree.children.find(c.id); it != tree.children.end()) {
    for (const CategoryInfo* child : it->second) {
      uint64_t n = 0;
      kids.push_back(NodeJson(tree, *child, &n));
      sum += n;
    }
  }
  *total = sum;
  Json j = CategoryJson(c);
  j["tags"] = own;
  j["total_tags"] = sum;
  j["children"] = std::move(kids);
  return j;
}

Result<HttpResponse> ListCategories(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<CategoryInfo> categories, ctx.workspace->catalog().Categories());
  Tree tree;
  for (const CategoryInfo& c : categories) {
    tree.children[c.parent_id].push_back(&c);
  }
  for (auto& [parent, list] : tree.children) {
    std::sort(list.begin(), list.end(),
              [](const CategoryInfo* a, const CategoryInfo* b) { return a->name < b->name; });
  }
  // The tags the caller sees in GET /catalog/tags.
  std::shared_ptr<const CatalogView> view = ctx.production->scheduler().view();
  for (const auto& [name, entry] : view->tags) {
    if (entry.status == TagStatus::kOffline || !MaySee(entry.status, call.principal.role)) continue;
    ++tree.direct[entry.definition.category_id];
  }
  Json roots = Json::array();
  if (auto it = tree.children.find(0); it != tree.children.end()) {
    for (const CategoryInfo* c : it->second) {
      uint64_t n = 0;
      roots.push_back(NodeJson(tree, *c, &n));
    }
  }
  auto none = tree.direct.find(0);
  return JsonResponse({{"categories", std::move(roots)},
                       {"uncategorized_tags", none == tree.direct.end() ? 0 : none->second}});
}

Result<CategoryInfo> FindById(ApiContext& ctx, int64_t id) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<CategoryInfo> categories, ctx.workspace->catalog().Categories());
  for (CategoryInfo& c : categories) {
    if (c.id == id) return std::move(c);
  }
  return Status::NotFound(fmt::format("no category with id {}", id));
}

Result<HttpResponse> CreateCategory(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body,
                           JsonBody::Parse(call.request->body, {"parent_id", "name", "title_en"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<uint64_t> parent, body.OptionalUint("parent_id", INT64_MAX));
  TAGLOOP_ASSIGN_OR_RETURN(std::string name, body.String("name"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> title_en, body.OptionalString("title_en"));
  TAGLOOP_ASSIGN_OR_RETURN(CategoryInfo created,
                           ctx.workspace->catalog().CreateCategory(static_cast<int64_t>(parent.value_or(0)),
                                                                    name, title_en.value_or("")));
  AuditCatalog(ctx, call, audit::kCategoryCreate, std::to_string(created.id), 1, "path=" + created.path);
  RefreshCatalog(ctx);
  return JsonResponse(CategoryJson(created), 201);
}

Result<HttpResponse> ChangeCategory(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(int64_t id, PathId(call.path_params[0], "category id"));
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body,
                           JsonBody::Parse(call.request->body, {"parent_id", "name", "title_en"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<uint64_t> parent, body.OptionalUint("parent_id", INT64_MAX));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> name, body.OptionalString("name"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> title_en, body.OptionalString("title_en"));
  if (!parent && !name && !title_en) {
    return Status::InvalidArgument(
        "nothing to change: give \"name\", \"title_en\" and/or \"parent_id\" (0 = top)");
  }
  TAGLOOP_ASSIGN_OR_RETURN(CategoryInfo before, FindById(ctx, id));
  TagCatalog& catalog = ctx.workspace->catalog();
  if (parent && static_cast<int64_t>(*parent) != before.parent_id) {
    TAGLOOP_RETURN_IF_ERROR(catalog.MoveCategory(id, static_cast<int64_t>(*parent)));
  }
  if (name || title_en) {
    TAGLOOP_RETURN_IF_ERROR(
        catalog.RenameCategory(id, name.value_or(before.name), title_en.value_or(before.title_en)));
  }
  TAGLOOP_ASSIGN_OR_RETURN(CategoryInfo after, FindById(ctx, id));
  AuditCatalog(ctx, call, audit::kCategoryChange, std::to_string(id), 1,
               fmt::format("'{}' -> '{}'", before.path, after.path));
  RefreshCatalog(ctx);
  return JsonResponse(CategoryJson(after));
}

Result<HttpResponse> DeleteCategory(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(int64_t id, PathId(call.path_params[0], "category id"));
  TAGLOOP_ASSIGN_OR_RETURN(CategoryInfo before, FindById(ctx, id));
  TAGLOOP_RETURN_IF_ERROR(ctx.workspace->catalog().DeleteCategory(id));
  AuditCatalog(ctx, call, audit::kCategoryDelete, std::to_string(id), 1, "path=" + before.path);
  RefreshCatalog(ctx);
  return NoContent();
}

}  // namespace

void AddCatalogCategoryRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("GET", "/catalog/categories", Role::kViewer, ListCategories));
  router.Add(ApiV1Route("POST", "/catalog/categories", Role::kOperator, CreateCategory, ApiBodyKind::kJson));
  router.Add(
      ApiV1Route("PATCH", "/catalog/categories/{id}", Role::kOperator, ChangeCategory, ApiBodyKind::kJson));
  router.Add(ApiV1Route("DELETE", "/catalog/categories/{id}", Role::kOperator, DeleteCategory));
}

}  // namespace tagloop
