// Where SEGMENT('name') finds a saved segment: the expression of a dynamic
// segment, or the members of a frozen one (a snapshot, an uploaded list, the
// result of an SQL query). Implemented by SavedSegments (saved_segments.h);
// tests use in-memory fakes. Implementations must be safe to call from
// several threads at once.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/bitmap.h"
#include "core/date.h"
#include "core/status.h"

namespace tagloop {

// The members of one version of a frozen segment.
struct FrozenMembers {
  std::string kind;  // "snapshot", "list", "sql": for plan labels
  int version = 0;   // the version chosen for the query's date
  // Dense user ids, as stored: they may include users deleted since (the
  // planner intersects with the universe). Null when not loaded (`load`
  // false); never null otherwise.
  std::shared_ptr<const Bitmap> members;
};

class SegmentResolver {
 public:
  virtual ~SegmentResolver() = default;
  // The expression text of the saved segment `name`; NotFound when there is
  // no segment by that name (other errors are passed on to the caller).
  [[nodiscard]] virtual Result<std::string> ExpressionOf(std::string_view name) const = 0;
  // The names of every saved segment, for "did you mean" suggestions.
  virtual std::vector<std::string> Names() const = 0;
  // For a frozen segment: its members in force at `as_of` (which version is
  // the implementation's rule; SavedSegments documents its own), loading them
  // only when `load` is true. nullopt: `name` is not frozen (then
  // ExpressionOf is asked). NotFound when there is no such segment;
  // Corruption/IOError when the members cannot be read. The default knows
  // no frozen segments.
  [[nodiscard]] virtual Result<std::optional<FrozenMembers>> MembersOf(std::string_view name, Days as_of,
                                                                       bool load) const {
    (void)name;
    (void)as_of;
    (void)load;
    return std::optional<FrozenMembers>();
  }
};

}  // namespace tagloop
