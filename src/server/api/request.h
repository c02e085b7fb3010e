// The request vocabulary of /api/v1: every handler reads its JSON body, its
// query parameters and the audience it names ("expr" or "segment") through
// these, so the same mistake gets the same answer on every route.
//
// Every error is InvalidArgument (a 400) whose message names the field or
// parameter, with a machine-readable reason (core/error_reason.h):
//   unknown_field {field, expected}   a key the route does not take
//   missing_field {field}             a required field absent or null
//   bad_field     {field, detail}     a wrong type or value
// and bad_json / number_out_of_range for bodies that are not JSON at all.
// A body is refused before anything is applied.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "server/http/api_router.h"

namespace tagloop {

// Parses a request body that must be one JSON object (any keys): the
// errors JsonBody::Parse gives for bad JSON and non-objects. A number
// beyond the double range ("1e400") is a 400 too, naming its byte offset
// (also as the position) and field path.
Result<nlohmann::json> ParseJsonObject(std::string_view body);
// The same for a body of any JSON value (an array of receipts).
Result<nlohmann::json> ParseJson(std::string_view body);

// A JSON object read strictly, field by field. Absent and null fields are
// the same ("not given"). Cheap to copy only when small: it holds the body.
class JsonBody {
 public:
  // Parses `body`; every key must be one of `allowed` (unknown_field).
  static Result<JsonBody> Parse(std::string_view body, std::initializer_list<std::string_view> allowed);
  // An object already parsed (an item of a list); its keys are the
  // caller's to check.
  static JsonBody Of(nlohmann::json object) { return JsonBody(std::move(object)); }

  // Present with a non-null value.
  bool Has(std::string_view key) const;
  // The field's value for shapes the readers below do not cover (nested
  // objects, lists of objects); null when absent or null.
  const nlohmann::json* Find(std::string_view key) const;
  const nlohmann::json& object() const { return j_; }

  // A required string field.
  Result<std::string> String(std::string_view key) const;
  // A required "YYYY-MM-DD" field.
  Result<Days> Date(std::string_view key) const;
  // Optional fields: nullopt when absent or null.
  Result<std::optional<std::string>> OptionalString(std::string_view key) const;
  Result<std::optional<uint64_t>> OptionalUint(std::string_view key, uint64_t max) const;
  Result<std::optional<bool>> OptionalBool(std::string_view key) const;
  Result<std::optional<Days>> OptionalDate(std::string_view key) const;
  // A number from `lo` to `hi`.
  Result<std::optional<double>> OptionalNumber(std::string_view key, double lo, double hi) const;
  // A whole number from `min` to `max`; `fallback` when absent or null.
  Result<uint64_t> Count(std::string_view key, uint64_t min, uint64_t max, uint64_t fallback) const;
  // An array of at most `max` strings; empty when absent and not `required`.
  Result<std::vector<std::string>> StringList(std::string_view key, size_t max, bool required) const;

 private:
  explicit JsonBody(nlohmann::json j) : j_(std::move(j)) {}
  nlohmann::json j_;
};

// The errors above, for shapes a handler checks itself.
// unknown_field for the first key of `object` not in `allowed`
// ("unknown field 'x' (expected: a, b)").
Status CheckFields(const nlohmann::json& object, std::initializer_list<std::string_view> allowed);
// "missing field 'name'"
Status MissingField(std::string_view field);
// "field 'name' <detail>" ("field 'limit' must be at most 100")
Status BadField(std::string_view field, std::string_view detail);

// Query parameters (ApiCall::Query; the router refuses parameters a route
// does not declare). Errors name the parameter (bad_field).
// "YYYY-MM-DD", or `fallback` when absent.
Result<Days> QueryDate(const ApiCall& call, std::string_view name, Days fallback);
// "true"/"1"/"" or "false"/"0"; false when absent.
Result<bool> QueryBool(const ApiCall& call, std::string_view name);
// A whole number from 1 to `max`, or `fallback` when absent.
Result<uint64_t> QueryLimit(const ApiCall& call, std::string_view name, uint64_t fallback, uint64_t max);
// A whole number from `min` to `max`, or `fallback` when absent.
Result<uint64_t> QueryNumber(const ApiCall& call, std::string_view name, uint64_t fallback, uint64_t min,
                             uint64_t max);

// The users a request is about: "expr" (an expression of the segment
// language) or "segment" (a saved segment's name, read as
// SEGMENT('name')), exactly one of them.
struct Audience {
  std::string expr;     // what is evaluated (SEGMENT('name') for a saved segment)
  std::string segment;  // the saved segment's name when given so, else empty
  // The segment's name, else the expression: how answers label it.
  const std::string& label() const { return segment.empty() ? expr : segment; }
};
// bad_field when neither or both are given, or one is not a string.
Result<Audience> ReadAudience(const JsonBody& body);

}  // namespace tagloop
