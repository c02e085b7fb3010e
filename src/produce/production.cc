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
  ProducerOptions producer;
  producer.threads = options.threads;
  producer.default_quality = options.default_quality;
  producer.utc_offset_minutes = options.utc_offset_minutes;
  producer.alerts = p->alerts_.get();
  producer.usage = p->usage_.get();
  p->producer_ = std::make_unique<TagProducer>(store, p->catalog_.get(), p->runs_.get(), p->sources_.get(), segments,
                                               producer);
  SchedulerOptions scheduler;
  scheduler.workers = options.workers;
  scheduler.run_schedules = options.run_schedules;
  scheduler.poll_interval = options.poll_interval;
  scheduler.retry_backoff = options.retry_backoff;
  p->scheduler_ = std::make_unique<Scheduler>(p->producer_.get(), p->catalog_.get(), p->runs_.get(), store, scheduler);
  return p;
}

Production::~Production() { Stop(); }

Status Production::Start() { return scheduler_->Start(); }

void Production::Stop() {
  if (scheduler_) scheduler_->Stop();
  if (usage_) (void)usage_->Flush();
}

}  // namespace tagloop
