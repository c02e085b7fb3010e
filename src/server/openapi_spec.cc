// The OpenAPI document is the data file src/server/openapi.json, compiled
// into the binary at build time (cmake/EmbedFile.cmake, which refuses a
// document that is not JSON).
#include "server/openapi_spec.h"

namespace tagloop {

namespace embedded {
std::string_view OpenApiJson();  // generated
}  // namespace embedded

std::string_view OpenApiSpecJson() { return embedded::OpenApiJson(); }

}  // namespace tagloop
