// What every API handler may use: the workspace (store, saved segments,
// catalog side, tokens, audit log, reports; app/workspace.h), production
// (producers, scheduler, real-time engine), the profile reader, metrics and
// settings. Owned by the Server; all members are thread-safe and outlive
// every request.
#pragma once

#include <functional>
#include <string_view>

#include "app/workspace.h"
#include "auth/audit_log.h"
#include "auth/token_store.h"
#include "catalog/catalog_documents.h"
#include "core/date.h"
#include "core/env.h"
#include "insight/tag_insight.h"
#include "produce/production.h"
#include "segment/saved_segments.h"
#include "segment/segment.h"
#include "server/http/api_router.h"
#include "server/http/http_message.h"
#include "server/profile_cache.h"
#include "server/http/server_metrics.h"
#include "server/server_options.h"
#include "server/http/web_assets.h"
#include "store/tag_store.h"

namespace tagloop {

struct ApiContext {
  Workspace* workspace = nullptr;    // the data directory's parts
  Production* production = nullptr;  // the workspace's producers, scheduler, real-time engine
  ProfileCache* profiles = nullptr;
  UniverseBaselines* baselines = nullptr;  // insight: universe figures per tag version
  const WebAssets* web = nullptr;          // the web UI served at "/" (null: none)
  ServerMetrics* metrics = nullptr;  // set by ApiService
  const ServerOptions* options = nullptr;
  Env* env = Env::Default();
  std::function<uint64_t()> open_connections;  // for /metrics; may be empty

  // Today on the business calendar (production's UTC offset, default +08:00)
  // by the Env clock: the default as-of date. Real-time tags' live versions
  // are dated this day, so default queries see them.
  Days Today() const {
    const int64_t offset = workspace ? workspace->utc_offset_minutes() * int64_t{60} : 0;
    return DaysFromUnixSeconds(env->NowUnixSeconds() + offset);
  }
};

// Which tags a caller's expressions may read, by the catalog's lifecycle:
// offline tags only for admins, drafts for operators and admins (they make
// tags), published and imported-only tags for everyone.
//
// Personal tags (CatalogView::personal: `personal: true` and composites
// derived from them) are refused in expressions, insight and reports for
// callers below operator, who see their values masked: any number computed
// from them (a count of `SEGMENT('one') AND birthday >= D`, a bucket of a
// one-member segment, a report's min/max) would unmask them, bisection
// recovering a birthday in about 14 counts. Refusing was chosen over a
// minimum cohort size: a cohort threshold is defeated by differencing
// (count(big) - count(big AND NOT birthday >= D)), refusal is not, and
// operators and admins are unaffected.
class CatalogTagAccess final : public TagAccess {
 public:
  CatalogTagAccess(std::shared_ptr<const CatalogView> view, Role role) : view_(std::move(view)), role_(role) {}
  // For expressions and every number derived from a tag: CheckVisible, then
  // PermissionDenied ("tag 'birthday' holds personal data: ...", 403) for a
  // personal tag when the role sees personal data masked. The binder asks
  // it for every tag an expression reads, inside saved segments too.
  Status Check(std::string_view tag) const override;
  // Lifecycle only (InvalidArgument when the role may not see the tag):
  // for export columns, where personal values are masked, not refused.
  Status CheckVisible(std::string_view tag) const;

 private:
  std::shared_ptr<const CatalogView> view_;
  Role role_;
};

// Query options for a caller: the date, saved segments, the caller's tag
// access and the request's deadline (`call` and `access` must outlive the
// query).
SegmentQueryOptions QueryOptionsFor(ApiContext& ctx, const ApiCall& call, Days as_of, const CatalogTagAccess* access);
CatalogTagAccess TagAccessFor(ApiContext& ctx, const ApiCall& call);
// Counts a use of every tag `expr` reads (usage statistics), by the caller.
void RecordTagUse(ApiContext& ctx, const ApiCall& call, const Snapshot& snapshot, std::string_view expr,
                  const SegmentQueryOptions& options, std::string_view kind);

// Personal data (tag definitions with `personal: true`): operators and
// admins read it; analysts and viewers get "***" instead of its values in
// exports and profiles (api_exports.cc).
bool SeesPersonalData(Role role);
// The personal tags of `view`, sorted by name (cached per view and thread).
std::shared_ptr<const std::vector<std::string>> PersonalTags(const std::shared_ptr<const CatalogView>& view);

// The tags of `view` a role may not see at all (drafts below operator,
// offline tags below admin; CatalogTagAccess::CheckVisible), sorted by
// name: profiles leave them out. Cached per view, role and thread.
std::shared_ptr<const std::vector<std::string>> HiddenTags(const std::shared_ptr<const CatalogView>& view, Role role);

// Records an audit entry for access to personal data. When the audit log
// refuses it (its buffer is full because the database cannot be written),
// the request must be refused too: the non-OK result holds that refusal.
[[nodiscard]] Status RecordAudit(ApiContext& ctx, AuditEntry entry);

// The 503 answer for a request refused because RecordAudit failed (logged).
HttpResponse AuditUnavailable(const Status& status);
// Audits a change that is already durable (an import, a deletion, a token):
// when the audit log refuses the entry the change stands and the server log
// says it went unaudited.
void AuditChange(ApiContext& ctx, AuditEntry entry);

}  // namespace tagloop
