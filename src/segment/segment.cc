#include "segment/segment.h"

#include <utility>

#include "segment/binder.h"
#include "segment/executor.h"
#include "segment/parser.h"
#include "segment/planner.h"

namespace tagloop {

namespace {

Result<segment::BoundExpr> ParseAndBind(const Snapshot& snapshot, std::string_view expr,
                                        const SegmentQueryOptions& options,
                                        SegmentReferences* references = nullptr, bool open_versions = true) {
  TAGLOOP_ASSIGN_OR_RETURN(segment::Node ast, segment::Parse(expr));
  segment::BindOptions bind;
  bind.as_of = options.as_of;
  bind.segments = options.segments;
  bind.tag_access = options.tag_access;
  bind.open_versions = open_versions;
  return segment::Bind(snapshot, ast, bind, references);
}

Status CheckDeadline(const SegmentQueryOptions& options, std::string_view what) {
  return options.deadline ? options.deadline->Check(what) : Status::Ok();
}

}  // namespace

Result<segment::SegmentPlan> PlanSegment(const Snapshot& snapshot, std::string_view expr,
                                         const SegmentQueryOptions& options) {
  SegmentReferences references;
  TAGLOOP_ASSIGN_OR_RETURN(segment::BoundExpr bound, ParseAndBind(snapshot, expr, options, &references));
  segment::SegmentPlan plan = segment::PlanSegment(snapshot, bound);
  plan.references = std::move(references);
  return plan;
}

Result<SegmentReferences> ReferencesOf(const Snapshot& snapshot, std::string_view expr,
                                       const SegmentQueryOptions& options) {
  SegmentReferences references;
  TAGLOOP_RETURN_IF_ERROR(
      ParseAndBind(snapshot, expr, options, &references, /*open_versions=*/false).status());
  return references;
}

Result<uint64_t> CountSegment(const Snapshot& snapshot, std::string_view expr,
                              const SegmentQueryOptions& options) {
  TAGLOOP_RETURN_IF_ERROR(CheckDeadline(options, "binding the expression"));
  TAGLOOP_ASSIGN_OR_RETURN(segment::SegmentPlan plan, PlanSegment(snapshot, expr, options));
  TAGLOOP_RETURN_IF_ERROR(CheckDeadline(options, "counting the segment"));
  return segment::CountPlan(plan, options.deadline, "counting the segment");
}

Result<Bitmap> EvaluateSegment(const Snapshot& snapshot, std::string_view expr,
                               const SegmentQueryOptions& options) {
  TAGLOOP_RETURN_IF_ERROR(CheckDeadline(options, "binding the expression"));
  TAGLOOP_ASSIGN_OR_RETURN(segment::SegmentPlan plan, PlanSegment(snapshot, expr, options));
  TAGLOOP_RETURN_IF_ERROR(CheckDeadline(options, "evaluating the segment"));
  return segment::EvaluatePlan(plan, options.deadline, "evaluating the segment");
}

Status ValidateSegment(const Snapshot& snapshot, std::string_view expr, const SegmentQueryOptions& options) {
  return ParseAndBind(snapshot, expr, options).status();
}

Result<std::string> ExplainSegment(const Snapshot& snapshot, std::string_view expr,
                                   const SegmentQueryOptions& options) {
  TAGLOOP_ASSIGN_OR_RETURN(segment::SegmentPlan plan, PlanSegment(snapshot, expr, options));
  return segment::ExplainPlan(plan);
}

}  // namespace tagloop
