// Production: the parts that make tags, in one object — the producer, the
// scheduler, the alert webhook and the real-time engine. What they read and
// write (the tag catalog, run history, sources, usage counters, event types
// and the event log) is owned by the caller (the Workspace, app/workspace.h)
// and handed in as CatalogParts. `tagloop serve` starts one (schedules run);
// CLI commands open one without starting it and run productions on their
// own thread.
//
// Thread-safety: the accessors return thread-safe objects.
#pragma once

#include <memory>
#include <string>

#include "catalog/run_history.h"
#include "catalog/tag_catalog.h"
#include "catalog/tag_usage.h"
#include "events/event_log.h"
#include "events/event_types.h"
#include "produce/alerts.h"
#include "produce/realtime_engine.h"
#include "produce/scheduler.h"
#include "produce/tag_producer.h"
#include "source/source_registry.h"

namespace tagloop {

struct ProductionOptions {
  unsigned workers = 2;            // producer jobs at once
  bool run_schedules = true;       // fire cron schedules (false: on demand only)
  int utc_offset_minutes = 480;    // the business calendar's offset from UTC (+08:00)
  std::string alert_webhook_url;   // "" = alerts are only logged in run history
  unsigned threads = 0;            // threads of one production's build; 0 = cores
  QualityRules default_quality;    // rules for tags without overrides
  std::chrono::milliseconds poll_interval{250};
  std::chrono::milliseconds retry_backoff{30'000};
  bool run_realtime = false;       // keep real-time tags live (the server; needs the event log)
  std::chrono::milliseconds realtime_tick{100};
  // "Now" of the scheduler, the producers and the real-time engine (tests use
  // a fake; TAGLOOP_NOW shifts the default, core/wall_clock.h). Not owned.
  WallClock* clock = WallClock::Default();
};

// The catalog side production reads and writes. Not owned: the caller (the
// Workspace) opens them before Production::Open and keeps them alive until
// the Production is destroyed.
struct CatalogParts {
  TagCatalog& catalog;
  RunHistory& runs;
  SourceRegistry& sources;
  TagUsage& usage;
  events::EventTypeRegistry& event_types;
  // Null when the log is not open here (another process holds it):
  // realtime/behavior productions then fail with a message saying so, and
  // no real-time engine runs.
  events::EventLog* event_log = nullptr;
};

class Production {
 public:
  // `store`, `segments` and `parts` are not owned (segments may be null).
  // Builds the producers, the scheduler and (run_realtime with an event log)
  // the real-time engine; nothing is started.
  static Result<std::unique_ptr<Production>> Open(TagStore* store, const SegmentResolver* segments,
                                                  const CatalogParts& parts, const ProductionOptions& options);
  ~Production();

  // Starts the scheduler (re-queues interrupted runs) and the real-time
  // engine. Stop() is idempotent: stops them (no more usage is recorded by
  // producers afterwards; flushing the counters is the owner's).
  Status Start();
  void Stop();

  TagProducer& producer() { return *producer_; }
  Scheduler& scheduler() { return *scheduler_; }
  // Null unless run_realtime (and the log is open).
  RealtimeEngine* realtime() { return realtime_.get(); }
  const ProductionOptions& options() const { return options_; }

 private:
  Production() = default;
  ProductionOptions options_;
  std::unique_ptr<WebhookAlerts> alerts_;
  std::unique_ptr<TagProducer> producer_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<RealtimeEngine> realtime_;
};

}  // namespace tagloop
