// Roles and who may do what. Each role includes everything of the roles
// before it: viewer < analyst < operator < admin.
//   viewer   read tags and their distributions, count segments
//   analyst  + saved segments, id exports (segment queries), profile look-ups
//   operator + imports, user deletion, and (later) campaigns
//   admin    + tokens
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "core/status.h"

namespace tagloop {

enum class Role : uint8_t { kViewer = 0, kAnalyst = 1, kOperator = 2, kAdmin = 3 };

// "viewer", "analyst", "operator", "admin"; InvalidArgument listing them otherwise.
Result<Role> ParseRole(std::string_view name);
const char* RoleName(Role role);
// True when `have` includes `need`.
inline bool RoleAllows(Role have, Role need) { return static_cast<uint8_t>(have) >= static_cast<uint8_t>(need); }

// Who is calling: the token's id, its name (safe to log) and role. Never the secret.
struct Principal {
  int64_t token_id = 0;
  std::string name;
  Role role = Role::kViewer;
};

}  // namespace tagloop
