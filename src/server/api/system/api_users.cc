// GET /users/{id}/profile (audited) and DELETE /users/{id} (the right to be
// forgotten; audited; runs on the blocking pool: it rewrites tag versions).
#include <fmt/format.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "server/api/api_context.h"
#include "server/api/api_json.h"
#include "server/api/api_routes.h"
#include "server/api/api_values.h"
#include "store/profile.h"

namespace tagloop {

namespace {

// Written by hand: this is the hot path (20,000+ look-ups a second).
// Values of the tags in `masked` (sorted; personal data the caller may not
// read) are written as "***"; *masked_out gets those the profile holds. Tags
// in `hidden` (sorted; drafts and offline tags the caller may not see) are
// left out, as if the user had no value.
std::string ProfileJson(const Profile& p, Days as_of, const std::vector<std::string>& masked,
                        const std::vector<std::string>& hidden, std::string* masked_out) {
  std::string out;
  out.reserve(256 + p.tags.size() * 48);
  out += "{\"user_id\":";
  AppendJsonString(out, p.external_id);
  out += ",\"as_of\":\"";
  out += FormatDate(as_of);
  out += "\",\"tags\":{";
  bool first = true;
  for (const auto& [name, value] : p.tags) {
    if (!hidden.empty() && std::binary_search(hidden.begin(), hidden.end(), name)) continue;
    if (!first) out.push_back(',');
    first = false;
    AppendJsonString(out, name);
    out.push_back(':');
    if (!masked.empty() && std::binary_search(masked.begin(), masked.end(), name)) {
      out += "\"***\"";
      if (!masked_out->empty()) masked_out->push_back(',');
      *masked_out += name;
      continue;
    }
    AppendTagValueJson(out, value.type, value.values);
  }
  out += "}}\n";
  return out;
}

Result<HttpResponse> GetProfile(ApiContext& ctx, ApiCall& call) {
  const std::string& external_id = call.path_params[0];
  TAGLOOP_ASSIGN_OR_RETURN(Days as_of, QueryDate(call, "as_of", ctx.Today()));
  TAGLOOP_ASSIGN_OR_RETURN(std::shared_ptr<const ProfileReader> reader, ctx.profiles->Current());
  // One Profile per thread, reused: no allocation per tag on the hot path.
  thread_local Profile profile;
  auto start = std::chrono::steady_clock::now();
  Status found = reader->Lookup(external_id, as_of, &profile);
  int64_t micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  ctx.metrics->RecordQuery(QueryKind::kProfile, found.ok() || found.code() == Status::Code::kNotFound,
                           micros);
  // Every look-up is audited, misses too (probing for ids is access as well).
  AuditEntry entry =
      AuditEntry::For(call.principal, audit_action::kUsersProfile, external_id, found.ok() ? 1 : 0);
  if (Status st = RecordAudit(ctx, std::move(entry)); !st.ok()) return AuditUnavailable(st);
  if (!found.ok()) return found;
  // A profile reads every tag: counted once under "*" (kind "profile"), not
  // per tag, to keep the look-up at microseconds.
  ctx.workspace->usage().Record("*", "profile", call.principal.name);
  static const std::vector<std::string> kNone;
  auto view = ctx.production->scheduler().view();
  std::shared_ptr<const std::vector<std::string>> personal;
  if (!SeesPersonalData(call.principal.role)) personal = PersonalTags(view);
  std::shared_ptr<const std::vector<std::string>> hidden = HiddenTags(view, call.principal.role);
  std::string masked;
  HttpResponse r;
  r.body = ProfileJson(profile, as_of, personal ? *personal : kNone, *hidden, &masked);
  if (!masked.empty()) r.headers.emplace_back("X-Tagloop-Masked", std::move(masked));
  return r;
}

Result<HttpResponse> DeleteUser(ApiContext& ctx, ApiCall& call) {
  const std::string& external_id = call.path_params[0];
  // The real-time engine (new users of an event batch) or a producer may
  // hold the store's write lock for a moment: wait for it, as they wait
  // for each other, rather than answer 409 to a request that is fine.
  Result<std::unique_ptr<StoreWriter>> begun = ctx.workspace->store().BeginWrite();
  for (const auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(10);
       !begun.ok() && begun.status().code() == Status::Code::kFailedPrecondition &&
       std::chrono::steady_clock::now() < give_up;) {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    begun = ctx.workspace->store().BeginWrite();
  }
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<StoreWriter> writer, std::move(begun));
  // The writer's base is the newest published state (BeginWrite refreshes).
  const Snapshot& base = writer->base();
  TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dict, base.dictionary());
  std::optional<uint32_t> user = dict->Find(external_id);
  if (!user || !roaring_bitmap_contains(base.universe(), *user)) {
    return Status::NotFound(fmt::format("unknown user '{}'", external_id));
  }
  uint32_t users[] = {*user};
  TAGLOOP_RETURN_IF_ERROR(writer->DeleteUsers(users));
  TAGLOOP_RETURN_IF_ERROR(writer->Commit());
  // Done and durable; an audit failure is logged, the deletion stands.
  AuditChange(ctx, AuditEntry::For(call.principal, audit_action::kUsersDelete, external_id, 1));
  HttpResponse r;
  r.status = 204;
  return r;
}

}  // namespace

void AddUserRoutes(ApiRouter& router) {
  router.Add(
      ApiV1Route("GET", "/users/{id}/profile", Role::kAnalyst, GetProfile, ApiBodyKind::kNone, {"as_of"}));
  router.Add(ApiV1Route("DELETE", "/users/{id}", Role::kOperator, DeleteUser, ApiBodyKind::kNone, {},
                        /*blocking=*/true));
}

}  // namespace tagloop
