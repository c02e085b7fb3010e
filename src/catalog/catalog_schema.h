// The schema of DIR/tagloop.db as an ordered list of migrations. The database
// records the last one applied in `PRAGMA user_version`; CatalogDb::Open
// applies the missing ones in order, each in its own transaction.
//
// To change the schema, APPEND a migration (version = previous + 1); never
// edit or reorder one that has shipped: databases in the field already ran it.
// A database whose user_version is above the last known version was written
// by a newer tagloop and is refused (FailedPrecondition).
#pragma once

#include <cstdint>
#include <span>

namespace tagloop {

struct CatalogMigration {
  int64_t version;          // 1, 2, 3, ...
  const char* description;  // for error messages
  const char* sql;          // constant DDL; may hold several statements
};

// Every migration, in order (element i has version i + 1).
std::span<const CatalogMigration> CatalogMigrations();

}  // namespace tagloop
