// The catalog's tag definitions: GET /catalog/tags, GET/PUT
// /catalog/tags/{name}, GET /catalog/tags/{name}/history, POST
// /catalog/tags/{name}/publish|offline|restore, PUT
// /catalog/tags/{name}/category.
//
// A PUT checks the definition completely against this server's state (the
// store's type of the tag, sources, the composite's expressions and the
// dependency graph, the schedule, the quality rules) before anything is
// stored, and every change is live (RefreshCatalog) when the answer is sent.
#include <fmt/format.h>
#include <fmt/ranges.h>

#include <algorithm>
#include <filesystem>

#include "events/event_rule.h"
#include "produce/composite.h"
#include "produce/cron.h"
#include "produce/dependency_graph.h"
#include "produce/quality.h"
#include "server/api_catalog.h"
#include "server/api_error.h"
#include "server/api_routes.h"
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
  std::shared_ptr<const Snapshot> snap = ctx.store->snapshot();
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
  std::shared_ptr<const Snapshot> snap = ctx.store->snapshot();
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<DataVersionOrigin> origins, ctx.production->runs().DataVersions(name));
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
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<RunRecord> last, ctx.production->runs().List(name, 1));
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
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<DefinitionVersion> history, ctx.production->catalog().History(name));
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

Status CheckProducerKeys(const TagDefinition& def, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : def.producer_config.items()) {
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string list = "kind";
    for (std::string_view k : known) list += ", " + std::string(k);
    return DefinitionError(
        fmt::format("producer.{}", key),
        fmt::format("unknown field for a {} producer (known: {})", ProducerKindName(def.producer), list));
  }
  if (auto it = def.producer_config.find("timeout_seconds"); it != def.producer_config.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 86'400) {
      return DefinitionError("producer.timeout_seconds", "must be a whole number of seconds from 1 to 86400");
    }
  }
  return Status::Ok();
}

// A non-empty string setting of the producer, or "" when absent.
Result<std::string> ProducerString(const TagDefinition& def, const char* key, bool required) {
  auto it = def.producer_config.find(key);
  if (it == def.producer_config.end() || it->is_null()) {
    if (required) return DefinitionError(fmt::format("producer.{}", key), "is required");
    return std::string();
  }
  if (!it->is_string() || it->get<std::string>().empty()) {
    return DefinitionError(fmt::format("producer.{}", key), "must be a non-empty string");
  }
  return it->get<std::string>();
}

Status CheckSql(ApiContext& ctx, const TagDefinition& def) {
  TAGLOOP_RETURN_IF_ERROR(CheckProducerKeys(def, {"source", "query", "freshness_query", "timeout_seconds"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string source, ProducerString(def, "source", true));
  TAGLOOP_ASSIGN_OR_RETURN(std::string query, ProducerString(def, "query", true));
  TAGLOOP_ASSIGN_OR_RETURN(std::string freshness, ProducerString(def, "freshness_query", false));
  Result<SourceSpec> record = ctx.production->sources().Get(source);
  if (!record.ok()) {
    if (record.status().code() != Status::Code::kNotFound) return record.status();
    return DefinitionError("producer.source",
                           fmt::format("no source '{}' (GET /api/v1/catalog/sources lists them)", source));
  }
  Result<std::string> expanded = ExpandSqlTemplate(query, ctx.Today());
  if (!expanded.ok()) return DefinitionError("producer.query", expanded.status().message());
  if (!freshness.empty()) {
    expanded = ExpandSqlTemplate(freshness, ctx.Today());
    if (!expanded.ok()) return DefinitionError("producer.freshness_query", expanded.status().message());
  }
  return Status::Ok();
}

Status CheckList(ApiContext& ctx, const TagDefinition& def) {
  TAGLOOP_RETURN_IF_ERROR(CheckProducerKeys(def, {"file", "timeout_seconds"}));
  // No file yet: it is uploaded next (PUT /catalog/tags/{name}/list).
  TAGLOOP_ASSIGN_OR_RETURN(std::string file, ProducerString(def, "file", false));
  if (file.empty()) return Status::Ok();
  if (!file.starts_with("lists/") || file.find("..") != std::string::npos ||
      file.find('/', 6) != std::string::npos) {
    return DefinitionError("producer.file",
                           fmt::format("'{}' is not an uploaded list (lists/NAME.txt)", file));
  }
  std::error_code ec;
  if (!std::filesystem::is_regular_file(std::filesystem::path(ctx.store->dir()) / file, ec)) {
    return DefinitionError(
        "producer.file",
        fmt::format("'{}' does not exist (PUT /api/v1/catalog/tags/{}/list uploads one)", file, def.name));
  }
  return Status::Ok();
}

// The inputs of every other composite definition, for the cycle check.
// Definitions that no longer bind (an input is gone) have no edges: they
// cannot take part in a cycle until they bind again.
Result<DependencyGraph> CompositeGraph(ApiContext& ctx, const Snapshot& snap, std::string_view except) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<TagEntry> entries,
                           ctx.production->catalog().List(/*include_offline=*/true));
  DependencyGraph graph;
  SegmentQueryOptions options;
  options.as_of = ctx.Today();
  options.segments = ctx.segments;
  for (const TagEntry& e : entries) {
    const TagDefinition& d = e.definition;
    if (d.producer != ProducerKind::kComposite || d.name == except) continue;
    Result<CompositeSpec> spec = ParseCompositeSpec(d.type, d.producer_config);
    if (!spec.ok()) continue;
    Result<SegmentReferences> refs = CompositeReferences(snap, *spec, options);
    if (refs.ok()) graph.SetInputs(d.name, refs->tags);
  }
  return graph;
}

Status CheckComposite(ApiContext& ctx, const ApiCall& call, const TagDefinition& def) {
  Result<CompositeSpec> spec = ParseCompositeSpec(def.type, def.producer_config);
  if (!spec.ok()) return DefinitionError("producer", spec.status().message());
  std::shared_ptr<const Snapshot> snap = ctx.store->snapshot();
  // The caller's own access: an operator may build on drafts, only an admin
  // on offline tags.
  CatalogTagAccess access = TagAccessFor(ctx, call);
  SegmentQueryOptions options = QueryOptionsFor(ctx, ctx.Today(), &access);
  Result<SegmentReferences> refs = CompositeReferences(*snap, *spec, options);
  if (!refs.ok()) {
    return Status::InvalidArgument(fmt::format("tag definition: producer.{}", refs.status().message()),
                                   refs.status().position());
  }
  TAGLOOP_ASSIGN_OR_RETURN(DependencyGraph graph, CompositeGraph(ctx, *snap, def.name));
  return graph.WouldCreateCycle(def.name, refs->tags);
}

Status CheckDefinition(ApiContext& ctx, const ApiCall& call, const TagDefinition& def) {
  std::shared_ptr<const Snapshot> snap = ctx.store->snapshot();
  if (const TagInfo* info = snap->FindTag(def.name); info != nullptr && info->type != def.type) {
    return Status::FailedPrecondition(fmt::format(
        "tag definition: type: tag '{}' has data of type {}; its type cannot change to {} (define a new tag)",
        def.name, info->type.ToString(), def.type.ToString()));
  }
  switch (def.producer) {
    case ProducerKind::kSql: TAGLOOP_RETURN_IF_ERROR(CheckSql(ctx, def)); break;
    case ProducerKind::kList: TAGLOOP_RETURN_IF_ERROR(CheckList(ctx, def)); break;
    case ProducerKind::kComposite: TAGLOOP_RETURN_IF_ERROR(CheckComposite(ctx, call, def)); break;
    case ProducerKind::kRealtime:
    case ProducerKind::kBehavior: {
      Result<events::EventRule> rule = events::ParseEventRule(
          def.producer_config, def.type, def.producer == ProducerKind::kRealtime, &ctx.production->event_types());
      if (!rule.ok()) return Status::InvalidArgument("tag definition: " + rule.status().message());
      break;
    }
    case ProducerKind::kExternal:
    case ProducerKind::kImport: TAGLOOP_RETURN_IF_ERROR(CheckProducerKeys(def, {})); break;
  }
  if (!def.schedule.empty()) {
    if (def.producer == ProducerKind::kExternal) {
      return DefinitionError("schedule", "external tags get their values pushed and cannot have a schedule");
    }
    Result<CronSchedule> cron = CronSchedule::Parse(def.schedule);
    if (!cron.ok()) return DefinitionError("schedule", cron.status().message());
  }
  Result<QualityRules> rules =
      ApplyQualityOverrides(ctx.production->producer().options().default_quality, def.quality);
  if (!rules.ok()) return DefinitionError("quality", rules.status().message());
  return Status::Ok();
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
  TAGLOOP_RETURN_IF_ERROR(CheckDefinition(ctx, call, def));
  if (dry_run) {
    TAGLOOP_ASSIGN_OR_RETURN(ApplyOutcome preview, ctx.production->catalog().Preview(def));
    Json answer = OutcomeJson(name, preview);
    answer["dry_run"] = true;
    return JsonResponse(answer);
  }
  TAGLOOP_ASSIGN_OR_RETURN(ApplyOutcome out, ctx.production->catalog().Apply(def, call.principal.name));
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
        ctx.production->catalog().SetStatus(name, TagStatus::kPublished, call.principal.name));
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
      ctx.production->catalog().SetStatus(name, TagStatus::kPublished, call.principal.name));
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
      ctx.production->catalog().SetStatus(name, TagStatus::kOffline, call.principal.name));
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
      ctx.production->catalog().MoveTag(name, static_cast<int64_t>(id.value_or(0)), call.principal.name));
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
