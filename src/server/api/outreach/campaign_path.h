// The campaign (or journey) a route's path names: its id ("c…") or its name.
// Shared by api_outreach.cc and api_journeys.cc.
#pragma once

#include "app/outreach_service.h"
#include "server/api/api_context.h"

namespace tagloop {

inline Result<outreach::CampaignRecord> PathCampaign(ApiContext& ctx, const ApiCall& call) {
  const std::string& key = call.path_params[0];
  Result<outreach::CampaignRecord> by_id = ctx.workspace->outreach().campaigns().Get(key);
  if (by_id.ok() || by_id.status().code() != Status::Code::kNotFound) return by_id;
  return ctx.workspace->outreach().campaigns().GetByName(key);
}

}  // namespace tagloop
