// End-to-end tests of the `tagloop` executable: import, count, query, tags,
// prune, segments, --help, exit codes and error output.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using testing::RunProgram;
using testing::RunResult;

class CliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.Sub("data");
    WriteCsv("v1.csv",
             "member_id,is_vip,city,interests,age,spend,last_order\n"
             "m1,true,上海,suv|mpv,30,12.50,2026-10-01\n"
             "m2,false,北京,suv,45,,2026-09-01\n"
             "m3,1,上海,,22,1000,\n"
             "m4,,广州,road_trip,,0.99,2026-10-20\n");
    RunResult r = Tagloop({"import", "--data", data_, "--csv", tmp_.Sub("v1.csv"), "--id-column", "member_id",
                           "--types", "is_vip:bool,interests:set,age:int,spend:decimal:2,last_order:date",
                           "--version", "2026-10-01"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }

  void WriteCsv(const std::string& name, const std::string& text) {
    std::ofstream(tmp_.Sub(name)) << text;
  }

  RunResult Tagloop(std::vector<std::string> args) {
    args.insert(args.begin(), TAGLOOP_BINARY);
    return RunProgram(args);
  }

  std::string Count(const std::string& expr, const std::string& as_of = "2026-10-31") {
    RunResult r = Tagloop({"count", "--data", data_, "--as-of", as_of, expr});
    EXPECT_EQ(r.exit_code, 0) << expr << ": " << r.err;
    return r.out;
  }

  testing::TempDir tmp_;
  std::string data_;
};

TEST_F(CliTest, CountPrintsTheNumberAlone) {
  EXPECT_EQ(Count("city = '上海'"), "2\n");
  EXPECT_EQ(Count("is_vip"), "2\n");
  EXPECT_EQ(Count("NOT is_vip"), "2\n");
  EXPECT_EQ(Count("age >= 30 AND interests CONTAINS ANY ('suv')"), "2\n");
  EXPECT_EQ(Count("spend BETWEEN 1 AND 1000"), "2\n");
  EXPECT_EQ(Count("last_order >= DAYS_AGO(30)"), "2\n");
  EXPECT_EQ(Count("ALL"), "4\n");
}

// `tagloop count` maps only what counting needs: the SQL source drivers
// (libpq, unixODBC) and the webhook client (libcurl, GnuTLS) are modules
// loaded by the commands that use them (source/source_driver.h,
// produce/alerts.cc). The dynamic loader's own log (LD_DEBUG=libs) says
// what it mapped.
TEST_F(CliTest, CountLoadsNoSourceDriverOrHttpClient) {
  const std::string log = tmp_.Sub("ld-debug");
  RunResult r = RunProgram({"/usr/bin/env", "LD_DEBUG=libs", "LD_DEBUG_OUTPUT=" + log, TAGLOOP_BINARY, "count",
                            "--data", data_, "--as-of", "2026-10-31", "city = '上海'"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "2\n");
  std::string loaded;  // LD_DEBUG_OUTPUT gets the pid appended
  for (const auto& entry : std::filesystem::directory_iterator(tmp_.path())) {
    if (entry.path().filename().string().rfind("ld-debug.", 0) != 0) continue;
    std::ifstream in(entry.path());
    loaded.append(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }
  ASSERT_NE(loaded.find("libc.so.6"), std::string::npos) << "no loader log:\n" << loaded;
  for (const char* lib : {"libpq.so", "libodbc.so", "libcurl", "libgnutls", "libldap", "tagloop_source_",
                          "tagloop_webhook", "tagloop_http"}) {
    EXPECT_EQ(loaded.find(lib), std::string::npos) << lib << " was mapped:\n" << loaded;
  }
}

TEST_F(CliTest, QueryPrintsExternalIdsOnePerLine) {
  RunResult r = Tagloop({"query", "--data", data_, "--as-of", "2026-10-31", "city = '上海' OR age > 40"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "m1\nm2\nm3\n");
  r = Tagloop({"query", "--data", data_, "--as-of", "2026-10-31", "--limit", "1", "ALL"});
  EXPECT_EQ(r.out, "m1\n");
}

TEST_F(CliTest, AsOfSeesTheVersionOfThatDate) {
  WriteCsv("v2.csv", "member_id,city\nm1,深圳\nm5,深圳\n");
  RunResult r = Tagloop({"import", "--data", data_, "--csv", tmp_.Sub("v2.csv"), "--id-column", "member_id",
                         "--version", "2026-10-10"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count("city = '深圳'", "2026-10-09"), "0\n");
  EXPECT_EQ(Count("city = '深圳'", "2026-10-10"), "2\n");
  EXPECT_EQ(Count("city@2026-10-05 = '上海'", "2026-10-10"), "2\n");
  EXPECT_EQ(Count("ALL", "2026-10-10"), "5\n");  // the universe is the same at every date
}

TEST_F(CliTest, ErrorsExitNonZeroAndPointAtThePosition) {
  RunResult r = Tagloop({"count", "--data", data_, "citty = 'x'"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("citty"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find("city"), std::string::npos) << r.err;
  EXPECT_NE(r.err.find('^'), std::string::npos) << r.err;

  r = Tagloop({"count", "--data", data_, "age = 'abc'"});
  EXPECT_NE(r.exit_code, 0);
  r = Tagloop({"count", "--data", tmp_.Sub("missing"), "ALL"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no tag store"), std::string::npos) << r.err;
  r = Tagloop({"count", "--data", data_, "--as-of", "2026-02-30", "ALL"});
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(CliTest, TagsListsTypesVersionsAndUsers) {
  RunResult r = Tagloop({"tags", "--data", data_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("spend"), std::string::npos);
  EXPECT_NE(r.out.find("decimal:2"), std::string::npos);
  EXPECT_NE(r.out.find("2026-10-01"), std::string::npos);
  EXPECT_NE(r.out.find("6 tags, 4 users"), std::string::npos) << r.out;
  r = Tagloop({"tags", "--data", data_, "--json"});
  EXPECT_NE(r.out.find("\"type\": \"set\""), std::string::npos) << r.out;
  r = Tagloop({"tags", "--data", data_, "--tag", "nope"});
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(CliTest, PruneDropsOldVersions) {
  WriteCsv("v2.csv", "member_id,city\nm1,深圳\n");
  ASSERT_EQ(Tagloop({"import", "--data", data_, "--csv", tmp_.Sub("v2.csv"), "--id-column", "member_id",
                     "--version", "2026-10-10"}).exit_code, 0);
  RunResult r = Tagloop({"prune", "--data", data_, "--before", "2026-10-05", "--keep", "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Tagloop({"tags", "--data", data_, "--tag", "city"});
  EXPECT_EQ(r.out.find("2026-10-01"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("2026-10-10"), std::string::npos) << r.out;
  EXPECT_EQ(Count("age = 30"), "1\n");  // single-version tags keep their version
}

TEST_F(CliTest, SavedSegmentsCanBeUsedInExpressions) {
  RunResult r = Tagloop({"segments", "--data", data_, "save", "shanghai", "city = '上海'"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(Count("SEGMENT('shanghai') AND age < 25"), "1\n");
  r = Tagloop({"segments", "--data", data_, "list"});
  EXPECT_NE(r.out.find("shanghai"), std::string::npos) << r.out;
  r = Tagloop({"segments", "--data", data_, "save", "broken", "citty = 'x'"});
  EXPECT_NE(r.exit_code, 0);
  r = Tagloop({"segments", "--data", data_, "delete", "shanghai"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  r = Tagloop({"count", "--data", data_, "SEGMENT('shanghai')"});
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(CliTest, EveryCommandHasHelp) {
  for (const char* cmd : {"import", "count", "query", "tags", "prune", "segments"}) {
    RunResult r = Tagloop({cmd, "--help"});
    EXPECT_EQ(r.exit_code, 0) << cmd;
    EXPECT_NE(r.out.find("--data"), std::string::npos) << cmd << ": " << r.out;
  }
}

}  // namespace
}  // namespace tagloop
