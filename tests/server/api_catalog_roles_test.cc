// Every /catalog route against every role (like api_roles_test.cc): 2xx when
// the role includes the route's minimum role, 403 otherwise, 401 without a
// token and with an unknown one. The table must name every /catalog route.
#include <set>

#include "server/catalog_fixture.h"

namespace tagloop::testing {
namespace {

struct Case {
  const char* method;
  const char* pattern;
  Role min_role;
  std::function<std::string(int)> target;  // for role index i (0..3)
  std::function<std::string(int)> body;
  std::string content_type = "application/json";
};

class ApiCatalogRolesTest : public CatalogApiTest {};

TEST_F(ApiCatalogRolesTest, EveryCatalogEndpointAgainstEveryRole) {
  MakeBusinessDb(data_ + "/business.db");
  StartCatalogServer();
  auto ok = [](const HttpReply& r) { return r.status >= 200 && r.status < 300; };
  // What each role may change: one of each per role index.
  ASSERT_TRUE(ok(Call("PUT", "/api/v1/catalog/sources/shop", Role::kAdmin,
                      R"({"kind": "sqlite", "connection": "business.db"})")));
  for (int i = 0; i < 4; ++i) {
    std::string n = std::to_string(i);
    ASSERT_TRUE(ok(Call("PUT", "/api/v1/catalog/sources/tmp" + n, Role::kAdmin,
                        R"({"kind": "sqlite", "connection": "business.db"})")));
    DefineExternal("draft" + n, "bool", false);
    DefineExternal("off" + n, "bool", true);
    DefineExternal("gone" + n, "bool", true);
    ASSERT_EQ(Post("/api/v1/catalog/tags/gone" + n + "/offline", Role::kAdmin).status, 200);
  }
  DefineExternal("pub", "enum", true);
  ASSERT_EQ(Push("pub", {{"m1", "gold"}}).status, 200);
  ASSERT_EQ(
      Define("comp", {{"type", "bool"}, {"producer", {{"kind", "composite"}, {"expression", "is_vip"}}}},
             Role::kAdmin)
          .status,
      200);
  ASSERT_EQ(Post("/api/v1/catalog/tags/comp/publish", Role::kAdmin).status, 200);
  ASSERT_TRUE(WaitForData("comp"));
  ASSERT_EQ(Define("lst", {{"type", "bool"}, {"producer", {{"kind", "list"}}}}, Role::kAdmin).status, 200);
  // A run that never ends by itself, and three queued behind it (one tag
  // runs one job at a time): something to cancel for each role.
  ASSERT_EQ(Define("slow",
                   {{"type", "enum"},
                    {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", kEndlessQuery}}}},
                   Role::kAdmin)
                .status,
            200);
  std::vector<int64_t> slow_runs;
  for (int i = 0; i < 4; ++i) {
    HttpReply r = Post("/api/v1/catalog/tags/slow/runs", Role::kAdmin,
                       nlohmann::json{{"date", "2026-09-0" + std::to_string(i + 1)}}.dump());
    ASSERT_EQ(r.status, 202) << r.body;
    slow_runs.push_back(Json(r)["run_id"]);
  }
  HttpReply comp_runs = Call("GET", "/api/v1/catalog/tags/comp/runs", Role::kAdmin);
  ASSERT_EQ(comp_runs.status, 200);
  int64_t comp_run = Json(comp_runs)["runs"][0]["id"];
  auto category = [&](const std::string& name) {
    HttpReply r = Post("/api/v1/catalog/categories", Role::kAdmin, nlohmann::json{{"name", name}}.dump());
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r)["id"].get<int64_t>();
  };
  int64_t patched = category("patched");
  int64_t home = category("home");
  std::vector<int64_t> deletable;
  for (int i = 0; i < 4; ++i) deletable.push_back(category("del" + std::to_string(i)));

  auto none = [](int) { return std::string(); };
  auto at = [](std::string s) { return [s](int) { return s; }; };
  auto per_role = [](std::string prefix, std::string suffix) {
    return [prefix, suffix](int i) { return prefix + std::to_string(i) + suffix; };
  };
  auto json = [](std::string s) { return [s](int) { return s; }; };
  const std::string tags = "/api/v1/catalog/tags/";
  std::vector<Case> cases = {
      {"GET", "/api/v1/catalog/tags", Role::kViewer, at("/api/v1/catalog/tags"), none},
      {"GET", "/api/v1/catalog/tags/{name}", Role::kViewer, at(tags + "pub"), none},
      {"PUT", "/api/v1/catalog/tags/{name}", Role::kOperator, per_role(tags + "new", ""),
       json(R"({"type": "int", "producer": {"kind": "external"}})")},
      {"GET", "/api/v1/catalog/tags/{name}/history", Role::kViewer, at(tags + "pub/history"), none},
      {"POST", "/api/v1/catalog/tags/{name}/publish", Role::kOperator, per_role(tags + "draft", "/publish"),
       none},
      {"POST", "/api/v1/catalog/tags/{name}/offline", Role::kOperator, per_role(tags + "off", "/offline"),
       none},
      {"POST", "/api/v1/catalog/tags/{name}/restore", Role::kOperator, per_role(tags + "gone", "/restore"),
       none},
      {"PUT", "/api/v1/catalog/tags/{name}/category", Role::kOperator, at(tags + "pub/category"),
       json(nlohmann::json{{"category_id", home}}.dump())},
      {"POST", "/api/v1/catalog/tags/{name}/runs", Role::kOperator, at(tags + "comp/runs"), json("{}")},
      {"POST", "/api/v1/catalog/tags/{name}/backfill", Role::kOperator, at(tags + "comp/backfill"),
       json(R"({"from": "2026-10-01", "to": "2026-10-02"})")},
      {"GET", "/api/v1/catalog/tags/{name}/runs", Role::kViewer, at(tags + "comp/runs?limit=5"), none},
      {"GET", "/api/v1/catalog/tags/{name}/quality", Role::kViewer, at(tags + "pub/quality"), none},
      {"GET", "/api/v1/catalog/tags/{name}/usage", Role::kViewer, at(tags + "pub/usage"), none},
      {"POST", "/api/v1/catalog/tags/{name}/values", Role::kOperator, at(tags + "pub/values"),
       [](int i) {
         return nlohmann::json{{"set", {{{"user", "m" + std::to_string(i + 1)}, {"value", "gold"}}}}}.dump();
       }},
      {"PUT", "/api/v1/catalog/tags/{name}/list", Role::kOperator, at(tags + "lst/list"),
       [](int i) { return "m" + std::to_string(i + 1) + "\n"; }, "text/plain"},
      {"GET", "/api/v1/catalog/runs/{id}", Role::kViewer,
       at("/api/v1/catalog/runs/" + std::to_string(comp_run)), none},
      {"POST", "/api/v1/catalog/runs/{id}/cancel", Role::kOperator,
       [&](int i) {
         return "/api/v1/catalog/runs/" + std::to_string(slow_runs[static_cast<size_t>(i)]) + "/cancel";
       },
       none},
      {"GET", "/api/v1/catalog/categories", Role::kViewer, at("/api/v1/catalog/categories"), none},
      {"POST", "/api/v1/catalog/categories", Role::kOperator, at("/api/v1/catalog/categories"),
       [](int i) {
         return nlohmann::json{{"name", "made" + std::to_string(i)}}.dump();
       }},
      {"PATCH", "/api/v1/catalog/categories/{id}", Role::kOperator,
       at("/api/v1/catalog/categories/" + std::to_string(patched)),
       [](int i) {
         return nlohmann::json{{"title_en", "Patched " + std::to_string(i)}}.dump();
       }},
      {"DELETE", "/api/v1/catalog/categories/{id}", Role::kOperator,
       [&](int i) {
         return "/api/v1/catalog/categories/" + std::to_string(deletable[static_cast<size_t>(i)]);
       },
       none},
      {"GET", "/api/v1/catalog/sources", Role::kAdmin, at("/api/v1/catalog/sources"), none},
      {"PUT", "/api/v1/catalog/sources/{name}", Role::kAdmin, per_role("/api/v1/catalog/sources/new", ""),
       json(R"({"kind": "sqlite", "connection": "business.db"})")},
      {"DELETE", "/api/v1/catalog/sources/{name}", Role::kAdmin, per_role("/api/v1/catalog/sources/tmp", ""),
       none},
      {"POST", "/api/v1/catalog/sources/{name}/test", Role::kAdmin, at("/api/v1/catalog/sources/shop/test"),
       none},
      {"GET", "/api/v1/catalog/runs", Role::kViewer, at("/api/v1/catalog/runs?limit=5"), none},
      {"GET", "/api/v1/catalog/quality", Role::kViewer, at("/api/v1/catalog/quality?failed=true"), none},
      {"POST", "/api/v1/catalog/preview", Role::kOperator, at("/api/v1/catalog/preview"),
       json(R"({"source": "shop", "query": "SELECT user_id, amount FROM orders"})")},
  };

  std::set<std::string> covered;
  for (const Case& c : cases) covered.insert(std::string(c.method) + " " + c.pattern);
  size_t catalog_routes = 0;
  for (const ApiRoute& r : server_->service().router().routes()) {
    if (!r.pattern.starts_with("/api/v1/catalog/")) continue;
    ++catalog_routes;
    EXPECT_TRUE(covered.count(r.method + " " + r.pattern))
        << "no role test for " << r.method << " " << r.pattern;
  }
  EXPECT_EQ(catalog_routes, cases.size());

  for (const Case& c : cases) {
    SCOPED_TRACE(std::string(c.method) + " " + c.pattern);
    HttpReply anon = Call(c.method, c.target(0), std::nullopt, c.body(0), c.content_type);
    EXPECT_EQ(anon.status, 401) << anon.body;
    HttpClient bad_client(port());
    HttpReply bad =
        bad_client.Request(c.method, c.target(0), c.body(0),
                           {{"Authorization", "Bearer tl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"},
                            {"Content-Type", c.content_type}});
    EXPECT_EQ(bad.status, 401) << bad.body;
    for (int i = 0; i < 4; ++i) {
      Role role = kAllRoles[i];
      HttpReply r = Call(c.method, c.target(i), role, c.body(i), c.content_type);
      if (RoleAllows(role, c.min_role)) {
        EXPECT_GE(r.status, 200) << RoleName(role) << ": " << r.body;
        EXPECT_LT(r.status, 300) << RoleName(role) << ": " << r.body;
      } else {
        EXPECT_EQ(r.status, 403) << RoleName(role) << ": " << r.body;
        EXPECT_EQ(Json(r)["error"]["code"], "permission_denied");
      }
    }
  }
}

}  // namespace
}  // namespace tagloop::testing
