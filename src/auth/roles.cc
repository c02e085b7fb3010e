#include "auth/roles.h"

#include <fmt/format.h>

namespace tagloop {

Result<Role> ParseRole(std::string_view name) {
  for (Role r : {Role::kViewer, Role::kAnalyst, Role::kOperator, Role::kAdmin}) {
    if (name == RoleName(r)) return r;
  }
  return Status::InvalidArgument(
      fmt::format("unknown role '{}' (expected viewer, analyst, operator or admin)", name));
}

const char* RoleName(Role role) {
  switch (role) {
    case Role::kViewer: return "viewer";
    case Role::kAnalyst: return "analyst";
    case Role::kOperator: return "operator";
    case Role::kAdmin: return "admin";
  }
  return "unknown";
}

}  // namespace tagloop
