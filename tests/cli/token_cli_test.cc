// End-to-end tests of `tagloop token create|list|revoke`.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <regex>
#include <sstream>

#include "testing/subprocess.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using testing::RunProgram;
using testing::RunResult;

class TokenCliTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.Sub("data");
    std::filesystem::create_directories(data_);
  }

  RunResult Tagloop(std::vector<std::string> args) {
    args.insert(args.begin(), TAGLOOP_BINARY);
    return RunProgram(args);
  }

  // Creates a token and returns its secret.
  std::string Create(const std::string& name, const std::string& role) {
    RunResult r = Tagloop({"token", "create", "--data", data_, "--role", role, "--name", name});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    EXPECT_EQ(r.out.size(), 47u) << r.out;  // the secret and a newline, nothing else
    return r.out.substr(0, r.out.size() - 1);
  }

  nlohmann::json ListJson() {
    RunResult r = Tagloop({"token", "list", "--data", data_, "--json"});
    EXPECT_EQ(r.exit_code, 0) << r.err;
    return nlohmann::json::parse(r.out);
  }

  std::string DbBytes() {
    std::string all;
    for (const char* suffix : {"", "-wal"}) {
      std::ifstream in(data_ + "/tagloop.db" + suffix, std::ios::binary);
      std::stringstream ss;
      ss << in.rdbuf();
      all += ss.str();
    }
    return all;
  }

  testing::TempDir tmp_;
  std::string data_;
};

TEST_F(TokenCliTest, CreatePrintsTheSecretAloneAndWarnsOnStderr) {
  RunResult r = Tagloop({"token", "create", "--data", data_, "--role", "admin", "--name", "demo-admin"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(std::regex_match(r.out, std::regex("tl_[A-Za-z0-9_-]{43}\n"))) << r.out;
  EXPECT_NE(r.err.find("shown only once"), std::string::npos) << r.err;
  EXPECT_EQ(r.err.find(r.out.substr(3, 43)), std::string::npos);  // not repeated on stderr
  EXPECT_NE(Create("second", "viewer"), r.out.substr(0, 46));
}

TEST_F(TokenCliTest, ListOfAFreshDataDirectoryIsEmpty) {
  EXPECT_EQ(ListJson().size(), 0u);
  EXPECT_FALSE(std::filesystem::exists(data_ + "/tagloop.db"));  // listing creates nothing
  RunResult r = Tagloop({"token", "list", "--data", tmp_.Sub("missing")});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST_F(TokenCliTest, ListShowsTokensButNeverSecrets) {
  std::string a = Create("etl", "analyst");
  std::string b = Create("ops", "operator");
  RunResult r = Tagloop({"token", "list", "--data", data_});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_NE(r.out.find("etl"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("operator"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("active"), std::string::npos) << r.out;
  EXPECT_NE(r.out.find("cli:"), std::string::npos) << r.out;
  nlohmann::json list = ListJson();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0]["id"], 1);
  EXPECT_EQ(list[0]["name"], "etl");
  EXPECT_EQ(list[0]["role"], "analyst");
  EXPECT_EQ(list[0]["active"], true);
  EXPECT_TRUE(list[0]["revoked_at"].is_null());
  EXPECT_TRUE(std::regex_match(list[0]["created_at"].get<std::string>(),
                               std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)")));
  for (const std::string& s : {a, b}) {
    EXPECT_EQ(r.out.find(s.substr(3)), std::string::npos);
    EXPECT_EQ(list.dump().find(s.substr(3)), std::string::npos);
    EXPECT_EQ(DbBytes().find(s.substr(3)), std::string::npos);  // only hashes are stored
  }
}

TEST_F(TokenCliTest, RevokeMarksTheTokenAndIsIdempotent) {
  Create("temp", "viewer");
  RunResult r = Tagloop({"token", "revoke", "--data", data_, "1"});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("revoked token 1 'temp'"), std::string::npos) << r.err;
  nlohmann::json list = ListJson();
  EXPECT_EQ(list[0]["active"], false);
  EXPECT_TRUE(list[0]["revoked_at"].is_string());
  r = Tagloop({"token", "revoke", "--data", data_, "1"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.err.find("already revoked"), std::string::npos) << r.err;
  r = Tagloop({"token", "revoke", "--data", data_, "42"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("no token with id 42"), std::string::npos) << r.err;
}

TEST_F(TokenCliTest, ChangesAreAudited) {
  Create("audited", "admin");
  ASSERT_EQ(Tagloop({"token", "revoke", "--data", data_, "1"}).exit_code, 0);
  std::string bytes = DbBytes();
  EXPECT_NE(bytes.find("tokens.create"), std::string::npos);
  EXPECT_NE(bytes.find("tokens.revoke"), std::string::npos);
}

TEST_F(TokenCliTest, ErrorsGoToStderrWithANonZeroExit) {
  RunResult r = Tagloop({"token", "create", "--data", data_, "--role", "root", "--name", "x"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("viewer, analyst, operator or admin"), std::string::npos) << r.err;

  r = Tagloop({"token", "create", "--data", tmp_.Sub("missing"), "--role", "admin", "--name", "x"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty());
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;

  r = Tagloop({"token", "create", "--data", data_, "--role", "admin", "--name", ""});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_TRUE(r.out.empty());

  r = Tagloop({"token", "create", "--data", data_, "--role", "admin"});  // --name is required
  EXPECT_NE(r.exit_code, 0);
  r = Tagloop({"token", "revoke", "--data", data_, "abc"});
  EXPECT_NE(r.exit_code, 0);
}

TEST_F(TokenCliTest, EverySubcommandHasHelp) {
  for (const char* sub : {"create", "list", "revoke"}) {
    RunResult r = Tagloop({"token", sub, "--help"});
    EXPECT_EQ(r.exit_code, 0) << sub;
    EXPECT_NE(r.out.find("--data"), std::string::npos) << sub << ": " << r.out;
  }
  RunResult r = Tagloop({"token", "--help"});
  EXPECT_EQ(r.exit_code, 0);
  EXPECT_NE(r.out.find("revoke"), std::string::npos) << r.out;
}

}  // namespace
}  // namespace tagloop
