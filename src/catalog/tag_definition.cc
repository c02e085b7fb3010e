#include "catalog/tag_definition.h"

#include <array>
#include <optional>
#include <utility>

#include <fmt/format.h>

namespace tagloop {

namespace {

constexpr std::array<std::pair<ProducerKind, const char*>, 7> kProducerNames = {{
    {ProducerKind::kImport, "import"},
    {ProducerKind::kSql, "sql"},
    {ProducerKind::kList, "list"},
    {ProducerKind::kComposite, "composite"},
    {ProducerKind::kExternal, "external"},
    {ProducerKind::kRealtime, "realtime"},
    {ProducerKind::kBehavior, "behavior"},
}};

constexpr std::array<std::pair<TagStatus, const char*>, 3> kStatusNames = {{
    {TagStatus::kDraft, "draft"},
    {TagStatus::kPublished, "published"},
    {TagStatus::kOffline, "offline"},
}};

using json = nlohmann::json;

// Parsing stops at the first problem, kept as (field, what) so that callers
// can point at the field in their own text (definition_files.h) and turned
// into a Status at the end.
using Problem = std::optional<DefinitionError>;

Problem FieldError(std::string_view field, std::string_view what) {
  return DefinitionError{std::string(field), std::string(what)};
}

// Reads an optional string field; InvalidArgument when present but not a string.
Problem ReadString(const json& object, const char* key, std::string_view field, std::string* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) return FieldError(field, "must be a string");
  *out = it->get<std::string>();
  return std::nullopt;
}

Problem ReadNonNegativeInt(const json& object, const char* key, std::string_view field, int32_t* out) {
  auto it = object.find(key);
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_number_integer() || it->get<int64_t>() < 0 || it->get<int64_t>() > 1'000'000) {
    return FieldError(field, "must be a whole number from 0 to 1000000");
  }
  *out = static_cast<int32_t>(it->get<int64_t>());
  return std::nullopt;
}

Problem CheckKnownKeys(const json& object, std::string_view where, std::initializer_list<std::string_view> known) {
  for (const auto& [key, value] : object.items()) {
    bool ok = false;
    for (std::string_view k : known) ok = ok || k == key;
    if (!ok) {
      std::string list;
      for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
      return FieldError(where.empty() ? key : fmt::format("{}.{}", where, key),
                        fmt::format("unknown field (known: {})", list));
    }
  }
  return std::nullopt;
}

Problem ReadTitle(const json& object, TagDefinition* def) {
  auto it = object.find("title");
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (it->is_string()) {  // a single title is the Chinese one (operators read Chinese first)
    def->title_zh = it->get<std::string>();
    return std::nullopt;
  }
  if (!it->is_object()) return FieldError("title", "must be a string or {\"zh\": ..., \"en\": ...}");
  if (Problem p = CheckKnownKeys(*it, "title", {"zh", "en"})) return p;
  if (Problem p = ReadString(*it, "zh", "title.zh", &def->title_zh)) return p;
  return ReadString(*it, "en", "title.en", &def->title_en);
}

Problem ReadProducer(const json& object, TagDefinition* def) {
  auto it = object.find("producer");
  if (it == object.end() || it->is_null()) return FieldError("producer", "is required ({\"kind\": \"sql\", ...})");
  if (!it->is_object()) return FieldError("producer", "must be an object with a \"kind\"");
  auto kind = it->find("kind");
  if (kind == it->end() || !kind->is_string()) return FieldError("producer.kind", "is required (a string)");
  Result<ProducerKind> parsed = ParseProducerKind(kind->get<std::string>());
  if (!parsed.ok()) return FieldError("producer.kind", parsed.status().message());
  def->producer = *parsed;
  def->producer_config = *it;
  def->producer_config.erase("kind");
  return std::nullopt;
}

Problem ReadRetention(const json& object, TagDefinition* def) {
  auto it = object.find("retention");
  if (it == object.end() || it->is_null()) return std::nullopt;
  if (!it->is_object()) return FieldError("retention", "must be an object");
  if (Problem p = CheckKnownKeys(*it, "retention", {"keep_days", "keep_versions"})) return p;
  if (Problem p = ReadNonNegativeInt(*it, "keep_days", "retention.keep_days", &def->retention.keep_days)) return p;
  return ReadNonNegativeInt(*it, "keep_versions", "retention.keep_versions", &def->retention.keep_versions);
}

Problem ParseDefinition(const json& object, TagDefinition* out) {
  if (!object.is_object()) return FieldError("", "must be an object of fields (JSON object or YAML mapping)");
  Problem known = CheckKnownKeys(object, "",
                                 {"name", "type", "title", "description", "owner", "category", "category_id",
                                  "producer", "schedule", "biz_date", "quality", "retention", "personal"});
  if (known) return known;
  TagDefinition def;
  if (Problem p = ReadString(object, "name", "name", &def.name)) return p;
  if (def.name.empty()) return FieldError("name", "is required");
  if (!IsValidTagName(def.name)) {
    return FieldError("name", fmt::format("'{}' is not a valid tag name ([A-Za-z_][A-Za-z0-9_]*, at most 128 bytes)",
                                          def.name));
  }
  std::string type_text;
  if (Problem p = ReadString(object, "type", "type", &type_text)) return p;
  if (type_text.empty()) return FieldError("type", "is required (bool, enum, set, int, decimal:N, date)");
  Result<TagType> type = TagType::Parse(type_text);
  if (!type.ok()) return FieldError("type", type.status().message());
  def.type = *type;
  if (Problem p = ReadTitle(object, &def)) return p;
  if (Problem p = ReadString(object, "description", "description", &def.description)) return p;
  if (Problem p = ReadString(object, "owner", "owner", &def.owner)) return p;
  if (Problem p = ReadString(object, "category", "category", &def.category_path)) return p;
  if (auto it = object.find("category_id"); it != object.end() && !it->is_null()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 0) return FieldError("category_id", "must be an id");
    def.category_id = it->get<int64_t>();
  }
  if (Problem p = ReadProducer(object, &def)) return p;
  if (Problem p = ReadString(object, "schedule", "schedule", &def.schedule)) return p;
  std::string biz_date = "yesterday";
  if (Problem p = ReadString(object, "biz_date", "biz_date", &biz_date)) return p;
  if (biz_date == "yesterday") {
    def.biz_date = BizDateRule::kYesterday;
  } else if (biz_date == "today") {
    def.biz_date = BizDateRule::kToday;
  } else {
    return FieldError("biz_date", fmt::format("'{}' is not one of yesterday, today", biz_date));
  }
  if (auto it = object.find("quality"); it != object.end() && !it->is_null()) {
    if (!it->is_object()) return FieldError("quality", "must be an object of rule overrides");
    def.quality = *it;
  }
  if (Problem p = ReadRetention(object, &def)) return p;
  if (auto it = object.find("personal"); it != object.end() && !it->is_null()) {
    if (!it->is_boolean()) return FieldError("personal", "must be true or false");
    def.personal = it->get<bool>();
  }
  if (def.producer == ProducerKind::kImport && !def.schedule.empty()) {
    return FieldError("schedule", "import tags are written by CSV imports and cannot have a schedule");
  }
  *out = std::move(def);
  return std::nullopt;
}

}  // namespace

const char* ProducerKindName(ProducerKind kind) {
  for (const auto& [k, name] : kProducerNames) {
    if (k == kind) return name;
  }
  return "?";
}

Result<ProducerKind> ParseProducerKind(std::string_view text) {
  for (const auto& [k, name] : kProducerNames) {
    if (text == name) return k;
  }
  return Status::InvalidArgument(
      fmt::format("unknown producer '{}' (sql, list, composite, external, realtime, behavior, import)", text));
}

const char* TagStatusName(TagStatus status) {
  for (const auto& [s, name] : kStatusNames) {
    if (s == status) return name;
  }
  return "?";
}

Result<TagStatus> ParseTagStatus(std::string_view text) {
  for (const auto& [s, name] : kStatusNames) {
    if (text == name) return s;
  }
  return Status::InvalidArgument(fmt::format("unknown status '{}' (draft, published, offline)", text));
}

bool TagDefinition::SameAs(const TagDefinition& o) const {
  return name == o.name && type == o.type && title_zh == o.title_zh && title_en == o.title_en &&
         description == o.description && owner == o.owner && category_id == o.category_id &&
         producer == o.producer && producer_config == o.producer_config && schedule == o.schedule &&
         biz_date == o.biz_date && quality == o.quality && retention == o.retention &&
         personal == o.personal;
}

Result<TagDefinition> TagDefinitionFromJson(const json& object, DefinitionError* error) {
  TagDefinition def;
  if (Problem p = ParseDefinition(object, &def)) {
    std::string message = p->field.empty() ? fmt::format("tag definition: {}", p->what)
                                           : fmt::format("tag definition: {}: {}", p->field, p->what);
    if (error != nullptr) *error = std::move(*p);
    return Status::InvalidArgument(std::move(message));
  }
  return def;
}

json TagDefinitionToJson(const TagDefinition& def) {
  json producer = def.producer_config;
  producer["kind"] = ProducerKindName(def.producer);
  json out = {
      {"name", def.name},
      {"type", def.type.ToString()},
      {"title", {{"zh", def.title_zh}, {"en", def.title_en}}},
      {"description", def.description},
      {"owner", def.owner},
      {"category", def.category_path},
      {"producer", std::move(producer)},
      {"schedule", def.schedule},
      {"biz_date", def.biz_date == BizDateRule::kToday ? "today" : "yesterday"},
      {"quality", def.quality},
      {"retention", {{"keep_days", def.retention.keep_days}, {"keep_versions", def.retention.keep_versions}}},
  };
  if (def.personal) out["personal"] = true;  // only when set: older definitions stay byte-identical
  return out;
}

std::vector<std::string> DiffDefinitions(const TagDefinition& a, const TagDefinition& b) {
  std::vector<std::string> out;
  auto text = [&](std::string_view field, const std::string& x, const std::string& y) {
    if (x != y) out.push_back(fmt::format("{}: '{}' -> '{}'", field, x, y));
  };
  if (a.type != b.type) out.push_back(fmt::format("type: {} -> {}", a.type.ToString(), b.type.ToString()));
  text("title.zh", a.title_zh, b.title_zh);
  text("title.en", a.title_en, b.title_en);
  if (a.description != b.description) out.push_back("description: changed");
  text("owner", a.owner, b.owner);
  if (a.category_id != b.category_id) {
    text("category", a.category_path, b.category_path);
    if (a.category_path == b.category_path) out.push_back("category: moved");
  }
  if (a.producer != b.producer) {
    out.push_back(fmt::format("producer.kind: {} -> {}", ProducerKindName(a.producer), ProducerKindName(b.producer)));
  }
  if (a.producer_config != b.producer_config) {
    for (const auto& [key, value] : b.producer_config.items()) {
      auto old = a.producer_config.find(key);
      if (old == a.producer_config.end()) {
        out.push_back(fmt::format("producer.{}: added", key));
      } else if (*old != value) {
        out.push_back(fmt::format("producer.{}: changed", key));
      }
    }
    for (const auto& [key, value] : a.producer_config.items()) {
      if (!b.producer_config.contains(key)) out.push_back(fmt::format("producer.{}: removed", key));
    }
  }
  text("schedule", a.schedule, b.schedule);
  if (a.biz_date != b.biz_date) out.push_back("biz_date: changed");
  if (a.quality != b.quality) out.push_back(fmt::format("quality: {} -> {}", a.quality.dump(), b.quality.dump()));
  if (a.personal != b.personal) out.push_back(fmt::format("personal: {} -> {}", a.personal, b.personal));
  if (a.retention != b.retention) {
    out.push_back(fmt::format("retention: keep_days {} keep_versions {} -> keep_days {} keep_versions {}",
                              a.retention.keep_days, a.retention.keep_versions, b.retention.keep_days,
                              b.retention.keep_versions));
  }
  return out;
}

}  // namespace tagloop
