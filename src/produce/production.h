// Production: everything tag production needs in one object, opened on a
// data directory — the tag catalog, run history, sources, usage counters,
// the producer, the scheduler and the alert webhook. `tagloop serve` owns
// one (started: schedules run); CLI commands open one without starting it
// and run productions on their own thread.
//
// Thread-safety: the accessors return thread-safe objects.
#pragma once

#include <memory>
#include <string>

#include "catalog/run_history.h"
#include "catalog/source_registry.h"
#include "catalog/tag_catalog.h"
#include "catalog/tag_usage.h"
#include "produce/alerts.h"
#include "produce/scheduler.h"
#include "produce/tag_producer.h"

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
};

}  // namespace tagloop
