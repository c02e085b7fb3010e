#include "app/workspace.h"

#include <fmt/format.h>
#include <spdlog/spdlog.h>

#include <filesystem>

#include "core/env.h"

namespace tagloop {

Result<std::unique_ptr<Workspace>> Workspace::Open(const std::string& dir, const WorkspaceOptions& options) {
  std::error_code ec;
  if (!std::filesystem::is_directory(dir, ec)) {
    return Status::NotFound(fmt::format("data directory '{}' does not exist", dir))
        .With(ErrorReason::kNotFound, {{"kind", "data directory"}, {"name", dir}});
  }
  std::unique_ptr<Workspace> w(new Workspace());
  w->dir_ = dir;
  StoreOptions store;
  store.create_if_missing = options.create_if_missing;
  TAGLOOP_ASSIGN_OR_RETURN(w->store_, TagStore::Open(dir, store));
  TAGLOOP_ASSIGN_OR_RETURN(w->segments_, SavedSegments::Open(Env::Default(), dir));
  TAGLOOP_ASSIGN_OR_RETURN(w->tokens_, TokenStore::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(w->audit_, AuditLog::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(w->documents_, CatalogDocuments::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(w->catalog_, TagCatalog::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(w->runs_, RunHistory::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(w->sources_, SourceRegistry::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(w->usage_, TagUsage::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(w->event_types_db_, CatalogDb::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(w->event_types_, events::EventTypeRegistry::Open(w->event_types_db_.get()));
  if (options.open_event_log) {
    events::EventLogOptions log_options;
    log_options.utc_offset_minutes = options.production.utc_offset_minutes;
    log_options.sync = options.sync_event_log;
    auto log = events::EventLog::Open(dir, log_options);
    if (log.ok()) {
      w->event_log_ = std::move(*log);
    } else if (log.status().code() != Status::Code::kFailedPrecondition) {
      return log.status();  // FailedPrecondition: another process holds it; open without
    }
  }
  const CatalogParts parts{*w->catalog_, *w->runs_, *w->sources_, *w->usage_, *w->event_types_, w->event_log_.get()};
  TAGLOOP_ASSIGN_OR_RETURN(w->production_,
                           Production::Open(w->store_.get(), w->segments_.get(), parts, options.production));
  OutreachParts outreach{dir,
                         w->store_.get(),
                         w->segments_.get(),
                         w->sources_.get(),
                         w->event_types_.get(),
                         w->event_log_.get(),
                         w->production_->realtime()};
  OutreachOptions outreach_options = options.outreach;
  outreach_options.utc_offset_minutes = options.production.utc_offset_minutes;
  TAGLOOP_ASSIGN_OR_RETURN(w->outreach_, OutreachService::Open(outreach, outreach_options));
  w->run_outreach_ = options.run_outreach;
  return w;
}

Workspace::~Workspace() { Stop(); }

Status Workspace::Start() {
  if (started_) return Status::Ok();
  TAGLOOP_RETURN_IF_ERROR(production_->Start());
  if (run_outreach_) TAGLOOP_RETURN_IF_ERROR(outreach_->Start());
  started_ = true;
  return Status::Ok();
}

void Workspace::Stop() {
  if (outreach_) outreach_->Stop();      // idempotent; before production: it feeds real-time tags
  if (production_) production_->Stop();  // idempotent
  if (usage_) {
    if (Status st = usage_->Flush(); !st.ok()) spdlog::warn("tag usage flush at shutdown: {}", st.ToString());
  }
  if (audit_) {
    if (Status st = audit_->Flush(); !st.ok()) {
      spdlog::error("audit log flush at shutdown: {}", st.ToString());
    }
  }
  started_ = false;
}

}  // namespace tagloop
