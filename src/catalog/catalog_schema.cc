#include "catalog/catalog_schema.h"

namespace tagloop {

namespace {

// v1: API tokens and the audit log (issue 3).
//
// api_tokens keeps only the SHA-256 of each secret. The triggers bump
// catalog_state('tokens_generation') on every change that matters to
// authentication (new token, revocation, role or name change) but not on
// last_used_at_ms updates, so a running server reloads its token map only
// when it has to, whoever made the change (this process, the CLI, or a manual
// sqlite3 session).
//
// audit has no foreign key to api_tokens: an entry must never be refused
// (and its batch lost) because of the token it names, and 0/NULL stands for
// local CLI use. Only at_unix_ms is indexed, to keep inserts cheap at the
// rate of profile look-ups; the other filters scan the selected time range.
constexpr const char* kV1 = R"sql(
CREATE TABLE catalog_state (
  key   TEXT PRIMARY KEY,
  value INTEGER NOT NULL
) WITHOUT ROWID;
INSERT INTO catalog_state (key, value) VALUES ('tokens_generation', 0);

CREATE TABLE api_tokens (
  id              INTEGER PRIMARY KEY AUTOINCREMENT,
  name            TEXT NOT NULL,
  role            TEXT NOT NULL CHECK (role IN ('viewer', 'analyst', 'operator', 'admin')),
  secret_sha256   BLOB NOT NULL UNIQUE CHECK (length(secret_sha256) = 32),
  created_at_ms   INTEGER NOT NULL,
  created_by      TEXT NOT NULL,
  last_used_at_ms INTEGER,
  revoked_at_ms   INTEGER
);
CREATE TRIGGER api_tokens_insert AFTER INSERT ON api_tokens BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'tokens_generation';
END;
CREATE TRIGGER api_tokens_update AFTER UPDATE OF name, role, secret_sha256, revoked_at_ms ON api_tokens BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'tokens_generation';
END;
CREATE TRIGGER api_tokens_delete AFTER DELETE ON api_tokens BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'tokens_generation';
END;

CREATE TABLE audit (
  id             INTEGER PRIMARY KEY,
  at_unix_ms     INTEGER NOT NULL,
  principal_name TEXT NOT NULL,
  token_id       INTEGER,
  role           TEXT NOT NULL,
  action         TEXT NOT NULL,
  target         TEXT NOT NULL DEFAULT '',
  item_count     INTEGER NOT NULL DEFAULT 0,
  detail         TEXT NOT NULL DEFAULT ''
);
CREATE INDEX audit_at ON audit (at_unix_ms);
)sql";

constexpr CatalogMigration kMigrations[] = {
    {1, "api tokens and audit log", kV1},
};

}  // namespace

std::span<const CatalogMigration> CatalogMigrations() { return kMigrations; }

}  // namespace tagloop
