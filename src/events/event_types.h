// Event types: the registered kinds of event and the schema of their
// properties (issue 5). An event is accepted only when its type is
// registered and its properties follow the type's schema (event_json.h).
//
// The built-in business model of the car-rental company (orders and the
// outcomes of outreach, BuiltinEventTypes()) is always present and cannot be
// replaced or removed. Custom types are kept in the catalog database
// (`event_types`, migration v3) as their JSON form:
//
//   {"name": "order_paid", "title": {"zh": "支付", "en": "Order paid"},
//    "description": "...",
//    "properties": [{"name": "amount", "type": "number", "required": true,
//                    "description": "..."}]}
//
// A type's schema only ever grows: events already logged were checked
// against it, so a replacement may add optional properties or relax
// `required`, never remove, retype or newly require a property.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_db.h"
#include "core/status.h"
#include "core/wall_clock.h"
#include "events/event.h"

namespace tagloop::events {

// Event type and property names: [a-z][a-z0-9_]{0,63}.
bool IsValidEventName(std::string_view name);
// "string", "int", "number", "bool", "time"; InvalidArgument
// "unknown type 'x' (string, int, number, bool, time)" otherwise.
Result<PropertyType> ParsePropertyType(std::string_view text);

struct PropertyDef {
  std::string name;
  PropertyType type = PropertyType::kString;
  bool required = false;
  std::string description;
};

// At most this many properties per type.
inline constexpr size_t kMaxProperties = 128;

struct EventTypeSchema {
  std::string name;
  std::string title_zh, title_en, description;
  std::vector<PropertyDef> properties;  // in declaration order, names unique
  bool builtin = false;

  // The property named `name`, or null.
  const PropertyDef* FindProperty(std::string_view name) const;
};

// The JSON form above; "builtin": true is written only for built-in types
// (and "description" of a property only when not empty).
nlohmann::json EventTypeSchemaToJson(const EventTypeSchema& schema);
// Strict: InvalidArgument "event type: <field>: <what>" for an unknown field,
// a wrong JSON type, a missing or invalid name, an unknown property type, a
// duplicate property, or more than kMaxProperties properties, e.g.
// "event type: properties[2].type: unknown type 'strng' (string, int, number, bool, time)".
// `title` may also be a single string (the Chinese title).
Result<EventTypeSchema> EventTypeSchemaFromJson(const nlohmann::json& j);

// "string", "number", "bool", "null", "object" or "array": the kind of a JSON
// value, for messages such as "expected string, got number".
const char* JsonTypeName(const nlohmann::json& v);

// The built-in types (order_created, order_paid, car_picked_up,
// order_extended, car_returned, order_cancelled, message_sent,
// message_delivered, message_clicked, message_bounced, coupon_issued,
// coupon_redeemed), each with builtin = true. Built once, never destroyed.
const std::vector<EventTypeSchema>& BuiltinEventTypes();

// OK when `next` may replace `current` (same name): every property of
// `current` is still there with the same type, no property became required
// and no new property is required. InvalidArgument naming the property
// otherwise.
Status CheckCompatibleReplacement(const EventTypeSchema& current, const EventTypeSchema& next);

// The registered types: built-ins plus the custom types of the catalog.
//
// Thread-safety: every method may be called from any thread. Readers look
// up an immutable snapshot (a shared_ptr swapped by writers), so Find never
// waits for a writer's database work. Every schema ever published stays
// alive with the registry, so a pointer from Find() stays valid (and
// unchanged) until the registry is destroyed, even if the type is later
// replaced or removed; replacements are rare, so this costs little.
class EventTypeRegistry {
 public:
  // Loads the custom types from `db` (not owned; must outlive the registry
  // and must not be used by another thread while a registry method runs:
  // the registry serialises its own use of it). Corruption when a stored
  // schema does not parse (naming the row); IOError from the database.
  static Result<std::unique_ptr<EventTypeRegistry>> Open(CatalogDb* db,
                                                         WallClock* clock = WallClock::Default());
  // The built-in types only, without a database: Register and Remove return
  // FailedPrecondition, Reload does nothing. For tests and the CLI.
  static std::unique_ptr<EventTypeRegistry> BuiltinOnly();

  // Inserts or replaces the custom type `schema.name` (schema.builtin is
  // ignored). InvalidArgument for an invalid schema (same checks as
  // EventTypeSchemaFromJson), a built-in name, or an incompatible
  // replacement (CheckCompatibleReplacement against the stored version,
  // re-read inside the write transaction so another process's change is
  // not lost). The new schema is visible to Find() when this returns.
  Status Register(const EventTypeSchema& schema);
  // Removes a custom type. Events already logged with it stay in the log.
  // InvalidArgument for a built-in type; NotFound when there is none.
  Status Remove(std::string_view name);
  // Re-reads the custom types (changes made by other processes).
  Status Reload();

  // The type named `name`, or null. See the class comment for lifetime.
  const EventTypeSchema* Find(std::string_view name) const;
  // Every type, built-ins first (in BuiltinEventTypes() order), then custom
  // types by name.
  std::vector<EventTypeSchema> List() const;
  // Every type name (for "did you mean" suggestions), in List() order.
  std::vector<std::string> Names() const;

 private:
  using TypeMap = std::map<std::string, std::shared_ptr<const EventTypeSchema>, std::less<>>;
  EventTypeRegistry(CatalogDb* db, WallClock* clock);
  std::shared_ptr<const TypeMap> Snapshot() const;
  // Reads the table and publishes a new snapshot; caller holds write_mu_.
  Status LoadLocked();

  CatalogDb* db_;  // null for BuiltinOnly()
  WallClock* clock_;
  std::mutex write_mu_;             // serialises the use of db_ and publishing
  mutable std::mutex snapshot_mu_;  // guards snapshot_ (the pointer only)
  std::shared_ptr<const TypeMap> snapshot_;
  // Every custom schema ever published (guarded by write_mu_): keeps Find()'s pointers valid.
  std::vector<std::shared_ptr<const EventTypeSchema>> retained_;
};

}  // namespace tagloop::events
