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

// v2: the tag catalog and tag production (issue 4).
//
// tags holds one row per defined tag with its lifecycle status and the
// current definition version; tag_definition_versions keeps every version of
// every definition, immutable, as JSON (catalog/tag_definition.h; the category
// is stored by id, so renaming or moving a category rewrites no definition).
// categories is a tree of pure metadata. tag_data_versions records which
// definition version (and run) produced each data version of the tag store.
// tag_runs is the run history of the producer jobs, tag_quality the checks
// run on each new data version, tag_usage the usage counters per tag, kind
// of use and principal. sources holds the connection settings of SQL
// sources; the password column is a secret (never returned by the API,
// never logged).
//
// catalog_generation is bumped by triggers on every change to tags,
// definitions, categories and sources, so a running server notices changes
// made by the CLI or another process (hot publishing) without polling tables.
constexpr const char* kV2 = R"sql(
INSERT INTO catalog_state (key, value) VALUES ('catalog_generation', 0);

CREATE TABLE categories (
  id            INTEGER PRIMARY KEY AUTOINCREMENT,
  parent_id     INTEGER REFERENCES categories (id),
  name          TEXT NOT NULL CHECK (length(name) BETWEEN 1 AND 64 AND instr(name, '/') = 0),
  title_en      TEXT NOT NULL DEFAULT '',
  created_at_ms INTEGER NOT NULL
);
CREATE UNIQUE INDEX categories_sibling_name ON categories (ifnull(parent_id, 0), name);

CREATE TABLE tags (
  name            TEXT PRIMARY KEY,
  status          TEXT NOT NULL CHECK (status IN ('draft', 'published', 'offline')),
  current_version INTEGER NOT NULL,
  category_id     INTEGER REFERENCES categories (id),
  created_at_ms   INTEGER NOT NULL,
  created_by      TEXT NOT NULL,
  updated_at_ms   INTEGER NOT NULL,
  updated_by      TEXT NOT NULL
) WITHOUT ROWID;
CREATE INDEX tags_category ON tags (category_id);

CREATE TABLE tag_definition_versions (
  tag           TEXT NOT NULL REFERENCES tags (name),
  version       INTEGER NOT NULL,
  definition    TEXT NOT NULL,
  created_at_ms INTEGER NOT NULL,
  created_by    TEXT NOT NULL,
  PRIMARY KEY (tag, version)
) WITHOUT ROWID;

CREATE TABLE tag_data_versions (
  tag                TEXT NOT NULL,
  biz_date           INTEGER NOT NULL,
  definition_version INTEGER,
  run_id             INTEGER,
  published_at_ms    INTEGER NOT NULL,
  PRIMARY KEY (tag, biz_date)
) WITHOUT ROWID;

CREATE TABLE tag_runs (
  id                 INTEGER PRIMARY KEY AUTOINCREMENT,
  tag                TEXT NOT NULL,
  biz_date           INTEGER NOT NULL,
  definition_version INTEGER NOT NULL,
  trigger            TEXT NOT NULL,
  state              TEXT NOT NULL CHECK (state IN ('queued', 'running', 'succeeded', 'failed', 'rejected', 'cancelled')),
  attempt            INTEGER NOT NULL DEFAULT 1,
  requested_by       TEXT NOT NULL DEFAULT '',
  queued_at_ms       INTEGER NOT NULL,
  started_at_ms      INTEGER,
  finished_at_ms     INTEGER,
  rows               INTEGER NOT NULL DEFAULT 0,
  users              INTEGER NOT NULL DEFAULT 0,
  error              TEXT NOT NULL DEFAULT '',
  log                TEXT NOT NULL DEFAULT ''
);
CREATE INDEX tag_runs_tag ON tag_runs (tag, id);
CREATE INDEX tag_runs_state ON tag_runs (state) WHERE state IN ('queued', 'running');

CREATE TABLE tag_quality (
  id       INTEGER PRIMARY KEY,
  run_id   INTEGER NOT NULL,
  tag      TEXT NOT NULL,
  biz_date INTEGER NOT NULL,
  at_ms    INTEGER NOT NULL,
  check_name TEXT NOT NULL,
  passed   INTEGER NOT NULL,
  observed REAL NOT NULL,
  bound    REAL NOT NULL,
  message  TEXT NOT NULL
);
CREATE INDEX tag_quality_tag ON tag_quality (tag, id);

CREATE TABLE tag_usage (
  tag          TEXT NOT NULL,
  kind         TEXT NOT NULL,
  principal    TEXT NOT NULL,
  uses         INTEGER NOT NULL,
  last_used_ms INTEGER NOT NULL,
  PRIMARY KEY (tag, kind, principal)
) WITHOUT ROWID;

CREATE TABLE sources (
  name          TEXT PRIMARY KEY,
  kind          TEXT NOT NULL CHECK (kind IN ('sqlite', 'postgresql', 'odbc')),
  connection    TEXT NOT NULL,
  password      TEXT NOT NULL DEFAULT '',
  password_env  TEXT NOT NULL DEFAULT '',
  fetch_rows    INTEGER NOT NULL DEFAULT 10000,
  updated_at_ms INTEGER NOT NULL,
  updated_by    TEXT NOT NULL
) WITHOUT ROWID;

CREATE TRIGGER tags_insert AFTER INSERT ON tags BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
CREATE TRIGGER tags_update AFTER UPDATE ON tags BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
CREATE TRIGGER tags_delete AFTER DELETE ON tags BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
CREATE TRIGGER categories_insert AFTER INSERT ON categories BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
CREATE TRIGGER categories_update AFTER UPDATE ON categories BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
CREATE TRIGGER categories_delete AFTER DELETE ON categories BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
CREATE TRIGGER sources_change AFTER UPDATE ON sources BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
CREATE TRIGGER sources_insert AFTER INSERT ON sources BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
CREATE TRIGGER sources_delete AFTER DELETE ON sources BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
)sql";

// v3: event types (issue 5).
//
// event_types holds the custom event types (events/event_types.h); the
// built-in business model is compiled in and never stored. schema_json is the
// type's JSON form; a replacement may only add optional properties or relax
// `required` (checked by the registry inside the write transaction). Changes
// bump catalog_generation like tags and sources, so a running server reloads
// its registry when the CLI or another process edits a type.
constexpr const char* kV3 = R"sql(
CREATE TABLE event_types (
  name         TEXT PRIMARY KEY,
  schema_json  TEXT NOT NULL,
  updated_unix INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TRIGGER event_types_insert AFTER INSERT ON event_types BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
CREATE TRIGGER event_types_update AFTER UPDATE ON event_types BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
CREATE TRIGGER event_types_delete AFTER DELETE ON event_types BEGIN
  UPDATE catalog_state SET value = value + 1 WHERE key = 'catalog_generation';
END;
)sql";

// v4: saved documents (issue 6): reports and dashboards.
//
// Each (kind, name) has its current body in `documents` and every version in
// `document_versions` (who changed it, when). Bodies are the JSON forms the
// owners define (insight/report.h, dashboards in the server); the catalog
// stores them opaquely. A deleted document leaves its versions behind, so a
// name that comes back continues the numbering.
constexpr const char* kV4 = R"sql(
CREATE TABLE documents (
  kind         TEXT NOT NULL,
  name         TEXT NOT NULL,
  version      INTEGER NOT NULL,
  body_json    TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  updated_by   TEXT NOT NULL,
  updated_ms   INTEGER NOT NULL,
  PRIMARY KEY (kind, name)
) WITHOUT ROWID;
CREATE TABLE document_versions (
  kind         TEXT NOT NULL,
  name         TEXT NOT NULL,
  version      INTEGER NOT NULL,
  body_json    TEXT,
  changed_by   TEXT NOT NULL,
  changed_ms   INTEGER NOT NULL,
  PRIMARY KEY (kind, name, version)
) WITHOUT ROWID;
)sql";

// v5: outreach (issue 15; docs/outreach.md "What is stored where").
//
// channels: one row per named channel; spec_json holds everything but the
// secrets (kind, rates, settings), secrets_json the write-only secrets, so
// no query that answers a client ever reads them. outreach_policy keeps
// every version of the suppression policy (the highest is in force).
// campaigns holds each campaign's current definition and state;
// campaign_versions every definition, campaign_transitions every state
// change (from, to, action, who, when, comment), campaign_runs one row per
// planning with its funnel and frozen segments.
constexpr const char* kV5 = R"sql(
CREATE TABLE channels (
  name         TEXT PRIMARY KEY,
  kind         TEXT NOT NULL,
  spec_json    TEXT NOT NULL,
  secrets_json TEXT NOT NULL,
  created_by   TEXT NOT NULL,
  created_ms   INTEGER NOT NULL,
  updated_by   TEXT NOT NULL,
  updated_ms   INTEGER NOT NULL
) WITHOUT ROWID;
CREATE TABLE outreach_policy (
  version      INTEGER PRIMARY KEY,
  body_json    TEXT NOT NULL,
  changed_by   TEXT NOT NULL,
  changed_ms   INTEGER NOT NULL
);
CREATE TABLE campaigns (
  id              TEXT PRIMARY KEY,
  name            TEXT NOT NULL UNIQUE,
  state           TEXT NOT NULL,
  paused_from     TEXT,
  version         INTEGER NOT NULL,
  definition_json TEXT NOT NULL,
  theme           TEXT NOT NULL,
  submitted_by    TEXT,
  approved_by     TEXT,
  created_by      TEXT NOT NULL,
  created_ms      INTEGER NOT NULL,
  updated_by      TEXT NOT NULL,
  updated_ms      INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX campaigns_by_theme ON campaigns (theme, state);
CREATE TABLE campaign_versions (
  campaign_id     TEXT NOT NULL REFERENCES campaigns (id),
  version         INTEGER NOT NULL,
  definition_json TEXT NOT NULL,
  changed_by      TEXT NOT NULL,
  changed_ms      INTEGER NOT NULL,
  PRIMARY KEY (campaign_id, version)
) WITHOUT ROWID;
CREATE TABLE campaign_transitions (
  campaign_id  TEXT NOT NULL REFERENCES campaigns (id),
  seq          INTEGER NOT NULL,
  from_state   TEXT NOT NULL,
  to_state     TEXT NOT NULL,
  action       TEXT NOT NULL,
  who          TEXT NOT NULL,
  at_ms        INTEGER NOT NULL,
  comment      TEXT NOT NULL,
  PRIMARY KEY (campaign_id, seq)
) WITHOUT ROWID;
CREATE TABLE campaign_runs (
  campaign_id       TEXT NOT NULL REFERENCES campaigns (id),
  run               INTEGER NOT NULL,
  started_ms        INTEGER NOT NULL,
  policy_version    INTEGER NOT NULL,
  funnel_json       TEXT NOT NULL,
  treatment_segment TEXT NOT NULL,
  control_segment   TEXT NOT NULL,
  PRIMARY KEY (campaign_id, run)
) WITHOUT ROWID;
)sql";

constexpr CatalogMigration kMigrations[] = {
    {1, "api tokens and audit log", kV1},
    {2, "tag catalog and production", kV2},
    {3, "event types", kV3},
    {4, "reports and dashboards", kV4},
    {5, "outreach: channels, policy, campaigns", kV5},
};

}  // namespace

std::span<const CatalogMigration> CatalogMigrations() { return kMigrations; }

}  // namespace tagloop
