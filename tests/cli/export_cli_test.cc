// `tagloop export`: CSV and NDJSON with tag columns, a file output, errors,
// and the audit entry every export writes first.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "auth/audit_log.h"
#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using testing::RunProgram;
using testing::RunResult;

class ExportCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.Sub("data");
    std::ofstream(tmp_.Sub("v1.csv")) << "member_id,is_vip,city,interests,spend\n"
                                         "m1,true,\"上海,浦东\",suv|mpv,12.50\n"
                                         "m2,false,北京,suv,\n";
    RunResult r = Tagloop({"import", "--data", data_, "--csv", tmp_.Sub("v1.csv"), "--id-column", "member_id",
                           "--types", "is_vip:bool,interests:set,spend:decimal:2", "--version", "2026-10-01"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  RunResult Tagloop(std::vector<std::string> args) {
    args.insert(args.begin(), TAGLOOP_BINARY);
    return RunProgram(args);
  }
  testing::TempDir tmp_;
  std::string data_;
};

TEST_F(ExportCliTest, WritesCsvAndNdjsonAndAuditsEachExport) {
  RunResult r = Tagloop({"export", "--data", data_, "--expr", "ALL", "--as-of", "2026-10-31", "--columns",
                         "city,interests,spend,is_vip"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_EQ(r.out, "user_id,city,interests,spend,is_vip\nm1,\"上海,浦东\",mpv|suv,12.50,true\nm2,北京,suv,,false\n");
  r = Tagloop({"export", "--data", data_, "--expr", "is_vip", "--as-of", "2026-10-31", "--columns", "spend",
               "--format", "ndjson", "--output", tmp_.Sub("out.ndjson")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  std::stringstream file;
  file << std::ifstream(tmp_.Sub("out.ndjson")).rdbuf();
  EXPECT_EQ(file.str(), "{\"user_id\":\"m1\",\"spend\":12.50}\n");

  auto log = AuditLog::Open(data_);
  ASSERT_TRUE(log.ok()) << log.status().ToString();
  auto entries = (*log)->Query(AuditFilter{});
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  std::vector<std::string> rows;
  for (auto it = entries->rbegin(); it != entries->rend(); ++it) {
    rows.push_back(it->action + " " + it->target + " " + std::to_string(it->item_count));
    EXPECT_EQ(it->principal_name.rfind("cli:", 0), 0u);
  }
  EXPECT_EQ(rows, (std::vector<std::string>{"segments.export ALL 2", "segments.export is_vip 1"}));
}

TEST_F(ExportCliTest, ErrorsExitNonZero) {
  RunResult r = Tagloop({"export", "--data", data_, "--expr", "ALL", "--columns", "nope"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("unknown tag 'nope'"), std::string::npos) << r.err;
  r = Tagloop({"export", "--data", data_, "--expr", "ALL", "--format", "xml"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("csv, ndjson"), std::string::npos) << r.err;
}

}  // namespace
}  // namespace tagloop
