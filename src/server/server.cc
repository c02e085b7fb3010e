#include "server/server.h"

#include <fmt/format.h>
#include <signal.h>
#include <spdlog/sinks/stdout_sinks.h>
#include <spdlog/spdlog.h>

#include <filesystem>

namespace tagloop {

Status WarmSnapshot(const Snapshot& snapshot) {
  auto dict = snapshot.dictionary();
  if (!dict.ok()) return dict.status();
  (void)(*dict)->Find("");  // builds the hash index
  for (const auto& [name, tag] : snapshot.tags()) {
    if (tag.versions.empty()) continue;
    auto version = snapshot.OpenVersion(tag, tag.versions.back());
    if (!version.ok()) return version.status();
  }
  return Status::Ok();
}

Result<std::unique_ptr<Server>> Server::Open(const ServerOptions& options) {
  TAGLOOP_RETURN_IF_ERROR(ValidateServerOptions(options));
  std::unique_ptr<Server> s(new Server(options));
  WorkspaceOptions workspace;
  workspace.create_if_missing = true;
  ProductionOptions& production = workspace.production;
  production.workers = options.producer_workers;
  production.run_schedules = options.schedules;
  production.utc_offset_minutes = options.business_utc_offset;
  production.alert_webhook_url = options.alert_webhook;
  production.threads = EffectiveImportThreads(options);
  production.run_realtime = options.realtime;
  workspace.sync_event_log = options.sync_events;
  workspace.run_outreach = options.outreach;
  TAGLOOP_ASSIGN_OR_RETURN(s->workspace_, Workspace::Open(options.data, workspace));
  Workspace& w = *s->workspace_;
  auto snap = w.store().snapshot();
  TAGLOOP_RETURN_IF_ERROR(WarmSnapshot(*snap));
  s->profiles_ = std::make_unique<ProfileCache>(&w.store());
  TAGLOOP_RETURN_IF_ERROR(s->profiles_->Current().status());
  s->warmed_generation_ = snap->generation();
  s->baselines_ = std::make_unique<UniverseBaselines>();
  if (options.web_root != "none") {
    const std::string root = options.web_root.empty() ? WebAssets::FindDefaultRoot() : options.web_root;
    if (!root.empty()) {
      TAGLOOP_ASSIGN_OR_RETURN(s->web_, WebAssets::Load(root));
      spdlog::info("web UI: {} files from {}", s->web_->files(), root);
    } else {
      spdlog::info("web UI: not built (make web); serving the API only");
    }
  }
  // Loads the catalog view (needed by the first request) and starts the
  // scheduler: interrupted runs are re-queued, schedules fire.
  TAGLOOP_RETURN_IF_ERROR(w.Start());

  ApiContext ctx;
  ctx.workspace = &w;
  ctx.production = &w.production();
  ctx.profiles = s->profiles_.get();
  ctx.baselines = s->baselines_.get();
  ctx.web = s->web_.get();
  ctx.options = &s->options_;
  Server* self = s.get();
  ctx.open_connections = [self] { return self->http_ ? self->http_->open_connections() : 0; };
  s->service_ = std::make_unique<ApiService>(std::move(ctx));

  HttpServerOptions http;
  http.listen = options.listen;
  http.io_threads = EffectiveIoThreads(options);
  http.blocking_threads = options.blocking_threads;
  http.max_header_bytes = options.max_header_bytes;
  http.idle_timeout_seconds = options.idle_timeout;
  http.read_timeout_seconds = options.read_timeout;
  http.write_timeout_seconds = options.write_timeout;
  http.shutdown_timeout_seconds = options.shutdown_timeout;
  TAGLOOP_ASSIGN_OR_RETURN(s->http_, HttpServer::Listen(http, s->service_.get()));
  return s;
}

Server::~Server() { Stop(); }

void Server::Start() {
  if (started_) return;
  started_ = true;
  refresher_ = std::thread([this] { RefreshLoop(); });
  http_->Start();
  spdlog::info("serving {} on http://{} ({} I/O threads, {} blocking, users={}, tags={}, generation={})",
               options_.data, http_->address(), EffectiveIoThreads(options_), options_.blocking_threads,
               store().snapshot()->universe_size(), store().snapshot()->tags().size(),
               store().snapshot()->generation());
}

void Server::Stop() {
  if (!started_) return;
  started_ = false;
  http_->Stop();
  {
    std::lock_guard<std::mutex> l(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  refresher_.join();
  workspace_->Stop();
}

void Server::RefreshLoop() {
  auto interval = std::chrono::duration_cast<std::chrono::milliseconds>(
      std::chrono::duration<double>(options_.refresh_interval));
  std::unique_lock<std::mutex> l(mu_);
  while (!cv_.wait_for(l, interval, [this] { return stop_; })) {
    l.unlock();
    Workspace& w = *workspace_;
    if (Status st = w.store().Refresh(); !st.ok()) spdlog::warn("store refresh: {}", st.ToString());
    if (Status st = w.segments().Reload(); !st.ok()) spdlog::warn("saved segments reload: {}", st.ToString());
    if (Status st = w.usage().Flush(); !st.ok()) spdlog::warn("tag usage flush: {}", st.ToString());
    auto snap = w.store().snapshot();
    if (snap->generation() != warmed_generation_) {
      if (Status st = WarmSnapshot(*snap); !st.ok())
        spdlog::warn("warming generation {}: {}", snap->generation(), st.ToString());
      if (Status st = profiles_->Current().status(); !st.ok()) {
        spdlog::warn("profile reader of generation {}: {}", snap->generation(), st.ToString());
      }
      warmed_generation_ = snap->generation();
      spdlog::info("serving generation {} (users={}, tags={})", snap->generation(), snap->universe_size(),
                   snap->tags().size());
    }
    l.lock();
  }
}

void ConfigureServerLogging(const std::string& level) {
  auto logger = spdlog::stderr_logger_mt("tagloop");
  logger->set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");
  logger->set_level(spdlog::level::from_str(level));
  spdlog::set_default_logger(logger);
}

void BlockTerminationSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
}

int WaitForTerminationSignal() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  int sig = 0;
  while (sigwait(&set, &sig) != 0) {
  }
  return sig;
}

}  // namespace tagloop
