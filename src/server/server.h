// Server: `tagloop serve` as an object. Opens the data directory (tag store,
// saved segments, tokens, audit log, tag production), warms what the first requests need,
// serves the API (api_service.h) over HTTP (http_server.h), and keeps up
// with other processes: every refresh_interval a background thread re-reads
// the store's MANIFEST (TagStore::Refresh: readers never pause, each request
// works on the snapshot it took), reloads saved segments, and warms a newly
// published state (user dictionary index, latest tag versions).
//
// Lifecycle: Open (binds the port) -> Start -> Stop (graceful: see
// HttpServer::Stop). Thread-safety: Open/Start/Stop from one thread.
#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "app/workspace.h"
#include "core/status.h"
#include "insight/tag_insight.h"
#include "server/api/api_service.h"
#include "server/http/http_server.h"
#include "server/profile_cache.h"
#include "server/server_options.h"
#include "store/tag_store.h"

namespace tagloop {

class Server {
 public:
  // NotFound when options.data is not a directory (it is never created: a
  // mistyped path must not become an empty store); an empty directory gets
  // an empty store. Errors of the store, the catalog or the listen address.
  static Result<std::unique_ptr<Server>> Open(const ServerOptions& options);
  ~Server();

  uint16_t port() const { return http_->port(); }
  std::string address() const { return http_->address(); }

  void Start();
  // Graceful stop; idempotent. Flushes the audit log.
  void Stop();

  ApiService& service() { return *service_; }
  Workspace& workspace() { return *workspace_; }
  TagStore& store() { return workspace_->store(); }
  TokenStore& tokens() { return workspace_->tokens(); }
  AuditLog& audit() { return workspace_->audit(); }
  Production& production() { return workspace_->production(); }

 private:
  explicit Server(const ServerOptions& options) : options_(options) {}
  void RefreshLoop();

  ServerOptions options_;
  std::unique_ptr<Workspace> workspace_;  // the data directory's parts
  std::unique_ptr<ProfileCache> profiles_;
  std::unique_ptr<UniverseBaselines> baselines_;  // insight's per-version universe figures
  std::unique_ptr<WebAssets> web_;  // the web UI's files (null: not built or web_root none)
  std::unique_ptr<ApiService> service_;
  std::unique_ptr<HttpServer> http_;

  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool started_ = false;
  std::thread refresher_;
  uint64_t warmed_generation_ = 0;
};

// Warms a snapshot for its first requests: builds the user dictionary's hash
// index and opens (verifies, maps) each tag's latest version. (The server
// also builds the snapshot's ProfileReader.)
Status WarmSnapshot(const Snapshot& snapshot);

// Sets up spdlog (stderr, ISO time, `level`) for the server.
void ConfigureServerLogging(const std::string& level);

// SIGTERM and SIGINT: BlockTerminationSignals() before any thread starts (so
// every thread inherits the mask), then WaitForTerminationSignal() blocks
// the caller until one arrives and returns its number.
void BlockTerminationSignals();
int WaitForTerminationSignal();

}  // namespace tagloop
