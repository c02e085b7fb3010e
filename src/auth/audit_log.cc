#include "auth/audit_log.h"

#include <fmt/format.h>

#include <algorithm>

#include "auth/token_format.h"

namespace tagloop {

namespace {

constexpr size_t kMaxQueryLimit = 10'000;

}  // namespace

AuditEntry AuditEntry::For(const Principal& principal, std::string_view action, std::string_view target,
                           int64_t item_count) {
  AuditEntry e;
  e.principal_name = principal.name;
  e.token_id = principal.token_id;
  e.role = principal.role;
  e.action = action;
  e.target = target;
  e.item_count = item_count;
  return e;
}

AuditLog::AuditLog(std::unique_ptr<CatalogDb> db, const AuditLogOptions& options)
    : options_(options),
      clock_(options.clock != nullptr ? options.clock : WallClock::Default()),
      db_(std::move(db)) {}

Result<std::unique_ptr<AuditLog>> AuditLog::Open(const std::string& dir, const AuditLogOptions& options) {
  TAGLOOP_ASSIGN_OR_RETURN(auto db, CatalogDb::Open(dir, options.catalog));
  std::unique_ptr<AuditLog> log(new AuditLog(std::move(db), options));
  TAGLOOP_RETURN_IF_ERROR(log->PrepareStatements());
  if (options.background) log->thread_ = std::thread([l = log.get()] { l->WriterLoop(); });
  return log;
}

AuditLog::~AuditLog() {
  if (thread_.joinable()) {
    {
      std::lock_guard lock(buf_mu_);
      stop_ = true;
    }
    buf_cv_.notify_all();
    thread_.join();
  }
  (void)Flush();
}

Status AuditLog::PrepareStatements() {
  TAGLOOP_ASSIGN_OR_RETURN(insert_, db_->Prepare("INSERT INTO audit (at_unix_ms, principal_name, token_id, "
                                                 "role, action, target, item_count, detail) "
                                                 "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"));
  TAGLOOP_ASSIGN_OR_RETURN(
      query_,
      db_->Prepare(
          "SELECT id, at_unix_ms, principal_name, token_id, role, action, target, item_count, detail FROM "
          "audit "
          "WHERE at_unix_ms >= ?1 AND at_unix_ms < ?2 AND (?3 = '' OR action = ?3) "
          "AND (?4 = '' OR principal_name = ?4) AND (?5 = '' OR target = ?5) ORDER BY id DESC LIMIT ?6"));
  TAGLOOP_ASSIGN_OR_RETURN(prune_, db_->Prepare("DELETE FROM audit WHERE at_unix_ms < ?1"));
  return Status::Ok();
}

void AuditLog::Truncate(std::string& field) const {
  if (field.size() <= options_.max_field_bytes) return;
  size_t cut = options_.max_field_bytes > 3 ? options_.max_field_bytes - 3 : 0;
  while (cut > 0 && (static_cast<unsigned char>(field[cut]) & 0xC0) == 0x80) --cut;  // not inside a character
  field.resize(cut);
  field += "...";
}

Status AuditLog::Record(AuditEntry entry) {
  if (entry.action.empty()) return Status::InvalidArgument("an audit entry needs an action");
  if (entry.at_unix_ms == 0) entry.at_unix_ms = clock_->NowUnixMillis();
  RedactTokenSecrets(entry.target);
  RedactTokenSecrets(entry.detail);
  RedactTokenSecrets(entry.principal_name);
  Truncate(entry.target);
  Truncate(entry.detail);
  bool wake = false;
  {
    std::lock_guard lock(buf_mu_);
    if (unwritten_ >= options_.max_buffered) {
      return Status::ResourceExhausted(fmt::format(
          "the audit log cannot keep up ({} entries unwritten to '{}')", unwritten_, db_->path()));
    }
    buffer_.push_back(std::move(entry));
    ++unwritten_;
    wake = buffer_.size() == options_.batch_size;
  }
  if (wake) buf_cv_.notify_one();
  return Status::Ok();
}

Status AuditLog::FlushLocked() {
  std::vector<AuditEntry> batch;
  {
    std::lock_guard lock(buf_mu_);
    batch.swap(buffer_);
  }
  if (batch.empty()) return Status::Ok();
  Status st = [&]() -> Status {
    TAGLOOP_ASSIGN_OR_RETURN(auto tx, db_->Begin());
    for (const AuditEntry& e : batch) {
      insert_.Reset()
          .Bind(1, e.at_unix_ms)
          .Bind(2, e.principal_name)
          .Bind(3, e.token_id != 0 ? std::optional<int64_t>(e.token_id) : std::nullopt)
          .Bind(4, std::string_view(RoleName(e.role)))
          .Bind(5, e.action)
          .Bind(6, e.target)
          .Bind(7, e.item_count)
          .Bind(8, e.detail);
      TAGLOOP_RETURN_IF_ERROR(insert_.Run());
    }
    return tx.Commit();
  }();
  std::lock_guard lock(buf_mu_);
  if (!st.ok()) {
    // Keep them, in order, ahead of what was recorded meanwhile; retried later.
    batch.insert(batch.end(), std::make_move_iterator(buffer_.begin()),
                 std::make_move_iterator(buffer_.end()));
    buffer_.swap(batch);
    return st;
  }
  unwritten_ -= batch.size();
  return Status::Ok();
}

Status AuditLog::Flush() {
  std::lock_guard lock(write_mu_);
  return FlushLocked();
}

void AuditLog::WriterLoop() {
  bool failed = false;
  std::unique_lock lock(buf_mu_);
  while (true) {
    if (failed) {
      // Back off: a full buffer must not turn a failing disk into a busy loop.
      buf_cv_.wait_for(lock, options_.flush_interval, [this] { return stop_; });
    } else {
      buf_cv_.wait_for(lock, options_.flush_interval,
                       [this] { return stop_ || buffer_.size() >= options_.batch_size; });
    }
    if (stop_) return;  // the destructor flushes the rest
    lock.unlock();
    failed = !Flush().ok();
    lock.lock();
  }
}

Result<std::vector<AuditEntry>> AuditLog::Query(const AuditFilter& filter) {
  std::lock_guard lock(write_mu_);
  TAGLOOP_RETURN_IF_ERROR(FlushLocked());
  const int64_t limit = static_cast<int64_t>(std::min(filter.limit, kMaxQueryLimit));
  query_.Reset()
      .Bind(1, filter.since_unix_ms)
      .Bind(2, filter.until_unix_ms)
      .Bind(3, filter.action)
      .Bind(4, filter.principal_name)
      .Bind(5, filter.target)
      .Bind(6, limit);
  std::vector<AuditEntry> out;
  while (true) {
    auto row = query_.Step();
    if (!row.ok()) return row.status();  // Step resets on error
    if (!*row) break;
    AuditEntry e;
    e.id = query_.Int(0);
    e.at_unix_ms = query_.Int(1);
    e.principal_name = query_.Text(2);
    e.token_id = query_.OptionalInt(3).value_or(0);
    auto role = ParseRole(query_.Text(4));
    if (!role.ok()) {
      query_.Reset();
      return Status::Corruption(
          fmt::format("tagloop.db '{}': audit entry {} has a bad role", db_->path(), e.id));
    }
    e.role = *role;
    e.action = query_.Text(5);
    e.target = query_.Text(6);
    e.item_count = query_.Int(7);
    e.detail = query_.Text(8);
    out.push_back(std::move(e));
  }
  query_.Reset();
  return out;
}

Result<int64_t> AuditLog::Prune(int64_t before_unix_ms) {
  std::lock_guard lock(write_mu_);
  TAGLOOP_RETURN_IF_ERROR(FlushLocked());
  prune_.Reset().Bind(1, before_unix_ms);
  TAGLOOP_RETURN_IF_ERROR(prune_.Run());
  return db_->Changes();
}

size_t AuditLog::pending() const {
  std::lock_guard lock(buf_mu_);
  return unwritten_;
}

}  // namespace tagloop
