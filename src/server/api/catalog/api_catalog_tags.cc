// The catalog's tag definitions: GET /catalog/tags, GET/PUT
// /catalog/tags/{name}, GET /catalog/tags/{name}/history, POST
// /catalog/tags/{name}/publish|offline|restore, PUT
// /catalog/tags/{name}/category.
//
// A PUT checks the definition completely against this server's state
// (produce/definition_check.h: the store's type of the tag, sources, the
// composite's expressions and the dependency graph, the schedule, the quality
// rules) before anything is stored, and every change is live
// (RefreshCatalog) when the answer is sent.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>

#include "produce/definition_check.h"
#include "server/api/catalog/api_catalog.h"
#include "server/api/api_error.h"
#include "server/api/api_routes.h"
#include "source/sql_template.h"

namespace tagloop {

namespace {

using namespace catalog_api;

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

Json LatestJson(const Snapshot& snap, std::string_view name) {
  const TagInfo* info = snap.FindTag(name);
  if (info == nullptr || info->versions.empty()) return nullptr;
  const VersionInfo& v = info->versions.back();
  return {{"date", FormatDate(v.date)}, {"users", v.users}};
}

Json OptionalText(const std::string& s) { return s.empty() ? Json(nullptr) : Json(s); }

Json SummaryJson(const TagEntry& e, const Snapshot& snap, const CatalogView& view) {
  const TagDefinition& d = e.definition;
  return {{"name", d.name},
          {"type", d.type.ToString()},
          {"status", TagStatusName(e.status)},
          {"version", e.version},
          {"category", OptionalText(d.category_path)},
          {"title", {{"zh", d.title_zh}, {"en", d.title_en}}},
          {"owner", d.owner},
          {"producer", ProducerKindName(d.producer)},
          {"schedule", OptionalText(d.schedule)},
          {"personal", d.personal},
          {"latest", LatestJson(snap, d.name)},
          {"stale", view.stale.contains(d.name)},
          {"updated_at_ms", e.updated_at_ms},
          {"updated_by", e.updated_by}};
}

// Whether `path` is `prefix` or below it ("交易" holds "交易/会员", not "交易额").
bool UnderCategory(std::string_view path, std::string_view prefix) {
  if (!path.starts_with(prefix)) return false;
  return path.size() == prefix.size() || prefix.empty() || path[prefix.size()] == '/';
}

// `kind`: a type name without scale, "numeric" (int, decimal, date) or
// "categorical" (bool, enum, set).
bool TypeMatches(const TagType& type, std::string_view kind) {
  const bool numeric = type.kind == TagKind::kInt || type.kind == TagKind::kDecimal || type.kind == TagKind::kDate;
  if (kind == "numeric") return numeric;
  if (kind == "categorical") return !numeric;
  std::string name = type.ToString();
  return name.substr(0, name.find(':')) == kind;
}

Result<HttpResponse> ListCatalogTags(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(bool include_offline, QueryBool(call, "include_offline"));
  if (include_offline && !RoleAllows(call.principal.role, Role::kAdmin)) {
    return Status::PermissionDenied("include_offline=true needs the admin role");
  }
  std::optional<TagStatus> status;
  if (std::optional<std::string_view> text = call.Query("status")) {
    Result<TagStatus> parsed = ParseTagStatus(*text);
    if (!parsed.ok())
      return Status::InvalidArgument("query parameter 'status': " + parsed.status().message());
    status = *parsed;
    if (status == TagStatus::kOffline && !include_offline) {
      return Status::InvalidArgument("status=offline needs include_offline=true (admins only)");
    }
  }
  std::optional<std::string_view> category = call.Query("category");
  std::string q = Lower(call.Query("q").value_or(""));
  std::optional<std::string_view> kind = call.Query("type");
  if (kind && *kind != "bool" && *kind != "enum" && *kind != "set" && *kind != "int" && *kind != "decimal" &&
      *kind != "date" && *kind != "numeric" && *kind != "categorical") {
    return Status::InvalidArgument(fmt::format(
        "query parameter 'type': '{}' is not bool, enum, set, int, decimal, date, numeric or categorical", *kind));
  }
  // Pages of the (name-ordered) list; no limit: every match.
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t limit, QueryNumber(call, "limit", 0, 1, 10'000));
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t offset, QueryNumber(call, "offset", 0, 0, 1'000'000'000));

  std::shared_ptr<const CatalogView> view = ctx.production->scheduler().view();
  std::shared_ptr<const Snapshot> snap = ctx.workspace->store().snapshot();
  Json tags = Json::array();
  uint64_t total = 0;
  for (const auto& [name, entry] : view->tags) {
    if (!MaySee(entry.status, call.principal.role)) continue;
    if (entry.status == TagStatus::kOffline && !include_offline) continue;
    if (status && entry.status != *status) continue;
    const TagDefinition& d = entry.definition;
    if (category && !UnderCategory(d.category_path, *category)) continue;
    if (!q.empty() && Lower(d.name).find(q) == std::string::npos &&
        Lower(d.title_zh).find(q) == std::string::npos && Lower(d.title_en).find(q) == std::string::npos) {
      continue;
    }
    if (kind && !TypeMatches(d.type, *kind)) continue;
    const uint64_t index = total++;
    if (index < offset || (limit != 0 && index >= offset + limit)) continue;
    tags.push_back(SummaryJson(entry, *snap, *view));
  }
  return JsonResponse({{"tags", std::move(tags)}, {"total", total}, {"offset", offset}});
}

Result<HttpResponse> GetCatalogTag(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, VisibleEntry(ctx, call, name));
  std::shared_ptr<const CatalogView> view = ctx.production->scheduler().view();
  std::shared_ptr<const Snapshot> snap = ctx.workspace->store().snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<DataVersionOrigin> origins, ctx.workspace->runs().DataVersions(name));
  // The store's versions, each with what produced it (CSV imports and
  // versions older than provenance records have none).
  Json versions = Json::array();
  if (const TagInfo* info = snap->FindTag(name)) {
    for (const VersionInfo& v : info->versions) {
      Json j = {{"date", FormatDate(v.date)},
                {"users", v.users},
                {"bytes", v.bytes},
                {"published_unix", v.created_unix},
                {"definition_version", nullptr},
                {"run_id", nullptr}};
      auto origin = std::find_if(origins.begin(), origins.end(),
                                 [&](const DataVersionOrigin& o) { return o.biz_date == v.date; });
      if (origin != origins.end()) {
        j["definition_version"] = OptionalMs(origin->definition_version);
        j["run_id"] = OptionalMs(origin->run_id);
      }
      versions.push_back(std::move(j));
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<RunRecord> last, ctx.workspace->runs().List(name, 1));
  return JsonResponse({{"name", name},
                       {"status", TagStatusName(entry.status)},
                       {"version", entry.version},
                       {"definition", DefinitionJson(entry.definition)},
                       {"created_at_ms", entry.created_at_ms},
                       {"created_by", entry.created_by},
                       {"updated_at_ms", entry.updated_at_ms},
                       {"updated_by", entry.updated_by},
                       {"stale", view->stale.contains(name)},
                       {"data_versions", std::move(versions)},
                       {"last_run", last.empty() ? Json(nullptr) : RunJson(last.front(), false)},
                       {"dependents", LineageJson(LineageOf(ctx, name, /*published_only=*/false))}});
}

Result<HttpResponse> History(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_RETURN_IF_ERROR(VisibleEntry(ctx, call, name).status());
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<DefinitionVersion> history, ctx.workspace->catalog().History(name));
  Json list = Json::array();
  for (const DefinitionVersion& v : history) {
    list.push_back({{"version", v.version},
                    {"created_at_ms", v.created_at_ms},
                    {"created_by", v.created_by},
                    {"definition", DefinitionJson(v.definition)}});
  }
  return JsonResponse({{"name", name}, {"versions", std::move(list)}});
}

// --- checking a definition before it is stored ---

Status DefinitionError(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(fmt::format("tag definition: {}: {}", field, what));
}

// The definition checks (produce/definition_check.h) against this server's
// state, for the caller: an operator may build composites on drafts, only
// an admin on offline tags.
Status CheckDefinitionFor(ApiContext& ctx, const ApiCall& call, const TagDefinition& def) {
  CatalogTagAccess access = TagAccessFor(ctx, call);
  DefinitionCheckContext check;
  check.snapshot = ctx.workspace->store().snapshot();
  check.catalog = &ctx.workspace->catalog();
  check.source_exists = [&ctx](std::string_view name) -> Result<bool> {
    auto record = ctx.workspace->sources().Get(name);  // any error but NotFound is a failure
    if (record.ok()) return true;
    if (record.status().code() == Status::Code::kNotFound) return false;
    return record.status();
  };
  check.event_types = &ctx.workspace->event_types();
  check.segments = &ctx.workspace->segments();
  check.tag_access = &access;
  check.today = ctx.Today();
  check.default_quality = ctx.production->producer().options().default_quality;
  check.data_dir = ctx.workspace->store().dir();
  // One definition at a time: a composite reads tags that have data.
  check.inputs_may_lack_data = false;
  check.hints.sources = "GET /api/v1/catalog/sources lists them";
  check.hints.list_upload = "PUT /api/v1/catalog/tags/{tag}/list uploads one";
  return CheckDefinition(check, def);
}

Json OutcomeJson(std::string_view name, const ApplyOutcome& out) {
  return {{"name", name},
          {"change", ApplyChangeName(out.change)},
          {"version", out.version},
          {"status", TagStatusName(out.status)},
          {"diff", out.diff}};
}

Result<HttpResponse> PutDefinition(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(bool dry_run, QueryBool(call, "dry_run"));
  TAGLOOP_ASSIGN_OR_RETURN(nlohmann::json body, ParseJsonObject(call.request->body));
  if (auto it = body.find("name"); it != body.end()) {
    if (!it->is_string() || it->get<std::string>() != name) {
      return DefinitionError("name", fmt::format("must be '{}', the tag of the path (or left out)", name));
    }
  } else {
    body["name"] = name;
  }
  // The stored form's category id would be ignored (the path decides):
  // refuse it rather than move the tag silently.
  if (body.contains("category_id")) {
    return DefinitionError("category_id", "give the category as \"category\": a path like \"交易/会员\"");
  }
  TAGLOOP_ASSIGN_OR_RETURN(TagDefinition def, TagDefinitionFromJson(body));
  TAGLOOP_RETURN_IF_ERROR(CheckDefinitionFor(ctx, call, def));
  if (dry_run) {
    TAGLOOP_ASSIGN_OR_RETURN(ApplyOutcome preview, ctx.workspace->catalog().Preview(def));
    Json answer = OutcomeJson(name, preview);
    answer["dry_run"] = true;
    return JsonResponse(answer);
  }
  TAGLOOP_ASSIGN_OR_RETURN(ApplyOutcome out, ctx.workspace->catalog().Apply(def, call.principal.name));
  if (out.change != ApplyOutcome::Change::kUnchanged) {
    std::string detail = fmt::format("{} v{}", ApplyChangeName(out.change), out.version);
    for (const std::string& line : out.diff) detail += "; " + line;
    AuditCatalog(ctx, call, audit::kDefine, name, 1, std::move(detail));
    RefreshCatalog(ctx);
  }
  Json answer = OutcomeJson(name, out);
  answer["dry_run"] = false;
  return JsonResponse(answer);
}

// --- lifecycle ---

Json StatusJson(std::string_view name, TagStatus before, const TagEntry& after) {
  return {{"name", name},
          {"status", TagStatusName(after.status)},
          {"status_before", TagStatusName(before)},
          {"version", after.version}};
}

Result<HttpResponse> Publish(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, DefinedEntry(ctx, name));
  if (entry.status == TagStatus::kOffline) {
    return Status::FailedPrecondition(
        fmt::format("tag '{}' is offline; POST /api/v1/catalog/tags/{}/restore brings it back", name, name));
  }
  TagStatus before = entry.status;
  if (before != TagStatus::kPublished) {
    TAGLOOP_RETURN_IF_ERROR(
        ctx.workspace->catalog().SetStatus(name, TagStatus::kPublished, call.principal.name));
    AuditCatalog(ctx, call, audit::kPublish, name, 1, fmt::format("{} -> published", TagStatusName(before)));
    // Also queues the first production of a tag without data.
    RefreshCatalog(ctx);
  }
  TAGLOOP_ASSIGN_OR_RETURN(entry, DefinedEntry(ctx, name));
  return JsonResponse(StatusJson(name, before, entry));
}

Result<HttpResponse> Restore(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, DefinedEntry(ctx, name));
  if (entry.status != TagStatus::kOffline) {
    return Status::FailedPrecondition(fmt::format("tag '{}' is {}, not offline: there is nothing to restore",
                                                  name, TagStatusName(entry.status)));
  }
  TAGLOOP_RETURN_IF_ERROR(
      ctx.workspace->catalog().SetStatus(name, TagStatus::kPublished, call.principal.name));
  AuditCatalog(ctx, call, audit::kRestore, name, 1, "offline -> published");
  RefreshCatalog(ctx);
  TAGLOOP_ASSIGN_OR_RETURN(entry, DefinedEntry(ctx, name));
  return JsonResponse(StatusJson(name, TagStatus::kOffline, entry));
}

std::string DescribeLineage(const Lineage& l) {
  std::string out;
  if (!l.composite_tags.empty()) out += fmt::format("composite tags {}", fmt::join(l.composite_tags, ", "));
  if (!l.saved_segments.empty()) {
    out += fmt::format("{}saved segments {}", out.empty() ? "" : "; ", fmt::join(l.saved_segments, ", "));
  }
  return out;
}

Result<HttpResponse> Offline(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(bool force, QueryBool(call, "force"));
  if (force && !RoleAllows(call.principal.role, Role::kAdmin)) {
    return Status::PermissionDenied("force=true needs the admin role");
  }
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, DefinedEntry(ctx, name));
  TagStatus before = entry.status;
  if (before == TagStatus::kOffline) return JsonResponse(StatusJson(name, before, entry));
  Lineage dependents = LineageOf(ctx, name, /*published_only=*/true);
  if (!dependents.empty() && !force) {
    HttpResponse r = ErrorResponse(
        409, "failed_precondition",
        fmt::format("tag '{}' is used by {}; change those first, or an admin forces it with force=true", name,
                    DescribeLineage(dependents)));
    Json body = Json::parse(r.body);
    body["error"]["dependents"] = LineageJson(dependents);
    r.body = DumpJson(body);
    return r;
  }
  TAGLOOP_RETURN_IF_ERROR(
      ctx.workspace->catalog().SetStatus(name, TagStatus::kOffline, call.principal.name));
  std::string detail = fmt::format("{} -> offline", TagStatusName(before));
  if (!dependents.empty()) detail += "; forced over " + DescribeLineage(dependents);
  AuditCatalog(ctx, call, audit::kOffline, name, 1, std::move(detail));
  RefreshCatalog(ctx);
  TAGLOOP_ASSIGN_OR_RETURN(entry, DefinedEntry(ctx, name));
  Json answer = StatusJson(name, before, entry);
  answer["forced_over"] = LineageJson(dependents);
  return JsonResponse(answer);
}

Result<HttpResponse> MoveTag(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"category_id"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<uint64_t> id, body.OptionalUint("category_id", INT64_MAX));
  // 0 or null: no category.
  TAGLOOP_ASSIGN_OR_RETURN(
      ApplyOutcome out,
      ctx.workspace->catalog().MoveTag(name, static_cast<int64_t>(id.value_or(0)), call.principal.name));
  TAGLOOP_ASSIGN_OR_RETURN(TagEntry entry, DefinedEntry(ctx, name));
  if (out.change != ApplyOutcome::Change::kUnchanged) {
    AuditCatalog(
        ctx, call, audit::kMoveTag, name, 1,
        fmt::format("category {} ('{}'), v{}", id.value_or(0), entry.definition.category_path, out.version));
    RefreshCatalog(ctx);
  }
  Json answer = OutcomeJson(name, out);
  answer["category"] = OptionalText(entry.definition.category_path);
  return JsonResponse(answer);
}

}  // namespace

void AddCatalogTagRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("GET", "/catalog/tags", Role::kViewer, ListCatalogTags, ApiBodyKind::kNone,
                        {"status", "category", "q", "include_offline", "type", "limit", "offset"}));
  router.Add(ApiV1Route("GET", "/catalog/tags/{name}", Role::kViewer, GetCatalogTag));
  router.Add(ApiV1Route("PUT", "/catalog/tags/{name}", Role::kOperator, PutDefinition, ApiBodyKind::kJson,
                        {"dry_run"}));
  router.Add(ApiV1Route("GET", "/catalog/tags/{name}/history", Role::kViewer, History));
  router.Add(ApiV1Route("POST", "/catalog/tags/{name}/publish", Role::kOperator, Publish));
  router.Add(ApiV1Route("POST", "/catalog/tags/{name}/offline", Role::kOperator, Offline, ApiBodyKind::kNone,
                        {"force"}));
  router.Add(ApiV1Route("POST", "/catalog/tags/{name}/restore", Role::kOperator, Restore));
  router.Add(
      ApiV1Route("PUT", "/catalog/tags/{name}/category", Role::kOperator, MoveTag, ApiBodyKind::kJson));
}

}  // namespace tagloop
