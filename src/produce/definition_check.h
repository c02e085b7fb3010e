// Checking tag definitions before they are stored: everything the catalog
// cannot see by itself (catalog/tag_definition.h checks the form) and that
// production would otherwise find at the first run — the producer's settings
// (known keys, timeouts), the SQL source and the query templates, the list
// file, the composite's expressions (bound as the producer will bind them)
// and the cycles they would close in the dependency graph, the event rule,
// the cron schedule, the quality overrides, and a type change of a tag that
// has data. One place for the API (PUT /catalog/tags/{name}) and for
// `tagloop tags apply` (and its --dry-run), so both refuse the same things.
//
// A batch (`tags apply` of a folder) is checked as a whole: its definitions
// may read each other. Its composites are bound on the store's state plus
// every tag the catalog or the batch defines, so a composite over a tag that
// is defined but not produced yet is fine (the demo applies SQL tags and the
// composites over them together, then produces them), while a name neither
// the store, the catalog nor the batch knows is refused. Cycles are looked
// for in the catalog's composite graph with the batch's definitions in place
// of the stored ones: `a = b` in one file and `b = a` in another is refused.
//
// Errors. A problem with a definition is InvalidArgument (FailedPrecondition
// for a type change of a tag with data) whose message names the field, as
// TagDefinitionFromJson does: "tag definition: FIELD: WHAT", for example
//   tag definition: schedule: cron '99 99 * * *': minute 99 is out of range 0-59
//   tag definition: producer.source: no source 'nope' (GET /api/v1/catalog/sources lists them)
//   tag definition: producer.rules[1].when: unknown tag 'agee' at position 0; did you mean 'age'?
// (an expression's error keeps its byte position and reason), except a cycle,
// which reads as the dependency graph says it, field "producer":
//   composite tag 'a' would create a cycle: a -> b -> a
// Failures to read what the checks need (the catalog, the source registry)
// are returned as they are, apart from the problems.
//
// Thread-safe when the context's members are: the checks only read them.
#pragma once

#include <cstddef>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "catalog/tag_catalog.h"
#include "catalog/tag_definition.h"
#include "core/date.h"
#include "core/status.h"
#include "events/event_types.h"
#include "produce/quality.h"
#include "segment/segment_resolver.h"
#include "segment/tag_access.h"
#include "store/tag_store.h"

namespace tagloop {

// Where the caller's users find what a refused definition lacks, in their
// own terms (an API route, a command); each is appended to its error in
// parentheses ("no source 'x' (HINT)"). "" = none.
struct DefinitionCheckHints {
  std::string sources;  // "GET /api/v1/catalog/sources lists them"
  // For a list file that does not exist yet; "{tag}" stands for the tag's name.
  std::string list_upload;  // "PUT /api/v1/catalog/tags/{tag}/list uploads one"
};

// What the checks read. Nothing is owned; everything must outlive the call.
struct DefinitionCheckContext {
  // The store's state: the type of the data a tag has, the tags composites
  // read. Null when the data directory has no store yet (no tag has data).
  std::shared_ptr<const Snapshot> snapshot;
  // The stored definitions: the composites of the dependency graph, and the
  // tags that are defined without data. Required.
  TagCatalog* catalog = nullptr;
  // Whether an SQL source of this name is registered (an error is a failure
  // of the registry, passed on). Required when a batch holds an sql tag.
  std::function<Result<bool>(std::string_view name)> source_exists;
  // Registered event types for realtime and behavior rules; null: the rule's
  // event types and properties are not checked against schemas.
  const events::EventTypeRegistry* event_types = nullptr;
  // Resolves SEGMENT('x') inside composites; null: SEGMENT(...) is refused.
  const SegmentResolver* segments = nullptr;
  // Which tags the caller may build composites on (an operator on drafts,
  // only an admin on offline tags); null: every tag.
  const TagAccess* tag_access = nullptr;
  // Today's business date: composites are bound and query templates
  // expanded as of it.
  Days today = 0;
  // The rules a tag's quality overrides apply to.
  QualityRules default_quality;
  // The data directory: a list tag's file is DIR/lists/NAME.txt.
  std::string data_dir;
  // False (the API, one definition at a time): a composite reads only tags
  // that have data, as a query would. True (a batch applied as code): also
  // tags the catalog or the batch defines that have no data yet.
  bool inputs_may_lack_data = false;
  DefinitionCheckHints hints;
};

// One refused definition of a batch.
struct DefinitionProblem {
  size_t index = 0;       // which definition of the batch
  DefinitionError error;  // the field and what is wrong, for callers that show their own position
  Status status;          // the same as one error, as described above
};

// Checks `batch` (definitions with distinct names) as a whole. On success,
// one problem per refused definition (its first problem), in batch order;
// empty when every definition may be stored. An error only when what the
// checks read could not be read.
[[nodiscard]] Result<std::vector<DefinitionProblem>> CheckDefinitions(const DefinitionCheckContext& context,
                                                                      std::span<const TagDefinition> batch);

// Checks one definition: OK, its first problem, or a failure (as above).
[[nodiscard]] Status CheckDefinition(const DefinitionCheckContext& context, const TagDefinition& definition);

}  // namespace tagloop
