#include "auth/roles.h"

#include <gtest/gtest.h>

namespace tagloop {
namespace {

constexpr Role kAll[] = {Role::kViewer, Role::kAnalyst, Role::kOperator, Role::kAdmin};

TEST(RolesTest, ParseAndNameRoundTrip) {
  for (Role r : kAll) {
    auto parsed = ParseRole(RoleName(r));
    ASSERT_TRUE(parsed.ok()) << RoleName(r);
    EXPECT_EQ(*parsed, r);
  }
  EXPECT_STREQ(RoleName(Role::kOperator), "operator");
}

TEST(RolesTest, ParseRefusesOtherSpellingsAndListsTheRoles) {
  for (const char* bad : {"", "Admin", "root", "viewer ", "analysts"}) {
    auto r = ParseRole(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find("viewer, analyst, operator or admin"), std::string::npos);
  }
}

// The whole table: row = the caller's role, column = the role an action needs.
TEST(RolesTest, EachRoleIncludesTheOnesBelow) {
  const bool kAllowed[4][4] = {
      //            viewer analyst operator admin   (needed)
      /* viewer   */ {true, false, false, false},
      /* analyst  */ {true, true, false, false},
      /* operator */ {true, true, true, false},
      /* admin    */ {true, true, true, true},
  };
  for (int have = 0; have < 4; ++have) {
    for (int need = 0; need < 4; ++need) {
      EXPECT_EQ(RoleAllows(kAll[have], kAll[need]), kAllowed[have][need])
          << RoleName(kAll[have]) << " needs " << RoleName(kAll[need]);
    }
  }
}

}  // namespace
}  // namespace tagloop
