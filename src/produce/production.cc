#include "produce/production.h"

namespace tagloop {

Result<std::unique_ptr<Production>> Production::Open(TagStore* store, const SegmentResolver* segments,
                                                     const CatalogParts& parts, const ProductionOptions& options) {
  std::unique_ptr<Production> p(new Production());
  p->options_ = options;
  if (!options.alert_webhook_url.empty()) {
    p->alerts_ = std::make_unique<WebhookAlerts>(WebhookOptions{options.alert_webhook_url});
  }
  if (options.run_realtime && parts.event_log != nullptr) {
    RealtimeOptions realtime;
    realtime.utc_offset_minutes = options.utc_offset_minutes;
    realtime.tick = options.realtime_tick;
    realtime.clock = options.clock;
    p->realtime_ = std::make_unique<RealtimeEngine>(store, parts.event_log, realtime);
  }
  ProducerOptions producer;
  producer.event_log = parts.event_log;
  producer.event_types = &parts.event_types;
  producer.threads = options.threads;
  producer.default_quality = options.default_quality;
  producer.utc_offset_minutes = options.utc_offset_minutes;
  producer.alerts = p->alerts_.get();
  producer.usage = &parts.usage;
  producer.clock = options.clock;
  p->producer_ =
      std::make_unique<TagProducer>(store, &parts.catalog, &parts.runs, &parts.sources, segments, producer);
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
  p->scheduler_ = std::make_unique<Scheduler>(p->producer_.get(), &parts.catalog, &parts.runs, store, scheduler);
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
}

}  // namespace tagloop
