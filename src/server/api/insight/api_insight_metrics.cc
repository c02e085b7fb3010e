// POST /insight/metrics: business metrics of a segment computed by a SQL
// source (insight/segment_metrics.h): the segment's ids are pushed to the
// source, the metric query runs there, its rows come back. Audited before
// any id leaves (action insight.metrics); runs on the blocking pool (it
// waits for a database).
#include <fmt/format.h>

#include <chrono>
#include <mutex>
#include <map>

#include "insight/segment_metrics.h"
#include "produce/tag_producer.h"
#include "segment/quote.h"
#include "segment/segment.h"
#include "server/api/api_context.h"
#include "server/api/insight/api_insight_json.h"
#include "server/api/api_json.h"
#include "server/api/api_routes.h"

namespace tagloop {

namespace {

constexpr std::string_view kAuditAction = "insight.metrics";
constexpr auto kMetricDeadline = std::chrono::seconds(120);
constexpr size_t kAuditQueryBytes = 2000;

// A number cell as a JSON number when its text is one (int64 exactly,
// otherwise a double); "NaN", "Infinity" and the like stay strings.
Json NumberCell(const std::string& text) {
  Json parsed = Json::parse(text, nullptr, /*allow_exceptions=*/false);
  if (parsed.is_number()) return parsed;
  return text;
}

Json CellJson(const TableCell& cell) {
  switch (cell.kind) {
    case TableCell::Kind::kNull: return nullptr;
    case TableCell::Kind::kBool: return cell.text == "true";
    case TableCell::Kind::kNumber: return NumberCell(cell.text);
    case TableCell::Kind::kText: return cell.text;
  }
  return nullptr;
}

Json MetricTableJson(const MetricTable& table) {
  Json rows = Json::array();
  for (const std::vector<TableCell>& row : table.rows) {
    Json cells = Json::array();
    for (const TableCell& cell : row) cells.push_back(CellJson(cell));
    rows.push_back(std::move(cells));
  }
  return {{"columns", table.columns}, {"rows", std::move(rows)}, {"truncated", table.truncated}};
}

Result<HttpResponse> Metrics(ApiContext& ctx, ApiCall& call) {
  TAGLOOP_ASSIGN_OR_RETURN(
      JsonBody body, JsonBody::Parse(call.request->body, {"expr", "segment", "as_of", "source", "query", "max_rows"}));
  TAGLOOP_ASSIGN_OR_RETURN(Audience audience, ReadAudience(body));
  const std::string& expr = audience.expr;
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> as_of_field, body.OptionalDate("as_of"));
  TAGLOOP_ASSIGN_OR_RETURN(std::string source_name, body.String("source"));
  TAGLOOP_ASSIGN_OR_RETURN(std::string query, body.String("query"));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<uint64_t> max_rows, body.OptionalUint("max_rows", 100'000));
  MetricOptions metric_options;
  if (max_rows) metric_options.max_rows = *max_rows;
  const Days as_of = as_of_field.value_or(ctx.Today());
  // The template is checked before anything runs.
  TAGLOOP_RETURN_IF_ERROR(ExpandMetricTemplate(query, as_of).status());

  Result<SourceSpec> record = ctx.workspace->sources().Get(source_name);
  if (!record.ok()) {
    if (record.status().code() == Status::Code::kNotFound) {
      return Status::InvalidArgument(fmt::format("source: unknown source '{}'", source_name.substr(0, 64)));
    }
    return record.status();
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, OpenSource(*record, ctx.workspace->store().dir()));

  auto snapshot = ctx.workspace->store().snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  SegmentQueryOptions options = QueryOptionsFor(ctx, call, as_of, &access);
  TAGLOOP_ASSIGN_OR_RETURN(Bitmap users, EvaluateSegment(*snapshot, expr, options));
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
  const uint64_t n = users.cardinality();

  // The ids leave the platform: audited first, refused when the log refuses.
  Json detail = {{"source", source_name}, {"as_of", FormatDate(as_of)}, {"query", query.substr(0, kAuditQueryBytes)}};
  AuditEntry entry = AuditEntry::For(call.principal, kAuditAction, expr, static_cast<int64_t>(n));
  entry.detail = DumpJson(detail);
  if (Status st = RecordAudit(ctx, std::move(entry)); !st.ok()) return AuditUnavailable(st);
  RecordTagUse(ctx, call, *snapshot, expr, options, "query");

  RunControl control;
  control.deadline = std::chrono::steady_clock::now() + kMetricDeadline;
  TAGLOOP_ASSIGN_OR_RETURN(MetricTable table, RunSegmentMetric(*source, *dictionary, users.get(), query, as_of,
                                                               control, metric_options));
  Json tj = MetricTableJson(table);
  return JsonResponse({{"columns", tj["columns"]},
                       {"rows", tj["rows"]},
                       {"truncated", table.truncated},
                       {"users", table.users},
                       {"source", source_name},
                       {"pushed_as", table.pushed_as},
                       {"as_of", FormatDate(as_of)},
                       {"elapsed_ms", table.elapsed_ms}});
}

}  // namespace

MetricRunner SegmentMetricRunner(ApiContext& ctx, const ApiCall& call) {
  // One connection per source for the whole report; cells run on several
  // threads, and a Source is one connection, so calls take turns.
  struct Shared {
    std::mutex mu;
    std::map<std::string, std::unique_ptr<Source>> sources;
  };
  auto shared = std::make_shared<Shared>();
  ApiContext* c = &ctx;
  Principal principal = call.principal;
  return [c, principal, shared](const ReportMeasure& m, const roaring_bitmap_t* users,
                                Days as_of) -> Result<nlohmann::json> {
    TAGLOOP_RETURN_IF_ERROR(ExpandMetricTemplate(m.query, as_of).status());
    std::lock_guard lock(shared->mu);
    auto& source = shared->sources[m.source];
    if (!source) {
      Result<SourceSpec> record = c->workspace->sources().Get(m.source);
      if (!record.ok()) {
        if (record.status().code() == Status::Code::kNotFound) {
          return Status::InvalidArgument(fmt::format("unknown source '{}'", m.source.substr(0, 64)));
        }
        return record.status();
      }
      TAGLOOP_ASSIGN_OR_RETURN(source, OpenSource(*record, c->workspace->store().dir()));
    }
    auto snapshot = c->workspace->store().snapshot();  // dense ids never change meaning: any newer dictionary names them
    TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dictionary, snapshot->dictionary());
    Json detail = {{"source", m.source}, {"as_of", FormatDate(as_of)}, {"query", m.query.substr(0, kAuditQueryBytes)},
                   {"report_measure", m.label}};
    AuditEntry entry = AuditEntry::For(principal, kAuditAction, "report cell",
                                       static_cast<int64_t>(roaring_bitmap_get_cardinality(users)));
    entry.detail = DumpJson(detail);
    TAGLOOP_RETURN_IF_ERROR(RecordAudit(*c, std::move(entry)));
    RunControl control;
    control.deadline = std::chrono::steady_clock::now() + kMetricDeadline;
    TAGLOOP_ASSIGN_OR_RETURN(MetricTable table,
                             RunSegmentMetric(*source, *dictionary, users, m.query, as_of, control));
    Json j = MetricTableJson(table);
    return nlohmann::json::parse(j.dump());
  };
}

void AddInsightMetricRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/insight/metrics", Role::kAnalyst, Metrics, ApiBodyKind::kJson, {},
                        /*blocking=*/true));
}

}  // namespace tagloop
