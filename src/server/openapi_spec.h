// The OpenAPI 3 document of /api/v1, embedded in the binary and served at
// GET /api/v1/openapi.json. Kept next to the routes: a test checks that every
// route of the router is described and every described path is routed.
#pragma once

#include <string_view>

namespace tagloop {

std::string_view OpenApiSpecJson();

}  // namespace tagloop
