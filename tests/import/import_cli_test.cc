// `tagloop import` as a program: flags, exit codes, clean stdout, error text.
#include <gtest/gtest.h>

#include <fstream>
#include <string>
#include <vector>

#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using testing::RunProgram;
using testing::RunResult;

class ImportCliTest : public ::testing::Test {
 protected:
  std::string Write(const std::string& name, const std::string& text) {
    std::ofstream(tmp_.Sub(name), std::ios::binary) << text;
    return tmp_.Sub(name);
  }
  RunResult Import(const std::string& csv, std::vector<std::string> extra = {}) {
    std::vector<std::string> args = {TAGLOOP_BINARY, "import", "--data",      tmp_.Sub("data"),
                                     "--csv",        csv,      "--id-column", "member_id"};
    args.insert(args.end(), extra.begin(), extra.end());
    return RunProgram(args);
  }
  testing::TempDir tmp_;
};

TEST_F(ImportCliTest, HelpNamesEveryFlag) {
  RunResult r = RunProgram({TAGLOOP_BINARY, "import", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  for (const char* flag : {"--data", "--csv", "--id-column", "--types", "--version"}) {
    EXPECT_NE(r.out.find(flag), std::string::npos) << flag;
  }
}

TEST_F(ImportCliTest, SuccessKeepsStdoutCleanAndSummarizesOnStderr) {
  const std::string csv = Write("users.csv", "member_id,is_vip,age\nm1,true,30\nm2,,41\n");
  RunResult r = Import(csv, {"--types", "is_vip:bool,age:int", "--version", "2026-10-01"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "");
  EXPECT_NE(r.err.find("imported 2 users × 2 tags for 2026-10-01"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("new users: 2"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find('\r'), std::string::npos) << "no progress line when stderr is not a terminal";

  r = Import(csv, {"--types", "is_vip:bool,age:int", "--version", "2026-10-02", "--quiet", "--timings"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.err.find("imported"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("phases: scan"), std::string::npos) << r.err;

  RunResult count = RunProgram(
      {TAGLOOP_BINARY, "count", "--data", tmp_.Sub("data"), "--as-of", "2026-10-02", "is_vip AND age < 35"});
  EXPECT_EQ(count.out, "1\n") << count.err;
}

TEST_F(ImportCliTest, ErrorsNameFileLineAndColumn) {
  const std::string csv = Write("bad.csv", "member_id,age\nm1,30\nm2,abc\n");
  RunResult r = Import(csv, {"--types", "age:int", "--version", "2026-10-01"});
  EXPECT_EQ(r.exit_code, 1);
  EXPECT_EQ(r.out, "");
  EXPECT_EQ(r.err, "tagloop import: " + csv + ":3:4: column \"age\": invalid int 'abc'\n");

  r = Import(csv, {"--types", "age:integer"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown tag type 'integer'"), std::string::npos) << r.err;
  r = Import(csv, {"--version", "2026-13-01"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("--version"), std::string::npos) << r.err;
  r = Import(tmp_.Sub("missing.csv"));
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("missing.csv"), std::string::npos) << r.err;
  r = RunProgram({TAGLOOP_BINARY, "import", "--data", tmp_.Sub("data"), "--csv", csv});  // no --id-column
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(ImportCliTest, ReadsStdin) {
  const std::string csv = Write("in.csv", "member_id,city\nm1,上海\n");
  RunResult r = RunProgram({"/bin/sh", "-c",
                            std::string(TAGLOOP_BINARY) + " import --data '" + tmp_.Sub("data") +
                                "' --csv - --id-column member_id --version 2026-10-01 < '" + csv + "'"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.err.find("imported 1 users"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tagloop
