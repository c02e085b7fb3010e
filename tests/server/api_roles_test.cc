// Every endpoint against every role: 2xx when the role includes the route's
// minimum role, 403 otherwise; 401 without a token and with a bad one. The
// table must name every route of the router (the /catalog routes have their
// own table in api_catalog_roles_test.cc).
#include <set>

#include "server/api_fixture.h"
#include "server/events_test_util.h"

namespace tagloop::testing {
namespace {

struct Case {
  const char* method;
  const char* pattern;  // the route, to check coverage
  std::optional<Role> min_role;
  // The request for role index i (0..3), so changes don't collide.
  std::function<std::string(int)> target;
  std::function<std::string(int)> body;
  std::string content_type = "application/json";
};

class ApiRolesTest : public ApiTest {};

TEST_F(ApiRolesTest, EveryEndpointAgainstEveryRole) {
  StartServer();
  // Things each role may change: one segment and one token per role.
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(Call("POST", "/api/v1/segments", Role::kAdmin,
                   nlohmann::json{{"name", "del" + std::to_string(i)}, {"expr", "ALL"}}.dump())
                  .status,
              201);
  }
  std::vector<int64_t> revocable;
  for (int i = 0; i < 4; ++i) {
    auto t = server_->tokens().Create("revocable" + std::to_string(i), Role::kViewer, "test");
    ASSERT_TRUE(t.ok());
    revocable.push_back(t->id);
  }
  ASSERT_EQ(Call("POST", "/api/v1/segments", Role::kAdmin, R"({"name": "keep", "expr": "is_vip"})").status,
            201);
  ASSERT_EQ(Call("POST", "/api/v1/segments", Role::kAdmin,
                 R"({"name": "frozen", "kind": "snapshot", "expr": "is_vip"})")
                .status,
            201);
  // Reports and dashboards: one kept, one per role to delete.
  const std::string report_def = R"({"definition": {"dimensions": [{"tag": "city"}]}})";
  ASSERT_EQ(Call("PUT", "/api/v1/reports/keep", Role::kAdmin, report_def).status, 200);
  ASSERT_EQ(Call("PUT", "/api/v1/dashboards/keep", Role::kAdmin, R"({"reports": ["keep"]})").status, 200);
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(Call("PUT", "/api/v1/reports/del" + std::to_string(i), Role::kAdmin, report_def).status, 200);
    ASSERT_EQ(Call("PUT", "/api/v1/dashboards/del" + std::to_string(i), Role::kAdmin, R"({"reports": []})").status,
              200);
  }
  // One custom event type per role to delete.
  for (int i = 0; i < 4; ++i) {
    ASSERT_EQ(Call("PUT", "/api/v1/events/types/del" + std::to_string(i), Role::kAdmin, "{}").status, 200);
  }
  // An SQLite source for /insight/metrics (the catalog database itself, read-only).
  ASSERT_EQ(Call("PUT", "/api/v1/catalog/sources/biz", Role::kAdmin,
                 R"({"kind": "sqlite", "connection": "tagloop.db"})")
                .status,
            200);
  const int64_t now = NowMillis();

  auto none = [](int) { return std::string(); };
  auto at = [](const char* s) { return [s](int) { return std::string(s); }; };
  std::vector<Case> cases = {
      {"GET", "/api/v1/health", std::nullopt, at("/api/v1/health"), none},
      {"GET", "/api/v1/version", Role::kViewer, at("/api/v1/version"), none},
      {"GET", "/api/v1/me", Role::kViewer, at("/api/v1/me"), none},
      {"GET", "/api/v1/metrics", Role::kViewer, at("/api/v1/metrics"), none},
      {"GET", "/metrics", Role::kViewer, at("/metrics"), none},
      {"GET", "/api/v1/openapi.json", Role::kViewer, at("/api/v1/openapi.json"), none},
      {"GET", "/api/v1/tags", Role::kViewer, at("/api/v1/tags"), none},
      {"GET", "/api/v1/tags/{name}", Role::kViewer, at("/api/v1/tags/city"), none},
      {"GET", "/api/v1/tags/{name}/distribution", Role::kViewer,
       at("/api/v1/tags/age/distribution?version=2026-10-01"), none},
      {"POST", "/api/v1/segments/count", Role::kViewer, at("/api/v1/segments/count"),
       [](int) { return std::string(R"({"expr": "ALL"})"); }},
      {"POST", "/api/v1/segments/query", Role::kAnalyst, at("/api/v1/segments/query"),
       [](int) { return std::string(R"({"expr": "ALL", "limit": 2})"); }},
      {"POST", "/api/v1/segments/export", Role::kAnalyst, at("/api/v1/segments/export"),
       [](int) { return std::string(R"({"expr": "ALL", "columns": ["age"]})"); }},
      {"POST", "/api/v1/insight/metrics", Role::kAnalyst, at("/api/v1/insight/metrics"),
       [](int) {
         return std::string(
             R"({"expr": "ALL", "source": "biz", "query": "SELECT count(*) AS n FROM {{segment}} s"})");
       }},
      {"POST", "/api/v1/segments", Role::kAnalyst, at("/api/v1/segments"),
       [](int i) {
         return nlohmann::json{{"name", "new" + std::to_string(i)}, {"expr", "ALL"}}.dump();
       }},
      {"GET", "/api/v1/segments", Role::kAnalyst, at("/api/v1/segments"), none},
      {"GET", "/api/v1/segments/{name}", Role::kAnalyst, at("/api/v1/segments/keep"), none},
      {"PUT", "/api/v1/segments/{name}", Role::kAnalyst, at("/api/v1/segments/keep"),
       [](int) { return std::string(R"({"expr": "NOT is_vip"})"); }},
      {"DELETE", "/api/v1/segments/{name}", Role::kAnalyst,
       [](int i) { return "/api/v1/segments/del" + std::to_string(i); }, none},
      {"GET", "/api/v1/segments/{name}/count", Role::kViewer,
       at("/api/v1/segments/keep/count?as_of=2026-10-31"), none},
      {"GET", "/api/v1/segments/{name}/versions", Role::kAnalyst, at("/api/v1/segments/frozen/versions"),
       none},
      {"POST", "/api/v1/segments/{name}/versions", Role::kAnalyst, at("/api/v1/segments/frozen/versions"),
       [](int) { return std::string("{}"); }},
      {"POST", "/api/v1/segments/{name}/list", Role::kAnalyst,
       [](int i) { return "/api/v1/segments/list" + std::to_string(i) + "/list"; },
       [](int) { return std::string("m1\nm2\nnobody\n"); }, "text/plain"},
      {"POST", "/api/v1/lists/match", Role::kAnalyst, at("/api/v1/lists/match"),
       [](int) { return std::string("m1\nnobody\n"); }, "text/plain"},
      {"POST", "/api/v1/imports", Role::kOperator,
       [](int i) { return "/api/v1/imports?id_column=id&version=2026-11-0" + std::to_string(i + 1); },
       [](int) { return std::string("id,note\nm1,x\n"); }, "text/csv"},
      {"GET", "/api/v1/users/{id}/profile", Role::kAnalyst, at("/api/v1/users/m5/profile"), none},
      {"DELETE", "/api/v1/users/{id}", Role::kOperator,
       [](int i) { return "/api/v1/users/m" + std::to_string(i + 1); }, none},
      {"POST", "/api/v1/tokens", Role::kAdmin, at("/api/v1/tokens"),
       [](int i) {
         return nlohmann::json{{"name", "made" + std::to_string(i)}, {"role", "viewer"}}.dump();
       }},
      {"GET", "/api/v1/tokens", Role::kAdmin, at("/api/v1/tokens"), none},
      {"DELETE", "/api/v1/tokens/{id}", Role::kAdmin,
       [&revocable](int i) { return "/api/v1/tokens/" + std::to_string(revocable[static_cast<size_t>(i)]); },
       none},
      {"POST", "/api/v1/events", Role::kOperator, at("/api/v1/events"),
       [now](int i) { return JsonArray({PaidEvent("role" + std::to_string(i), "m1", now)}); }},
      {"GET", "/api/v1/events/stats", Role::kAnalyst, at("/api/v1/events/stats"), none},
      {"GET", "/api/v1/events/types", Role::kViewer, at("/api/v1/events/types"), none},
      {"GET", "/api/v1/events/types/{name}", Role::kViewer, at("/api/v1/events/types/order_paid"), none},
      {"PUT", "/api/v1/events/types/{name}", Role::kAdmin,
       [](int i) { return "/api/v1/events/types/made" + std::to_string(i); },
       [](int) { return std::string(R"({"properties": [{"name": "note", "type": "string"}]})"); }},
      {"DELETE", "/api/v1/events/types/{name}", Role::kAdmin,
       [](int i) { return "/api/v1/events/types/del" + std::to_string(i); }, none},
      {"POST", "/api/v1/insight/distribution", Role::kViewer, at("/api/v1/insight/distribution"),
       [](int) { return std::string(R"({"expr": "is_vip", "tags": ["city", "age"]})"); }},
      {"POST", "/api/v1/insight/characterize", Role::kViewer, at("/api/v1/insight/characterize"),
       [](int) { return std::string(R"({"segment": "keep"})"); }},
      {"POST", "/api/v1/insight/overlap", Role::kViewer, at("/api/v1/insight/overlap"),
       [](int) { return std::string(R"({"segments": ["is_vip", "age >= 30"]})"); }},
      {"POST", "/api/v1/insight/history", Role::kViewer, at("/api/v1/insight/history"),
       [](int) { return std::string(R"({"expr": "is_vip", "from": "2026-10-01", "to": "2026-10-20"})"); }},
      {"POST", "/api/v1/insight/diff", Role::kViewer, at("/api/v1/insight/diff"),
       [](int) {
         return std::string(R"({"expr": "city = '北京'", "from": "2026-10-01", "to": "2026-10-20"})");
       }},
      {"GET", "/api/v1/reports", Role::kViewer, at("/api/v1/reports"), none},
      {"POST", "/api/v1/reports", Role::kAnalyst, at("/api/v1/reports"),
       [](int i) {
         return nlohmann::json{{"name", "made" + std::to_string(i)},
                               {"definition", {{"dimensions", {{{"tag", "is_vip"}}}}}}}
             .dump();
       }},
      {"POST", "/api/v1/reports/run", Role::kViewer, at("/api/v1/reports/run"),
       [](int) { return std::string(R"({"definition": {"dimensions": [{"tag": "is_vip"}]}})"); }},
      {"GET", "/api/v1/reports/{name}", Role::kViewer, at("/api/v1/reports/keep"), none},
      {"PUT", "/api/v1/reports/{name}", Role::kAnalyst, at("/api/v1/reports/keep"),
       [](int i) {
         return nlohmann::json{{"definition", {{"dimensions", {{{"tag", "city"}, {"limit", i + 1}}}}}}}.dump();
       }},
      {"DELETE", "/api/v1/reports/{name}", Role::kAnalyst,
       [](int i) { return "/api/v1/reports/del" + std::to_string(i); }, none},
      {"GET", "/api/v1/reports/{name}/versions", Role::kViewer, at("/api/v1/reports/keep/versions"), none},
      {"POST", "/api/v1/reports/{name}/run", Role::kViewer, at("/api/v1/reports/keep/run"),
       [](int) { return std::string("{}"); }},
      {"GET", "/api/v1/dashboards", Role::kViewer, at("/api/v1/dashboards"), none},
      {"POST", "/api/v1/dashboards", Role::kAnalyst, at("/api/v1/dashboards"),
       [](int i) {
         return nlohmann::json{{"name", "made" + std::to_string(i)}, {"reports", {"keep"}}}.dump();
       }},
      {"GET", "/api/v1/dashboards/{name}", Role::kViewer, at("/api/v1/dashboards/keep"), none},
      {"PUT", "/api/v1/dashboards/{name}", Role::kAnalyst, at("/api/v1/dashboards/keep"),
       [](int i) {
         return nlohmann::json{{"title", "t" + std::to_string(i)}, {"reports", {"keep"}}}.dump();
       }},
      {"DELETE", "/api/v1/dashboards/{name}", Role::kAnalyst,
       [](int i) { return "/api/v1/dashboards/del" + std::to_string(i); }, none},
  };

  std::set<std::string> covered;
  for (const Case& c : cases) covered.insert(std::string(c.method) + " " + c.pattern);
  for (const ApiRoute& r : server_->service().router().routes()) {
    if (r.pattern.starts_with("/api/v1/catalog/")) continue;  // api_catalog_roles_test.cc
    // Outreach: outreach_serve_test.cc (EveryOutreachRouteAgainstEveryRole).
    if (r.pattern.starts_with("/api/v1/channels") || r.pattern.starts_with("/api/v1/outreach/") ||
        r.pattern.starts_with("/api/v1/campaigns")) {
      continue;
    }
    EXPECT_TRUE(covered.count(r.method + " " + r.pattern))
        << "no role test for " << r.method << " " << r.pattern;
  }

  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.method) + " " + c.pattern);
    // Without a token, and with a wrong one.
    HttpReply anon = Call(c.method, c.target(0), std::nullopt, c.body(0), c.content_type);
    HttpClient bad_client(port());
    HttpReply bad =
        bad_client.Request(c.method, c.target(0), c.body(0),
                           {{"Authorization", "Bearer tl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
                            {"Content-Type", c.content_type}});
    if (!c.min_role) {
      EXPECT_EQ(anon.status, 200);
      continue;
    }
    EXPECT_EQ(anon.status, 401) << anon.body;
    EXPECT_EQ(anon.Header("www-authenticate").rfind("Bearer", 0), 0u);
    EXPECT_EQ(Json(anon)["error"]["code"], "unauthenticated");
    EXPECT_EQ(bad.status, 401) << bad.body;
    for (int i = 0; i < 4; ++i) {
      Role role = kAllRoles[i];
      HttpReply r = Call(c.method, c.target(i), role, c.body(i), c.content_type);
      if (RoleAllows(role, *c.min_role)) {
        EXPECT_GE(r.status, 200) << RoleName(role) << ": " << r.body;
        EXPECT_LT(r.status, 300) << RoleName(role) << ": " << r.body;
      } else {
        EXPECT_EQ(r.status, 403) << RoleName(role) << ": " << r.body;
        EXPECT_EQ(Json(r)["error"]["code"], "permission_denied");
      }
    }
  }
}

TEST_F(ApiRolesTest, RevokedTokenStopsWorking) {
  StartServer();
  auto t = server_->tokens().Create("short-lived", Role::kViewer, "test");
  ASSERT_TRUE(t.ok());
  HttpClient c(port());
  std::vector<std::pair<std::string, std::string>> h = {{"Authorization", "Bearer " + t->secret}};
  EXPECT_EQ(c.Request("GET", "/api/v1/tags", "", h).status, 200);
  EXPECT_EQ(Call("DELETE", "/api/v1/tokens/" + std::to_string(t->id), Role::kAdmin).status, 204);
  EXPECT_EQ(c.Request("GET", "/api/v1/tags", "", h).status, 401);
}

TEST_F(ApiRolesTest, AdminCreatesTokensThatWork) {
  StartServer();
  HttpReply r = Call("POST", "/api/v1/tokens", Role::kAdmin, R"({"name": "dashboards", "role": "analyst"})");
  ASSERT_EQ(r.status, 201) << r.body;
  std::string secret = Json(r)["token"];
  HttpClient c(port());
  EXPECT_EQ(c.Request("GET", "/api/v1/users/m1/profile", "", {{"Authorization", "Bearer " + secret}}).status,
            200);
  EXPECT_EQ(c.Request("GET", "/api/v1/tokens", "", {{"Authorization", "Bearer " + secret}}).status, 403);
  // The list never shows a secret.
  HttpReply list = Call("GET", "/api/v1/tokens", Role::kAdmin);
  EXPECT_EQ(list.body.find(secret), std::string::npos);
  EXPECT_EQ(list.body.find("tl_"), std::string::npos);
  EXPECT_EQ(Call("POST", "/api/v1/tokens", Role::kAdmin, R"({"name": "x", "role": "root"})").status, 400);
}

}  // namespace
}  // namespace tagloop::testing
