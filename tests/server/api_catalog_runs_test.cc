// Production through the API: manual, repair and backfill runs of an SQL tag
// on the SQLite business database, run records and logs, quality history
// (including a rejected version), cancelling, usage statistics; the category
// tree; SQL sources without their passwords in any answer, audit entry or
// log line.
#include <spdlog/sinks/ostream_sink.h>

#include <map>
#include <sstream>

#include "server/catalog_fixture.h"

namespace tagloop::testing {
namespace {

using nlohmann::json;

class ApiCatalogRunsTest : public CatalogApiTest {
 protected:
  void SetUpShop() {
    MakeBusinessDb(data_ + "/business.db");
    StartCatalogServer();
    HttpReply r = Call("PUT", "/api/v1/catalog/sources/shop", Role::kAdmin,
                       R"({"kind": "sqlite", "connection": "business.db"})");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  HttpReply DefineSql(const std::string& name, const std::string& query,
                      const json& quality = json::object()) {
    return Define(name, {{"type", "int"},
                         {"quality", quality},
                         {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", query}}}});
  }
  // A finished run's record (polls GET /catalog/runs/{id}).
  json FinishedRun(int64_t id) {
    json run;
    EXPECT_TRUE(WaitFor([&] {
      run = Json(Call("GET", "/api/v1/catalog/runs/" + std::to_string(id), Role::kViewer));
      std::string state = run.value("state", "");
      return state != "queued" && state != "running";
    })) << run.dump();
    return run;
  }
};

TEST_F(ApiCatalogRunsTest, ManualRepairAndBackfillRunsWithQualityHistory) {
  SetUpShop();
  ASSERT_EQ(DefineSql("spend_sql", "SELECT user_id, amount FROM orders").status, 200);
  HttpReply r = Post("/api/v1/catalog/tags/spend_sql/runs", Role::kOperator,
                     R"({"date": "2026-11-10", "wait_seconds": 30})");
  ASSERT_EQ(r.status, 200) << r.body;
  json run = Json(r)["run"];
  int64_t run_id = Json(r)["run_id"];
  EXPECT_EQ(run["id"], run_id);
  EXPECT_EQ(run["tag"], "spend_sql");
  EXPECT_EQ(run["biz_date"], "2026-11-10");
  EXPECT_EQ(run["definition_version"], 1);
  EXPECT_EQ(run["trigger"], "manual");
  EXPECT_EQ(run["state"], "succeeded");
  EXPECT_EQ(run["requested_by"], "operator-test");
  EXPECT_EQ(run["rows"], 4);
  EXPECT_EQ(run["users"], 4);
  EXPECT_EQ(run["error"], nullptr);
  EXPECT_NE(run["log"].get<std::string>().find("query on sqlite 'shop'"), std::string::npos) << run["log"];
  // A draft: only operators count it; its data is there.
  ASSERT_EQ(Post("/api/v1/catalog/tags/spend_sql/publish", Role::kOperator).status, 200);
  EXPECT_EQ(CountOf(Role::kViewer, "spend_sql >= 100"), 3);  // m1, m3, m9
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/runs/" + std::to_string(run_id), Role::kViewer))["log"],
            run["log"]);

  // Quality of that version: every check passed.
  json checks = Json(Call("GET", "/api/v1/catalog/tags/spend_sql/quality", Role::kViewer))["checks"];
  ASSERT_EQ(checks.size(), 5u);
  for (const json& c : checks) {
    EXPECT_EQ(c["run_id"], run_id);
    EXPECT_EQ(c["biz_date"], "2026-11-10");
    EXPECT_EQ(c["passed"], true) << c.dump();
  }

  // Repair: the same date again, replaced atomically.
  HttpReply repair = Post("/api/v1/catalog/tags/spend_sql/runs", Role::kOperator,
                          R"({"date": "2026-11-10", "repair": true, "wait_seconds": 30})");
  ASSERT_EQ(repair.status, 200) << repair.body;
  EXPECT_EQ(Json(repair)["run"]["trigger"], "repair");
  EXPECT_EQ(Json(repair)["run"]["state"], "succeeded");

  // Backfill: one run per date, each recorded as the data version's origin.
  HttpReply backfill = Post("/api/v1/catalog/tags/spend_sql/backfill", Role::kOperator,
                            R"({"from": "2026-11-01", "to": "2026-11-03", "definition_version": 1})");
  ASSERT_EQ(backfill.status, 202) << backfill.body;
  json ids = Json(backfill)["run_ids"];
  ASSERT_EQ(ids.size(), 3u);
  for (const json& id : ids) {
    json done = FinishedRun(id.get<int64_t>());
    EXPECT_EQ(done["state"], "succeeded") << done.dump();
    EXPECT_EQ(done["trigger"], "backfill");
  }
  json tag = Json(Call("GET", "/api/v1/catalog/tags/spend_sql", Role::kViewer));
  ASSERT_EQ(tag["data_versions"].size(), 4u);
  EXPECT_EQ(tag["data_versions"][0]["date"], "2026-11-01");
  EXPECT_EQ(tag["data_versions"][0]["run_id"], ids[0]);
  EXPECT_EQ(tag["data_versions"][0]["definition_version"], 1);
  EXPECT_EQ(tag["data_versions"][3]["date"], "2026-11-10");
  EXPECT_EQ(tag["data_versions"][3]["run_id"], Json(repair)["run_id"]);
  json runs = Json(Call("GET", "/api/v1/catalog/tags/spend_sql/runs?limit=2", Role::kViewer))["runs"];
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_FALSE(runs[0].contains("log"));
  EXPECT_EQ(Call("GET", "/api/v1/catalog/tags/spend_sql/runs?limit=0", Role::kViewer).status, 400);

  // Refusals.
  EXPECT_EQ(
      ErrorMessage(Post("/api/v1/catalog/tags/spend_sql/runs", Role::kOperator, R"({"wait_seconds": 601})")),
      "field 'wait_seconds' must be at most 600");
  EXPECT_EQ(
      Post("/api/v1/catalog/tags/spend_sql/runs", Role::kOperator, R"({"definition_version": 9})").status,
      404);
  EXPECT_EQ(ErrorMessage(Post("/api/v1/catalog/tags/spend_sql/backfill", Role::kOperator,
                              R"({"from": "2026-11-03", "to": "2026-11-01"})")),
            "backfill: the end date is before the start date");
  DefineExternal("pushed", "int", true);
  HttpReply external_run = Post("/api/v1/catalog/tags/pushed/runs", Role::kOperator);
  EXPECT_EQ(external_run.status, 400);
  EXPECT_NE(ErrorMessage(external_run).find("it has no job to run"), std::string::npos)
      << external_run.body;
  EXPECT_EQ(Call("GET", "/api/v1/catalog/runs/999999", Role::kViewer).status, 404);
  EXPECT_EQ(Call("GET", "/api/v1/catalog/runs/x1", Role::kViewer).status, 400);
  AuditFilter filter;
  filter.action = "catalog.run";
  auto entries = server_->audit().Query(filter);
  ASSERT_TRUE(entries.ok());
  EXPECT_EQ(entries->size(), 2u);
  filter.action = "catalog.backfill";
  entries = server_->audit().Query(filter);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].item_count, 3);
}

// A composite tag edited to v2, then run (for yesterday, its business date)
// and backfilled: each run uses the definition version valid at its date —
// v1, since v2 was made today — and the run record, its log and the data
// version's provenance all say so. (The run record used to say the
// catalog's current version, v2, while v1 ran and was recorded as the
// data version's origin.) A run asked for v2 uses v2 everywhere.
TEST_F(ApiCatalogRunsTest, RunRecordsAndProvenanceNameTheDefinitionVersionThatRan) {
  StartCatalogServer();
  auto composite = [](const std::string& expr) {
    return json{{"type", "bool"}, {"producer", {{"kind", "composite"}, {"expression", expr}}}};
  };
  ASSERT_EQ(Define("vip_adult", composite("is_vip")).status, 200);
  ASSERT_EQ(Post("/api/v1/catalog/tags/vip_adult/publish", Role::kOperator).status, 200);
  ASSERT_TRUE(WaitFor([&] {
    json runs = Json(Call("GET", "/api/v1/catalog/tags/vip_adult/runs", Role::kViewer))["runs"];
    return runs.size() == 1 && runs[0]["state"] == "succeeded";
  }));
  HttpReply edited = Define("vip_adult", composite("is_vip AND age >= 25"));
  ASSERT_EQ(edited.status, 200) << edited.body;
  ASSERT_EQ(Json(edited)["version"], 2);

  std::vector<int64_t> run_ids;
  HttpReply run = Post("/api/v1/catalog/tags/vip_adult/runs", Role::kOperator, R"({"wait_seconds": 30})");
  ASSERT_EQ(run.status, 200) << run.body;
  run_ids.push_back(Json(run)["run_id"]);
  HttpReply backfill = Post("/api/v1/catalog/tags/vip_adult/backfill", Role::kOperator,
                            R"({"from": "2026-11-01", "to": "2026-11-03"})");
  ASSERT_EQ(backfill.status, 202) << backfill.body;
  const json queued = Json(backfill);  // kept alive: the loop reads into it
  for (const json& id : queued["run_ids"]) run_ids.push_back(id.get<int64_t>());
  HttpReply pinned = Post("/api/v1/catalog/tags/vip_adult/runs", Role::kOperator,
                          R"({"date": "2026-10-31", "definition_version": 2, "wait_seconds": 30})");
  ASSERT_EQ(pinned.status, 200) << pinned.body;
  const int64_t pinned_id = Json(pinned)["run_id"];
  run_ids.push_back(pinned_id);

  json tag = Json(Call("GET", "/api/v1/catalog/tags/vip_adult", Role::kViewer));
  std::map<int64_t, json> origin_of_run;
  for (const json& v : tag["data_versions"]) origin_of_run[v["run_id"].get<int64_t>()] = v;
  for (int64_t id : run_ids) {
    json done = FinishedRun(id);
    SCOPED_TRACE(done.dump());
    ASSERT_EQ(done["state"], "succeeded");
    const int expected = id == pinned_id ? 2 : 1;
    EXPECT_EQ(done["definition_version"], expected);
    EXPECT_NE(done["log"].get<std::string>().find("(definition v" + std::to_string(expected) + ","),
              std::string::npos);
    ASSERT_TRUE(origin_of_run.count(id)) << tag["data_versions"].dump();
    EXPECT_EQ(origin_of_run[id]["date"], done["biz_date"]);
    EXPECT_EQ(origin_of_run[id]["definition_version"], expected);
  }
  // What each definition computed: v1 every VIP (m1, m3), v2 only those of 25 or more (m1).
  EXPECT_EQ(Count("vip_adult", "2026-11-02"), 2);
  EXPECT_EQ(Count("vip_adult", "2026-10-31"), 1);
}

TEST_F(ApiCatalogRunsTest, AFailedQualityCheckKeepsThePreviousVersion) {
  SetUpShop();
  // 2 of 6 users (m1, m9 spend over 200): coverage 33% < 90%.
  ASSERT_EQ(DefineSql("big", "SELECT user_id, amount FROM orders WHERE amount > 200", {{"min_coverage", 0.9}})
                .status,
            200);
  HttpReply r =
      Post("/api/v1/catalog/tags/big/runs", Role::kOperator, R"({"date": "2026-11-10", "wait_seconds": 30})");
  ASSERT_EQ(r.status, 200) << r.body;
  json run = Json(r)["run"];
  EXPECT_EQ(run["state"], "rejected");
  EXPECT_NE(run["error"].get<std::string>().find("quality check failed"), std::string::npos) << run["error"];
  EXPECT_EQ(server_->store().snapshot()->FindTag("big"), nullptr);  // nothing published
  json checks = Json(Call("GET", "/api/v1/catalog/tags/big/quality?limit=5", Role::kOperator))["checks"];
  ASSERT_EQ(checks.size(), 5u);
  int failed = 0;
  for (const json& c : checks) {
    if (!c["passed"].get<bool>()) {
      ++failed;
      EXPECT_EQ(c["check"], "min_coverage");
      EXPECT_DOUBLE_EQ(c["bound"].get<double>(), 0.9);
    }
  }
  EXPECT_EQ(failed, 1);
}

TEST_F(ApiCatalogRunsTest, CancelStopsARunningJob) {
  SetUpShop();
  ASSERT_EQ(Define("slow", {{"type", "enum"},
                            {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", kEndlessQuery}}}})
                .status,
            200);
  HttpReply started = Post("/api/v1/catalog/tags/slow/runs", Role::kOperator, R"({"date": "2026-11-01"})");
  ASSERT_EQ(started.status, 202) << started.body;
  int64_t id = Json(started)["run_id"];
  json state;
  ASSERT_TRUE(WaitFor([&] {
    state = Json(Call("GET", "/api/v1/catalog/runs/" + std::to_string(id), Role::kOperator));
    return state["state"] == "running";
  })) << state.dump();
  HttpReply cancelled = Post("/api/v1/catalog/runs/" + std::to_string(id) + "/cancel", Role::kOperator);
  ASSERT_EQ(cancelled.status, 200) << cancelled.body;
  EXPECT_EQ(Json(cancelled)["state"], "cancelled");
  HttpReply again = Post("/api/v1/catalog/runs/" + std::to_string(id) + "/cancel", Role::kOperator);
  EXPECT_EQ(again.status, 409);
  EXPECT_EQ(ErrorMessage(again), "run " + std::to_string(id) + " has already finished (cancelled)");
  // A cancelled run is not retried.
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/tags/slow/runs", Role::kOperator))["runs"].size(), 1u);
  AuditFilter filter;
  filter.action = "catalog.cancel";
  auto entries = server_->audit().Query(filter);
  ASSERT_TRUE(entries.ok());
  ASSERT_EQ(entries->size(), 1u);
  EXPECT_EQ((*entries)[0].target, std::to_string(id));
}

TEST_F(ApiCatalogRunsTest, UsageCountsEveryUseByKindAndPrincipal) {
  StartCatalogServer();
  DefineExternal("tier", "enum", true);
  ASSERT_EQ(Push("tier", {{"m1", "gold"}, {"m2", "silver"}}).status, 200);
  EXPECT_EQ(CountOf(Role::kViewer, "tier = 'gold'"), 1);
  EXPECT_EQ(CountOf(Role::kViewer, "tier = 'silver' OR tier = 'gold'"), 2);
  EXPECT_EQ(CountOf(Role::kAnalyst, "tier IS NULL"), 3);
  EXPECT_EQ(Call("POST", "/api/v1/segments/query", Role::kAnalyst, R"({"expr": "tier = 'gold'"})").status,
            200);
  ASSERT_EQ(Call("POST", "/api/v1/segments", Role::kAnalyst, R"({"name": "golden", "expr": "tier = 'gold'"})")
                .status,
            201);
  EXPECT_EQ(Call("GET", "/api/v1/segments/golden/count", Role::kViewer).status, 200);
  HttpReply usage = Call("GET", "/api/v1/catalog/tags/tier/usage", Role::kViewer);
  ASSERT_EQ(usage.status, 200) << usage.body;
  json u = Json(usage);
  EXPECT_EQ(u["totals"]["count"], 3);
  EXPECT_EQ(u["totals"]["query"], 1);
  EXPECT_EQ(u["totals"]["segment"], 1);
  EXPECT_EQ(u["uses"], 5);
  EXPECT_TRUE(u["last_used_ms"].is_number());
  json rows_by = json::object();
  for (const json& row : u["rows"])
    rows_by[row["kind"].get<std::string>() + "/" + row["principal"].get<std::string>()] = row["uses"];
  EXPECT_EQ(rows_by, json::parse(R"({"count/viewer-test": 2, "count/analyst-test": 1, "query/analyst-test": 1,
                                     "segment/viewer-test": 1})"));
  EXPECT_EQ(u["lineage"], json::parse(R"({"composite_tags": [], "saved_segments": ["golden"]})"));
  EXPECT_EQ(Call("GET", "/api/v1/catalog/tags/nosuch/usage", Role::kViewer).status, 404);
}

TEST_F(ApiCatalogRunsTest, CategoryTreeWithTagCounts) {
  StartCatalogServer();
  ASSERT_EQ(Define("vip", {{"type", "bool"}, {"category", "交易/会员"}, {"producer", {{"kind", "external"}}}})
                .status,
            200);
  ASSERT_EQ(Post("/api/v1/catalog/tags/vip/publish", Role::kOperator).status, 200);
  ASSERT_EQ(
      Define("draft_one", {{"type", "bool"}, {"category", "交易"}, {"producer", {{"kind", "external"}}}})
          .status,
      200);
  HttpReply created =
      Post("/api/v1/catalog/categories", Role::kOperator, R"({"name": "行为", "title_en": "Behaviour"})");
  ASSERT_EQ(created.status, 201) << created.body;
  int64_t behaviour = Json(created)["id"];
  EXPECT_EQ(Json(created),
            json::parse(fmt::format(
                R"({{"id": {}, "parent_id": null, "name": "行为", "path": "行为", "title_en": "Behaviour"}})",
                behaviour)));
  EXPECT_EQ(Post("/api/v1/catalog/categories", Role::kOperator, R"({"name": "行为"})").status, 409);
  EXPECT_EQ(Post("/api/v1/catalog/categories", Role::kOperator, R"({"name": "a/b"})").status, 400);
  EXPECT_EQ(Post("/api/v1/catalog/categories", Role::kOperator, R"({"name": "x", "parent_id": 999})").status,
            404);

  auto tree = [&](Role role) { return Json(Call("GET", "/api/v1/catalog/categories", role)); };
  json viewer = tree(Role::kViewer);
  ASSERT_EQ(viewer["categories"].size(), 2u);  // 交易 and 行为, by name
  json trade = viewer["categories"][0];
  EXPECT_EQ(trade["path"], "交易");
  EXPECT_EQ(trade["tags"], 0);  // the draft is not the viewer's
  EXPECT_EQ(trade["total_tags"], 1);
  EXPECT_EQ(trade["children"][0]["path"], "交易/会员");
  EXPECT_EQ(trade["children"][0]["tags"], 1);
  EXPECT_EQ(tree(Role::kOperator)["categories"][0]["total_tags"], 2);
  EXPECT_EQ(viewer["uncategorized_tags"], 0);

  // Renaming and moving categories and tags touch no data.
  int64_t members = trade["children"][0]["id"];
  HttpReply renamed = Call("PATCH", "/api/v1/catalog/categories/" + std::to_string(members), Role::kOperator,
                           nlohmann::json{{"name", "会员体系"}, {"parent_id", behaviour}}.dump());
  ASSERT_EQ(renamed.status, 200) << renamed.body;
  EXPECT_EQ(Json(renamed)["path"], "行为/会员体系");
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/tags/vip", Role::kViewer))["definition"]["category"],
            "行为/会员体系");
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/tags/vip", Role::kViewer))["version"], 1);
  EXPECT_EQ(Call("PATCH", "/api/v1/catalog/categories/" + std::to_string(behaviour), Role::kOperator,
                 nlohmann::json{{"parent_id", members}}.dump())
                .status,
            400);  // under its own child
  EXPECT_EQ(
      Call("PATCH", "/api/v1/catalog/categories/" + std::to_string(behaviour), Role::kOperator, "{}").status,
      400);
  HttpReply moved = Call("PUT", "/api/v1/catalog/tags/vip/category", Role::kOperator,
                         nlohmann::json{{"category_id", behaviour}}.dump());
  ASSERT_EQ(moved.status, 200) << moved.body;
  EXPECT_EQ(Json(moved)["category"], "行为");
  EXPECT_EQ(Json(moved)["version"], 2);
  EXPECT_EQ(Json(Call("GET", "/api/v1/tags", Role::kViewer))["tags"].size(),
            6u);  // vip has no data: not in the store
  HttpReply busy = Call("DELETE", "/api/v1/catalog/categories/" + std::to_string(behaviour), Role::kOperator);
  EXPECT_EQ(busy.status, 409);
  EXPECT_EQ(ErrorMessage(busy), "category '行为' still holds 1 tags and 1 categories");
  EXPECT_EQ(Call("DELETE", "/api/v1/catalog/categories/" + std::to_string(members), Role::kOperator).status,
            204);
  EXPECT_EQ(Call("DELETE", "/api/v1/catalog/categories/" + std::to_string(members), Role::kOperator).status,
            404);
  AuditFilter filter;
  filter.limit = 100;
  auto entries = server_->audit().Query(filter);
  ASSERT_TRUE(entries.ok());
  std::multiset<std::string> actions;
  for (const AuditEntry& e : *entries) actions.insert(e.action);
  EXPECT_EQ(actions.count("catalog.category_create"), 1u);
  EXPECT_EQ(actions.count("catalog.category_change"), 1u);
  EXPECT_EQ(actions.count("catalog.category_delete"), 1u);
  EXPECT_EQ(actions.count("catalog.move_tag"), 1u);
}

TEST_F(ApiCatalogRunsTest, SourcePasswordsNeverLeaveTheServer) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_level(spdlog::level::trace);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  SetUpShop();
  const std::string secret = "S3cr3t-pa55-word";
  std::vector<std::string> answers;
  auto call = [&](const std::string& method, const std::string& target, const std::string& body = "") {
    HttpReply r = Call(method, target, Role::kAdmin, body);
    answers.push_back(r.body);
    return r;
  };
  HttpReply put =
      call("PUT", "/api/v1/catalog/sources/pg",
           json{{"kind", "postgresql"},
                {"connection", "host=127.0.0.1 port=1 dbname=shop user=tagloop connect_timeout=2"},
                {"password", secret}}
               .dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json(put)["has_password"], true);
  EXPECT_EQ(Json(put)["description"],
            "postgresql 'pg' (host=127.0.0.1 port=1 dbname=shop user=tagloop connect_timeout=2)");
  // Editing other settings keeps the password.
  HttpReply edit = call(
      "PUT", "/api/v1/catalog/sources/pg",
      R"({"kind": "postgresql", "connection": "host=127.0.0.1 port=1 dbname=shop user=tagloop", "fetch_rows": 500})");
  ASSERT_EQ(edit.status, 200) << edit.body;
  EXPECT_EQ(Json(edit)["has_password"], true);
  EXPECT_EQ(Json(edit)["fetch_rows"], 500);
  HttpReply list = call("GET", "/api/v1/catalog/sources");
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(Json(list)["sources"].size(), 2u);
  EXPECT_EQ(Json(list)["sources"][0]["name"], "pg");
  EXPECT_FALSE(Json(list)["sources"][0].contains("password"));
  // A password inside the connection is refused, without quoting it.
  HttpReply inline_password =
      call("PUT", "/api/v1/catalog/sources/bad",
           json{{"kind", "postgresql"}, {"connection", "host=x password=" + secret}}.dump());
  EXPECT_EQ(inline_password.status, 400);
  // Connection tests: the driver's message, never the password.
  HttpReply failed = call("POST", "/api/v1/catalog/sources/pg/test");
  ASSERT_EQ(failed.status, 200) << failed.body;
  EXPECT_EQ(Json(failed)["ok"], false);
  EXPECT_EQ(Json(failed)["error"]["code"], "failed_precondition") << failed.body;
  EXPECT_EQ(Json(failed)["error"]["message"].get<std::string>().rfind("source 'pg': ", 0), 0u) << failed.body;
  HttpReply works = call("POST", "/api/v1/catalog/sources/shop/test");
  EXPECT_EQ(Json(works)["ok"], true) << works.body;
  EXPECT_EQ(Json(works)["error"], nullptr);
  EXPECT_EQ(call("POST", "/api/v1/catalog/sources/nope/test").status, 404);
  // A run on that source fails with the driver's message, not the password.
  ASSERT_EQ(Define("pg_tag", {{"type", "int"},
                              {"producer", {{"kind", "sql"}, {"source", "pg"}, {"query", "SELECT 1, 2"}}}})
                .status,
            200);
  HttpReply run = Post("/api/v1/catalog/tags/pg_tag/runs", Role::kOperator, R"({"wait_seconds": 30})");
  answers.push_back(run.body);
  ASSERT_EQ(run.status, 200) << run.body;
  EXPECT_EQ(Json(run)["run"]["state"], "failed");
  // In use: not deleted, the answer names the tags; an admin may force it.
  HttpReply in_use = call("DELETE", "/api/v1/catalog/sources/pg");
  EXPECT_EQ(in_use.status, 409);
  EXPECT_EQ(ErrorMessage(in_use),
            "source 'pg' is used by tags pg_tag; change their definitions first, or force the removal with force=true");
  EXPECT_EQ(Json(in_use)["error"]["tags"], json::array({"pg_tag"})) << in_use.body;
  EXPECT_EQ(Json(call("GET", "/api/v1/catalog/sources"))["sources"].size(), 2u) << "still there";
  EXPECT_EQ(call("DELETE", "/api/v1/catalog/sources/pg?force=true").status, 204);
  EXPECT_EQ(call("DELETE", "/api/v1/catalog/sources/pg?force=true").status, 404);
  EXPECT_EQ(call("DELETE", "/api/v1/catalog/sources/shop").status, 204);
  EXPECT_EQ(call("DELETE", "/api/v1/catalog/sources/shop").status, 404);

  AuditFilter filter;
  filter.limit = 1000;
  auto entries = server_->audit().Query(filter);
  ASSERT_TRUE(entries.ok());
  int source_puts = 0;
  int forced_deletes = 0;
  for (const AuditEntry& e : *entries) {
    EXPECT_EQ(e.target.find(secret), std::string::npos) << e.action;
    EXPECT_EQ(e.detail.find(secret), std::string::npos) << e.action << ": " << e.detail;
    if (e.action == "sources.put" && e.target == "pg") {
      ++source_puts;
      EXPECT_TRUE(e.detail.ends_with("password set") || e.detail.ends_with("password kept")) << e.detail;
    }
    if (e.action == "sources.delete" && e.target == "pg") {
      ++forced_deletes;
      EXPECT_EQ(e.detail, "forced; still named by tags pg_tag");
    }
  }
  EXPECT_EQ(source_puts, 2);
  EXPECT_EQ(forced_deletes, 1);
  server_->Stop();
  server_.reset();
  spdlog::set_default_logger(previous);
  for (const std::string& a : answers) EXPECT_EQ(a.find(secret), std::string::npos) << a;
  std::string log = captured.str();
  EXPECT_NE(log.find("route=/api/v1/catalog/sources/{name}"), std::string::npos) << log;
  EXPECT_EQ(log.find(secret), std::string::npos) << log;
  // The run history (log, error) never holds it either.
  auto history = RunHistory::Open(data_);
  ASSERT_TRUE(history.ok());
  auto runs = (*history)->List("", 100);
  ASSERT_TRUE(runs.ok());
  ASSERT_FALSE(runs->empty());
  for (const RunRecord& r : *runs) {
    EXPECT_EQ(r.log.find(secret), std::string::npos);
    EXPECT_EQ(r.error.find(secret), std::string::npos);
  }
}

}  // namespace
}  // namespace tagloop::testing

namespace tagloop::testing {
namespace {

// The jobs and quality pages' views across tags: GET /catalog/runs and
// GET /catalog/quality, with their filters and the tags' visibility.
TEST_F(ApiCatalogRunsTest, RunsAndFailedChecksAcrossTags) {
  SetUpShop();
  ASSERT_EQ(DefineSql("big", "SELECT user_id, amount FROM orders WHERE amount > 200", {{"min_coverage", 0.9}})
                .status,
            200);
  ASSERT_EQ(DefineSql("all_spend", "SELECT user_id, amount FROM orders").status, 200);
  for (const char* tag : {"big", "all_spend"}) {
    HttpReply r = Post(std::string("/api/v1/catalog/tags/") + tag + "/runs", Role::kOperator,
                       R"({"date": "2026-11-10", "wait_seconds": 30})");
    ASSERT_EQ(r.status, 200) << r.body;
  }
  json runs = Json(Call("GET", "/api/v1/catalog/runs?limit=10", Role::kOperator))["runs"];
  ASSERT_EQ(runs.size(), 2u);
  EXPECT_EQ(runs[0]["tag"], "all_spend");  // newest first
  EXPECT_EQ(runs[1]["tag"], "big");
  json rejected = Json(Call("GET", "/api/v1/catalog/runs?state=rejected", Role::kOperator))["runs"];
  ASSERT_EQ(rejected.size(), 1u);
  EXPECT_EQ(rejected[0]["tag"], "big");
  EXPECT_EQ(rejected[0]["state"], "rejected");
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/runs?state=failed,rejected", Role::kOperator))["runs"].size(), 1u);
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/runs?state=rejected,succeeded", Role::kOperator))["runs"].size(), 2u);
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/runs?state=queued,running", Role::kOperator))["runs"].size(), 0u);

  json failed = Json(Call("GET", "/api/v1/catalog/quality?failed=true", Role::kOperator))["checks"];
  ASSERT_EQ(failed.size(), 1u);
  EXPECT_EQ(failed[0]["tag"], "big");
  EXPECT_EQ(failed[0]["check"], "min_coverage");
  EXPECT_FALSE(failed[0]["passed"].get<bool>());
  EXPECT_EQ(failed[0]["biz_date"], "2026-11-10");
  json every = Json(Call("GET", "/api/v1/catalog/quality?limit=100", Role::kOperator))["checks"];
  EXPECT_GT(every.size(), failed.size());

  // Both tags are drafts: a viewer sees neither their runs nor their checks.
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/runs", Role::kViewer))["runs"].size(), 0u);
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/quality?failed=true", Role::kViewer))["checks"].size(), 0u);
  HttpReply bad = Call("GET", "/api/v1/catalog/runs?state=done", Role::kViewer);
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(ErrorMessage(bad).find("query parameter 'state'"), std::string::npos) << bad.body;
}

// POST /catalog/preview: the first rows and the dry-run counts of a SQL
// tag's query, before anything is saved.
TEST_F(ApiCatalogRunsTest, PreviewShowsFirstRowsAndCounts) {
  SetUpShop();
  HttpReply r = Post("/api/v1/catalog/preview", Role::kOperator,
                     R"({"source": "shop", "query": "SELECT user_id, amount FROM orders WHERE '{{biz_date}}' <> '' ORDER BY user_id", "rows": 2, "biz_date": "2026-11-10"})");
  ASSERT_EQ(r.status, 200) << r.body;
  json p = Json(r);
  EXPECT_EQ(p["columns"], 2);
  ASSERT_EQ(p["rows"].size(), 2u);
  EXPECT_EQ(p["rows"][0][0], "m1");
  EXPECT_EQ(p["rows"][0][1], "300");
  EXPECT_EQ(p["rows_total"], 4);
  EXPECT_EQ(p["users"], 4);
  // m1, m2, m3 are users of the fixture's store; m9 is not.
  EXPECT_EQ(p["known_users"], 3);
  EXPECT_EQ(p["biz_date"], "2026-11-10");
  EXPECT_NE(p["query"].get<std::string>().find("'2026-11-10' <> ''"), std::string::npos) << p["query"];

  HttpReply broken = Post("/api/v1/catalog/preview", Role::kOperator,
                          R"({"source": "shop", "query": "SELECT user_id FROM nowhere"})");
  EXPECT_EQ(broken.status, 400);
  EXPECT_NE(ErrorMessage(broken).find("source 'shop'"), std::string::npos) << broken.body;
  EXPECT_NE(ErrorMessage(broken).find("nowhere"), std::string::npos) << broken.body;
  HttpReply unknown = Post("/api/v1/catalog/preview", Role::kOperator, R"({"source": "shoq", "query": "SELECT 1"})");
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(ErrorMessage(unknown), "source: no source 'shoq'");
  EXPECT_EQ(Post("/api/v1/catalog/preview", Role::kAnalyst, R"({"source": "shop", "query": "SELECT 1"})").status,
            403);
  // Nothing was defined or produced.
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/tags", Role::kAdmin))["tags"].size(), 0u);
}

// GET /catalog/tags pages (limit, offset, total) and filters by type.
TEST_F(ApiCatalogRunsTest, CatalogListPagesAndFiltersByType) {
  SetUpShop();
  for (const char* name : {"a_int", "b_int", "c_int"}) ASSERT_EQ(DefineSql(name, "SELECT user_id, amount FROM orders").status, 200);
  DefineExternal("d_flag", "bool", false);
  DefineExternal("e_level", "enum", false);
  auto names = [](const json& page) {
    std::vector<std::string> out;
    for (const json& t : page["tags"]) out.push_back(t["name"]);
    return out;
  };
  json first = Json(Call("GET", "/api/v1/catalog/tags?limit=2", Role::kOperator));
  EXPECT_EQ(first["total"], 5);
  EXPECT_EQ(names(first), (std::vector<std::string>{"a_int", "b_int"}));
  json last = Json(Call("GET", "/api/v1/catalog/tags?limit=2&offset=4", Role::kOperator));
  EXPECT_EQ(names(last), (std::vector<std::string>{"e_level"}));
  EXPECT_EQ(last["offset"], 4);
  EXPECT_EQ(names(Json(Call("GET", "/api/v1/catalog/tags?type=numeric", Role::kOperator))),
            (std::vector<std::string>{"a_int", "b_int", "c_int"}));
  EXPECT_EQ(names(Json(Call("GET", "/api/v1/catalog/tags?type=categorical&q=level", Role::kOperator))),
            (std::vector<std::string>{"e_level"}));
  json bool_page = Json(Call("GET", "/api/v1/catalog/tags?type=bool&limit=1", Role::kOperator));
  EXPECT_EQ(bool_page["total"], 1);
  EXPECT_EQ(Call("GET", "/api/v1/catalog/tags?limit=0", Role::kOperator).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/catalog/tags?type=text", Role::kOperator).status, 400);
}

}  // namespace
}  // namespace tagloop::testing
