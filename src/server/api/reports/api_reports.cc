// Reports (insight/report.h) and dashboards: saved in the catalog as
// versioned documents (catalog/catalog_documents.h), run on the current
// snapshot. A dashboard is a named, ordered group of reports visible to a
// minimum role.
#include <fmt/format.h>

#include <map>

#include "insight/report.h"
#include "server/api/api_context.h"
#include "server/api/insight/api_insight_json.h"
#include "server/api/api_json.h"
#include "server/api/request.h"
#include "server/api/api_routes.h"
#include "server/api/api_values.h"

namespace tagloop {

namespace {

using nlohmann::json;

constexpr std::string_view kReport = "report";
constexpr std::string_view kDashboard = "dashboard";
constexpr size_t kMaxDashboardReports = 50;

Result<json> ParseStoredJson(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (j.is_discarded()) return Status::Corruption("a stored document is not valid JSON");
  return j;
}

ReportRunOptions RunOptionsFor(ApiContext& ctx, const ApiCall& call, const CatalogTagAccess* access, Days as_of) {
  ReportRunOptions options;
  options.query = QueryOptionsFor(ctx, call, as_of, access);
  options.baselines = ctx.baselines;
  options.metrics = SegmentMetricRunner(ctx, call);
  return options;
}

Json MeasureValueJson(const Snapshot& snap, const ReportMeasure& m, const MeasureValue& v) {
  if (m.kind == MeasureKind::kUsers) return static_cast<uint64_t>(v.number.value_or(0));
  if (m.kind == MeasureKind::kMetric) return v.metric.is_null() ? Json(nullptr) : Json(v.metric);
  const TagInfo* tag = snap.FindTag(m.tag);
  if (!tag || (!v.number && !v.exact)) return nullptr;
  const TagType& type = tag->type;
  if (m.kind == MeasureKind::kAvg) {
    double scale = 1;
    for (int i = 0; i < type.scale; ++i) scale *= 10;
    return *v.number / scale;
  }
  if (m.kind == MeasureKind::kSum) return SumJson(type, *v.exact);
  return NumericValueJson(type, static_cast<int64_t>(*v.exact));
}

Json ReportResultJson(const Snapshot& snap, const ReportDefinition& def, const ReportResult& result) {
  Json out;
  Json dims = Json::array();
  for (const ReportDimension& d : def.dimensions) dims.push_back({{"tag", d.tag}});
  Json measures = Json::array();
  for (const ReportMeasure& m : def.measures) {
    Json mj = {{"kind", MeasureKindName(m.kind)}, {"label", m.label}};
    if (!m.tag.empty()) mj["tag"] = m.tag;
    measures.push_back(std::move(mj));
  }
  out["measures"] = std::move(measures);
  Json tables = Json::array();
  for (const ReportTable& t : result.tables) {
    Json tj = {{"as_of", FormatDate(t.as_of)}, {"base_users", t.base_users}, {"truncated", t.truncated}};
    Json dj = dims;
    for (size_t i = 0; i < dj.size(); ++i) dj[i]["values"] = t.dimension_values[i];
    tj["dimensions"] = std::move(dj);
    Json cells = Json::array();
    for (const ReportCell& c : t.cells) {
      Json keys = Json::array();
      for (size_t k = 0; k < c.keys.size(); ++k) keys.push_back(c.key_is_null[k] ? Json(nullptr) : Json(c.keys[k]));
      Json values = Json::array();
      for (size_t m = 0; m < c.measures.size(); ++m) values.push_back(MeasureValueJson(snap, def.measures[m], c.measures[m]));
      cells.push_back({{"keys", std::move(keys)}, {"expr", c.expr}, {"users", c.users}, {"values", std::move(values)}});
    }
    tj["cells"] = std::move(cells);
    tables.push_back(std::move(tj));
  }
  out["tables"] = std::move(tables);
  out["elapsed_ms"] = result.elapsed_ms;
  return out;
}

// Parses and checks a definition for the caller (its tags must be readable by them).
Result<ReportDefinition> CheckedDefinition(ApiContext& ctx, const ApiCall& call, const json& j) {
  auto def = ParseReportDefinition(j);
  if (!def.ok()) return def.status().WithPrefix("definition");
  auto snap = ctx.workspace->store().snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  Status st = ValidateReport(*snap, *def, RunOptionsFor(ctx, call, &access, ctx.Today()));
  if (!st.ok()) return st.WithPrefix("definition");
  return def;
}

Result<HttpResponse> Run(ApiContext& ctx, const ApiCall& call, const ReportDefinition& def, std::optional<Days> as_of,
                         Json header) {
  auto snap = ctx.workspace->store().snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  ReportDefinition run = def;
  if (as_of) {
    run.as_of = *as_of;
    run.series.reset();
  }
  TAGLOOP_ASSIGN_OR_RETURN(ReportResult result, RunReport(*snap, run, RunOptionsFor(ctx, call, &access, ctx.Today())));
  SegmentQueryOptions options = QueryOptionsFor(ctx, call, result.tables.front().as_of, &access);
  RecordTagUse(ctx, call, *snap, run.base, options, "report");
  for (const ReportDimension& d : run.dimensions) ctx.workspace->usage().Record(d.tag, "report", call.principal.name);
  Json out = std::move(header);
  Json body = ReportResultJson(*snap, run, result);
  for (auto& [k, v] : body.items()) out[k] = v;
  return JsonResponse(out);
}

Json DocumentHeader(const CatalogDocument& d) {
  return {{"name", d.name},        {"version", d.version},       {"created_by", d.created_by},
          {"created_ms", d.created_ms}, {"updated_by", d.updated_by}, {"updated_ms", d.updated_ms}};
}

bool MaySee(const ApiCall& call, const json& dashboard) {
  auto role = ParseRole(dashboard.value("min_role", "viewer"));
  return role.ok() && RoleAllows(call.principal.role, *role);
}

// Which reports a caller may see. A report shown on dashboards is visible
// only to roles that may see at least one of them (the report behind an
// operator-only dashboard is itself operator-only: reading or running it
// would show what the dashboard hides); a report on no dashboard is visible
// to every role that may read reports.
class ReportVisibility {
 public:
  static Result<ReportVisibility> Load(ApiContext& ctx, const ApiCall& call) {
    TAGLOOP_ASSIGN_OR_RETURN(std::vector<CatalogDocument> docs, ctx.workspace->documents().List(kDashboard));
    ReportVisibility v;
    for (const CatalogDocument& d : docs) {
      auto body = ParseStoredJson(d.body_json);
      if (!body.ok()) continue;
      const bool sees = MaySee(call, *body);
      for (const json& r : body->value("reports", json::array())) {
        if (!r.is_string()) continue;
        bool& visible = v.on_dashboards_.try_emplace(r.get<std::string>(), false).first->second;
        visible = visible || sees;
      }
    }
    return v;
  }
  bool MaySeeReport(const std::string& name) const {
    auto it = on_dashboards_.find(name);
    return it == on_dashboards_.end() || it->second;
  }
  // NotFound, as for a missing report, when the caller may not see it.
  Status Check(const std::string& name) const {
    if (MaySeeReport(name)) return Status::Ok();
    return Status::NotFound(fmt::format("no report named '{}'", name));
  }

 private:
  std::map<std::string, bool, std::less<>> on_dashboards_;  // report -> seen through one of its dashboards
};

Status CheckReportVisible(ApiContext& ctx, const ApiCall& call, const std::string& name) {
  TAGLOOP_ASSIGN_OR_RETURN(ReportVisibility visibility, ReportVisibility::Load(ctx, call));
  return visibility.Check(name);
}

// --- reports ---------------------------------------------------------------

Result<HttpResponse> ListReports(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<CatalogDocument> docs, ctx.workspace->documents().List(kReport));
  TAGLOOP_ASSIGN_OR_RETURN(ReportVisibility visibility, ReportVisibility::Load(ctx, call));
  Json list = Json::array();
  for (const CatalogDocument& d : docs) {
    if (!visibility.MaySeeReport(d.name)) continue;
    Json j = DocumentHeader(d);
    auto body = ParseStoredJson(d.body_json);
    if (body.ok()) j["title"] = body->value("title", "");
    list.push_back(std::move(j));
  }
  return JsonResponse({{"reports", std::move(list)}});
}

Result<HttpResponse> PutReportDocument(ApiContext& ctx, ApiCall& call, const std::string& name, bool must_be_new) {
  TAGLOOP_ASSIGN_OR_RETURN(json body, ParseJsonObject(call.request->body));
  TAGLOOP_RETURN_IF_ERROR(CheckFields(body, must_be_new ? std::initializer_list<std::string_view>{"name", "definition"}
                                                        : std::initializer_list<std::string_view>{"definition"}));
  if (!body.contains("definition")) return MissingField("definition");
  TAGLOOP_ASSIGN_OR_RETURN(ReportDefinition def, CheckedDefinition(ctx, call, body["definition"]));
  TAGLOOP_ASSIGN_OR_RETURN(int64_t version, ctx.workspace->documents().Put(kReport, name, ReportDefinitionJson(def).dump(),
                                                               call.principal.name, must_be_new));
  return JsonResponse({{"name", name}, {"version", version}, {"definition", ReportDefinitionJson(def)}},
                      must_be_new ? 201 : 200);
}

Result<HttpResponse> CreateReport(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody probe, JsonBody::Parse(call.request->body, {"name", "definition"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::string name, probe.String("name"));
  return PutReportDocument(ctx, call, name, true);
}

Result<HttpResponse> ReplaceReport(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_RETURN_IF_ERROR(CheckReportVisible(ctx, call, call.path_params[0]));
  return PutReportDocument(ctx, call, call.path_params[0], false);
}

Result<HttpResponse> GetReport(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_RETURN_IF_ERROR(CheckReportVisible(ctx, call, call.path_params[0]));
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDocument d, ctx.workspace->documents().Get(kReport, call.path_params[0]));
  TAGLOOP_ASSIGN_OR_RETURN(json body, ParseStoredJson(d.body_json));
  Json out = DocumentHeader(d);
  out["definition"] = body;
  return JsonResponse(out);
}

Result<std::vector<std::string>> DashboardsUsing(ApiContext& ctx, std::string_view report) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<CatalogDocument> docs, ctx.workspace->documents().List(kDashboard));
  std::vector<std::string> out;
  for (const CatalogDocument& d : docs) {
    auto body = ParseStoredJson(d.body_json);
    if (!body.ok()) continue;
    for (const json& r : body->value("reports", json::array())) {
      if (r.is_string() && r.get<std::string>() == report) out.push_back(d.name);
    }
  }
  return out;
}

Result<HttpResponse> DeleteReport(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_RETURN_IF_ERROR(CheckReportVisible(ctx, call, name));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<std::string> users, DashboardsUsing(ctx, name));
  if (!users.empty()) {
    return Status::FailedPrecondition(fmt::format("report '{}' is on dashboards {}; take it off them first", name,
                                                  fmt::join(users, ", ")));
  }
  TAGLOOP_RETURN_IF_ERROR(ctx.workspace->documents().Delete(kReport, name, call.principal.name));
  HttpResponse r;
  r.status = 204;
  return r;
}

Result<HttpResponse> ReportVersions(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_RETURN_IF_ERROR(CheckReportVisible(ctx, call, call.path_params[0]));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<DocumentVersion> versions, ctx.workspace->documents().History(kReport, call.path_params[0]));
  Json list = Json::array();
  for (const DocumentVersion& v : versions) {
    Json j = {{"version", v.version}, {"changed_by", v.changed_by}, {"changed_ms", v.changed_ms}};
    j["deleted"] = !v.body_json.has_value();
    if (v.body_json) {
      auto body = ParseStoredJson(*v.body_json);
      if (body.ok()) j["definition"] = *body;
    }
    list.push_back(std::move(j));
  }
  return JsonResponse({{"name", call.path_params[0]}, {"versions", std::move(list)}});
}

Result<std::optional<Days>> RunDate(const json& body) { return JsonBody::Of(body).OptionalDate("as_of"); }

Result<HttpResponse> RunSaved(ApiContext& ctx, ApiCall& call) {
  json body = json::object();
  if (!call.request->body.empty()) {
    TAGLOOP_ASSIGN_OR_RETURN(body, ParseJsonObject(call.request->body));
  }
  TAGLOOP_RETURN_IF_ERROR(CheckFields(body, {"as_of"}));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> as_of, RunDate(body));
  TAGLOOP_RETURN_IF_ERROR(CheckReportVisible(ctx, call, call.path_params[0]));
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDocument d, ctx.workspace->documents().Get(kReport, call.path_params[0]));
  TAGLOOP_ASSIGN_OR_RETURN(json stored, ParseStoredJson(d.body_json));
  TAGLOOP_ASSIGN_OR_RETURN(ReportDefinition def, ParseReportDefinition(stored));
  Json header = {{"name", d.name}, {"version", d.version}, {"title", def.title}};
  return Run(ctx, call, def, as_of, std::move(header));
}

Result<HttpResponse> RunAdHoc(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(json body, ParseJsonObject(call.request->body));
  TAGLOOP_RETURN_IF_ERROR(CheckFields(body, {"definition", "as_of"}));
  if (!body.contains("definition")) return MissingField("definition");
  auto def = ParseReportDefinition(body["definition"]);
  if (!def.ok()) return def.status().WithPrefix("definition");
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> as_of, RunDate(body));
  return Run(ctx, call, *def, as_of, Json{{"title", def->title}});
}

// --- dashboards ------------------------------------------------------------

Result<Role> DashboardRole(const json& body) {
  std::string text = body.value("min_role", "viewer");
  auto role = ParseRole(text);
  if (!role.ok()) {
    return Status::InvalidArgument(fmt::format("field 'min_role': {}", role.status().message()))
        .With(ErrorReason::kBadField, {{"field", "min_role"}, {"detail", role.status().message()}});
  }
  return *role;
}

Result<json> CheckedDashboard(ApiContext& ctx, const json& body) {
  TAGLOOP_RETURN_IF_ERROR(CheckFields(body, {"name", "title", "description", "reports", "min_role"}));
  json out = json::object();
  for (const char* key : {"title", "description"}) {
    if (body.contains(key) && !body[key].is_null()) {
      if (!body[key].is_string()) return BadField(key, "must be a string");
      out[key] = body[key];
    }
  }
  auto reports = body.find("reports");
  if (reports == body.end() || !reports->is_array() || reports->size() > kMaxDashboardReports) {
    return BadField("reports", fmt::format("must be an array of at most {} report names", kMaxDashboardReports));
  }
  for (size_t i = 0; i < reports->size(); ++i) {
    const json& r = (*reports)[i];
    if (!r.is_string()) return Status::InvalidArgument(fmt::format("reports[{}]: must be a report name", i));
    auto doc = ctx.workspace->documents().Get(kReport, r.get<std::string>());
    if (!doc.ok()) return doc.status().WithPrefix(fmt::format("reports[{}]", i));
  }
  out["reports"] = *reports;
  TAGLOOP_ASSIGN_OR_RETURN(Role role, DashboardRole(body));
  out["min_role"] = RoleName(role);
  return out;
}

Json DashboardJson(const CatalogDocument& d, const json& body) {
  Json out = DocumentHeader(d);
  for (auto& [k, v] : body.items()) out[k] = v;
  return out;
}

Result<HttpResponse> ListDashboards(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<CatalogDocument> docs, ctx.workspace->documents().List(kDashboard));
  Json list = Json::array();
  for (const CatalogDocument& d : docs) {
    auto body = ParseStoredJson(d.body_json);
    if (body.ok() && MaySee(call, *body)) list.push_back(DashboardJson(d, *body));
  }
  return JsonResponse({{"dashboards", std::move(list)}});
}

Result<HttpResponse> PutDashboard(ApiContext& ctx, ApiCall& call, const std::string& name, bool must_be_new) {
  TAGLOOP_ASSIGN_OR_RETURN(json body, ParseJsonObject(call.request->body));
  if (!must_be_new && body.contains("name")) {
    return CheckFields(body, {"title", "description", "reports", "min_role"});  // unknown field 'name'
  }
  TAGLOOP_ASSIGN_OR_RETURN(json doc, CheckedDashboard(ctx, body));
  TAGLOOP_ASSIGN_OR_RETURN(int64_t version,
                           ctx.workspace->documents().Put(kDashboard, name, doc.dump(), call.principal.name, must_be_new));
  Json out = {{"name", name}, {"version", version}};
  for (auto& [k, v] : doc.items()) out[k] = v;
  return JsonResponse(out, must_be_new ? 201 : 200);
}

Result<HttpResponse> CreateDashboard(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(json body, ParseJsonObject(call.request->body));
  TAGLOOP_ASSIGN_OR_RETURN(std::string name, JsonBody::Of(std::move(body)).String("name"));
  return PutDashboard(ctx, call, name, true);
}

Result<HttpResponse> ReplaceDashboard(ApiContext& ctx, ApiCall& call) {
  return PutDashboard(ctx, call, call.path_params[0], false);
}

Result<HttpResponse> GetDashboard(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDocument d, ctx.workspace->documents().Get(kDashboard, call.path_params[0]));
  TAGLOOP_ASSIGN_OR_RETURN(json body, ParseStoredJson(d.body_json));
  // Hidden dashboards look like missing ones.
  if (!MaySee(call, body)) return Status::NotFound(fmt::format("no dashboard named '{}'", d.name));
  return JsonResponse(DashboardJson(d, body));
}

Result<HttpResponse> DeleteDashboard(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_RETURN_IF_ERROR(ctx.workspace->documents().Delete(kDashboard, call.path_params[0], call.principal.name));
  HttpResponse r;
  r.status = 204;
  return r;
}

}  // namespace

void AddReportRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("GET", "/reports", Role::kViewer, ListReports));
  router.Add(ApiV1Route("POST", "/reports", Role::kAnalyst, CreateReport, ApiBodyKind::kJson));
  router.Add(ApiV1Route("POST", "/reports/run", Role::kViewer, RunAdHoc, ApiBodyKind::kJson, {}, true));
  router.Add(ApiV1Route("GET", "/reports/{name}", Role::kViewer, GetReport));
  router.Add(ApiV1Route("PUT", "/reports/{name}", Role::kAnalyst, ReplaceReport, ApiBodyKind::kJson));
  router.Add(ApiV1Route("DELETE", "/reports/{name}", Role::kAnalyst, DeleteReport));
  router.Add(ApiV1Route("GET", "/reports/{name}/versions", Role::kViewer, ReportVersions));
  router.Add(ApiV1Route("POST", "/reports/{name}/run", Role::kViewer, RunSaved, ApiBodyKind::kJson, {}, true));
  router.Add(ApiV1Route("GET", "/dashboards", Role::kViewer, ListDashboards));
  router.Add(ApiV1Route("POST", "/dashboards", Role::kAnalyst, CreateDashboard, ApiBodyKind::kJson));
  router.Add(ApiV1Route("GET", "/dashboards/{name}", Role::kViewer, GetDashboard));
  router.Add(ApiV1Route("PUT", "/dashboards/{name}", Role::kAnalyst, ReplaceDashboard, ApiBodyKind::kJson));
  router.Add(ApiV1Route("DELETE", "/dashboards/{name}", Role::kAnalyst, DeleteDashboard));
}

}  // namespace tagloop
