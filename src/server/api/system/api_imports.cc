// POST /imports?id_column=..&types=..&version=..: a wide CSV upload, imported
// by the same code and rules as `tagloop import`, all or nothing. Runs on the
// blocking pool (HTTP threads keep answering), with import_threads workers.
#include <fmt/format.h>

#include "import/wide_csv_import.h"
#include "server/api/api_context.h"
#include "server/api/api_json.h"
#include "server/api/api_routes.h"

namespace tagloop {

namespace {

Result<HttpResponse> Import(ApiContext& ctx, ApiCall& call) {
  ImportOptions options;
  options.source_name = "upload";
  auto id_column = call.Query("id_column");
  if (!id_column || id_column->empty()) return Status::InvalidArgument("missing query parameter 'id_column'");
  options.id_column = std::string(*id_column);
  if (auto types = call.Query("types")) {
    auto parsed = ParseColumnTypes(*types);
    if (!parsed.ok())
      return Status::InvalidArgument(fmt::format("query parameter 'types': {}", parsed.status().message()));
    options.column_types = std::move(*parsed);
  }
  TAGLOOP_ASSIGN_OR_RETURN(Days version, QueryDate(call, "version", ctx.Today()));
  options.version = version;
  options.threads = EffectiveImportThreads(*ctx.options);
  if (call.request->body.empty()) return Status::InvalidArgument("the request body must be the CSV file");

  auto summary = ImportWideCsv(ctx.workspace->store(), call.request->body, options);
  if (!summary.ok()) return summary.status();

  AuditEntry entry = AuditEntry::For(call.principal, audit_action::kImport, FormatDate(summary->version),
                                     static_cast<int64_t>(summary->rows));
  entry.detail = fmt::format("tags={} new_users={} bytes={} generation={}", summary->tags, summary->new_users,
                             summary->bytes, summary->generation);
  // The import is published; an audit failure is logged, not un-done.
  AuditChange(ctx, std::move(entry));

  Json phases = Json::object();
  for (const ImportPhaseTime& p : summary->phases) phases[ImportPhaseName(p.phase)] = p.seconds;
  return JsonResponse({{"version", FormatDate(summary->version)},
                       {"rows", summary->rows},
                       {"tags", summary->tags},
                       {"new_users", summary->new_users},
                       {"bytes", summary->bytes},
                       {"generation", summary->generation},
                       {"seconds", summary->seconds},
                       {"phases", std::move(phases)}});
}

}  // namespace

void AddImportRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/imports", Role::kOperator, Import, ApiBodyKind::kCsv,
                        {"id_column", "types", "version"}, /*blocking=*/true));
}

}  // namespace tagloop
