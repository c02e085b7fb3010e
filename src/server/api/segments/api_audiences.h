// Shared by the audience endpoints (api_saved_segments.cc: frozen segments
// and their versions; api_lists.cc: list uploads and the match report):
// reading an uploaded list from the request, saving it with its audit
// entry, and their JSON shapes; the domain side (matching, running an sql
// segment's query, storing versions) is app/audiences.h. Internal to
// src/server.
#pragma once

#include <string>
#include <string_view>

#include "app/audiences.h"
#include "core/date.h"
#include "core/status.h"
#include "segment/list_match.h"
#include "segment/saved_segments.h"
#include "server/api/api_context.h"
#include "server/api/api_json.h"

namespace tagloop {

// Audit actions of the audience endpoints (auth/audit_log.h's shape).
namespace audience_action {
inline constexpr std::string_view kListUpload = "segments.list_upload";  // item_count = ids matched
inline constexpr std::string_view kListMatch = "lists.match";            // dry run; item_count = ids matched
inline constexpr std::string_view kSqlRun = "segments.sql_run";          // item_count = ids matched
inline constexpr std::string_view kFreeze = "segments.freeze";           // item_count = members
}  // namespace audience_action

// {"lines", "blank_lines", "distinct", "duplicates", "matched", "unknown",
//  "match_rate", "unknown_ids"}.
Json MatchJson(const ListMatch& match, uint64_t blank_lines);
// One version: {"version", "created_unix", "created_by", "date", "members", "source"}.
Json VersionJson(const SegmentVersion& version);

}  // namespace tagloop
