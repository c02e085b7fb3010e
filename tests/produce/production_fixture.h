// A Production over a test's store together with the catalog side it reads
// and writes — the parts the Workspace (app/workspace.h) owns in the
// product — opened on the store's directory. Produce tests do not link the
// app layer, so they own these parts here.
#pragma once

#include <memory>

#include "catalog/catalog_db.h"
#include "produce/production.h"

namespace tagloop::testing {

struct ProductionFixture {
  std::unique_ptr<TagCatalog> catalog;
  std::unique_ptr<RunHistory> runs;
  std::unique_ptr<SourceRegistry> sources;
  std::unique_ptr<TagUsage> usage;
  std::unique_ptr<CatalogDb> event_types_db;
  std::unique_ptr<events::EventTypeRegistry> event_types;
  std::unique_ptr<events::EventLog> event_log;
  std::unique_ptr<Production> production;  // last: destroyed first

  // Opens every part on `store`'s directory (the event log unsynced; left
  // null, as the Workspace does, while another holder has it).
  static Result<std::unique_ptr<ProductionFixture>> Open(TagStore* store, const ProductionOptions& options) {
    auto f = std::make_unique<ProductionFixture>();
    const std::string& dir = store->dir();
    TAGLOOP_ASSIGN_OR_RETURN(f->catalog, TagCatalog::Open(dir));
    TAGLOOP_ASSIGN_OR_RETURN(f->runs, RunHistory::Open(dir));
    TAGLOOP_ASSIGN_OR_RETURN(f->sources, SourceRegistry::Open(dir));
    TAGLOOP_ASSIGN_OR_RETURN(f->usage, TagUsage::Open(dir));
    TAGLOOP_ASSIGN_OR_RETURN(f->event_types_db, CatalogDb::Open(dir));
    TAGLOOP_ASSIGN_OR_RETURN(f->event_types, events::EventTypeRegistry::Open(f->event_types_db.get()));
    events::EventLogOptions log;
    log.utc_offset_minutes = options.utc_offset_minutes;
    log.sync = false;
    auto opened = events::EventLog::Open(dir, log);
    if (opened.ok()) {
      f->event_log = std::move(*opened);
    } else if (opened.status().code() != Status::Code::kFailedPrecondition) {
      return opened.status();
    }
    const CatalogParts parts{*f->catalog, *f->runs, *f->sources, *f->usage, *f->event_types, f->event_log.get()};
    TAGLOOP_ASSIGN_OR_RETURN(f->production, Production::Open(store, nullptr, parts, options));
    return f;
  }
};

}  // namespace tagloop::testing
