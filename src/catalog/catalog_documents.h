// Named, versioned JSON documents of a kind ("report", "dashboard") in the
// catalog database: each save is a new version recording who and when; the
// body is opaque here (its owner parses and validates it).
//
// Thread-safe: one connection guarded by a mutex. Several processes may use
// the same database (SQLite WAL).
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/catalog_db.h"
#include "core/status.h"
#include "core/wall_clock.h"

namespace tagloop {

struct CatalogDocument {
  std::string kind, name;
  int64_t version = 0;
  std::string body_json;
  std::string created_by, updated_by;
  int64_t created_ms = 0, updated_ms = 0;
};

struct DocumentVersion {
  int64_t version = 0;
  std::optional<std::string> body_json;  // none: the version that deleted it
  std::string changed_by;
  int64_t changed_ms = 0;
};

class CatalogDocuments {
 public:
  static Result<std::unique_ptr<CatalogDocuments>> Open(const std::string& dir,
                                                        WallClock* clock = WallClock::Default());

  // A valid document name: 1-128 bytes of [A-Za-z0-9_.-] or any non-ASCII
  // UTF-8 (Chinese names are fine), no spaces or slashes.
  [[nodiscard]] static Status ValidateName(std::string_view name);

  // Creates (`must_be_new`: AlreadyExists when it exists) or replaces a
  // document; returns the new version. A body equal to the current one
  // changes nothing and returns the current version.
  [[nodiscard]] Result<int64_t> Put(std::string_view kind, std::string_view name, std::string_view body_json,
                                    std::string_view actor, bool must_be_new);
  // NotFound naming the kind and name.
  [[nodiscard]] Result<CatalogDocument> Get(std::string_view kind, std::string_view name);
  // Every document of the kind, by name.
  [[nodiscard]] Result<std::vector<CatalogDocument>> List(std::string_view kind);
  [[nodiscard]] Status Delete(std::string_view kind, std::string_view name, std::string_view actor);
  // Versions, newest first.
  [[nodiscard]] Result<std::vector<DocumentVersion>> History(std::string_view kind, std::string_view name);

 private:
  CatalogDocuments(std::unique_ptr<CatalogDb> db, WallClock* clock) : db_(std::move(db)), clock_(clock) {}
  std::mutex mu_;
  std::unique_ptr<CatalogDb> db_;
  WallClock* clock_;
};

}  // namespace tagloop
