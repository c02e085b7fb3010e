// Writing JSON responses (reading requests is api/request.h).
#pragma once

#include <cstdint>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>

#include "core/date.h"
#include "core/status.h"
#include "server/http/http_message.h"

namespace tagloop {

// Response documents keep their keys in insertion order (readable answers,
// stable golden files).
using Json = nlohmann::ordered_json;

// A JSON response (the body ends with a newline). Invalid UTF-8 in strings is
// replaced, never thrown on.
HttpResponse JsonResponse(const Json& body, int status = 200);
std::string DumpJson(const Json& j);
// 204 No Content.
HttpResponse NoContent();

// Appends `s` as a JSON string literal (quotes included). Bytes that are not
// valid UTF-8 are written as U+FFFD. For hand-written hot-path responses.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace tagloop
