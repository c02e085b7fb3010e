#include "outreach/json_fields.h"

#include <fmt/format.h>

#include <cmath>

namespace tagloop::outreach {

Status BadField(std::string_view field, std::string_view detail) {
  return Status::InvalidArgument(fmt::format("{}: {}", field, detail))
      .With(ErrorReason::kBadField, {{"field", std::string(field)}, {"detail", std::string(detail)}});
}

Status MissingField(std::string_view field) {
  return Status::InvalidArgument(fmt::format("{} is required", field))
      .With(ErrorReason::kMissingField, {{"field", std::string(field)}});
}

std::string FieldPath(std::string_view parent, std::string_view key) {
  return parent.empty() ? std::string(key) : fmt::format("{}.{}", parent, key);
}

std::string ItemPath(std::string_view parent, size_t index) { return fmt::format("{}[{}]", parent, index); }

Result<JsonFields> JsonFields::Of(const Json& j, std::string path, std::initializer_list<std::string_view> allowed) {
  if (!j.is_object()) return BadField(path.empty() ? "body" : path, "must be an object");
  for (const auto& [key, value] : j.items()) {
    bool known = false;
    for (std::string_view a : allowed) known = known || a == key;
    if (!known) {
      std::string expected = fmt::format("{}", fmt::join(allowed, ", "));
      std::string field = FieldPath(path, key);
      return Status::InvalidArgument(fmt::format("unknown field '{}' (expected one of: {})", field, expected))
          .With(ErrorReason::kUnknownField, {{"field", field}, {"expected", expected}});
    }
  }
  return JsonFields(&j, std::move(path));
}

const Json* JsonFields::Get(std::string_view key) const {
  auto it = j_->find(key);
  if (it == j_->end() || it->is_null()) return nullptr;
  return &*it;
}

bool JsonFields::Has(std::string_view key) const { return Get(key) != nullptr; }

Result<std::string> JsonFields::String(std::string_view key) const {
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<std::string> s, OptString(key));
  if (!s) return MissingField(Path(key));
  if (s->empty()) return BadField(Path(key), "must not be empty");
  return *s;
}

Result<std::optional<std::string>> JsonFields::OptString(std::string_view key) const {
  const Json* v = Get(key);
  if (!v) return std::optional<std::string>();
  if (!v->is_string()) return BadField(Path(key), "must be a string");
  return std::optional<std::string>(v->get<std::string>());
}

Result<std::optional<double>> JsonFields::OptNumber(std::string_view key, double lo, double hi) const {
  const Json* v = Get(key);
  if (!v) return std::optional<double>();
  if (!v->is_number()) return BadField(Path(key), "must be a number");
  const double d = v->get<double>();
  if (!std::isfinite(d) || d < lo || d > hi) {
    return BadField(Path(key), fmt::format("must be between {} and {}", lo, hi));
  }
  return std::optional<double>(d);
}

Result<std::optional<int64_t>> JsonFields::OptInt(std::string_view key, int64_t lo, int64_t hi) const {
  const Json* v = Get(key);
  if (!v) return std::optional<int64_t>();
  if (!v->is_number_integer()) return BadField(Path(key), "must be an integer");
  if (v->is_number_unsigned() && v->get<uint64_t>() > static_cast<uint64_t>(INT64_MAX)) {
    return BadField(Path(key), fmt::format("must be between {} and {}", lo, hi));
  }
  const int64_t i = v->get<int64_t>();
  if (i < lo || i > hi) return BadField(Path(key), fmt::format("must be between {} and {}", lo, hi));
  return std::optional<int64_t>(i);
}

Result<std::optional<bool>> JsonFields::OptBool(std::string_view key) const {
  const Json* v = Get(key);
  if (!v) return std::optional<bool>();
  if (!v->is_boolean()) return BadField(Path(key), "must be true or false");
  return std::optional<bool>(v->get<bool>());
}

bool IsOutreachName(std::string_view name) {
  if (name.empty() || name.size() > 64) return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

}  // namespace tagloop::outreach
