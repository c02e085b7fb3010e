#include "auth/token_store.h"

#include <fmt/format.h>

#include <algorithm>
#include <cstring>

namespace tagloop {

// One active token in the in-memory map. Immutable but for the last-use
// times: `last_used_ms` is written by Authenticate (relaxed: it is a hint),
// `flushed_ms` only under db_mu_.
struct TokenStore::ActiveToken {
  TokenHash hash;
  Principal principal;
  std::atomic<int64_t> last_used_ms{0};
  int64_t flushed_ms = 0;
};

namespace {

constexpr size_t kMaxNameBytes = 64;
constexpr size_t kMaxCreatedByBytes = 128;
constexpr int64_t kLastUsedResolutionMs = 1000;

uint64_t MapKey(const TokenHash& h) {
  uint64_t k;
  std::memcpy(&k, h.data(), sizeof k);
  return k;
}

int64_t SteadyMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

bool HasControlChar(std::string_view s) {
  for (unsigned char c : s) {
    if (c < 0x20 || c == 0x7f) return true;
  }
  return false;
}

}  // namespace

Status TokenStore::ValidateName(std::string_view name) {
  if (name.empty() || name.size() > kMaxNameBytes) {
    return Status::InvalidArgument(fmt::format("a token name has 1 to {} bytes", kMaxNameBytes));
  }
  if (HasControlChar(name))
    return Status::InvalidArgument("a token name must not contain control characters");
  if (name.front() == ' ' || name.back() == ' ') {
    return Status::InvalidArgument("a token name must not start or end with a space");
  }
  std::string copy(name);
  if (IsWellFormedTokenSecret(name) || RedactTokenSecrets(copy)) {
    return Status::InvalidArgument("a token name must not be a token secret");
  }
  return Status::Ok();
}

TokenStore::TokenStore(std::unique_ptr<CatalogDb> db, const TokenStoreOptions& options)
    : options_(options),
      clock_(options.clock != nullptr ? options.clock : WallClock::Default()),
      db_(std::move(db)),
      map_(std::make_shared<const TokenMap>()) {}

Result<std::unique_ptr<TokenStore>> TokenStore::Open(const std::string& dir,
                                                     const TokenStoreOptions& options) {
  TAGLOOP_ASSIGN_OR_RETURN(auto db, CatalogDb::Open(dir, options.catalog));
  std::unique_ptr<TokenStore> store(new TokenStore(std::move(db), options));
  {
    std::lock_guard lock(store->db_mu_);
    TAGLOOP_RETURN_IF_ERROR(store->PrepareStatements());
    TAGLOOP_RETURN_IF_ERROR(store->RefreshLocked());
  }
  if (options.background) store->thread_ = std::thread([s = store.get()] { s->BackgroundLoop(); });
  return store;
}

TokenStore::~TokenStore() {
  if (thread_.joinable()) {
    {
      std::lock_guard lock(stop_mu_);
      stop_ = true;
    }
    stop_cv_.notify_all();
    thread_.join();
  }
  (void)FlushLastUsed();
}

Status TokenStore::PrepareStatements() {
  TAGLOOP_ASSIGN_OR_RETURN(insert_, db_->Prepare("INSERT INTO api_tokens (name, role, secret_sha256, "
                                                 "created_at_ms, created_by) VALUES (?1, ?2, ?3, ?4, ?5)"));
  TAGLOOP_ASSIGN_OR_RETURN(
      revoke_,
      db_->Prepare("UPDATE api_tokens SET revoked_at_ms = ?1 WHERE id = ?2 AND revoked_at_ms IS NULL"));
  TAGLOOP_ASSIGN_OR_RETURN(exists_, db_->Prepare("SELECT 1 FROM api_tokens WHERE id = ?1"));
  TAGLOOP_ASSIGN_OR_RETURN(select_active_,
                           db_->Prepare("SELECT id, name, role, secret_sha256, last_used_at_ms FROM "
                                        "api_tokens WHERE revoked_at_ms IS NULL"));
  constexpr const char* kInfoColumns =
      "SELECT id, name, role, created_at_ms, created_by, last_used_at_ms, revoked_at_ms FROM api_tokens";
  TAGLOOP_ASSIGN_OR_RETURN(select_all_, db_->Prepare(fmt::format("{} ORDER BY id", kInfoColumns)));
  TAGLOOP_ASSIGN_OR_RETURN(select_one_, db_->Prepare(fmt::format("{} WHERE id = ?1", kInfoColumns)));
  TAGLOOP_ASSIGN_OR_RETURN(generation_,
                           db_->Prepare("SELECT value FROM catalog_state WHERE key = 'tokens_generation'"));
  TAGLOOP_ASSIGN_OR_RETURN(touch_, db_->Prepare("UPDATE api_tokens SET last_used_at_ms = ?1 WHERE id = ?2 "
                                                "AND (last_used_at_ms IS NULL OR last_used_at_ms < ?1)"));
  return Status::Ok();
}

std::shared_ptr<const TokenStore::TokenMap> TokenStore::CurrentMap() const {
  std::shared_lock lock(map_mu_);
  return map_;
}

void TokenStore::MarkVerified() { verified_steady_ms_.store(SteadyMs(), std::memory_order_relaxed); }

// ------------------------------------------------------------ hot path

Result<Principal> TokenStore::Authenticate(std::string_view secret) {
  if (secret.empty()) return Status::Unauthenticated("missing token");
  if (!IsWellFormedTokenSecret(secret)) {
    return Status::Unauthenticated(fmt::format("malformed token (expected '{}' and {} more characters)",
                                               kTokenPrefix, kTokenLength - kTokenPrefix.size()));
  }
  if (options_.background && options_.max_staleness.count() > 0 &&
      SteadyMs() - verified_steady_ms_.load(std::memory_order_relaxed) > options_.max_staleness.count()) {
    return Status::IOError(fmt::format("cannot check tokens against '{}' for over {} ms; refusing all tokens",
                                       db_->path(), options_.max_staleness.count()));
  }
  TAGLOOP_ASSIGN_OR_RETURN(TokenHash hash, HashTokenSecret(secret));
  std::shared_lock lock(map_mu_);
  auto [it, end] = map_->equal_range(MapKey(hash));
  for (; it != end; ++it) {
    ActiveToken& t = *it->second;
    if (!TokenHashEquals(t.hash, hash)) continue;
    // Store at most once a second per token: no cache-line ping-pong between
    // cores that authenticate the same token.
    const int64_t now_ms = clock_->NowUnixMillis();
    if (now_ms - t.last_used_ms.load(std::memory_order_relaxed) >= kLastUsedResolutionMs) {
      t.last_used_ms.store(now_ms, std::memory_order_relaxed);
    }
    return t.principal;
  }
  return Status::Unauthenticated("unknown or revoked token");
}

// ------------------------------------------------------------ map upkeep

Status TokenStore::ReloadLocked() {
  auto fresh = std::make_shared<TokenMap>();
  int64_t generation = 0;
  {
    // One read transaction: the tokens and the generation that describes them.
    TAGLOOP_ASSIGN_OR_RETURN(auto tx, db_->Begin(/*immediate=*/false));
    generation_.Reset();
    TAGLOOP_ASSIGN_OR_RETURN(bool row, generation_.Step());
    if (!row)
      return Status::Corruption(fmt::format("tagloop.db '{}': no tokens_generation row", db_->path()));
    generation = generation_.Int(0);
    generation_.Reset();

    select_active_.Reset();
    while (true) {
      TAGLOOP_ASSIGN_OR_RETURN(bool more, select_active_.Step());
      if (!more) break;
      auto t = std::make_shared<ActiveToken>();
      t->principal.token_id = select_active_.Int(0);
      t->principal.name = select_active_.Text(1);
      auto role = ParseRole(select_active_.Text(2));
      std::string hash = select_active_.Blob(3);
      if (!role.ok() || hash.size() != t->hash.size()) {
        select_active_.Reset();
        return Status::Corruption(fmt::format("tagloop.db '{}': token {} has a bad role or hash", db_->path(),
                                              t->principal.token_id));
      }
      t->principal.role = *role;
      std::memcpy(t->hash.data(), hash.data(), t->hash.size());
      t->flushed_ms = select_active_.OptionalInt(4).value_or(0);
      t->last_used_ms.store(t->flushed_ms, std::memory_order_relaxed);
      fresh->emplace(MapKey(t->hash), std::move(t));
    }
    select_active_.Reset();
    TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  }
  // Keep last-use times recorded in memory but not yet written.
  auto old = CurrentMap();
  for (auto& [key, t] : *fresh) {
    auto [it, end] = old->equal_range(key);
    for (; it != end; ++it) {
      const ActiveToken& o = *it->second;
      if (o.principal.token_id != t->principal.token_id) continue;
      t->last_used_ms.store(std::max(t->last_used_ms.load(), o.last_used_ms.load()),
                            std::memory_order_relaxed);
      t->flushed_ms = std::max(t->flushed_ms, o.flushed_ms);
    }
  }
  {
    std::unique_lock lock(map_mu_);
    map_ = std::move(fresh);
  }
  seen_generation_ = generation;
  MarkVerified();
  return Status::Ok();
}

Status TokenStore::RefreshLocked() {
  TAGLOOP_ASSIGN_OR_RETURN(int64_t dv, db_->DataVersion());
  if (dv == seen_data_version_) {
    MarkVerified();
    return Status::Ok();
  }
  // Something was committed by another connection; often only the audit log
  // or last-use times. Reload only when the tokens' generation moved.
  generation_.Reset();
  TAGLOOP_ASSIGN_OR_RETURN(bool row, generation_.Step());
  if (!row) return Status::Corruption(fmt::format("tagloop.db '{}': no tokens_generation row", db_->path()));
  const int64_t generation = generation_.Int(0);
  generation_.Reset();
  if (generation != seen_generation_) TAGLOOP_RETURN_IF_ERROR(ReloadLocked());
  seen_data_version_ = dv;
  MarkVerified();
  return Status::Ok();
}

Status TokenStore::Refresh() {
  std::lock_guard lock(db_mu_);
  return RefreshLocked();
}

Status TokenStore::FlushLastUsedLocked() {
  auto map = CurrentMap();
  std::vector<std::pair<ActiveToken*, int64_t>> dirty;
  for (const auto& [key, t] : *map) {
    int64_t used = t->last_used_ms.load(std::memory_order_relaxed);
    if (used > t->flushed_ms) dirty.emplace_back(t.get(), used);
  }
  if (dirty.empty()) return Status::Ok();
  TAGLOOP_ASSIGN_OR_RETURN(auto tx, db_->Begin());
  for (auto& [t, used] : dirty) {
    touch_.Reset().Bind(1, used).Bind(2, t->principal.token_id);
    TAGLOOP_RETURN_IF_ERROR(touch_.Run());
  }
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  for (auto& [t, used] : dirty) t->flushed_ms = used;
  return Status::Ok();
}

Status TokenStore::FlushLastUsed() {
  std::lock_guard lock(db_mu_);
  return FlushLastUsedLocked();
}

void TokenStore::BackgroundLoop() {
  auto next_flush = std::chrono::steady_clock::now() + options_.last_used_flush_interval;
  std::unique_lock stop_lock(stop_mu_);
  while (!stop_cv_.wait_for(stop_lock, options_.refresh_interval, [this] { return stop_; })) {
    stop_lock.unlock();
    // Errors keep the old map; Authenticate fails closed after max_staleness.
    (void)Refresh();
    if (std::chrono::steady_clock::now() >= next_flush) {
      (void)FlushLastUsed();  // retried at the next interval
      next_flush = std::chrono::steady_clock::now() + options_.last_used_flush_interval;
    }
    stop_lock.lock();
  }
}

// ------------------------------------------------------------ management

Result<CreatedToken> TokenStore::Create(std::string_view name, Role role, std::string_view created_by) {
  TAGLOOP_RETURN_IF_ERROR(ValidateName(name));
  if (created_by.empty() || created_by.size() > kMaxCreatedByBytes || HasControlChar(created_by)) {
    return Status::InvalidArgument(
        fmt::format("created_by has 1 to {} bytes without control characters", kMaxCreatedByBytes));
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::string secret, GenerateTokenSecret());
  TAGLOOP_ASSIGN_OR_RETURN(TokenHash hash, HashTokenSecret(secret));
  std::lock_guard lock(db_mu_);
  insert_.Reset()
      .Bind(1, name)
      .Bind(2, std::string_view(RoleName(role)))
      .BindBlob(3, hash.data(), hash.size())
      .Bind(4, clock_->NowUnixMillis())
      .Bind(5, created_by);
  TAGLOOP_RETURN_IF_ERROR(insert_.Run());
  CreatedToken created{db_->LastInsertRowId(), std::move(secret)};
  // Our own commit does not move data_version for this connection: reload.
  TAGLOOP_RETURN_IF_ERROR(ReloadLocked());
  return created;
}

Status TokenStore::Revoke(int64_t id) {
  std::lock_guard lock(db_mu_);
  revoke_.Reset().Bind(1, clock_->NowUnixMillis()).Bind(2, id);
  TAGLOOP_RETURN_IF_ERROR(revoke_.Run());
  if (db_->Changes() == 0) {
    exists_.Reset().Bind(1, id);
    TAGLOOP_ASSIGN_OR_RETURN(bool found, exists_.Step());
    exists_.Reset();
    if (!found) return Status::NotFound(fmt::format("no token with id {}", id));
    return Status::Ok();  // already revoked
  }
  return ReloadLocked();
}

Result<TokenInfo> TokenStore::ReadInfo(Statement& s) {
  TokenInfo info;
  info.id = s.Int(0);
  info.name = s.Text(1);
  auto role = ParseRole(s.Text(2));
  if (!role.ok()) {
    return Status::Corruption(fmt::format("tagloop.db '{}': token {} has a bad role", db_->path(), info.id));
  }
  info.role = *role;
  info.created_at_ms = s.Int(3);
  info.created_by = s.Text(4);
  info.last_used_at_ms = s.OptionalInt(5);
  info.revoked_at_ms = s.OptionalInt(6);
  // Uses seen by this process but not yet written.
  auto map = CurrentMap();
  for (const auto& [key, t] : *map) {
    if (t->principal.token_id != info.id) continue;
    int64_t used = t->last_used_ms.load(std::memory_order_relaxed);
    if (used > info.last_used_at_ms.value_or(0)) info.last_used_at_ms = used;
  }
  return info;
}

Result<std::vector<TokenInfo>> TokenStore::List() {
  std::lock_guard lock(db_mu_);
  std::vector<TokenInfo> out;
  select_all_.Reset();
  while (true) {
    auto more = select_all_.Step();
    if (!more.ok() || !*more) {
      select_all_.Reset();
      if (!more.ok()) return more.status();
      return out;
    }
    auto info = ReadInfo(select_all_);
    if (!info.ok()) {
      select_all_.Reset();
      return info.status();
    }
    out.push_back(std::move(*info));
  }
}

Result<TokenInfo> TokenStore::Get(int64_t id) {
  std::lock_guard lock(db_mu_);
  select_one_.Reset().Bind(1, id);
  TAGLOOP_ASSIGN_OR_RETURN(bool row, select_one_.Step());
  if (!row) return Status::NotFound(fmt::format("no token with id {}", id));
  auto info = ReadInfo(select_one_);
  select_one_.Reset();
  return info;
}

}  // namespace tagloop
