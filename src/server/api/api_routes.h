// The routes of /api/v1, one function per group (each in its api/<area>/api_*.cc).
// Roles (auth/roles.h): viewer reads tags, distributions and counts; analyst
// adds saved segments, id exports and profiles; operator adds imports, user
// deletion and the tag catalog's changes (definitions, lifecycle, runs,
// pushed values, lists, categories); admin adds tokens and SQL sources.
// Health needs no token.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "server/api/request.h"
#include "server/http/api_router.h"

namespace tagloop {

inline constexpr std::string_view kApiPrefix = "/api/v1";

void AddSystemRoutes(
    ApiRouter& router);                // system/api_system.cc: health, version, metrics (+ /metrics), openapi.json
void AddTagRoutes(ApiRouter& router);  // tags/api_tags.cc: tags, one tag, distribution
void AddSegmentRoutes(ApiRouter& router);       // segments/api_segments.cc: count, query (pages, stream)
void AddExportRoutes(ApiRouter& router);        // segments/api_exports.cc: segment exports with tag columns
void AddSavedSegmentRoutes(ApiRouter& router);  // segments/api_saved_segments.cc (+ versions of frozen segments)
void AddListRoutes(ApiRouter& router);          // segments/api_lists.cc: list uploads, the match report
void AddImportRoutes(ApiRouter& router);        // system/api_imports.cc: CSV upload
void AddUserRoutes(ApiRouter& router);          // system/api_users.cc: profile, delete
void AddTokenRoutes(ApiRouter& router);         // system/api_tokens.cc
// The tag catalog and production (catalog/api_catalog.h): definitions and their
// lifecycle, runs, quality and usage, pushed values and list uploads,
// categories, sources (admin).
void AddCatalogTagRoutes(ApiRouter& router);       // catalog/api_catalog_tags.cc
void AddCatalogRunRoutes(ApiRouter& router);       // catalog/api_catalog_runs.cc
void AddCatalogValueRoutes(ApiRouter& router);     // catalog/api_catalog_values.cc
void AddCatalogCategoryRoutes(ApiRouter& router);  // catalog/api_catalog_categories.cc
void AddCatalogSourceRoutes(ApiRouter& router);    // catalog/api_catalog_sources.cc
void AddCatalogPreviewRoutes(ApiRouter& router);   // catalog/api_catalog_preview.cc: a SQL query's first rows and counts
// Events: ingestion (operator), event types (viewer reads, admin registers), stats.
void AddEventRoutes(ApiRouter& router);  // events/api_events.cc
// Business metrics of a segment computed by a SQL source.
void AddInsightMetricRoutes(ApiRouter& router);  // insight/api_insight_metrics.cc
// Insight (viewer): distribution with TGI, characterisation, overlap, history, diff.
void AddInsightRoutes(ApiRouter& router);  // insight/api_insight.cc
// Reports (viewer runs, analyst saves) and dashboards (shared by role).
void AddReportRoutes(ApiRouter& router);  // reports/api_reports.cc
// Outreach: channels, the policy, campaigns (docs/outreach.md).
void AddOutreachRoutes(ApiRouter& router);  // outreach/api_outreach.cc
void AddJourneyRoutes(ApiRouter& router);   // outreach/api_journeys.cc

// All of the above, in matching order (literal paths before {parameters}).
ApiRouter BuildApiRouter();

// A route under /api/v1 (`path` without the prefix).
ApiRoute ApiV1Route(const char* method, std::string_view path, std::optional<Role> min_role,
                    ApiHandlerFn handler, ApiBodyKind body = ApiBodyKind::kNone,
                    std::vector<std::string> query_params = {}, bool blocking = false);

}  // namespace tagloop
