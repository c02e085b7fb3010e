// Stage 3 of the segment language: syntax tree -> bound tree (bound.h).
//
// Resolves tag names against a Snapshot and picks each reference's version
// (the latest on or before the query's as-of date, or the date written after
// '@'); checks types (ordering and BETWEEN need int/decimal/date, CONTAINS a
// set, a bare tag a bool); converts literals with the shared parsers of
// core/tag_type.h (bool: TRUE/FALSE or text ParseBoolValue accepts; enum/set:
// a string, or a number standing for its text as written; int/decimal/date:
// a string or number ParseNumericValue accepts, dates also DAYS_AGO(n));
// compares int/decimal literals exactly, whatever the tag's precision: one
// with more digits after the point than the tag keeps (age > 30.5) becomes
// an exact equivalent on the tag's values (age > 30; bound.h has the rules);
// keeps each listed value once in O(n log n), so lists of 100,000 literals
// bind in milliseconds;
// turns DAYS_AGO(n) into the date n days before the query's as-of date (also
// inside tag@DATE comparisons and saved segments); expands SEGMENT('name')
// through a SegmentResolver, bound as of the same date, detecting cycles; a
// frozen saved segment (snapshot, list, sql) becomes a kMembers leaf holding
// the members of its version in force at the query's date (loaded only when
// open_versions is true), which counts as a referenced segment and reads no
// tag.
//
// Not errors: a tag without a version on or before the date (nobody has a
// value), a bool/enum/set value no user has (matches nobody), and a number
// no value of an int/decimal tag can equal (1.5 on an int tag, 1.005 on a
// decimal:2 tag: `=` matches nobody, `!=` everyone with a value).
//
// Errors (InvalidArgument, position = byte offset in the expression):
// unknown tag or segment (with the closest name as a suggestion), a tag the
// TagAccess hook refuses ("<hook's message> at position N", checked once per
// tag name, before the predicate's type checks), type errors, bad literals,
// bad dates, a segment cycle. Errors inside a saved segment name the segment
// and point at SEGMENT(...) in the outer text. Corruption/IOError from
// opening a version file are passed on.
//
// Thread-safe: reads the snapshot only. The bound tree keeps the versions it
// uses alive; it must not outlive the snapshot.
#pragma once

#include "core/date.h"
#include "core/status.h"
#include "segment/ast.h"
#include "segment/bound.h"
#include "segment/references.h"
#include "segment/segment_resolver.h"
#include "segment/tag_access.h"
#include "store/tag_store.h"

namespace tagloop::segment {

struct BindOptions {
  Days as_of = 0;                             // the query's date
  const SegmentResolver* segments = nullptr;  // null: SEGMENT(...) is an error
  const TagAccess* tag_access = nullptr;      // null: every tag may be read
  // False: open no version file and leave every BoundTag::version null, for
  // validation and references only (no file is mapped or verified). Such a
  // tree must not be planned: it would read as "nobody has a value".
  bool open_versions = true;
};

// How deep SEGMENT() references may nest (a -> b -> c ...).
inline constexpr int kMaxSegmentDepth = 32;

// Binds `root`. When `references` is not null it receives, on success, the
// tags and saved segments the expression reads (references.h).
[[nodiscard]] Result<BoundExpr> Bind(const Snapshot& snapshot, const Node& root, const BindOptions& options,
                                     SegmentReferences* references = nullptr);

}  // namespace tagloop::segment
