// Strict reading of JSON request bodies and writing of JSON responses.
// A body must be one JSON object; unknown fields, wrong types and malformed
// JSON are InvalidArgument errors that name the field (or the byte offset of
// a syntax error), so a request is refused before anything is applied.
#pragma once

#include <cstdint>
#include <initializer_list>
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

// Parses a request body that must be one JSON object (any keys): the
// errors JsonBody::Parse gives for bad JSON and non-objects. Every failure
// is InvalidArgument (a 400), a number beyond the double range ("1e400")
// too, naming its byte offset (also as the position) and field path.
Result<nlohmann::json> ParseJsonObject(std::string_view body);

class JsonBody {
 public:
  // Parses `body`; every key must be one of `allowed`.
  static Result<JsonBody> Parse(std::string_view body, std::initializer_list<std::string_view> allowed);

  // Present with a non-null value.
  bool Has(std::string_view key) const;
  // A required string field.
  Result<std::string> String(std::string_view key) const;
  // Optional fields: nullopt when absent or null.
  Result<std::optional<std::string>> OptionalString(std::string_view key) const;
  Result<std::optional<uint64_t>> OptionalUint(std::string_view key, uint64_t max) const;
  Result<std::optional<bool>> OptionalBool(std::string_view key) const;
  // An optional "YYYY-MM-DD" string field.
  Result<std::optional<Days>> OptionalDate(std::string_view key) const;

 private:
  explicit JsonBody(nlohmann::json j) : j_(std::move(j)) {}
  const nlohmann::json* Find(std::string_view key) const;
  nlohmann::json j_;
};

// A JSON response (the body ends with a newline). Invalid UTF-8 in strings is
// replaced, never thrown on.
HttpResponse JsonResponse(const Json& body, int status = 200);
std::string DumpJson(const Json& j);

// Appends `s` as a JSON string literal (quotes included). Bytes that are not
// valid UTF-8 are written as U+FFFD. For hand-written hot-path responses.
void AppendJsonString(std::string& out, std::string_view s);

}  // namespace tagloop
