// The OpenAPI 3 document of /api/v1 (src/server/openapi.json), embedded in
// the binary and served at GET /api/v1/openapi.json. It is the one
// description of the API: tests check that every route of the router is
// described with its minimum role and query parameters and every described
// path is routed (tests/server/openapi_test.cc), and that the golden HTTP
// cases' requests and answers fit its schemas (api_golden_test.cc); the web
// UI's types are generated from it (web/src/api/schema.d.ts).
#pragma once

#include <string_view>

namespace tagloop {

std::string_view OpenApiSpecJson();

}  // namespace tagloop
