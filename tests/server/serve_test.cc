// `tagloop serve` as a process: the YAML config file and flags over it,
// graceful SIGTERM (requests in flight finish, idle connections close, exit
// status 0), and logs without secrets.
#include <gtest/gtest.h>

#include <chrono>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "server/api_fixture.h"
#include "server/serve_process.h"
#include "server/server_options.h"
#include "testing/subprocess.h"

namespace tagloop::testing {
namespace {

void WriteFile(const std::string& path, const std::string& text) { std::ofstream(path) << text; }

TEST(ServerOptionsTest, ConfigFileSetsEveryKey) {
  TempDir tmp;
  const std::string path = tmp.Sub("serve.yaml");
  WriteFile(path,
            "# tagloop serve settings\n"
            "data: /srv/tagloop\n"
            "listen: 0.0.0.0:9090\n"
            "threads: 8\n"
            "blocking_threads: 3\n"
            "import_threads: 2\n"
            "log_level: warn\n"
            "max_body_bytes: 2048\n"
            "max_import_bytes: 1048576\n"
            "max_header_bytes: 4096\n"
            "idle_timeout: 5\n"
            "read_timeout: 6.5\n"
            "write_timeout: 7\n"
            "shutdown_timeout: 8\n"
            "refresh_interval: 0.5\n"
            "web_root: /usr/share/tagloop/web\n");
  ServerOptions o;
  ASSERT_TRUE(LoadServerConfigFile(path, &o).ok());
  EXPECT_EQ(o.data, "/srv/tagloop");
  EXPECT_EQ(o.listen, "0.0.0.0:9090");
  EXPECT_EQ(o.threads, 8u);
  EXPECT_EQ(o.blocking_threads, 3u);
  EXPECT_EQ(o.import_threads, 2u);
  EXPECT_EQ(o.log_level, "warn");
  EXPECT_EQ(o.max_body_bytes, 2048u);
  EXPECT_EQ(o.max_import_bytes, 1048576u);
  EXPECT_EQ(o.max_header_bytes, 4096u);
  EXPECT_EQ(o.idle_timeout, 5);
  EXPECT_EQ(o.read_timeout, 6.5);
  EXPECT_EQ(o.write_timeout, 7);
  EXPECT_EQ(o.shutdown_timeout, 8);
  EXPECT_EQ(o.refresh_interval, 0.5);
  EXPECT_EQ(o.web_root, "/usr/share/tagloop/web");
  EXPECT_TRUE(ValidateServerOptions(o).ok());
}

TEST(ServerOptionsTest, ConfigFileErrorsNameFileAndLine) {
  TempDir tmp;
  const std::string path = tmp.Sub("bad.yaml");
  auto load = [&](const std::string& text) {
    WriteFile(path, text);
    ServerOptions o;
    return LoadServerConfigFile(path, &o);
  };
  Status st = load("data: /x\nlisten_on: 1.2.3.4:5\n");
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_NE(st.message().find("bad.yaml:2: unknown setting 'listen_on'"), std::string::npos) << st.ToString();
  st = load("data: /x\nthreads: many\n");
  EXPECT_NE(st.message().find("bad.yaml:2: 'threads' must be"), std::string::npos) << st.ToString();
  st = load("data: [unclosed\n");
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.ToString();
  st = load("max_body_bytes:\n  - 1\n");
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << st.ToString();
  ServerOptions o;
  EXPECT_EQ(LoadServerConfigFile(tmp.Sub("missing.yaml"), &o).code(), Status::Code::kIOError);
  o.data = "/x";
  o.log_level = "loud";
  EXPECT_EQ(ValidateServerOptions(o).code(), Status::Code::kInvalidArgument);
  o.log_level = "info";
  o.idle_timeout = 0;
  EXPECT_EQ(ValidateServerOptions(o).code(), Status::Code::kInvalidArgument);
}

class ServeProcessTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.Sub("data");
    MakeFixtureData(data_);
  }
  TempDir tmp_;
  std::string data_;
};

TEST_F(ServeProcessTest, FlagsOverrideTheConfigFile) {
  const std::string secret = CreateCliToken(data_, "viewer", "cfg");
  const std::string config = tmp_.Sub("serve.yaml");
  // The file's port is taken (by nobody we know of); the flag's port 0 wins.
  WriteFile(config, "data: " + data_ + "\nlisten: 127.0.0.1:1\nmax_body_bytes: 64\nlog_level: warn\n");
  ServeProcess serve({"--config", config, "--listen", "127.0.0.1:0", "--log-level", "info"},
                     tmp_.Sub("serve.log"));
  uint16_t port = serve.WaitForPort();
  ASSERT_NE(port, 0) << serve.Log();
  ASSERT_NE(port, 1);
  HttpClient c(port);
  const std::string small = R"({"expr": "is_vip", "as_of": "2026-10-31"})";
  HttpReply r = c.Request("POST", "/api/v1/segments/count", small,
                          {{"Authorization", "Bearer " + secret}, {"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 200) << r.body;
  // max_body_bytes from the file still applies.
  const std::string big = R"({"expr": "is_vip OR is_vip OR is_vip OR is_vip", "as_of": "2026-10-31"})";
  HttpClient c2(port);
  r = c2.Request("POST", "/api/v1/segments/count", big,
                 {{"Authorization", "Bearer " + secret}, {"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 413) << r.body;
  serve.Signal(SIGTERM);
  EXPECT_EQ(serve.Wait(), 0);
  // log_level info from the flag: one line per request, with its latency.
  std::string log = serve.Log();
  EXPECT_NE(log.find("http method=POST route=/api/v1/segments/count status=200 latency_us="),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("principal=cfg"), std::string::npos) << log;
  EXPECT_EQ(log.find(secret.substr(3)), std::string::npos) << "the token secret is in the log";
}

TEST_F(ServeProcessTest, BadConfigFailsAtStart) {
  const std::string config = tmp_.Sub("serve.yaml");
  WriteFile(config, "data: " + data_ + "\nthreads: 2\nmax_body: 10\n");
  RunResult r = RunProgram({TAGLOOP_BINARY, "serve", "--config", config});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("serve.yaml:3: unknown setting 'max_body'"), std::string::npos) << r.err;
  r = RunProgram({TAGLOOP_BINARY, "serve", "--data", tmp_.Sub("nowhere"), "--listen", "127.0.0.1:0"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_NE(r.err.find("does not exist"), std::string::npos) << r.err;
}

TEST_F(ServeProcessTest, SigtermFinishesRequestsInFlight) {
  const std::string secret = CreateCliToken(data_, "operator", "ops");
  ServeProcess serve({"--data", data_, "--listen", "127.0.0.1:0", "--shutdown-timeout", "20"},
                     tmp_.Sub("serve.log"));
  uint16_t port = serve.WaitForPort();
  ASSERT_NE(port, 0) << serve.Log();

  // An upload in flight: the header and half of the body are sent.
  std::string csv = "member_id,late\n";
  for (int i = 0; i < 2000; ++i) csv += "late" + std::to_string(i) + ",yes\n";
  HttpClient upload(port);
  ASSERT_TRUE(
      upload.SendRaw("POST /api/v1/imports?id_column=member_id&version=2026-11-01 HTTP/1.1\r\nHost: x\r\n"
                     "Authorization: Bearer " +
                     secret + "\r\nContent-Type: text/csv\r\nContent-Length: " + std::to_string(csv.size()) +
                     "\r\n\r\n" + csv.substr(0, csv.size() / 2)));
  // An idle keep-alive connection.
  HttpClient idle(port);
  ASSERT_EQ(idle.Request("GET", "/api/v1/health").status, 200);
  std::this_thread::sleep_for(std::chrono::milliseconds(200));

  serve.Signal(SIGTERM);
  EXPECT_TRUE(idle.WaitForClose(5000)) << "idle connections are closed at once";
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  // Still finishing the upload; new connections are no longer accepted.
  HttpClient late(port);
  EXPECT_TRUE(!late.connected() || late.Request("GET", "/api/v1/health", "", {}, 2000).status == 0);

  ASSERT_TRUE(upload.SendRaw(csv.substr(csv.size() / 2)));
  HttpReply r = upload.Read();
  EXPECT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("connection"), "close");
  EXPECT_EQ(serve.Wait(), 0) << serve.Log();
  // The import was published.
  auto store = TagStore::Open(data_);
  ASSERT_TRUE(store.ok());
  EXPECT_NE((*store)->snapshot()->FindTag("late"), nullptr);
  EXPECT_EQ((*store)->snapshot()->universe_size(), 2005u);
  EXPECT_NE(serve.Log().find("SIGTERM: stopping"), std::string::npos);
}

}  // namespace
}  // namespace tagloop::testing
