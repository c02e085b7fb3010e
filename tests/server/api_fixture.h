// A real server on a free loopback port over a small data directory, with
// one token per role, for the API tests.
//
// Data (SPEC types): version 2026-10-01 of is_vip (bool), city (enum),
// interests (set), age (int), spend (decimal:2), last_order (date) for
// m1..m4; version 2026-10-15 of city for m1, m2 and a new user m5.
#pragma once

#include <gtest/gtest.h>
#include <spdlog/spdlog.h>

#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>

#include "import/wide_csv_import.h"
#include "server/http_client.h"
#include "server/server.h"
#include "testing/temp_dir.h"

namespace tagloop::testing {

inline constexpr const char* kFixtureV1 =
    "member_id,is_vip,city,interests,age,spend,last_order\n"
    "m1,true,上海,suv|mpv,30,12.50,2026-10-01\n"
    "m2,false,北京,suv,45,,2026-09-01\n"
    "m3,1,上海,,22,1000,\n"
    "m4,,广州,road_trip,,0.99,2026-10-20\n";
inline constexpr const char* kFixtureV1Types =
    "is_vip:bool,interests:set,age:int,spend:decimal:2,last_order:date";
inline constexpr const char* kFixtureV2 =
    "member_id,city\n"
    "m1,北京\n"
    "m2,北京\n"
    "m5,深圳\n";

inline void ImportCsv(TagStore& store, const std::string& csv, const std::string& types,
                      const std::string& date) {
  ImportOptions o;
  o.id_column = "member_id";
  auto parsed = ParseColumnTypes(types);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  o.column_types = *parsed;
  o.version = *ParseDate(date);
  o.threads = 1;
  auto r = ImportWideCsv(store, csv, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
}

inline void MakeFixtureData(const std::string& dir) {
  std::filesystem::create_directories(dir);
  StoreOptions so;
  so.create_if_missing = true;
  auto store = TagStore::Open(dir, so);
  ASSERT_TRUE(store.ok()) << store.status().ToString();
  ImportCsv(**store, kFixtureV1, kFixtureV1Types, "2026-10-01");
  ImportCsv(**store, kFixtureV2, "", "2026-10-15");
}

inline const Role kAllRoles[] = {Role::kViewer, Role::kAnalyst, Role::kOperator, Role::kAdmin};

class ApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    spdlog::set_level(spdlog::level::warn);
    data_ = tmp_.Sub("data");
    MakeFixtureData(data_);
  }
  void TearDown() override {
    if (server_) server_->Stop();
  }

  void StartServer(const std::function<void(ServerOptions&)>& tweak = {}) {
    ServerOptions o;
    o.data = data_;
    o.listen = "127.0.0.1:0";
    o.threads = 4;
    o.refresh_interval = 0.1;
    if (tweak) tweak(o);
    auto s = Server::Open(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    server_ = std::move(*s);
    server_->Start();
    for (Role r : kAllRoles) {
      auto t = server_->tokens().Create(std::string(RoleName(r)) + "-test", r, "test");
      ASSERT_TRUE(t.ok()) << t.status().ToString();
      tokens_[r] = t->secret;
    }
  }

  uint16_t port() const { return server_->port(); }

  std::vector<std::pair<std::string, std::string>> AuthHeaders(std::optional<Role> role,
                                                               const std::string& content_type = "") {
    std::vector<std::pair<std::string, std::string>> h;
    if (role) h.emplace_back("Authorization", "Bearer " + tokens_[*role]);
    if (!content_type.empty()) h.emplace_back("Content-Type", content_type);
    return h;
  }

  // One request on a new connection.
  HttpReply Call(const std::string& method, const std::string& target,
                 std::optional<Role> role = Role::kAdmin, const std::string& body = "",
                 const std::string& content_type = "application/json") {
    HttpClient c(port());
    return c.Request(method, target, body, AuthHeaders(role, body.empty() ? "" : content_type));
  }

  static nlohmann::json Json(const HttpReply& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    EXPECT_FALSE(j.is_discarded()) << "not JSON: " << r.body;
    return j;
  }

  // POST /segments/count; the count, or -1 on an error.
  int64_t Count(const std::string& expr, const std::string& as_of = "2026-10-31") {
    nlohmann::json body = {{"expr", expr}, {"as_of", as_of}};
    HttpReply r = Call("POST", "/api/v1/segments/count", Role::kViewer, body.dump());
    if (r.status != 200) return -1;
    return Json(r)["count"].get<int64_t>();
  }

  TempDir tmp_;
  std::string data_;
  std::unique_ptr<Server> server_;
  std::map<Role, std::string> tokens_;
};

}  // namespace tagloop::testing
