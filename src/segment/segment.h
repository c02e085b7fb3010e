// Segments: evaluate an expression of the segment language
// (SPEC-data-and-segments.md, "Segment language", "Meaning", "As-of") on one
// Snapshot of the tag store.
//
// The pipeline, each stage in its own files and testable alone:
//   lexer.h -> parser.h (ast.h) -> binder.h (bound.h) -> planner.h (plan.h) -> executor.h
//
// Every function parses and binds the whole expression before reading any
// bitmap, so a query either fails up front or runs completely. Errors are
// InvalidArgument with the byte position of the problem in `expr` (syntax,
// unknown tag or segment with a "did you mean" suggestion, a tag refused by
// options.tag_access, type errors, bad literals and dates, segment cycles);
// Corruption/IOError when a version file cannot be read.
//
// Thread-safe: any number of queries may run at once on one Snapshot.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/bitmap.h"
#include "core/deadline.h"
#include "core/date.h"
#include "core/status.h"
#include "segment/plan.h"
#include "segment/references.h"
#include "segment/segment_resolver.h"
#include "segment/tag_access.h"
#include "store/tag_store.h"

namespace tagloop {

struct SegmentQueryOptions {
  // The query's date (required; the CLI uses today in UTC). Each tag is read
  // at its latest version on or before it, unless written as tag@DATE;
  // DAYS_AGO(n) is n days before it.
  Days as_of = 0;
  // Resolves SEGMENT('name'); null makes any SEGMENT(...) an error. Not
  // owned; must outlive the call.
  const SegmentResolver* segments = nullptr;
  // Asked at bind time, once per tag name the expression reads (also inside
  // saved segments), after the name is found in the snapshot: a non-OK
  // status fails the whole query up front, as InvalidArgument at the tag's
  // byte position with the hook's message ("tag 'vip_level' is offline at
  // position 4"; inside a saved segment, wrapped like any error there);
  // a PermissionDenied from the hook stays PermissionDenied (same message).
  // Null (default): every tag may be read. Not owned; must outlive the call.
  const TagAccess* tag_access = nullptr;
  // Checked between the stages of CountSegment and EvaluateSegment (before
  // binding, which opens version files, and before executing the plan) and
  // inside the executor's loops (every kDeadlineCheckInterval steps,
  // executor.h): once it has passed they fail with its status (Unavailable)
  // and run no further. Null (default): no limit. Not owned; must outlive
  // the call.
  const Deadline* deadline = nullptr;
};

// The number of users in the segment, without building the set.
[[nodiscard]] Result<uint64_t> CountSegment(const Snapshot& snapshot, std::string_view expr,
                                            const SegmentQueryOptions& options);

// The users of the segment as dense ids (map them to external ids with
// snapshot.dictionary()).
[[nodiscard]] Result<Bitmap> EvaluateSegment(const Snapshot& snapshot, std::string_view expr,
                                             const SegmentQueryOptions& options);

// Parses and binds only: OK when the expression would run at `options.as_of`.
[[nodiscard]] Status ValidateSegment(const Snapshot& snapshot, std::string_view expr,
                                     const SegmentQueryOptions& options);

// The plan the other functions would run, as text (for --explain): one line
// per node with its estimated size ("=N" exact, "~N" guessed).
[[nodiscard]] Result<std::string> ExplainSegment(const Snapshot& snapshot, std::string_view expr,
                                                 const SegmentQueryOptions& options);

// The tags and saved segments `expr` reads (references.h), SEGMENT('x')
// expanded recursively. Parses and binds like ValidateSegment (the same
// errors, tag_access included) but opens no version file and reads no
// bitmap.
[[nodiscard]] Result<SegmentReferences> ReferencesOf(const Snapshot& snapshot, std::string_view expr,
                                                     const SegmentQueryOptions& options);

// Parse, bind and plan once; run the plan with segment::CountPlan /
// segment::EvaluatePlan (executor.h) as often as needed. The plan must not
// outlive `snapshot`. The plan's `references` are filled in.
[[nodiscard]] Result<segment::SegmentPlan> PlanSegment(const Snapshot& snapshot, std::string_view expr,
                                                       const SegmentQueryOptions& options);

}  // namespace tagloop
