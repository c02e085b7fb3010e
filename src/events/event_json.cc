#include "events/event_json.h"

#include <fmt/format.h>

#include <algorithm>
#include <cmath>
#include <optional>

#include "events/event_time.h"

namespace tagloop::events {

namespace {

using json = nlohmann::json;

Status FieldError(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(fmt::format("{}: {}", field, what));
}

// At most 64 bytes of `s` for a message, cut at a UTF-8 character boundary.
std::string Shown(std::string_view s) {
  if (s.size() <= 64) return std::string(s);
  size_t n = 64;
  while (n > 0 && (static_cast<unsigned char>(s[n]) & 0xC0) == 0x80) --n;
  return std::string(s.substr(0, n)) + "...";
}

// Optimal-string-alignment distance (a swap of neighbours costs 1).
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
  for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
  for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    for (size_t j = 1; j <= b.size(); ++j) {
      d[i][j] =
          std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.size()][b.size()];
}

std::string UnknownType(std::string_view name, const EventTypeRegistry& types) {
  std::optional<std::string> best;
  size_t best_distance = 0;
  const size_t limit = name.size() <= 2 ? 1 : name.size() <= 5 ? 2 : 3;  // further is not a typo
  if (name.size() <= 64) {
    for (const std::string& candidate : types.Names()) {
      const size_t dist = EditDistance(name, candidate);
      if (dist <= limit && (!best || dist < best_distance)) best = candidate, best_distance = dist;
    }
  }
  return fmt::format("unknown event type '{}'{}", Shown(name),
                     best ? fmt::format(" (did you mean '{}'?)", *best) : "");
}

// event_id and user_id: 1..128 bytes, no control characters.
Status ReadId(const json& j, const char* field, std::string* out) {
  auto it = j.find(field);
  if (it == j.end() || it->is_null()) return FieldError(field, "required");
  if (!it->is_string()) return FieldError(field, fmt::format("expected string, got {}", JsonTypeName(*it)));
  const std::string& s = it->get_ref<const std::string&>();
  if (s.empty()) return FieldError(field, "empty");
  if (s.size() > kMaxIdBytes) return FieldError(field, fmt::format("longer than {} bytes", kMaxIdBytes));
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x20 || c == 0x7F) return FieldError(field, fmt::format("control character at byte {}", i));
  }
  *out = s;
  return Status::Ok();
}

// `name` is the property's name; the field is spelt out only for an error.
Result<PropertyValue> ReadProperty(const json& v, const PropertyDef& def, std::string_view name) {
  const auto field = [name] { return "properties." + Shown(name); };
  auto wrong = [&] {
    return FieldError(field(),
                      fmt::format("expected {}, got {}", PropertyTypeName(def.type), JsonTypeName(v)));
  };
  switch (def.type) {
    case PropertyType::kString: {
      if (!v.is_string()) return wrong();
      const std::string& s = v.get_ref<const std::string&>();
      if (s.size() > kMaxStringPropertyBytes) {
        return FieldError(field(), fmt::format("longer than {} bytes", kMaxStringPropertyBytes));
      }
      return PropertyValue(s);
    }
    case PropertyType::kInt: {
      if (v.is_number_integer() && !v.is_number_unsigned()) return PropertyValue(v.get<int64_t>());
      if (v.is_number_unsigned()) {
        if (v.get<uint64_t>() > static_cast<uint64_t>(INT64_MAX))
          return FieldError(field(), "out of the int64 range");
        return PropertyValue(static_cast<int64_t>(v.get<uint64_t>()));
      }
      if (!v.is_number_float()) return wrong();
      const double d = v.get<double>();
      if (!std::isfinite(d) || std::trunc(d) != d)
        return FieldError(field(), "expected int, got a number with a fraction");
      if (d < -9223372036854775808.0 || d >= 9223372036854775808.0)
        return FieldError(field(), "out of the int64 range");
      return PropertyValue(static_cast<int64_t>(d));
    }
    case PropertyType::kNumber: {
      if (!v.is_number()) return wrong();
      const double d = v.get<double>();
      if (!std::isfinite(d)) return FieldError(field(), "out of the double range");
      return PropertyValue(d);
    }
    case PropertyType::kBool:
      if (!v.is_boolean()) return wrong();
      return PropertyValue(v.get<bool>());
    case PropertyType::kTime: {
      if (!v.is_string()) return wrong();
      Result<int64_t> ms = ParseRfc3339Millis(v.get_ref<const std::string&>());
      if (!ms.ok()) return FieldError(field(), ms.status().message());
      return PropertyValue(*ms);
    }
  }
  return wrong();
}

Status ReadProperties(const json& j, const EventTypeSchema& schema, Event* out) {
  auto it = j.find("properties");
  if (it != j.end() && !it->is_null()) {
    if (!it->is_object())
      return FieldError("properties", fmt::format("expected object, got {}", JsonTypeName(*it)));
    out->properties.reserve(it->size());
    // A std::map: sorted by name, names unique.
    for (const auto& [name, value] : it->get_ref<const json::object_t&>()) {
      const PropertyDef* def = schema.FindProperty(name);
      if (def == nullptr) {
        return FieldError("properties." + Shown(name), fmt::format("not in the schema of '{}'", schema.name));
      }
      if (value.is_null()) continue;
      TAGLOOP_ASSIGN_OR_RETURN(PropertyValue v, ReadProperty(value, *def, name));
      out->properties.emplace_back(name, std::move(v));
    }
  }
  for (const PropertyDef& def : schema.properties) {
    if (def.required && out->Find(def.name) == nullptr)
      return FieldError("properties." + def.name, "required");
  }
  return Status::Ok();
}

constexpr std::string_view kFields[] = {"event_id", "type", "user_id", "time", "properties"};

}  // namespace

Result<Event> EventFromJson(const json& j, const EventTypeRegistry& types, int64_t now_ms) {
  if (!j.is_object())
    return Status::InvalidArgument(fmt::format("expected a JSON object, got {}", JsonTypeName(j)));
  for (const auto& [key, value] : j.get_ref<const json::object_t&>()) {
    if (std::find(std::begin(kFields), std::end(kFields), key) == std::end(kFields)) {
      return FieldError(Shown(key), "unknown field (event_id, type, user_id, time, properties)");
    }
  }
  Event e;
  TAGLOOP_RETURN_IF_ERROR(ReadId(j, "event_id", &e.event_id));
  auto type = j.find("type");
  if (type == j.end() || type->is_null()) return FieldError("type", "required");
  if (!type->is_string())
    return FieldError("type", fmt::format("expected string, got {}", JsonTypeName(*type)));
  const EventTypeSchema* schema = types.Find(type->get_ref<const std::string&>());
  if (schema == nullptr) return FieldError("type", UnknownType(type->get_ref<const std::string&>(), types));
  e.type = schema->name;
  TAGLOOP_RETURN_IF_ERROR(ReadId(j, "user_id", &e.user_id));
  auto time = j.find("time");
  if (time == j.end() || time->is_null()) return FieldError("time", "required");
  if (!time->is_string())
    return FieldError("time", fmt::format("expected RFC 3339 string, got {}", JsonTypeName(*time)));
  Result<int64_t> ms = ParseRfc3339Millis(time->get_ref<const std::string&>());
  if (!ms.ok()) return FieldError("time", ms.status().message());
  if (*ms < kMinEventTimeMs) return FieldError("time", "before 2000-01-01");
  if (*ms > now_ms + kMaxFutureMs) return FieldError("time", "more than 1 day in the future");
  e.time_ms = *ms;
  TAGLOOP_RETURN_IF_ERROR(ReadProperties(j, *schema, &e));
  return e;
}

json EventToJson(const Event& event, const EventTypeSchema* schema) {
  json props = json::object();
  for (const auto& [name, value] : event.properties) {
    const PropertyDef* def = schema ? schema->FindProperty(name) : nullptr;
    if (const auto* s = std::get_if<std::string>(&value)) {
      props[name] = *s;
    } else if (const auto* i = std::get_if<int64_t>(&value)) {
      if (def && def->type == PropertyType::kTime) {
        props[name] = FormatRfc3339Millis(*i, 0);
      } else {
        props[name] = *i;
      }
    } else if (const auto* d = std::get_if<double>(&value)) {
      props[name] = *d;
    } else {
      props[name] = std::get<bool>(value);
    }
  }
  return json{{"event_id", event.event_id},
              {"type", event.type},
              {"user_id", event.user_id},
              {"time", FormatRfc3339Millis(event.time_ms, 0)},
              {"properties", std::move(props)}};
}

namespace {

// nlohmann's parse error text (also out_of_range 406, "number overflow
// parsing '1e400'", which it throws as another type) without its "[json.exception...] " prefix and
// without the "; last read: '...'" echo of the input (it may hold bytes that
// are not UTF-8, and the reason ends up in a JSON answer).
std::string ParseErrorText(const json::exception& e) {
  std::string_view what = e.what();
  if (auto p = what.find("] "); p != std::string_view::npos) what.remove_prefix(p + 2);
  if (auto p = what.find("; last read"); p != std::string_view::npos) what = what.substr(0, p);
  return std::string(what);
}

void Check(const json& j, size_t index, const EventTypeRegistry& types, int64_t now_ms, ParsedBatch* out) {
  Result<Event> e = EventFromJson(j, types, now_ms);
  if (e.ok()) {
    out->events.push_back(std::move(e).value());
    out->indexes.push_back(index);
  } else {
    out->rejected.emplace_back(index, e.status().message());
  }
}

bool IsBlank(char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; }

}  // namespace

Result<ParsedBatch> ParseEventBatch(std::string_view body, const EventTypeRegistry& types, int64_t now_ms) {
  ParsedBatch out;
  size_t start = 0;
  while (start < body.size() && IsBlank(body[start])) ++start;
  if (start == body.size()) return out;
  if (body[start] == '[') {
    json array;
    try {
      array = json::parse(body.begin(), body.end());
    } catch (const json::parse_error& e) {
      return Status::InvalidArgument(fmt::format("body: not a JSON array: {} (byte {})", ParseErrorText(e),
                                                 e.byte > 0 ? e.byte - 1 : 0));
    } catch (const json::exception& e) {
      return Status::InvalidArgument(fmt::format("body: not a JSON array: {}", ParseErrorText(e)));
    }
    if (!array.is_array()) return Status::InvalidArgument("body: not a JSON array");
    out.total = array.size();
    out.events.reserve(array.size());
    out.indexes.reserve(array.size());
    for (size_t i = 0; i < array.size(); ++i) Check(array[i], i, types, now_ms, &out);
    return out;
  }
  size_t line_no = 0;
  for (size_t pos = 0; pos < body.size();) {
    size_t end = body.find('\n', pos);
    if (end == std::string_view::npos) end = body.size();
    std::string_view line = body.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    while (!line.empty() && IsBlank(line.back())) line.remove_suffix(1);
    while (!line.empty() && IsBlank(line.front())) line.remove_prefix(1);
    if (line.empty()) continue;
    const size_t index = out.total++;
    json j;
    try {
      j = json::parse(line.begin(), line.end());
    } catch (const json::exception& e) {
      out.rejected.emplace_back(index, fmt::format("line {}: not JSON: {}", line_no, ParseErrorText(e)));
      continue;
    }
    Check(j, index, types, now_ms, &out);
  }
  return out;
}

}  // namespace tagloop::events
