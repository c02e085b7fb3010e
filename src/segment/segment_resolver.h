// Where SEGMENT('name') finds the expression of a saved segment. Implemented
// by SavedSegments (saved_segments.h); tests use in-memory fakes.
// Implementations must be safe to call from several threads at once.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "core/status.h"

namespace tagloop {

class SegmentResolver {
 public:
  virtual ~SegmentResolver() = default;
  // The expression text of the saved segment `name`; NotFound when there is
  // no segment by that name (other errors are passed on to the caller).
  [[nodiscard]] virtual Result<std::string> ExpressionOf(std::string_view name) const = 0;
  // The names of every saved segment, for "did you mean" suggestions.
  virtual std::vector<std::string> Names() const = 0;
};

}  // namespace tagloop
