// POST /segments/export: a segment's users with tag columns as of a date,
// streamed as CSV or NDJSON (insight/segment_export.h). Audited before the
// first byte; personal tags masked below the operator role.
#include <fmt/format.h>

#include <chrono>

#include "insight/segment_export.h"
#include "segment/quote.h"
#include "segment/segment.h"
#include "server/api/api_context.h"
#include "server/api/insight/api_insight_json.h"
#include "server/api/api_json.h"
#include "server/api/request.h"
#include "server/api/api_routes.h"

namespace tagloop {

bool SeesPersonalData(Role role) { return RoleAllows(role, Role::kOperator); }

std::shared_ptr<const std::vector<std::string>> PersonalTags(const std::shared_ptr<const CatalogView>& view) {
  // One list per catalog view and thread: profile look-ups ask on every
  // request, and a view changes only when the catalog does.
  struct Cached {
    std::shared_ptr<const CatalogView> view;
    std::shared_ptr<const std::vector<std::string>> personal;
  };
  thread_local Cached cached;
  if (cached.view != view || cached.personal == nullptr) {
    auto personal = std::make_shared<std::vector<std::string>>();
    // Composites derived from personal tags included (CatalogView::personal);
    // the set is sorted: so is the list.
    if (view != nullptr) personal->assign(view->personal.begin(), view->personal.end());
    cached = Cached{view, std::move(personal)};
  }
  return cached.personal;
}

namespace {

constexpr size_t kStreamPieceBytes = 64 << 10;

int64_t MicrosSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start)
      .count();
}

// The "columns" field: an array of tag names (absent = none).
Result<std::vector<std::string>> ColumnsField(const JsonBody& body) {
  std::vector<std::string> columns;
  const nlohmann::json* it = body.Find("columns");
  if (it == nullptr) return columns;
  if (!it->is_array()) return BadField("columns", "must be an array of tag names");
  if (it->size() > kMaxExportColumns) {
    return BadField("columns", fmt::format("names {} tags; at most {} per export", it->size(), kMaxExportColumns));
  }
  for (const auto& v : *it) {
    if (!v.is_string()) return BadField("columns", "must be an array of tag names");
    columns.push_back(v.get<std::string>());
  }
  return columns;
}

Result<HttpResponse> Export(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body,
                                                          {"expr", "segment", "as_of", "columns", "format", "limit"}));
  TAGLOOP_ASSIGN_OR_RETURN(Audience audience, ReadAudience(body));
  const std::string& expr = audience.expr;
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> as_of_field, body.OptionalDate("as_of"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<uint64_t> limit, body.OptionalUint("limit", UINT64_MAX));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> format_text, body.OptionalString("format"));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<std::string> column_names, ColumnsField(body));
  ExportFormat format = ExportFormat::kCsv;
  if (format_text) {
    TAGLOOP_ASSIGN_OR_RETURN(format, ParseExportFormat(*format_text));
  } else if (call.request->Header("accept").find("application/x-ndjson") != std::string_view::npos) {
    format = ExportFormat::kNdjson;
  }

  auto snapshot = ctx.workspace->store().snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  SegmentQueryOptions options = QueryOptionsFor(ctx, call, as_of_field.value_or(ctx.Today()), &access);
  // Column tags follow the expression's visibility rules (drafts for
  // operators, offline tags for admins).
  for (const std::string& tag : column_names) {
    // Personal columns are masked below (not refused): CheckVisible, not Check.
    if (Status st = access.CheckVisible(tag); !st.ok()) return Status::InvalidArgument("columns: " + st.message());
  }
  auto start = std::chrono::steady_clock::now();
  auto users = EvaluateSegment(*snapshot, expr, options);
  ctx.metrics->RecordQuery(QueryKind::kExport, users.ok(), MicrosSince(start));
  if (!users.ok()) return users.status();
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<ExportColumn> columns,
                           ResolveExportColumns(*snapshot, column_names, options.as_of));
  std::vector<std::string> masked;
  if (!SeesPersonalData(call.principal.role)) {
    auto personal = PersonalTags(ctx.production->scheduler().view());
    for (ExportColumn& c : columns) {
      if (std::binary_search(personal->begin(), personal->end(), c.tag)) {
        c.masked = true;
        masked.push_back(c.tag);
      }
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  auto writer = std::make_shared<SegmentExportWriter>(snapshot, dictionary, std::move(*users), std::move(columns),
                                                      format, limit.value_or(0));

  // Audited before the first byte leaves; refused when the log refuses.
  nlohmann::json detail = {{"as_of", FormatDate(options.as_of)},
                           {"format", ExportFormatName(format)},
                           {"columns", column_names},
                           {"masked", masked}};
  AuditEntry entry = AuditEntry::For(call.principal, audit_action::kSegmentsExport, expr,
                                     static_cast<int64_t>(writer->rows()));
  entry.detail = detail.dump();
  if (Status st = RecordAudit(ctx, std::move(entry)); !st.ok()) return AuditUnavailable(st);
  RecordTagUse(ctx, call, *snapshot, expr, options, "export");
  for (const std::string& tag : column_names) ctx.workspace->usage().Record(tag, "export", call.principal.name);

  HttpResponse r;
  r.content_type = format == ExportFormat::kCsv ? "text/csv; charset=utf-8" : "application/x-ndjson";
  r.headers.emplace_back("X-Tagloop-Rows", std::to_string(writer->rows()));
  r.headers.emplace_back("X-Tagloop-As-Of", FormatDate(options.as_of));
  if (!masked.empty()) {
    std::string names;
    for (const std::string& m : masked) names += (names.empty() ? "" : ",") + m;
    r.headers.emplace_back("X-Tagloop-Masked", std::move(names));
  }
  r.stream = [writer](std::string& out) { return writer->Next(out, kStreamPieceBytes); };
  return r;
}

}  // namespace

void AddExportRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/segments/export", Role::kAnalyst, Export, ApiBodyKind::kJson));
}

}  // namespace tagloop
