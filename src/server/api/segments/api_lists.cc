// Audience lists: POST /segments/{name}/list (upload ids as a list segment's
// next version) and POST /lists/match (the match report alone, or saved with
// ?save_as=NAME); the JSON shapes of api_audiences.h. Matching and storing
// are app/audiences.h.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>

#include "server/api/segments/api_audiences.h"
#include "server/api/api_routes.h"

namespace tagloop {

namespace {

std::string LowerMediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type;
}

// Reads the request body as an id list (text/csv, or `?column=` given: CSV
// with a header, the id in that column or the first; otherwise one id per
// line) and matches it against `snapshot`. InvalidArgument "upload:LINE..."
// for a bad list; nothing is stored.
Result<UploadMatch> MatchUpload(const ApiCall& call, const Snapshot& snapshot) {
  IdListOptions options;
  std::optional<std::string_view> column = call.Query("column");
  if (column && column->empty()) return Status::InvalidArgument("query parameter 'column' is empty");
  const bool csv = LowerMediaType(call.request->Header("content-type")) == "text/csv" || column;
  options.format = csv ? IdListFormat::kCsv : IdListFormat::kLines;
  if (column) options.column = std::string(*column);
  return MatchIdList(call.request->body, options, snapshot);
}

// Stores `upload` as the next version of the list segment `name`, dated
// `date`, by the caller; then audits it (kListUpload), fail-closed for the
// answer: the list stands, but the report (which names unknown ids) is only
// sent once the audit entry is accepted. Answer 201 for a new segment, else
// 200: the report plus "name", "kind" and "version".
Result<HttpResponse> SaveList(ApiContext& ctx, const ApiCall& call, std::string_view name, UploadMatch upload,
                              Days date) {
  TAGLOOP_ASSIGN_OR_RETURN(StoredAudience stored,
                           SaveUploadedList(*ctx.workspace, name, upload, date, call.principal.name));
  const SegmentVersion& version = stored.version;
  AuditEntry entry = AuditEntry::For(call.principal, audience_action::kListUpload, name,
                                     static_cast<int64_t>(upload.match.matched));
  entry.detail = fmt::format("version={} lines={} distinct={} unknown={}", version.number, upload.match.lines,
                             upload.match.distinct, upload.match.unknown);
  if (Status st = RecordAudit(ctx, std::move(entry)); !st.ok()) return AuditUnavailable(st);
  Json body = {{"name", std::string(name)}, {"kind", "list"}};
  const Json report = MatchJson(upload.match, upload.blank_lines);
  for (const auto& [k, v] : report.items()) body[k] = v;
  body["version"] = VersionJson(version);
  return JsonResponse(body, stored.created ? 201 : 200);
}

Result<HttpResponse> UploadList(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_RETURN_IF_ERROR(CheckListTarget(ctx.workspace->segments(), name));
  TAGLOOP_ASSIGN_OR_RETURN(Days date, QueryDate(call, "date", ctx.Today()));
  TAGLOOP_ASSIGN_OR_RETURN(UploadMatch upload, MatchUpload(call, *ctx.workspace->store().snapshot()));
  return SaveList(ctx, call, name, std::move(upload), date);
}

Result<HttpResponse> MatchList(ApiContext& ctx, ApiCall& call) {
  std::optional<std::string_view> save_as = call.Query("save_as");
  if (save_as) TAGLOOP_RETURN_IF_ERROR(SavedSegments::ValidateName(*save_as));
  TAGLOOP_ASSIGN_OR_RETURN(UploadMatch upload, MatchUpload(call, *ctx.workspace->store().snapshot()));
  if (save_as) return SaveList(ctx, call, *save_as, std::move(upload), ctx.Today());
  AuditEntry entry = AuditEntry::For(call.principal, audience_action::kListMatch, "upload",
                                     static_cast<int64_t>(upload.match.matched));
  entry.detail = fmt::format("lines={} distinct={} unknown={}", upload.match.lines, upload.match.distinct,
                             upload.match.unknown);
  if (Status st = RecordAudit(ctx, std::move(entry)); !st.ok()) return AuditUnavailable(st);
  return JsonResponse(MatchJson(upload.match, upload.blank_lines));
}

}  // namespace

Json MatchJson(const ListMatch& m, uint64_t blank_lines) {
  return {{"lines", m.lines},
          {"blank_lines", blank_lines},
          {"distinct", m.distinct},
          {"duplicates", m.duplicates},
          {"matched", m.matched},
          {"unknown", m.unknown},
          {"match_rate", m.match_rate()},
          {"unknown_ids", m.unknown_sample}};
}

Json VersionJson(const SegmentVersion& v) {
  return {{"version", v.number},        {"created_unix", v.created_unix}, {"created_by", v.created_by},
          {"date", FormatDate(v.date)}, {"members", v.members},           {"source", v.source}};
}

void AddListRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/lists/match", Role::kAnalyst, MatchList, ApiBodyKind::kCsv,
                        {"column", "save_as"}, /*blocking=*/true));
  router.Add(ApiV1Route("POST", "/segments/{name}/list", Role::kAnalyst, UploadList, ApiBodyKind::kCsv,
                        {"column", "date"}, /*blocking=*/true));
}

}  // namespace tagloop
