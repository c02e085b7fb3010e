#include "core/loadable_module.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>

namespace tagloop {
namespace {

using ::testing::HasSubstr;

TEST(LoadableModuleTest, SearchesTheExecutablesFolderFirst) {
  std::vector<std::string> path = ModuleSearchPath();
  ASSERT_FALSE(path.empty());
  EXPECT_EQ(path.front(), std::filesystem::read_symlink("/proc/self/exe").parent_path().string());
}

TEST(LoadableModuleTest, AMissingModuleIsNamedWithTheFoldersSearched) {
  Result<void*> r = LoadModuleSymbol("tagloop_no_such_module.so", "entry");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(r.status().message(), HasSubstr("module tagloop_no_such_module.so is missing (looked in "));
  EXPECT_THAT(r.status().message(), HasSubstr(ModuleSearchPath().front()));
}

}  // namespace
}  // namespace tagloop
