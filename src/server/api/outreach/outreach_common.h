// What the outreach handlers (api_outreach.cc, api_journeys.cc) share: the
// campaign (or journey) a route's path names, and the audited answer of a
// page of personal rows (recipients, users waiting in a journey).
#pragma once

#include <fmt/format.h>

#include "app/outreach_service.h"
#include "server/api/api_context.h"
#include "server/api/api_json.h"

namespace tagloop {

// The campaign a route's path names: its id ("c…") or its name.
inline Result<outreach::CampaignRecord> PathCampaign(ApiContext& ctx, const ApiCall& call) {
  const std::string& key = call.path_params[0];
  Result<outreach::CampaignRecord> by_id = ctx.workspace->outreach().campaigns().Get(key);
  if (by_id.ok() || by_id.status().code() != Status::Code::kNotFound) return by_id;
  return ctx.workspace->outreach().campaigns().GetByName(key);
}

// {"<key>": rows, "next_cursor"}, once the read is in the audit log (`action`
// on `target`, with `detail`, counting the rows); 503 when it cannot be.
inline Result<HttpResponse> AuditedPage(ApiContext& ctx, const ApiCall& call, std::string_view action,
                                        const std::string& target, std::string detail, const char* key,
                                        nlohmann::json rows, int64_t next) {
  AuditEntry e = AuditEntry::For(call.principal, action, target, static_cast<int64_t>(rows.size()));
  e.detail = std::move(detail);
  if (Status st = RecordAudit(ctx, std::move(e)); !st.ok()) return AuditUnavailable(st);
  return JsonResponse({{key, std::move(rows)},
                       {"next_cursor", next < 0 ? nlohmann::json(nullptr) : nlohmann::json(std::to_string(next))}});
}

}  // namespace tagloop
