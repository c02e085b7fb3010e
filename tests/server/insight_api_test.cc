// The insight, report and dashboard routes over the API fixture (m1..m5,
// versions 2026-10-01 and 2026-10-15; see api_fixture.h), with numbers
// worked out by hand.
#include <gtest/gtest.h>

#include "server/api_fixture.h"

namespace tagloop::testing {
namespace {

using nlohmann::json;

class InsightApiTest : public ApiTest {
 protected:
  json Post(const std::string& path, const json& body, Role role = Role::kViewer, int expect = 200) {
    HttpReply r = Call("POST", path, role, body.dump());
    EXPECT_EQ(r.status, expect) << path << " " << body.dump() << " -> " << r.body;
    return Json(r);
  }
  const json* Row(const json& values, const json& value) {
    for (const json& row : values) {
      if (row["value"] == value) return &row;
    }
    ADD_FAILURE() << "no row " << value.dump() << " in " << values.dump();
    return nullptr;
  }
};

TEST_F(InsightApiTest, DistributionWithSharesTgiAndStats) {
  StartServer();
  // is_vip as of 10-31: m1, m3. city then is version 10-15: m1 北京, m2 北京, m5 深圳.
  json r = Post("/api/v1/insight/distribution", {{"expr", "is_vip"}, {"as_of", "2026-10-31"}, {"tags", {"city", "age"}}});
  EXPECT_EQ(r["users"], 2);
  EXPECT_EQ(r["universe_users"], 5);
  const json& city = r["tags"][0];
  EXPECT_EQ(city["version"], "2026-10-15");
  const json* bj = Row(city["values"], "北京");
  ASSERT_TRUE(bj);
  EXPECT_EQ((*bj)["users"], 1);
  EXPECT_EQ((*bj)["universe_users"], 2);
  EXPECT_DOUBLE_EQ((*bj)["share"].get<double>(), 0.5);
  EXPECT_DOUBLE_EQ((*bj)["universe_share"].get<double>(), 0.4);
  EXPECT_NEAR((*bj)["tgi"].get<double>(), 125.0, 1e-9);
  EXPECT_EQ((*bj)["expr"], "city = '北京'");
  const json* none = Row(city["values"], nullptr);
  ASSERT_TRUE(none);
  EXPECT_EQ((*none)["users"], 1);  // m3 has no city in the 10-15 version
  EXPECT_EQ((*none)["expr"], "city IS NULL");
  const json& age = r["tags"][1];
  EXPECT_EQ(age["stats"]["users"], 2);
  EXPECT_EQ(age["stats"]["min"], 22);
  EXPECT_EQ(age["stats"]["max"], 30);
  EXPECT_EQ(age["stats"]["sum"], 52);
  EXPECT_DOUBLE_EQ(age["stats"]["avg"].get<double>(), 26.0);
  EXPECT_EQ(age["stats"]["percentiles"]["p50"], 22);
  EXPECT_EQ(age["universe_stats"]["max"], 45);
  // Every row's expr, ANDed with the segment, counts its users.
  for (const json& t : r["tags"]) {
    for (const json& row : t["values"]) {
      EXPECT_EQ(Count("(is_vip) AND (" + row["expr"].get<std::string>() + ")"), row["users"].get<int64_t>())
          << row.dump();
    }
  }
  // Errors name the problem.
  HttpReply bad = Call("POST", "/api/v1/insight/distribution", Role::kViewer,
                       R"({"expr": "is_vip", "tags": ["ctiy"]})");
  EXPECT_EQ(bad.status, 404) << bad.body;
  EXPECT_NE(bad.body.find("ctiy"), std::string::npos);
  bad = Call("POST", "/api/v1/insight/distribution", Role::kViewer, R"({"tags": ["city"]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("'expr' or 'segment'"), std::string::npos);
  bad = Call("POST", "/api/v1/insight/distribution", Role::kViewer,
             R"({"expr": "ALL", "tags": ["age"], "percentiles": [0.33]})");
  EXPECT_EQ(bad.status, 400);
  bad = Call("POST", "/api/v1/insight/distribution", Role::kViewer, R"({"expr": "ALL", "tags": ["age"], "x": 1})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("'x'"), std::string::npos);
}

TEST_F(InsightApiTest, SavedSegmentsAndCharacterisation) {
  StartServer();
  Post("/api/v1/segments", {{"name", "vips"}, {"expr", "is_vip"}}, Role::kAnalyst, 201);
  json r = Post("/api/v1/insight/characterize",
                {{"segment", "vips"}, {"as_of", "2026-10-31"}, {"min_users", 1}, {"min_share", 0}});
  EXPECT_EQ(r["segment"], "vips");
  EXPECT_EQ(r["users"], 2);
  bool mpv = false;
  double last = 1e18;
  for (const json& row : r["over"]) {
    EXPECT_NE(row["tag"], "is_vip");  // the segment's own tag is left out
    EXPECT_GT(row["tgi"].get<double>(), 100);
    EXPECT_LE(row["tgi"].get<double>(), last);
    last = row["tgi"].get<double>();
    if (row["tag"] == "interests" && row["value"] == "mpv") {
      mpv = true;
      EXPECT_NEAR(row["tgi"].get<double>(), 250.0, 1e-9);  // 1 of 2 vs 1 of 5
    }
  }
  EXPECT_TRUE(mpv) << r.dump();
  for (const json& row : r["under"]) EXPECT_LT(row["tgi"].get<double>(), 100);
}

TEST_F(InsightApiTest, OverlapHistoryAndDiff) {
  StartServer();
  json o = Post("/api/v1/insight/overlap",
                {{"segments", {"is_vip", {{"expr", "city = '北京'"}, {"label", "北京"}}}}, {"as_of", "2026-10-31"}});
  EXPECT_EQ(o["segments"][0]["users"], 2);
  EXPECT_EQ(o["segments"][1]["label"], "北京");
  EXPECT_EQ(o["intersections"], json::parse("[[2, 1], [1, 2]]"));
  EXPECT_EQ(o["union_users"], 3);
  EXPECT_EQ(o["segments"][0]["exclusive"], 1);
  ASSERT_EQ(o["regions"].size(), 3u);
  for (const json& region : o["regions"]) {
    EXPECT_EQ(Count(region["expr"].get<std::string>()), region["users"].get<int64_t>()) << region.dump();
  }
  EXPECT_EQ(Call("POST", "/api/v1/insight/overlap", Role::kViewer, R"({"segments": ["ALL"]})").status, 400);

  json h = Post("/api/v1/insight/history", {{"expr", "city = '北京'"}, {"from", "2026-09-30"}, {"to", "2026-10-16"}});
  ASSERT_EQ(h["points"].size(), 17u);
  EXPECT_EQ(h["points"][0]["users"], 0);   // before the first version
  EXPECT_EQ(h["points"][1]["users"], 1);   // 10-01: m2
  EXPECT_EQ(h["points"][15]["users"], 2);  // 10-15: m1, m2
  EXPECT_EQ(h["points"][15]["date"], "2026-10-15");

  json d = Post("/api/v1/insight/diff", {{"expr", "city = '北京'"}, {"from", "2026-10-01"}, {"to", "2026-10-15"}});
  EXPECT_EQ(d["entered"], 1);
  EXPECT_EQ(d["left"], 0);
  EXPECT_EQ(d["stayed"], 1);
  EXPECT_FALSE(d.contains("entered_ids"));
  // Ids need the analyst role and are audited.
  EXPECT_EQ(Call("POST", "/api/v1/insight/diff", Role::kViewer,
                 R"({"expr": "city = '北京'", "from": "2026-10-01", "to": "2026-10-15", "ids_limit": 10})")
                .status,
            403);
  json ids = Post("/api/v1/insight/diff",
                  {{"expr", "city = '北京'"}, {"from", "2026-10-01"}, {"to", "2026-10-15"}, {"ids_limit", 10}},
                  Role::kAnalyst);
  EXPECT_EQ(ids["entered_ids"], json::array({"m1"}));
  EXPECT_EQ(ids["left_ids"], json::array());
  AuditFilter filter;
  filter.action = "insight.diff";
  auto entries = server_->audit().Query(filter);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].item_count, 1);
  EXPECT_EQ((*entries)[0].principal_name, "analyst-test");
}

TEST_F(InsightApiTest, ReportsVersionsRunsAndDashboards) {
  StartServer();
  json def = {{"title", "城市"},
              {"dimensions", {{{"tag", "city"}, {"include_null", true}}}},
              {"measures", {{{"kind", "users"}}, {{"kind", "avg"}, {"tag", "age"}}}}};
  EXPECT_EQ(Call("POST", "/api/v1/reports", Role::kViewer, json{{"name", "by_city"}, {"definition", def}}.dump()).status,
            403);
  json saved = Post("/api/v1/reports", {{"name", "by_city"}, {"definition", def}}, Role::kAnalyst, 201);
  EXPECT_EQ(saved["version"], 1);
  Post("/api/v1/reports", {{"name", "by_city"}, {"definition", def}}, Role::kAnalyst, 409);
  json run = Post("/api/v1/reports/by_city/run", {{"as_of", "2026-10-31"}});
  const json& table = run["tables"][0];
  EXPECT_EQ(table["base_users"], 5);
  ASSERT_EQ(table["cells"].size(), 3u);  // 北京, 深圳, (none)
  const json& bj = table["cells"][0];
  EXPECT_EQ(bj["keys"], json::array({"北京"}));
  EXPECT_EQ(bj["users"], 2);
  EXPECT_DOUBLE_EQ(bj["values"][1].get<double>(), 37.5);  // m1 30, m2 45
  EXPECT_TRUE(table["cells"][1]["values"][1].is_null());  // m5 has no age
  EXPECT_TRUE(table["cells"][2]["keys"][0].is_null());
  for (const json& cell : table["cells"]) {
    EXPECT_EQ(Count(cell["expr"].get<std::string>()), cell["users"].get<int64_t>()) << cell.dump();
  }
  // A new version; the history keeps both.
  def["base"] = "age IS NOT NULL";
  json v2 = Json(Call("PUT", "/api/v1/reports/by_city", Role::kAnalyst, json{{"definition", def}}.dump()));
  EXPECT_EQ(v2["version"], 2);
  json versions = Json(Call("GET", "/api/v1/reports/by_city/versions", Role::kViewer));
  ASSERT_EQ(versions["versions"].size(), 2u);
  EXPECT_EQ(versions["versions"][0]["changed_by"], "analyst-test");
  // Definitions are checked against the tags when saved.
  HttpReply bad = Call("PUT", "/api/v1/reports/broken", Role::kAnalyst,
                       json{{"definition", {{"dimensions", {{{"tag", "ctiy"}}}}}}}.dump());
  EXPECT_EQ(bad.status, 404);
  EXPECT_NE(bad.body.find("dimensions[0]"), std::string::npos);
  // Ad hoc runs.
  json adhoc = Post("/api/v1/reports/run",
                    {{"definition", {{"dimensions", {{{"tag", "is_vip"}}, {{"tag", "age"}, {"edges", {30}}}}}}},
                     {"as_of", "2026-10-31"}});
  ASSERT_EQ(adhoc["tables"][0]["cells"].size(), 4u);  // (false, true) x (< 30, >= 30)
  for (const json& cell : adhoc["tables"][0]["cells"]) {
    EXPECT_EQ(Count(cell["expr"].get<std::string>()), cell["users"].get<int64_t>()) << cell.dump();
  }

  // Dashboards: shared by role.
  Post("/api/v1/dashboards", {{"name", "ops"}, {"title", "运营"}, {"reports", {"by_city"}}, {"min_role", "analyst"}},
       Role::kAnalyst, 201);
  Post("/api/v1/dashboards", {{"name", "all"}, {"reports", {"by_city"}}}, Role::kAnalyst, 201);
  EXPECT_EQ(Call("POST", "/api/v1/dashboards", Role::kAnalyst, R"({"name": "x", "reports": ["nope"]})").status, 404);
  json viewer_list = Json(Call("GET", "/api/v1/dashboards", Role::kViewer));
  ASSERT_EQ(viewer_list["dashboards"].size(), 1u);
  EXPECT_EQ(viewer_list["dashboards"][0]["name"], "all");
  EXPECT_EQ(Call("GET", "/api/v1/dashboards/ops", Role::kViewer).status, 404);
  EXPECT_EQ(Json(Call("GET", "/api/v1/dashboards/ops", Role::kAnalyst))["title"], "运营");
  // A report on a dashboard cannot be deleted.
  EXPECT_EQ(Call("DELETE", "/api/v1/reports/by_city", Role::kAnalyst).status, 409);
  EXPECT_EQ(Call("DELETE", "/api/v1/dashboards/ops", Role::kAnalyst).status, 204);
  EXPECT_EQ(Call("DELETE", "/api/v1/dashboards/all", Role::kAnalyst).status, 204);
  EXPECT_EQ(Call("DELETE", "/api/v1/reports/by_city", Role::kAnalyst).status, 204);
  EXPECT_EQ(Call("GET", "/api/v1/reports/by_city", Role::kViewer).status, 404);
}

}  // namespace
}  // namespace tagloop::testing
