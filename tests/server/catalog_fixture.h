// The API fixture (api_fixture.h) with helpers for the /catalog routes:
// defining, publishing and pushing tags, counts by role at today's date
// (produced versions are dated by the business calendar, not the fixture's
// 2026-10 dates), waiting for the scheduler, and an SQLite business file.
#pragma once

#include <sqlite3.h>

#include <chrono>
#include <thread>

#include "server/api_fixture.h"

namespace tagloop::testing {

class CatalogApiTest : public ApiTest {
 protected:
  // Schedules off: only what the tests ask for (and first productions on
  // publish) runs.
  void StartCatalogServer(const std::function<void(ServerOptions&)>& tweak = {}) {
    StartServer([&](ServerOptions& o) {
      o.schedules = false;
      o.producer_workers = 2;
      if (tweak) tweak(o);
    });
  }

  // PUT /catalog/tags/{name} with `definition` (the name is left out).
  HttpReply Define(const std::string& name, const nlohmann::json& definition, Role role = Role::kOperator,
                   const std::string& query = "") {
    return Call("PUT", "/api/v1/catalog/tags/" + name + query, role, definition.dump());
  }
  // An external tag (draft), optionally published.
  void DefineExternal(const std::string& name, const std::string& type, bool publish) {
    HttpReply r = Define(name, {{"type", type}, {"producer", {{"kind", "external"}}}}, Role::kAdmin);
    ASSERT_EQ(r.status, 200) << r.body;
    if (publish) {
      HttpReply p = Post("/api/v1/catalog/tags/" + name + "/publish", Role::kAdmin);
      ASSERT_EQ(p.status, 200) << p.body;
    }
  }
  HttpReply Post(const std::string& target, Role role, const std::string& body = "") {
    return Call("POST", target, role, body);
  }
  // POST /catalog/tags/{name}/values with {"set": [{"user", "value"}...]}.
  HttpReply Push(const std::string& name, const std::vector<std::pair<std::string, nlohmann::json>>& set,
                 Role role = Role::kOperator) {
    nlohmann::json items = nlohmann::json::array();
    for (const auto& [user, value] : set) items.push_back({{"user", user}, {"value", value}});
    return Post("/api/v1/catalog/tags/" + name + "/values", role, nlohmann::json{{"set", items}}.dump());
  }
  // POST /segments/count as `role`, as of today (the default).
  HttpReply CountAs(Role role, const std::string& expr) {
    return Call("POST", "/api/v1/segments/count", role, nlohmann::json{{"expr", expr}}.dump());
  }
  int64_t CountOf(Role role, const std::string& expr) {
    HttpReply r = CountAs(role, expr);
    EXPECT_EQ(r.status, 200) << expr << ": " << r.body;
    return r.status == 200 ? Json(r)["count"].get<int64_t>() : -1;
  }
  static std::string ErrorMessage(const HttpReply& r) {
    auto j = nlohmann::json::parse(r.body, nullptr, false);
    if (j.is_discarded() || !j.contains("error")) return "(no error: " + r.body + ")";
    return j["error"]["message"].get<std::string>();
  }

  // Polls `done` every 20 ms for up to `timeout_ms`.
  template <typename F>
  static bool WaitFor(F done, int timeout_ms = 10000) {
    auto give_up = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (!done()) {
      if (std::chrono::steady_clock::now() > give_up) return false;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return true;
  }
  // Waits until the store has a version of `tag`.
  bool WaitForData(const std::string& tag, int timeout_ms = 10000) {
    return WaitFor([&] { return server_->store().snapshot()->FindTag(tag) != nullptr; }, timeout_ms);
  }

  // An SQLite database file with table `orders(user_id, amount)`.
  static void MakeBusinessDb(const std::string& path) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    int rc = sqlite3_exec(db,
                          "CREATE TABLE orders (user_id TEXT, amount INTEGER);"
                          "INSERT INTO orders VALUES ('m1', 300), ('m2', 50), ('m3', 120), ('m9', 700);",
                          nullptr, nullptr, &error);
    EXPECT_EQ(rc, SQLITE_OK) << (error ? error : "");
    sqlite3_free(error);
    sqlite3_close(db);
  }

  // A query that never returns a row until cancelled (SQLite interrupts it).
  static constexpr const char* kEndlessQuery =
      "WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c) SELECT 'u' || x, 'v' FROM c WHERE x < "
      "0";
};

}  // namespace tagloop::testing
