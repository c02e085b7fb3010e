// What an expression reads: the tags and saved segments it names, directly
// or through the saved segments it uses (SEGMENT('x') expanded, recursively).
// Computed by the binder; for tag usage statistics, lineage and the
// dependency graph of composite tags (produce/dependency_graph.h).
#pragma once

#include <string>
#include <vector>

namespace tagloop {

struct SegmentReferences {
  // Tag names, sorted by bytes, each once (tag@DATE counts as `tag`). Every
  // reference counts, also one the planner folds away (`ALL OR t`).
  std::vector<std::string> tags;
  // Saved segment names, sorted by bytes, each once; nested ones included.
  std::vector<std::string> segments;

  bool operator==(const SegmentReferences&) const = default;
};

}  // namespace tagloop
