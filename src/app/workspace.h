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
#include "catalog/catalog_documents.h"
#include "core/status.h"
#include "produce/production.h"
#include "segment/saved_segments.h"
#include "store/tag_store.h"

namespace tagloop {

struct WorkspaceOptions {
  // Create an empty store when DIR has none (the directory itself must
  // exist: a mistyped path never becomes an empty store). Static.
  bool create_if_missing = true;
  // Producers, scheduler, event log and real-time engine. Static.
  ProductionOptions production;
};

class Workspace {
 public:
  // Opens every part of `dir`. NotFound when `dir` is not a directory;
  // otherwise the first part's error (store, segments, catalog, tokens …).
  static Result<std::unique_ptr<Workspace>> Open(const std::string& dir, const WorkspaceOptions& options);
  ~Workspace();

  Workspace(const Workspace&) = delete;
  Workspace& operator=(const Workspace&) = delete;

  // Starts the scheduler (re-queued interrupted runs, cron schedules) and
  // the real-time engine when options ask for them. Stop() is idempotent:
  // stops them and flushes usage counters and the audit log.
  Status Start();
  void Stop();

  const std::string& dir() const { return dir_; }
  TagStore& store() { return *store_; }
  SavedSegments& segments() { return *segments_; }
  TokenStore& tokens() { return *tokens_; }
  AuditLog& audit() { return *audit_; }
  CatalogDocuments& documents() { return *documents_; }  // reports and dashboards
  Production& production() { return *production_; }

  // The catalog side (today held by Production, which uses them).
  TagCatalog& catalog() { return production_->catalog(); }
  RunHistory& runs() { return production_->runs(); }
  SourceRegistry& sources() { return production_->sources(); }
  TagUsage& usage() { return production_->usage(); }
  events::EventTypeRegistry& event_types() { return production_->event_types(); }
  // Null when another process holds the event log.
  events::EventLog* event_log() { return production_->event_log(); }

 private:
  Workspace() = default;

  std::string dir_;
  bool started_ = false;
  std::unique_ptr<TagStore> store_;
  std::unique_ptr<SavedSegments> segments_;
  std::unique_ptr<TokenStore> tokens_;
  std::unique_ptr<AuditLog> audit_;
  std::unique_ptr<CatalogDocuments> documents_;
  std::unique_ptr<Production> production_;  // after the store and segments it reads
};

}  // namespace tagloop
