// TokenStore: API tokens (bearer secrets with a name and a role), kept in the
// api_tokens table of DIR/tagloop.db.
//
// A token's secret (token_format.h) is returned once, by Create; the database
// holds only its SHA-256. Tokens are never deleted, only revoked, so their ids
// stay meaningful in the audit log.
//
// Authenticate is the hot path of every HTTP request and never touches SQLite:
// it hashes the secret and looks it up in an in-memory map of the active
// tokens. The map is kept current by a background thread that, every
// `refresh_interval`, asks SQLite whether another connection committed
// (`PRAGMA data_version`, no disk read) and, only if the tokens' generation
// counter moved (bumped by triggers on api_tokens), reloads it. So a token
// revoked by another process (the CLI) stops working in a running server
// within refresh_interval (250 ms) plus a reload (well under a millisecond for
// thousands of tokens). Changes made through this object apply at once.
//
// Last use is recorded in memory (to the second) and written for all tokens
// in one transaction every `last_used_flush_interval` and on destruction; a
// crash loses at most that window of last_used_at updates, nothing else.
//
// Bootstrapping: the first admin token is made on the server's host with
// `tagloop token create --data DIR --role admin --name NAME` (this is what
// `make demo` does). Whoever can write the data directory is trusted; the
// API creates further tokens for admins only.
//
// Thread-safety: every method may be called concurrently from any thread.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <thread>
#include <unordered_map>
#include <vector>

#include "catalog/catalog_db.h"
#include "auth/roles.h"
#include "auth/token_format.h"
#include "core/wall_clock.h"
#include "core/status.h"

namespace tagloop {

struct TokenStoreOptions {
  // How often the background thread looks for changes made by other
  // connections (revocations, new tokens). Default 250 ms. Fixed at Open.
  std::chrono::milliseconds refresh_interval{250};
  // How often last-use times are written. Default 10 s. Fixed at Open.
  std::chrono::milliseconds last_used_flush_interval{10'000};
  // Fail closed: when the token map could not be checked against the
  // database for this long (the file vanished, the disk fails), Authenticate
  // returns IOError instead of trusting tokens that may have been revoked
  // since. Default 30 s; 0 disables. Only applies with `background`.
  std::chrono::milliseconds max_staleness{30'000};
  // Run the background thread. Without it the map changes only through this
  // object and Refresh() (what the CLI wants: it creates, lists and revokes,
  // and exits). Default true.
  bool background = true;
  // Wall clock for created_at, last_used_at and revoked_at; not owned, must
  // outlive the store. nullptr: WallClock::Default().
  WallClock* clock = nullptr;
  CatalogOptions catalog;
};

// What List and Get return: everything but the secret and its hash.
struct TokenInfo {
  int64_t id = 0;
  std::string name;
  Role role = Role::kViewer;
  int64_t created_at_ms = 0;  // unix milliseconds
  std::string created_by;     // who made it: "cli:<user>" or a token's name
  std::optional<int64_t> last_used_at_ms;
  std::optional<int64_t> revoked_at_ms;
  bool active() const { return !revoked_at_ms.has_value(); }
};

struct CreatedToken {
  int64_t id = 0;
  std::string secret;  // show it once, then forget it
};

class TokenStore {
 public:
  // Opens DIR/tagloop.db (see CatalogDb::Open for errors) and loads the
  // active tokens. With options.background, starts the refresh thread.
  [[nodiscard]] static Result<std::unique_ptr<TokenStore>> Open(const std::string& dir,
                                                                const TokenStoreOptions& options = {});
  // Stops the thread and writes pending last-use times (errors ignored).
  ~TokenStore();
  TokenStore(const TokenStore&) = delete;
  TokenStore& operator=(const TokenStore&) = delete;

  // A token name: 1-64 bytes, no control characters, no leading or trailing
  // space, and not a token secret (a pasted secret must not end up stored in
  // clear as a name). InvalidArgument otherwise.
  [[nodiscard]] static Status ValidateName(std::string_view name);

  // Creates a token and returns its id and secret; the secret cannot be
  // recovered later. Names need not be unique (the id is the identity).
  // InvalidArgument for a bad name or an empty/over-long (128 bytes)
  // created_by; IOError when the database write fails (nothing was
  // created). The token works in this process at once.
  [[nodiscard]] Result<CreatedToken> Create(std::string_view name, Role role, std::string_view created_by);

  // Who holds `secret`. Unauthenticated when it is empty, malformed, unknown
  // or revoked; the message never contains the secret. IOError when the map
  // is stale beyond max_staleness. Lock-free of SQLite; about 1 us.
  [[nodiscard]] Result<Principal> Authenticate(std::string_view secret);

  // Revokes token `id` (it stops working in this process at once, in others
  // within refresh_interval). Revoking a revoked token is OK and keeps the
  // first revocation time. NotFound when there is no such token.
  [[nodiscard]] Status Revoke(int64_t id);

  // Every token, revoked ones included, by id. NotFound for an unknown id.
  [[nodiscard]] Result<std::vector<TokenInfo>> List();
  [[nodiscard]] Result<TokenInfo> Get(int64_t id);

  // Reloads the map now if the database changed (what the background thread
  // does). On error the old map stays in use.
  [[nodiscard]] Status Refresh();
  // Writes pending last-use times now, in one transaction.
  [[nodiscard]] Status FlushLastUsed();

 private:
  struct ActiveToken;
  // Active tokens by the first 8 bytes of their hash (a multimap, so equal
  // prefixes are still correct); the full hash is compared in constant time.
  using TokenMap = std::unordered_multimap<uint64_t, std::shared_ptr<ActiveToken>>;

  TokenStore(std::unique_ptr<CatalogDb> db, const TokenStoreOptions& options);
  Status PrepareStatements();
  Status ReloadLocked();   // db_mu_ held
  Status RefreshLocked();  // db_mu_ held
  Status FlushLastUsedLocked();
  std::shared_ptr<const TokenMap> CurrentMap() const;
  Result<TokenInfo> ReadInfo(Statement& s);
  void BackgroundLoop();
  void MarkVerified();

  const TokenStoreOptions options_;
  WallClock* const clock_;

  // The database side: one connection, its statements and what we last saw.
  std::mutex db_mu_;
  std::unique_ptr<CatalogDb> db_;
  Statement insert_, revoke_, exists_, select_active_, select_all_, select_one_, generation_, touch_;
  int64_t seen_data_version_ = -1;
  int64_t seen_generation_ = -1;

  // The in-memory map, swapped whole on reload.
  mutable std::shared_mutex map_mu_;
  std::shared_ptr<const TokenMap> map_;
  std::atomic<int64_t> verified_steady_ms_{0};

  std::mutex stop_mu_;
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace tagloop
