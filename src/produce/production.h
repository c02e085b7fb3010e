// Production: everything tag production needs in one object, opened on a
// data directory — the tag catalog, run history, sources, usage counters,
// the producer, the scheduler, the alert webhook, and the events side: the
// event types, the durable event log and the real-time engine. `tagloop serve` owns
// one (started: schedules run); CLI commands open one without starting it
// and run productions on their own thread.
//
// Thread-safety: the accessors return thread-safe objects.
#pragma once

#include <memory>
#include <string>

#include "catalog/run_history.h"
#include "catalog/tag_catalog.h"
#include "catalog/tag_usage.h"
#include "catalog/catalog_db.h"
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
  // Open the event log (DIR/events, one process at a time). When another
  // process holds it, Open still succeeds without it (event_log() null):
  // realtime/behavior productions then fail with a message saying so.
  bool open_event_log = true;
  bool sync_event_log = true;      // fdatasync before acknowledging (tests may turn it off)
  bool run_realtime = false;       // keep real-time tags live (the server)
  std::chrono::milliseconds realtime_tick{100};
  // "Now" of the scheduler, the producers and the real-time engine (tests use
  // a fake; TAGLOOP_NOW shifts the default, core/wall_clock.h). Not owned.
  WallClock* clock = WallClock::Default();
};

class Production {
 public:
  // `store` and `segments` are not owned (segments may be null).
  static Result<std::unique_ptr<Production>> Open(TagStore* store, const SegmentResolver* segments,
                                                  const ProductionOptions& options);
  ~Production();

  // Starts the scheduler (re-queues interrupted runs). Stop() is idempotent.
  Status Start();
  void Stop();

  TagCatalog& catalog() { return *catalog_; }
  RunHistory& runs() { return *runs_; }
  SourceRegistry& sources() { return *sources_; }
  TagUsage& usage() { return *usage_; }
  TagProducer& producer() { return *producer_; }
  Scheduler& scheduler() { return *scheduler_; }
  events::EventTypeRegistry& event_types() { return *event_types_; }
  // Null when the log could not be opened here (see open_event_log).
  events::EventLog* event_log() { return event_log_.get(); }
  // Null unless run_realtime (and the log is open).
  RealtimeEngine* realtime() { return realtime_.get(); }
  const ProductionOptions& options() const { return options_; }

 private:
  Production() = default;
  ProductionOptions options_;
  std::unique_ptr<TagCatalog> catalog_;
  std::unique_ptr<RunHistory> runs_;
  std::unique_ptr<SourceRegistry> sources_;
  std::unique_ptr<TagUsage> usage_;
  std::unique_ptr<WebhookAlerts> alerts_;
  std::unique_ptr<TagProducer> producer_;
  std::unique_ptr<Scheduler> scheduler_;
  std::unique_ptr<CatalogDb> event_types_db_;
  std::unique_ptr<events::EventTypeRegistry> event_types_;
  std::unique_ptr<events::EventLog> event_log_;
  std::unique_ptr<RealtimeEngine> realtime_;
  std::string event_log_error_;
};

}  // namespace tagloop
