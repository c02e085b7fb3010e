// A tag definition: what a tag means and how it is produced (issue 4,
// "Catalog"). Definitions are versioned by TagCatalog: each edit stores the
// whole definition again as a new immutable version, and every data version
// records the definition version that produced it.
//
// The JSON form (ToJson/FromJson) is what the catalog stores, the API speaks
// and tags-as-code YAML files hold:
//   {"name": "vip_level", "type": "enum",
//    "title": {"zh": "会员等级", "en": "VIP level"}, "description": "...",
//    "owner": "crm-team", "category": "交易/会员",
//    "producer": {"kind": "sql", "source": "shop", "query": "SELECT ..."},
//    "schedule": "0 2 * * *", "biz_date": "yesterday",
//    "quality": {"min_coverage": 0.1}, "retention": {"keep_days": 90, "keep_versions": 7},
//    "personal": true}
// Only name, type and producer.kind are required. `personal` (default false;
// written only when true, so definitions without it read and compare as
// before) marks personal data: exports and profiles mask its values for
// callers below the operator role. `category` is the path of
// the category ("" = none); in the stored definition it is the category's id
// (category_id), so renaming a category changes no definition.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json.hpp>

#include "core/status.h"
#include "core/tag_type.h"

namespace tagloop {

// How a tag's data versions come to be. `import` tags are written by the wide
// CSV import (no job); the others are jobs run by the producer runner.
// realtime: kept current from events (produce/realtime_engine.h), with a
// daily version evaluated over the event log; behavior: evaluated over the
// event log for each business date (batch only).
enum class ProducerKind : uint8_t { kImport, kSql, kList, kComposite, kExternal, kRealtime, kBehavior };
const char* ProducerKindName(ProducerKind kind);  // "import", "sql", ...
Result<ProducerKind> ParseProducerKind(std::string_view text);

// Lifecycle: draft -> published -> offline -> published ... A draft is
// defined but neither produced on schedule nor shown to operators; offline
// tags stop producing and leave the catalog view, their history stays.
enum class TagStatus : uint8_t { kDraft, kPublished, kOffline };
const char* TagStatusName(TagStatus status);  // "draft", "published", "offline"
Result<TagStatus> ParseTagStatus(std::string_view text);

// Which business date a scheduled run produces, relative to the day (in the
// scheduler's time zone) it fires: daily T+1 jobs produce yesterday's data.
enum class BizDateRule : uint8_t { kYesterday, kToday };

struct RetentionRule {
  int32_t keep_days = 0;      // drop versions older than this many days; 0 = keep all
  int32_t keep_versions = 0;  // ... but always keep this many newest; 0 = no minimum
  bool operator==(const RetentionRule&) const = default;
};

struct TagDefinition {
  std::string name;  // IsValidTagName; the key, never changes
  TagType type;
  std::string title_zh;
  std::string title_en;
  std::string description;
  std::string owner;
  // The category's id in the catalog (0 = none). FromJson leaves it 0 and
  // puts a "category" path in category_path for the catalog to resolve.
  int64_t category_id = 0;
  std::string category_path;  // only between FromJson and TagCatalog; not stored
  ProducerKind producer = ProducerKind::kImport;
  // The producer's settings: the "producer" object minus "kind" (sql: source,
  // query, timeout_seconds; list: file; composite: expression or rules/else).
  nlohmann::json producer_config = nlohmann::json::object();
  std::string schedule;  // cron text (produce/cron.h); "" = only on demand
  BizDateRule biz_date = BizDateRule::kYesterday;
  nlohmann::json quality = nlohmann::json::object();  // overrides of the default rules
  RetentionRule retention;
  // Personal data (a phone number, an address, a birthday): masked ("***")
  // in exports and profiles for callers below the operator role.
  bool personal = false;

  // Everything but category_path; used to decide whether an edit changes anything.
  bool SameAs(const TagDefinition& other) const;
};

// What is wrong with a definition, for callers that point at the field in
// their own text (definition_files.h).
struct DefinitionError {
  std::string field;  // "producer.kind", "retention.keep_days"; "" = the definition as a whole
  std::string what;   // "unknown producer 'sqll' (sql, list, composite, external, import)"
};

// Parses the JSON form. InvalidArgument "tag definition: <field>: <what>"
// ("tag definition: producer.kind: unknown producer 'sqll' (sql, list,
// composite, external, import)") for a missing or ill-typed field, an unknown
// field (typos must not pass silently; the field is the unknown key), a bad
// name or type; the first problem found, also stored in `*error` when it is
// not null. `producer` may hold any settings besides `kind`: they are checked
// by the producer (produce/), which knows the sources and tags. Also accepts
// "category_id" (the stored form, see TagCatalog).
Result<TagDefinition> TagDefinitionFromJson(const nlohmann::json& json, DefinitionError* error = nullptr);
// The JSON form; "category" is `category_path` (callers fill it in).
nlohmann::json TagDefinitionToJson(const TagDefinition& definition);

// Field-by-field differences, for `tags apply` and the API ("type: enum ->
// set", "producer.query: changed"). Empty when SameAs.
std::vector<std::string> DiffDefinitions(const TagDefinition& before, const TagDefinition& after);

}  // namespace tagloop
