// Workspace: a data directory opened as one object — the composition root
// (STYLE.md rule 13, like DuckDB's main/database). It owns every part that
// lives in the directory and hands them out: the tag store, the saved
// segments, the tag catalog with its runs, sources, usage counters and event
// types, the event log, API tokens and the audit log, reports and dashboards,
// and tag production (producers, scheduler, real-time engine). A new
// capability (campaigns, channels, models) becomes a new member here, not a
// new argument threaded through every caller.
//
// `tagloop serve` opens one and starts it; CLI commands open one without
// starting it. What a workspace opens is in WorkspaceOptions; everything is
// opened in Open, so a broken part fails there with its error, never on the
// first request.
//
// Thread-safety: Open/Start/Stop from one thread; the accessors return
// thread-safe objects and may be called from any thread once Open returned.
#pragma once

#include <memory>
#include <string>

#include "auth/audit_log.h"
#include "auth/token_store.h"
#include "catalog/catalog_db.h"
#include "catalog/catalog_documents.h"
#include "catalog/run_history.h"
#include "catalog/tag_catalog.h"
#include "catalog/tag_usage.h"
#include "core/status.h"
#include "events/event_log.h"
#include "events/event_types.h"
#include "app/outreach_service.h"
#include "produce/production.h"
#include "segment/saved_segments.h"
#include "source/source_registry.h"
#include "store/tag_store.h"

namespace tagloop {

struct WorkspaceOptions {
  // Create an empty store when DIR has none (the directory itself must
  // exist: a mistyped path never becomes an empty store). Static.
  bool create_if_missing = true;
  // Open the event log (DIR/events, one process at a time; its days follow
  // production.utc_offset_minutes). When another process holds it, Open
  // still succeeds without it (event_log() null): realtime/behavior
  // productions then fail with a message saying so. Static.
  bool open_event_log = true;
  // fdatasync the event log before acknowledging (tests may turn it off). Static.
  bool sync_event_log = true;
  // Producers, scheduler and real-time engine. Static.
  ProductionOptions production;
  // Run campaigns (schedules, dispatch, resumption after a restart) from
  // Start(): `tagloop serve` does; commands that only read or change
  // definitions do not. Static.
  bool run_outreach = false;
  // Outreach's business calendar follows production's; the rest. Static.
  OutreachOptions outreach;
};

class Workspace {
 public:
  // Opens every part of `dir`. NotFound when `dir` is not a directory;
  // otherwise the first part's error (store, segments, catalog, tokens …).
  static Result<std::unique_ptr<Workspace>> Open(const std::string& dir, const WorkspaceOptions& options);
  ~Workspace();

  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // Starts the scheduler (re-queued interrupted runs, cron schedules), the
  // real-time engine and the campaign runner when options ask for them.
  // Stop() is idempotent: stops them and flushes usage counters and the
  // audit log.
  Status Start();
  void Stop();

  const std::string& dir() const { return dir_; }
  TagStore& store() { return *store_; }
  SavedSegments& segments() { return *segments_; }
  TokenStore& tokens() { return *tokens_; }
  AuditLog& audit() { return *audit_; }
  CatalogDocuments& documents() { return *documents_; }  // reports and dashboards
  Production& production() { return *production_; }
  // Channels, the suppression policy, campaigns and their delivery.
  OutreachService& outreach() { return *outreach_; }

  // The catalog side (Production reads and writes them, not owning them).
  TagCatalog& catalog() { return *catalog_; }
  RunHistory& runs() { return *runs_; }
  SourceRegistry& sources() { return *sources_; }
  TagUsage& usage() { return *usage_; }
  events::EventTypeRegistry& event_types() { return *event_types_; }
  // Null when another process holds the event log.
  events::EventLog* event_log() { return event_log_.get(); }
  // The business calendar's offset from UTC (production's, default +08:00).
  int utc_offset_minutes() const { return production_->options().utc_offset_minutes; }

 private:
  Workspace() = default;

  std::string dir_;
  bool started_ = false;
  std::unique_ptr<TagStore> store_;
  std::unique_ptr<SavedSegments> segments_;
  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<CatalogDocuments> documents_;
  std::unique_ptr<TagCatalog> catalog_;
  std::unique_ptr<RunHistory> runs_;
  std::unique_ptr<SourceRegistry> sources_;
  std::unique_ptr<TagUsage> usage_;
  std::unique_ptr<CatalogDb> event_types_db_;
  std::unique_ptr<events::EventTypeRegistry> event_types_;
  std::unique_ptr<events::EventLog> event_log_;
  // Last: it reads every part above, and is destroyed (stopped) first.
  std::unique_ptr<Production> production_;
  // After production: it feeds sends to the real-time engine.
  std::unique_ptr<OutreachService> outreach_;
  bool run_outreach_ = false;
};

}  // namespace tagloop
