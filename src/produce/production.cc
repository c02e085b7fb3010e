#include "produce/production.h"

namespace tagloop {

Result<std::unique_ptr<Production>> Production::Open(TagStore* store, const SegmentResolver* segments,
                                                     const ProductionOptions& options) {
  std::unique_ptr<Production> p(new Production());
  p->options_ = options;
  const std::string& dir = store->dir();
  TAGLOOP_ASSIGN_OR_RETURN(p->catalog_, TagCatalog::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(p->runs_, RunHistory::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(p->sources_, SourceRegistry::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(p->usage_, TagUsage::Open(dir));
  if (!options.alert_webhook_url.empty()) {
    p->alerts_ = std::make_unique<WebhookAlerts>(WebhookOptions{options.alert_webhook_url});
  }
  TAGLOOP_ASSIGN_OR_RETURN(p->event_types_db_, CatalogDb::Open(dir));
  TAGLOOP_ASSIGN_OR_RETURN(p->event_types_, events::EventTypeRegistry::Open(p->event_types_db_.get()));
  if (options.open_event_log) {
    events::EventLogOptions log_options;
    log_options.utc_offset_minutes = options.utc_offset_minutes;
    log_options.sync = options.sync_event_log;
    auto log = events::EventLog::Open(dir, log_options);
    if (log.ok()) {
      p->event_log_ = std::move(*log);
    } else if (log.status().code() == Status::Code::kFailedPrecondition) {
      p->event_log_error_ = log.status().message();  // held by another process
    } else {
      return log.status();
    }
  }
  if (options.run_realtime && p->event_log_) {
    RealtimeOptions realtime;
    realtime.utc_offset_minutes = options.utc_offset_minutes;
    realtime.tick = options.realtime_tick;
    realtime.clock = options.clock;
    p->realtime_ = std::make_unique<RealtimeEngine>(store, p->event_log_.get(), realtime);
  }
  ProducerOptions producer;
  producer.event_log = p->event_log_.get();
  producer.event_types = p->event_types_.get();
  producer.threads = options.threads;
  producer.default_quality = options.default_quality;
  producer.utc_offset_minutes = options.utc_offset_minutes;
  producer.alerts = p->alerts_.get();
  producer.usage = p->usage_.get();
  producer.clock = options.clock;
  p->producer_ = std::make_unique<TagProducer>(store, p->catalog_.get(), p->runs_.get(), p->sources_.get(), segments,
                                               producer);
  SchedulerOptions scheduler;
  scheduler.workers = options.workers;
  scheduler.run_schedules = options.run_schedules;
  scheduler.poll_interval = options.poll_interval;
  scheduler.retry_backoff = options.retry_backoff;
  scheduler.clock = options.clock;
  if (RealtimeEngine* engine = p->realtime_.get()) {
    scheduler.on_view = [engine](const CatalogView& view) {
      std::vector<TagDefinition> live;
      for (const auto& [name, entry] : view.tags) {
        if (entry.status == TagStatus::kPublished) live.push_back(entry.definition);
      }
      (void)engine->SetDefinitions(live);  // a bad rule shows in its runs and stats
    };
  }
  p->scheduler_ = std::make_unique<Scheduler>(p->producer_.get(), p->catalog_.get(), p->runs_.get(), store, scheduler);
  return p;
}

Production::~Production() { Stop(); }

Status Production::Start() {
  TAGLOOP_RETURN_IF_ERROR(scheduler_->Start());  // its first view sets the real-time definitions
  if (realtime_) TAGLOOP_RETURN_IF_ERROR(realtime_->Start());
  return Status::Ok();
}

void Production::Stop() {
  if (realtime_) realtime_->Stop();
  if (scheduler_) scheduler_->Stop();
  if (usage_) (void)usage_->Flush();
}

}  // namespace tagloop
