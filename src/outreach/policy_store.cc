#include "outreach/policy_store.h"

#include <fmt/format.h>

namespace tagloop::outreach {

Result<std::unique_ptr<PolicyStore>> PolicyStore::Open(const std::string& dir, WallClock* clock) {
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<CatalogDb> db, CatalogDb::Open(dir));
  return std::unique_ptr<PolicyStore>(new PolicyStore(std::move(db), clock));
}

Result<PolicyVersion> PolicyStore::Read(Statement& q) {
  PolicyVersion v;
  v.version = q.Int(0);
  Json body = Json::parse(q.Text(1), nullptr, false);
  Result<SuppressionPolicy> policy = SuppressionPolicy::FromJson(body);
  if (!policy.ok()) {
    return Status::Corruption(fmt::format("outreach policy version {}: {}", v.version, policy.status().message()));
  }
  v.policy = std::move(*policy);
  v.changed_by = q.Text(2);
  v.changed_ms = q.Int(3);
  return v;
}

Result<int64_t> PolicyStore::Put(const SuppressionPolicy& policy, std::string_view actor) {
  const std::string body = policy.ToJson().dump();
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(CatalogDb::Transaction tx, db_->Begin());
  TAGLOOP_ASSIGN_OR_RETURN(Statement cur,
                           db_->Prepare("SELECT version, body_json FROM outreach_policy ORDER BY version DESC LIMIT 1"));
  TAGLOOP_ASSIGN_OR_RETURN(bool exists, cur.Step());
  if (exists && cur.Text(1) == body) return cur.Int(0);
  const int64_t version = exists ? cur.Int(0) + 1 : 1;
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("INSERT INTO outreach_policy (version, body_json, changed_by, "
                                                     "changed_ms) VALUES (?1, ?2, ?3, ?4)"));
  TAGLOOP_RETURN_IF_ERROR(q.Bind(1, version).Bind(2, body).Bind(3, actor).Bind(4, clock_->NowUnixMillis()).Run());
  TAGLOOP_RETURN_IF_ERROR(tx.Commit());
  return version;
}

Result<PolicyVersion> PolicyStore::Current() {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT version, body_json, changed_by, changed_ms FROM "
                                                     "outreach_policy ORDER BY version DESC LIMIT 1"));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return PolicyVersion{};
  return Read(q);
}

Result<PolicyVersion> PolicyStore::Get(int64_t version) {
  std::lock_guard lock(mu_);
  TAGLOOP_ASSIGN_OR_RETURN(Statement q, db_->Prepare("SELECT version, body_json, changed_by, changed_ms FROM "
                                                     "outreach_policy WHERE version = ?1"));
  TAGLOOP_ASSIGN_OR_RETURN(bool row, q.Bind(1, version).Step());
  if (!row) {
    return Status::NotFound(fmt::format("no outreach policy version {}", version))
        .With(ErrorReason::kNotFound, {{"kind", "policy"}, {"name", std::to_string(version)}});
  }
  return Read(q);
}

}  // namespace tagloop::outreach
