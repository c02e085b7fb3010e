// Strict reading of the JSON documents outreach stores (campaign
// definitions, the suppression policy, channels): every key must be known,
// every value of the right type and range, and an error names the field by
// its path ("control.share", "caps[1].max") with a machine-readable reason
// (bad_field, missing_field, unknown_field; core/error_reason.h), so the API
// answers a 400 the UI can translate.
//
// Thread-safety: a JsonFields is a read-only view; the functions are pure.
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "core/status.h"

namespace tagloop::outreach {

using Json = nlohmann::json;

// InvalidArgument "<field>: <detail>" with reason bad_field {field, detail}.
Status BadField(std::string_view field, std::string_view detail);
// InvalidArgument "<field> is required" with reason missing_field {field}.
Status MissingField(std::string_view field);
// "parent.key" ("key" when parent is empty).
std::string FieldPath(std::string_view parent, std::string_view key);
// "parent[index]".
std::string ItemPath(std::string_view parent, size_t index);

// A view of one JSON object at `path` whose keys were checked against a list.
// The object must outlive the view.
class JsonFields {
 public:
  // BadField(path, "must be an object") when `j` is not an object;
  // unknown_field {field, expected} for the first key not in `allowed`.
  static Result<JsonFields> Of(const Json& j, std::string path, std::initializer_list<std::string_view> allowed);

  const std::string& path() const { return path_; }
  std::string Path(std::string_view key) const { return FieldPath(path_, key); }
  // Present and not null.
  bool Has(std::string_view key) const;
  // The value (null when absent or null).
  const Json* Get(std::string_view key) const;

  // A required non-empty string.
  Result<std::string> String(std::string_view key) const;
  // Optional fields: nullopt when absent or null; BadField for a wrong type
  // or a value outside [lo, hi].
  Result<std::optional<std::string>> OptString(std::string_view key) const;
  Result<std::optional<double>> OptNumber(std::string_view key, double lo, double hi) const;
  Result<std::optional<int64_t>> OptInt(std::string_view key, int64_t lo, int64_t hi) const;
  Result<std::optional<bool>> OptBool(std::string_view key) const;

 private:
  JsonFields(const Json* j, std::string path) : j_(j), path_(std::move(path)) {}
  const Json* j_;
  std::string path_;
};

// True for [a-z0-9_]{1,64}: the names of campaigns and channels (they appear
// in saved-segment names, file names and message ids).
bool IsOutreachName(std::string_view name);

}  // namespace tagloop::outreach
