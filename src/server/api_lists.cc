// Audience lists: POST /segments/{name}/list (upload ids as a list segment's
// next version) and POST /lists/match (the match report alone, or saved with
// ?save_as=NAME); the matching and sql helpers of api_audiences.h.
#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <chrono>

#include "import/id_list_reader.h"
#include "produce/tag_producer.h"
#include "server/api_audiences.h"
#include "server/api_routes.h"
#include "source/source.h"
#include "source/sql_template.h"

namespace tagloop {

namespace {

std::string LowerMediaType(std::string_view content_type) {
  std::string type(content_type.substr(0, content_type.find(';')));
  while (!type.empty() && type.back() == ' ') type.pop_back();
  std::transform(type.begin(), type.end(), type.begin(), [](unsigned char c) { return std::tolower(c); });
  return type;
}

// Streams a query's single column of ids into a matcher.
class MatchingSink final : public RowSink {
 public:
  MatchingSink(IdMatcher& matcher, std::string source) : matcher_(matcher), source_(std::move(source)) {}
  Status Begin(int columns) override {
    if (columns != 1) {
      return Status::InvalidArgument(SourceMessage(
          source_,
          fmt::format("a segment query returns one column (the user ids); this one returns {}", columns)));
    }
    return Status::Ok();
  }
  Status Rows(std::span<const SourceRow> rows) override {
    ids_.clear();
    for (const SourceRow& r : rows) ids_.push_back(r.user_id);
    matcher_.Add(ids_);
    return Status::Ok();
  }

 private:
  IdMatcher& matcher_;
  std::string source_;
  std::vector<std::string_view> ids_;
};

Result<HttpResponse> UploadList(ApiContext& ctx, ApiCall& call) {
  const std::string& name = call.path_params[0];
  TAGLOOP_RETURN_IF_ERROR(SavedSegments::ValidateName(name));
  if (auto existing = ctx.segments->Get(name); existing.ok() && existing->kind != SegmentKind::kList) {
    return Status::FailedPrecondition(
        fmt::format("segment '{}' is a {} segment, not a list (delete it first to change its kind)", name,
                    SegmentKindName(existing->kind)));
  }
  TAGLOOP_ASSIGN_OR_RETURN(Days date, QueryDate(call, "date", ctx.Today()));
  TAGLOOP_ASSIGN_OR_RETURN(UploadMatch upload, MatchUpload(call, *ctx.store->snapshot()));
  return SaveUploadedList(ctx, call, name, std::move(upload), date);
}

Result<HttpResponse> MatchList(ApiContext& ctx, ApiCall& call) {
  std::optional<std::string_view> save_as = call.Query("save_as");
  if (save_as) TAGLOOP_RETURN_IF_ERROR(SavedSegments::ValidateName(*save_as));
  TAGLOOP_ASSIGN_OR_RETURN(UploadMatch upload, MatchUpload(call, *ctx.store->snapshot()));
  if (save_as) return SaveUploadedList(ctx, call, *save_as, std::move(upload), ctx.Today());
  AuditEntry entry = AuditEntry::For(call.principal, audience_action::kListMatch, "upload",
                                     static_cast<int64_t>(upload.match.matched));
  entry.detail = fmt::format("lines={} distinct={} unknown={}", upload.match.lines, upload.match.distinct,
                             upload.match.unknown);
  if (Status st = RecordAudit(ctx, std::move(entry)); !st.ok()) return AuditUnavailable(st);
  return JsonResponse(MatchJson(upload.match, upload.blank_lines));
}

}  // namespace

Result<UploadMatch> MatchUpload(const ApiCall& call, const Snapshot& snapshot) {
  IdListOptions options;
  std::optional<std::string_view> column = call.Query("column");
  if (column && column->empty()) return Status::InvalidArgument("query parameter 'column' is empty");
  const bool csv = LowerMediaType(call.request->Header("content-type")) == "text/csv" || column;
  options.format = csv ? IdListFormat::kCsv : IdListFormat::kLines;
  if (column) options.column = std::string(*column);
  TAGLOOP_ASSIGN_OR_RETURN(IdList list, ReadIdList(call.request->body, options));
  TAGLOOP_ASSIGN_OR_RETURN(IdMatcher matcher, IdMatcher::Create(snapshot));
  matcher.Add(list.ids);
  UploadMatch out;
  out.match = std::move(matcher).Finish();
  out.blank_lines = list.blank_lines;
  return out;
}

Result<ListMatch> RunSqlAudience(ApiContext& ctx, std::string_view source_name, std::string_view query,
                                 Days biz_date, const Snapshot& snapshot) {
  TAGLOOP_ASSIGN_OR_RETURN(SourceSpec config, ctx.production->sources().Get(source_name));
  TAGLOOP_ASSIGN_OR_RETURN(std::string sql, ExpandSqlTemplate(query, biz_date));
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, OpenSource(config, ctx.store->dir()));
  TAGLOOP_ASSIGN_OR_RETURN(IdMatcher matcher, IdMatcher::Create(snapshot));
  MatchingSink sink(matcher, config.name);
  RunControl control;
  control.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kSqlSegmentTimeoutSeconds);
  TAGLOOP_RETURN_IF_ERROR(source->Query(sql, sink, control));
  return std::move(matcher).Finish();
}

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

std::string UploadDescription(const UploadMatch& upload) {
  return fmt::format("upload: {} lines, {} unknown", upload.match.lines, upload.match.unknown);
}

Result<HttpResponse> SaveUploadedList(ApiContext& ctx, const ApiCall& call, std::string_view name,
                                      UploadMatch upload, Days date) {
  const bool created = !ctx.segments->Get(name).ok();
  FrozenVersionInput input;
  input.kind = SegmentKind::kList;
  input.date = date;
  input.created_by = call.principal.name;
  input.source = UploadDescription(upload);
  input.members = std::move(upload.match.members);  // the report does not show them
  TAGLOOP_ASSIGN_OR_RETURN(SegmentVersion version, ctx.segments->AddVersion(name, std::move(input)));
  AuditEntry entry = AuditEntry::For(call.principal, audience_action::kListUpload, name,
                                     static_cast<int64_t>(upload.match.matched));
  entry.detail = fmt::format("version={} lines={} distinct={} unknown={}", version.number, upload.match.lines,
                             upload.match.distinct, upload.match.unknown);
  if (Status st = RecordAudit(ctx, std::move(entry)); !st.ok()) return AuditUnavailable(st);
  Json body = {{"name", std::string(name)}, {"kind", "list"}};
  const Json report = MatchJson(upload.match, upload.blank_lines);
  for (const auto& [k, v] : report.items()) body[k] = v;
  body["version"] = VersionJson(version);
  return JsonResponse(body, created ? 201 : 200);
}

void AddListRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/lists/match", Role::kAnalyst, MatchList, ApiBodyKind::kCsv,
                        {"column", "save_as"}, /*blocking=*/true));
  router.Add(ApiV1Route("POST", "/segments/{name}/list", Role::kAnalyst, UploadList, ApiBodyKind::kCsv,
                        {"column", "date"}, /*blocking=*/true));
}

}  // namespace tagloop
