// The dependency graph of composite tags: nodes are tag names, and an edge
// X -> Y says "composite tag X reads tag Y" (directly or through a saved
// segment: a composite's inputs are CompositeReferences(...).tags, where
// saved segments are already expanded). Used to refuse definitions that
// would form a cycle, and to find what must be rebuilt, and in which order,
// when a tag gets a new version.
//
// Names are plain strings: the graph does not check that tags exist. A tag
// with no inputs set is a source (an imported or SQL-produced tag). Lists
// returned are sorted by bytes unless said otherwise, so results are
// deterministic.
//
// Not thread-safe: callers serialize access (reads may run concurrently
// with each other, not with SetInputs/Remove).
#pragma once

#include <map>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tagloop {

class DependencyGraph {
 public:
  // Replaces the inputs of `tag` (duplicates are ignored; empty = a source).
  // Does not check for cycles: call WouldCreateCycle first. A graph loaded
  // from stored definitions can be checked with CheckAcyclic.
  void SetInputs(std::string tag, std::vector<std::string> inputs);

  // Forgets the inputs of `tag` (its definition was deleted or is no longer
  // a composite). Edges from composites that read `tag` stay: they describe
  // those composites' definitions (ask DirectDependents before deleting a
  // tag that others read). No effect for an unknown tag.
  void Remove(std::string_view tag);

  // The inputs of `tag` as set (empty for a source or an unknown tag).
  std::vector<std::string> InputsOf(std::string_view tag) const;

  // OK when giving `tag` the inputs `inputs` (replacing its current ones)
  // keeps the graph acyclic. Otherwise InvalidArgument naming one shortest
  // cycle through `tag`, from `tag` back to itself following "reads" edges:
  //   "composite tag 'a' would create a cycle: a -> b -> c -> a"
  // Reading itself is a cycle ("a -> a"). Does not change the graph.
  [[nodiscard]] Status WouldCreateCycle(std::string_view tag, const std::vector<std::string>& inputs) const;

  // OK when the graph has no cycle; otherwise InvalidArgument naming one:
  //   "dependency cycle: a -> b -> a"
  // (the first found when visiting tags in byte order).
  [[nodiscard]] Status CheckAcyclic() const;

  // The composites that read `tag` directly.
  std::vector<std::string> DirectDependents(std::string_view tag) const;

  // Every tag that reads `changed_tag` directly or transitively, each once,
  // `changed_tag` itself excluded, in an order where each tag comes after
  // every one of its inputs that is also in the list (so rebuilding them in
  // this order reads fresh inputs); ties are broken by byte order. If the
  // graph holds a cycle among them, the tags on it and those reading them
  // come last, in byte order (never loops).
  std::vector<std::string> DependentsInOrder(std::string_view changed_tag) const;

 private:
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> inputs_;      // X -> what X reads
  std::map<std::string, std::set<std::string, std::less<>>, std::less<>> dependents_;  // Y -> who reads Y
};

}  // namespace tagloop
