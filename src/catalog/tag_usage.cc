#include "catalog/tag_usage.h"

#include <algorithm>

namespace tagloop {

Result<std::unique_ptr<TagUsage>> TagUsage::Open(const std::string& dir, WallClock* clock) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<CatalogDb> db, CatalogDb::Open(dir));
  return std::unique_ptr<TagUsage>(new TagUsage(std::move(db), clock));
}

void TagUsage::Record(std::string_view tag, std::string_view kind, std::string_view principal, uint64_t uses) {
  int64_t now = clock_->NowUnixMillis();
  std::lock_guard lock(pending_mu_);
  Pending& p = pending_[Key(std::string(tag), std::string(kind), std::string(principal))];
  p.uses += uses;
  // Another thread may have read a later clock and recorded first.
  p.last_used_ms = std::max(p.last_used_ms, now);
}

Status TagUsage::Flush() {
  std::map<Key, Pending, std::less<>> batch;
  {
    std::lock_guard lock(pending_mu_);
    batch.swap(pending_);
  }
  if (batch.empty()) return Status::Ok();
  std::lock_guard lock(db_mu_);
  Status written = [&]() -> Status {
    TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
    TAGLOOP_ASSIGN_OR_RETURN(Statement q,
                             db_->Prepare("INSERT INTO tag_usage (tag, kind, principal, uses, last_used_ms) "
                                          "VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (tag, kind, principal) DO UPDATE "
                                          "SET uses = uses + excluded.uses, "
                                          "last_used_ms = max(last_used_ms, excluded.last_used_ms)"));
    for (const auto& [key, p] : batch) {
      q.Reset().Bind(1, std::get<0>(key)).Bind(2, std::get<1>(key)).Bind(3, std::get<2>(key));
      TAGLOOP_RETURN_IF_ERROR(q.Bind(4, static_cast<int64_t>(p.uses)).Bind(5, p.last_used_ms).Run());
    }
    return tx.Commit();
  }();
  if (!written.ok()) {  // keep the counts for the next flush
    std::lock_guard pending_lock(pending_mu_);
    for (const auto& [key, p] : batch) {
      Pending& into = pending_[key];
      into.uses += p.uses;
      into.last_used_ms = std::max(into.last_used_ms, p.last_used_ms);
    }
  }
  return written;
}

Result<std::vector<TagUsageRow>> TagUsage::Rows(std::string_view tag) {
  std::lock_guard lock(db_mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT tag, kind, principal, uses, last_used_ms FROM tag_usage "
                                                     "WHERE ?1 = '' OR tag = ?1 ORDER BY uses DESC, tag, kind, "
                                                     "principal"));
  q.Bind(1, tag);
  std::vector<TagUsageRow> out;
  for (;;) {
    TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(TagUsageRow{q.Text(0), q.Text(1), q.Text(2), static_cast<uint64_t>(q.Int(3)), q.Int(4)});
  }
  return out;
}

}  // namespace tagloop
