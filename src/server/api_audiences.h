// Shared by the audience endpoints (api_saved_segments.cc: frozen segments
// and their versions; api_lists.cc: list uploads and the match report):
// matching uploaded or queried ids against the store, running an sql
// segment's query, and their JSON shapes. Internal to src/server.
#pragma once

#include <string>
#include <string_view>

#include "core/date.h"
#include "core/status.h"
#include "segment/list_match.h"
#include "segment/saved_segments.h"
#include "server/api_context.h"
#include "server/api_json.h"

namespace tagloop {

// Audit actions of the audience endpoints (auth/audit_log.h's shape).
namespace audience_action {
inline constexpr std::string_view kListUpload = "segments.list_upload";  // item_count = ids matched
inline constexpr std::string_view kListMatch = "lists.match";            // dry run; item_count = ids matched
inline constexpr std::string_view kSqlRun = "segments.sql_run";          // item_count = ids matched
inline constexpr std::string_view kFreeze = "segments.freeze";           // item_count = members
}  // namespace audience_action

// How long an sql segment's query may run.
inline constexpr int kSqlSegmentTimeoutSeconds = 600;

// A matched upload: the report and the blank lines the reader skipped.
struct UploadMatch {
  ListMatch match;
  uint64_t blank_lines = 0;
};

// Reads the request body as an id list (text/csv, or `?column=` given: CSV
// with a header, the id in that column or the first; otherwise one id per
// line) and matches it against `snapshot`. InvalidArgument "upload:LINE..."
// for a bad list; nothing is stored.
Result<UploadMatch> MatchUpload(const ApiCall& call, const Snapshot& snapshot);

// Runs `query` (a template: {{biz_date}} = `biz_date`) on the catalog's
// source `source_name` (kSqlSegmentTimeoutSeconds at most) and matches the
// one column of ids it returns. The source errors of source/source.h
// (never with a password); InvalidArgument for a query of more than one
// column.
Result<ListMatch> RunSqlAudience(ApiContext& ctx, std::string_view source_name, std::string_view query,
                                 Days biz_date, const Snapshot& snapshot);

// {"lines", "blank_lines", "distinct", "duplicates", "matched", "unknown",
//  "match_rate", "unknown_ids"}.
Json MatchJson(const ListMatch& match, uint64_t blank_lines);
// One version: {"version", "created_unix", "created_by", "date", "members", "source"}.
Json VersionJson(const SegmentVersion& version);
// "upload: N lines, M unknown" (the version's source description).
std::string UploadDescription(const UploadMatch& upload);

// Stores `upload` as the next version of the list segment `name`, dated
// `date`, by the caller; then audits it (kListUpload), fail-closed for the
// answer: the list stands, but the report (which names unknown ids) is only
// sent once the audit entry is accepted. Answer 201 for a new segment, else
// 200: the report plus "name", "kind" and "version".
Result<HttpResponse> SaveUploadedList(ApiContext& ctx, const ApiCall& call, std::string_view name,
                                      UploadMatch upload, Days date);

}  // namespace tagloop
