#include "app/audiences.h"

#include <fmt/format.h>

#include <chrono>

#include "source/source.h"
#include "source/sql_template.h"

namespace tagloop {

namespace {

// Streams a query's single column of ids into a matcher.
class MatchingSink final : public RowSink {
 public:
  MatchingSink(IdMatcher& matcher, std::string source) : matcher_(matcher), source_(std::move(source)) {}
  Status Begin(int columns) override {
    if (columns != 1) {
      return Status::InvalidArgument(SourceMessage(
          source_,
          fmt::format("a segment query returns one column (the user ids); this one returns {}", columns)));
    }
    return Status::Ok();
  }
  Status Rows(std::span<const SourceRow> rows) override {
    ids_.clear();
    for (const SourceRow& r : rows) ids_.push_back(r.user_id);
    matcher_.Add(ids_);
    return Status::Ok();
  }

 private:
  IdMatcher& matcher_;
  std::string source_;
  std::vector<std::string_view> ids_;
};

}  // namespace

Result<UploadMatch> MatchIdList(std::string_view bytes, const IdListOptions& options, const Snapshot& snapshot) {
  TAGLOOP_ASSIGN_OR_RETURN(IdList list, ReadIdList(bytes, options));
  TAGLOOP_ASSIGN_OR_RETURN(IdMatcher matcher, IdMatcher::Create(snapshot));
  matcher.Add(list.ids);
  UploadMatch out;
  out.match = std::move(matcher).Finish();
  out.blank_lines = list.blank_lines;
  return out;
}

std::string UploadDescription(const UploadMatch& upload) {
  return fmt::format("upload: {} lines, {} unknown", upload.match.lines, upload.match.unknown);
}

Status CheckListTarget(const SavedSegments& segments, std::string_view name) {
  TAGLOOP_RETURN_IF_ERROR(SavedSegments::ValidateName(name));
  if (auto existing = segments.Get(name); existing.ok() && existing->kind != SegmentKind::kList) {
    return Status::FailedPrecondition(
        fmt::format("segment '{}' is a {} segment, not a list (delete it first to change its kind)", name,
                    SegmentKindName(existing->kind)));
  }
  return Status::Ok();
}

Result<StoredAudience> SaveUploadedList(Workspace& workspace, std::string_view name, UploadMatch& upload,
                                        Days date, std::string_view created_by) {
  const bool created = !workspace.segments().Get(name).ok();
  FrozenVersionInput input;
  input.kind = SegmentKind::kList;
  input.date = date;
  input.created_by = std::string(created_by);
  input.source = UploadDescription(upload);
  input.members = std::move(upload.match.members);  // the report does not show them
  TAGLOOP_ASSIGN_OR_RETURN(SegmentVersion version, workspace.segments().AddVersion(name, std::move(input)));
  return StoredAudience{std::move(version), created};
}

Result<ListMatch> RunSqlAudience(Workspace& workspace, std::string_view source_name, std::string_view query,
                                 Days biz_date, const Snapshot& snapshot) {
  TAGLOOP_ASSIGN_OR_RETURN(SourceSpec config, workspace.sources().Get(source_name));
  TAGLOOP_ASSIGN_OR_RETURN(std::string sql, ExpandSqlTemplate(query, biz_date));
  TAGLOOP_ASSIGN_OR_RETURN(std::unique_ptr<Source> source, OpenSource(config, workspace.dir()));
  TAGLOOP_ASSIGN_OR_RETURN(IdMatcher matcher, IdMatcher::Create(snapshot));
  MatchingSink sink(matcher, config.name);
  RunControl control;
  control.deadline = std::chrono::steady_clock::now() + std::chrono::seconds(kSqlSegmentTimeoutSeconds);
  TAGLOOP_RETURN_IF_ERROR(source->Query(sql, sink, control));
  return std::move(matcher).Finish();
}

Result<SqlAudience> SaveSqlAudience(Workspace& workspace, const SqlAudienceRequest& request,
                                    const Snapshot& snapshot) {
  TAGLOOP_ASSIGN_OR_RETURN(ListMatch match,
                           RunSqlAudience(workspace, request.source, request.query, request.biz_date, snapshot));
  FrozenVersionInput input;
  input.kind = SegmentKind::kSql;
  input.source_name = request.source;
  input.query = request.query;
  input.date = request.biz_date;
  input.created_by = request.created_by;
  input.source = fmt::format("sql '{}' for {}: {} rows, {} unknown: {}", request.source,
                             FormatDate(request.biz_date), match.lines, match.unknown, request.query);
  input.members = std::move(match.members);
  input.description = request.description;
  TAGLOOP_ASSIGN_OR_RETURN(SegmentVersion version, workspace.segments().AddVersion(request.name, std::move(input)));
  return SqlAudience{std::move(version), std::move(match)};
}

}  // namespace tagloop
