// The Workspace opens every part of a data directory in one place, and a
// second open of the same directory sees what the first one wrote.
#include "app/workspace.h"

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace tagloop {
namespace {

WorkspaceOptions Quiet() {
  WorkspaceOptions o;
  o.production.run_schedules = false;
  o.sync_event_log = false;
  return o;
}

TEST(WorkspaceTest, MissingDirectoryIsNotFoundAndNamed) {
  testing::TempDir dir;
  auto w = Workspace::Open(dir.Sub("typo"), Quiet());
  ASSERT_FALSE(w.ok());
  EXPECT_EQ(w.status().code(), Status::Code::kNotFound);
  EXPECT_NE(w.status().message().find("typo"), std::string::npos);
  EXPECT_EQ(w.status().reason(), ErrorReason::kNotFound);
}

TEST(WorkspaceTest, OpensEveryPartAndKeepsWhatWasWritten) {
  testing::TempDir dir;
  {
    auto opened = Workspace::Open(dir.path(), Quiet());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    Workspace& w = **opened;
    EXPECT_EQ(w.dir(), dir.path());
    EXPECT_EQ(w.store().snapshot()->universe_size(), 0u);
    EXPECT_TRUE(w.segments().List().empty());
    ASSERT_TRUE(w.catalog().List(true).ok());
    EXPECT_NE(w.event_log(), nullptr);
    ASSERT_TRUE(w.Start().ok());
    ASSERT_TRUE(w.Start().ok());  // idempotent
    auto token = w.tokens().Create("crm-sync", Role::kAnalyst, "test");
    ASSERT_TRUE(token.ok()) << token.status().ToString();
    w.Stop();
    w.Stop();
  }
  auto again = Workspace::Open(dir.path(), Quiet());
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  auto tokens = (*again)->tokens().List();
  ASSERT_TRUE(tokens.ok());
  ASSERT_EQ(tokens->size(), 1u);
  EXPECT_EQ((*tokens)[0].name, "crm-sync");
}

}  // namespace
}  // namespace tagloop
