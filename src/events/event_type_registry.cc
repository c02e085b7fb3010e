// EventTypeRegistry (declared in event_types.h): built-ins plus the custom
// types of the catalog's `event_types` table, published as immutable
// snapshots.
#include <fmt/format.h>

#include "events/event_types.h"

namespace tagloop::events {

namespace {

bool IsBuiltinName(std::string_view name) {
  for (const EventTypeSchema& b : BuiltinEventTypes()) {
    if (b.name == name) return true;
  }
  return false;
}

}  // namespace

EventTypeRegistry::EventTypeRegistry(CatalogDb* db, WallClock* clock) : db_(db), clock_(clock) {
  auto map = std::make_shared<TypeMap>();
  for (const EventTypeSchema& b : BuiltinEventTypes())
    map->emplace(b.name, std::make_shared<EventTypeSchema>(b));
  snapshot_ = std::move(map);
}

Result<std::unique_ptr<EventTypeRegistry>> EventTypeRegistry::Open(CatalogDb* db, WallClock* clock) {
  if (db == nullptr) return Status::InvalidArgument("event types: no catalog database");
  std::unique_ptr<EventTypeRegistry> r(new EventTypeRegistry(db, clock));
  TAGLOOP_RETURN_IF_ERROR(r->Reload());
  return r;
}

std::unique_ptr<EventTypeRegistry> EventTypeRegistry::BuiltinOnly() {
  return std::unique_ptr<EventTypeRegistry>(new EventTypeRegistry(nullptr, WallClock::Default()));
}

std::shared_ptr<const EventTypeRegistry::TypeMap> EventTypeRegistry::Snapshot() const {
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  return snapshot_;
}

const EventTypeSchema* EventTypeRegistry::Find(std::string_view name) const {
  std::shared_ptr<const TypeMap> snap = Snapshot();
  auto it = snap->find(name);
  // The schema outlives the snapshot: built-ins and retained_ keep it alive.
  return it == snap->end() ? nullptr : it->second.get();
}

std::vector<EventTypeSchema> EventTypeRegistry::List() const {
  std::shared_ptr<const TypeMap> snap = Snapshot();
  std::vector<EventTypeSchema> out;
  out.reserve(snap->size());
  for (const EventTypeSchema& b : BuiltinEventTypes()) out.push_back(*snap->at(b.name));
  for (const auto& [name, schema] : *snap) {
    if (!schema->builtin) out.push_back(*schema);
  }
  return out;
}

std::vector<std::string> EventTypeRegistry::Names() const {
  std::shared_ptr<const TypeMap> snap = Snapshot();
  std::vector<std::string> out;
  out.reserve(snap->size());
  for (const EventTypeSchema& b : BuiltinEventTypes()) out.push_back(b.name);
  for (const auto& [name, schema] : *snap) {
    if (!schema->builtin) out.push_back(name);
  }
  return out;
}

Status EventTypeRegistry::Reload() {
  if (db_ == nullptr) return Status::Ok();
  std::lock_guard<std::mutex> lock(write_mu_);
  return LoadLocked();
}

Status EventTypeRegistry::LoadLocked() {
  TAGLOOP_ASSIGN_OR_RETURN(Statement q,
                           db_->Prepare("SELECT name, schema_json FROM event_types ORDER BY name"));
  std::shared_ptr<const TypeMap> old = Snapshot();
  auto map = std::make_shared<TypeMap>();
  for (const auto& [name, schema] : *old) {
    if (schema->builtin) map->emplace(name, schema);
  }
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    const std::string name = q.Text(0);
    if (IsBuiltinName(name)) continue;  // only possible through manual SQL: the built-in wins
    auto corrupt = [&](const std::string& what) {
      return Status::Corruption(fmt::format("{}: event_types row '{}': {}", db_->path(), name, what));
    };
    nlohmann::json j = nlohmann::json::parse(q.Text(1), nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded()) return corrupt("schema_json is not JSON");
    Result<EventTypeSchema> parsed = EventTypeSchemaFromJson(j);
    if (!parsed.ok()) return corrupt(parsed.status().message());
    if (parsed->name != name || parsed->builtin)
      return corrupt("schema_json names another type or a built-in");
    auto prev = old->find(name);
    if (prev != old->end() && EventTypeSchemaToJson(*prev->second) == EventTypeSchemaToJson(*parsed)) {
      map->emplace(name, prev->second);  // unchanged: keep the published object
      continue;
    }
    auto schema = std::make_shared<const EventTypeSchema>(std::move(parsed).value());
    retained_.push_back(schema);
    map->emplace(name, std::move(schema));
  }
  std::lock_guard<std::mutex> lock(snapshot_mu_);
  snapshot_ = std::move(map);
  return Status::Ok();
}

Status EventTypeRegistry::Register(const EventTypeSchema& in) {
  if (db_ == nullptr)
    return Status::FailedPrecondition("event types: no catalog database (built-in types only)");
  EventTypeSchema schema = in;
  schema.builtin = false;
  const nlohmann::json j = EventTypeSchemaToJson(schema);
  // The same checks as a schema received as JSON (names, duplicates, limits).
  TAGLOOP_RETURN_IF_ERROR(EventTypeSchemaFromJson(j).status());
  if (IsBuiltinName(schema.name)) {
    return Status::InvalidArgument(
        fmt::format("event type: name: '{}' is a built-in event type and cannot be replaced", schema.name));
  }
  std::lock_guard<std::mutex> lock(write_mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction txn, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(Statement get,
                           db_->Prepare("SELECT schema_json FROM event_types WHERE name = ?1"));
  get.Bind(1, schema.name);
  TAGLOOP_ASSIGN_OR_RETURN(bool exists, get.Step());
  if (exists) {
    nlohmann::json stored = nlohmann::json::parse(get.Text(0), nullptr, /*allow_exceptions=*/false);
    Result<EventTypeSchema> current =
        stored.is_discarded() ? Status::Corruption("not JSON") : EventTypeSchemaFromJson(stored);
    if (!current.ok()) {
      return Status::Corruption(
          fmt::format("{}: event_types row '{}': {}", db_->path(), schema.name, current.status().message()));
    }
    TAGLOOP_RETURN_IF_ERROR(CheckCompatibleReplacement(*current, schema));
  }
  TAGLOOP_ASSIGN_OR_RETURN(
      Statement put,
      db_->Prepare("INSERT INTO event_types (name, schema_json, updated_unix) VALUES (?1, ?2, ?3) "
                   "ON CONFLICT (name) DO UPDATE SET schema_json = excluded.schema_json, "
                   "updated_unix = excluded.updated_unix"));
  put.Bind(1, schema.name).Bind(2, j.dump()).Bind(3, clock_->NowUnixMillis() / 1000);
  TAGLOOP_RETURN_IF_ERROR(put.Run());
  TAGLOOP_RETURN_IF_ERROR(txn.Commit());
  return LoadLocked();
}

Status EventTypeRegistry::Remove(std::string_view name) {
  if (db_ == nullptr)
    return Status::FailedPrecondition("event types: no catalog database (built-in types only)");
  if (IsBuiltinName(name)) {
    return Status::InvalidArgument(fmt::format("event type '{}' is built in and cannot be removed", name));
  }
  std::lock_guard<std::mutex> lock(write_mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement del, db_->Prepare("DELETE FROM event_types WHERE name = ?1"));
  del.Bind(1, name);
  TAGLOOP_RETURN_IF_ERROR(del.Run());
  if (db_->Changes() == 0) return Status::NotFound(fmt::format("no custom event type named '{}'", name));
  return LoadLocked();
}

}  // namespace tagloop::events
