// A per-tag access check applied when an expression is bound: lets the
// caller refuse tags it must not read (an offline tag, a tag the caller's
// role may not see) before any bitmap is read. Tests use in-memory fakes.
// Implementations must be safe to call from several threads at once.
#pragma once

#include <string_view>

#include "core/status.h"

namespace tagloop {

class TagAccess {
 public:
  virtual ~TagAccess() = default;
  // OK when expressions may read `tag` (an existing tag of the snapshot).
  // Any other status refuses it; its message says why, e.g. "tag
  // 'vip_level' is offline" (the binder adds the position). The binder
  // reports PermissionDenied as such (a refusal by role), any other code
  // as InvalidArgument.
  [[nodiscard]] virtual Status Check(std::string_view tag) const = 0;
};

}  // namespace tagloop
