// Composite tags: a bool or enum tag computed from other tags with the
// segment language (SPEC-data-and-segments.md, "Segment language"). The
// producer's settings (TagDefinition::producer_config, kind "composite"):
//   bool: {"expression": "EXPR"}
//   enum: {"rules": [{"value": "high", "when": "EXPR"}, ...], "else": "low"}
//
// Meaning of a version built for business date D (every expression is
// evaluated as of D, so a composite for D reads its inputs as of D; tag@DATE
// and DAYS_AGO inside work as in any query):
//   bool: users in the segment get `true`; every other user of the
//     snapshot's universe gets `false`. The SPEC's language is two-valued:
//     each user of the universe is either in a segment or not, and
//     `NOT e` is the universe minus e. Writing `false` for the rest keeps
//     the tag equal to its expression: `t` = EXPR, `t = false` and `NOT t`
//     = NOT EXPR (a predicate on a NULL value is false, so leaving them NULL
//     would make `t = false` empty and the tag look sparse to coverage
//     checks). `t IS NULL` is then exactly the users who joined the
//     universe after the version was built: not yet computed, not "false".
//   enum: rules in order; a user takes the value of the FIRST rule whose
//     segment holds them (rule i's users = its segment minus the users of
//     rules 0..i-1). Users no rule holds get `else` when given, else no
//     value (NULL). Several rules may give the same value (their users are
//     merged), and `else` may repeat a rule's value.
// Deleted users are outside the universe and never get a value.
//
// Errors are InvalidArgument naming the field of the settings ("expression",
// "rules[1].when", "else"), and for a bad expression keep the segment
// error's byte position within that expression: "rules[1].when: unknown tag
// 'agee' at position 0; did you mean 'age'?". Every expression is parsed and
// bound before any bitmap is read: a build either fails up front or runs
// completely.
//
// Thread-safe: functions only read the snapshot; several may run at once.
#pragma once

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "core/date.h"
#include "core/status.h"
#include "core/tag_type.h"
#include "segment/references.h"
#include "segment/segment.h"
#include "store/tag_store.h"
#include "store/tag_version.h"

namespace tagloop {

struct CompositeRule {
  std::string value;  // the enum value: non-empty UTF-8
  std::string when;   // a segment expression
  bool operator==(const CompositeRule&) const = default;
};

struct CompositeSpec {
  TagType type{TagKind::kBool};  // bool or enum
  // bool: the users who are `true`. Unused for enum.
  std::string expression;
  // enum: one or more rules, first match wins; `else_value` for users no
  // rule holds (none: they get no value). Unused for bool.
  std::vector<CompositeRule> rules;
  std::optional<std::string> else_value;
  bool operator==(const CompositeSpec&) const = default;
};

// Parses the producer settings for a composite tag of `type`. `config` must
// be an object: for bool exactly {"expression": non-empty string}; for enum
// {"rules": non-empty array of {"value": string, "when": string}} and an
// optional "else" string. Values are non-empty valid UTF-8, expressions
// non-empty. InvalidArgument naming the field for a missing, ill-typed or
// unknown field ("rules[0].when: must be a non-empty string", "rule:
// unknown field (expected rules, else)", ...), and for a type other than
// bool or enum.
// Expressions are not parsed here (see ValidateComposite).
[[nodiscard]] Result<CompositeSpec> ParseCompositeSpec(const TagType& type, const nlohmann::json& config);

// The settings form of `spec` (ParseCompositeSpec's input).
nlohmann::json CompositeSpecToJson(const CompositeSpec& spec);

// OK when `spec` is well formed (as ParseCompositeSpec requires) and every
// expression parses and binds on `snapshot` at options.as_of (names, types,
// literals, saved segments, options.tag_access), without opening a version
// file. InvalidArgument naming the field otherwise (see above).
[[nodiscard]] Status ValidateComposite(const Snapshot& snapshot, const CompositeSpec& spec,
                                       const SegmentQueryOptions& options);

// The tags and saved segments the composite reads, over all its
// expressions (sorted, each once), for the dependency graph
// (dependency_graph.h) and lineage. The same checks and errors as
// ValidateComposite; opens no version file.
[[nodiscard]] Result<SegmentReferences> CompositeReferences(const Snapshot& snapshot,
                                                            const CompositeSpec& spec,
                                                            const SegmentQueryOptions& options);

// Evaluates the composite with its inputs as of options.as_of (the business
// date being produced; normally equal to `date`) and returns the content of
// its new version dated `date`, for StoreWriter::PutVersion. The content
// holds only values some user has, sorted by bytes (bool: "false" before
// "true"); it may hold none. The errors of ValidateComposite, and
// Corruption/IOError when an input's version file cannot be read.
[[nodiscard]] Result<TagVersionContent> BuildComposite(const Snapshot& snapshot, const CompositeSpec& spec,
                                                       Days date, const SegmentQueryOptions& options);

}  // namespace tagloop
