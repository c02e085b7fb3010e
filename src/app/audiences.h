// Audiences from outside the tag store: the ids an SQL query on a source
// returns and uploaded id lists, matched against a snapshot's users and
// stored as the next version of a frozen saved segment (segment/
// saved_segments.h: kinds sql and list). The server's audience endpoints
// (POST /segments with kind sql, POST /segments/{name}/list, POST
// /lists/match) parse the request, call these and shape the answer; roles
// and the audit log stay theirs.
//
// Thread-safety: every function may be called from any thread (the
// workspace's parts are thread-safe).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "app/workspace.h"
#include "core/date.h"
#include "core/status.h"
#include "import/id_list_reader.h"
#include "segment/list_match.h"
#include "segment/saved_segments.h"

namespace tagloop {

// How long an sql segment's query may run.
inline constexpr int kSqlSegmentTimeoutSeconds = 600;

// A matched id list: the report and the blank lines the reader skipped.
struct UploadMatch {
  ListMatch match;
  uint64_t blank_lines = 0;
};

// Reads `bytes` as an id list (id_list_reader.h: one id per line, or CSV
// with the id in `options.column`) and matches it against `snapshot`.
// InvalidArgument "upload:LINE..." for a bad list; nothing is stored.
Result<UploadMatch> MatchIdList(std::string_view bytes, const IdListOptions& options, const Snapshot& snapshot);

// "upload: N lines, M unknown" (a list version's source description).
std::string UploadDescription(const UploadMatch& upload);

// Whether an upload may become the next version of `name`: its name is
// valid (SavedSegments::ValidateName) and it is not a segment of another
// kind (FailedPrecondition "segment 'x' is a snapshot segment, not a list
// (delete it first to change its kind)"). A missing segment is fine.
Status CheckListTarget(const SavedSegments& segments, std::string_view name);

// A frozen version just stored, and whether it created its segment.
struct StoredAudience {
  SegmentVersion version;
  bool created = false;
};

// Stores the members of `upload` as the next version of the list segment
// `name`, dated `date`, created by `created_by`. The members are moved out
// of `upload` (its report fields stay for the answer). The errors of
// SavedSegments::AddVersion (an invalid name, FailedPrecondition for
// another kind, IOError); on error nothing is stored.
Result<StoredAudience> SaveUploadedList(Workspace& workspace, std::string_view name, UploadMatch& upload,
                                        Days date, std::string_view created_by);

// Runs `query` (a template: {{biz_date}} = `biz_date`, source/
// sql_template.h) on the workspace's source `source_name`
// (kSqlSegmentTimeoutSeconds at most) and matches the one column of ids it
// returns against `snapshot`. NotFound for an unknown source, the source
// errors of source/source.h (never with a password), InvalidArgument for a
// query of more than one column.
Result<ListMatch> RunSqlAudience(Workspace& workspace, std::string_view source_name, std::string_view query,
                                 Days biz_date, const Snapshot& snapshot);

// What an sql segment's new version is made of.
struct SqlAudienceRequest {
  std::string name;        // the sql segment (created when missing)
  std::string source;      // a source of the workspace
  std::string query;       // its query template
  Days biz_date = 0;       // {{biz_date}} and the version's date
  std::string created_by;  // the caller
  std::optional<std::string> description;  // nullopt: keep the segment's
};

// An sql segment's stored version and the match report of its run (the
// members are in the version's file, not in `match`).
struct SqlAudience {
  SegmentVersion version;
  ListMatch match;
};

// Runs the request's query (RunSqlAudience) on `snapshot` and stores the
// matched users as the next version of the sql segment, recording the
// source and query with it. The errors of RunSqlAudience and
// SavedSegments::AddVersion; on error nothing is stored.
Result<SqlAudience> SaveSqlAudience(Workspace& workspace, const SqlAudienceRequest& request,
                                    const Snapshot& snapshot);

}  // namespace tagloop
