// PolicyStore: the versioned suppression policy in the catalog database
// (table `outreach_policy`). Every Put is a new version; the highest is in
// force; a campaign's run records the version it planned with.
//
// Thread-safety: one connection guarded by a mutex; several processes may
// share the database.
#pragma once

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "catalog/catalog_db.h"
#include "core/status.h"
#include "core/wall_clock.h"
#include "outreach/policy.h"

namespace tagloop::outreach {

struct PolicyVersion {
  int64_t version = 0;  // 0: no policy stored yet (an empty policy)
  SuppressionPolicy policy;
  std::string changed_by;
  int64_t changed_ms = 0;
};

class PolicyStore {
 public:
  [[nodiscard]] static Result<std::unique_ptr<PolicyStore>> Open(const std::string& dir,
                                                                 WallClock* clock = WallClock::Default());
  // Stores `policy` as the next version and returns its number. A policy
  // equal to the current one stores nothing and returns the current number.
  [[nodiscard]] Result<int64_t> Put(const SuppressionPolicy& policy, std::string_view actor);
  // The policy in force (version 0 and an empty policy when none was stored).
  [[nodiscard]] Result<PolicyVersion> Current();
  // One version; NotFound when there is none.
  [[nodiscard]] Result<PolicyVersion> Get(int64_t version);

 private:
  PolicyStore(std::unique_ptr<CatalogDb> db, WallClock* clock) : db_(std::move(db)), clock_(clock) {}
  Result<PolicyVersion> Read(Statement& q);
  std::mutex mu_;
  std::unique_ptr<CatalogDb> db_;
  WallClock* clock_;
};

}  // namespace tagloop::outreach
