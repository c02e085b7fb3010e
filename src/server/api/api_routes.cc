// The /api/v1 route list (api_routes.h) and the helpers every group uses.
#include "server/api/api_routes.h"

#include <fmt/format.h>

namespace tagloop {

ApiRoute ApiV1Route(const char* method, std::string_view path, std::optional<Role> min_role,
                    ApiHandlerFn handler, ApiBodyKind body, std::vector<std::string> query_params,
                    bool blocking) {
  ApiRoute r;
  r.method = method;
  r.pattern = std::string(kApiPrefix) + std::string(path);
  r.min_role = min_role;
  r.body = body;
  r.blocking = blocking;
  r.query_params = std::move(query_params);
  r.handler = std::move(handler);
  return r;
}

ApiRouter BuildApiRouter() {
  ApiRouter router;
  AddSystemRoutes(router);
  AddTagRoutes(router);
  AddSegmentRoutes(router);
  AddExportRoutes(router);
  AddSavedSegmentRoutes(router);
  AddListRoutes(router);
  AddImportRoutes(router);
  AddUserRoutes(router);
  AddTokenRoutes(router);
  AddCatalogTagRoutes(router);
  AddCatalogRunRoutes(router);
  AddCatalogValueRoutes(router);
  AddCatalogCategoryRoutes(router);
  AddCatalogSourceRoutes(router);
  AddCatalogPreviewRoutes(router);
  AddEventRoutes(router);
  AddInsightMetricRoutes(router);
  AddInsightRoutes(router);
  AddReportRoutes(router);
  AddOutreachRoutes(router);
  AddJourneyRoutes(router);
  return router;
}

}  // namespace tagloop
