// The tag catalog through the API: definitions and their lifecycle as seen
// by counts and tag lists, dependents refusing offline, hot publishing while
// counts flow, external pushes and list uploads end to end, definition
// checks (cycles, type changes, sources, schedules), dry runs and audit.
#include <atomic>
#include <thread>

#include "server/catalog_fixture.h"

namespace tagloop::testing {
namespace {

using nlohmann::json;

class ApiCatalogTest : public CatalogApiTest {
 protected:
  // Audit entries of one action, oldest first.
  std::vector<AuditEntry> Audited(std::string_view action) {
    AuditFilter filter;
    filter.action = std::string(action);
    filter.limit = 1000;
    auto entries = server_->audit().Query(filter);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    std::vector<AuditEntry> out = entries.ok() ? *entries : std::vector<AuditEntry>{};
    std::reverse(out.begin(), out.end());
    return out;
  }
  std::vector<std::string> CatalogNames(Role role, const std::string& query = "") {
    HttpReply r = Call("GET", "/api/v1/catalog/tags" + query, role);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> names;
    json body = Json(r);
    for (const auto& t : body["tags"]) names.push_back(t["name"].get<std::string>());
    return names;
  }
  std::vector<std::string> StoreTagNames(Role role) {
    HttpReply r = Call("GET", "/api/v1/tags", role);
    EXPECT_EQ(r.status, 200) << r.body;
    std::vector<std::string> names;
    json body = Json(r);
    for (const auto& t : body["tags"]) names.push_back(t["name"].get<std::string>());
    return names;
  }
  static bool Contains(const std::vector<std::string>& v, const std::string& s) {
    return std::find(v.begin(), v.end(), s) != v.end();
  }
};

TEST_F(ApiCatalogTest, DraftPublishOfflineRestoreTakeEffectAtOnce) {
  StartCatalogServer();
  HttpReply created = Define("tier", {{"type", "enum"},
                                      {"title", {{"zh", "会员层级"}, {"en", "Tier"}}},
                                      {"owner", "crm"},
                                      {"category", "交易/会员"},
                                      {"producer", {{"kind", "external"}}}});
  ASSERT_EQ(created.status, 200) << created.body;
  EXPECT_EQ(Json(created),
            json::parse(R"({"name": "tier", "change": "created", "version": 1, "status": "draft", "diff": [],
                            "dry_run": false})"));
  // A draft gets data (pushed), but only operators and admins read it.
  HttpReply pushed = Push("tier", {{"m1", "gold"}, {"m2", "silver"}, {"m3", "gold"}});
  ASSERT_EQ(pushed.status, 200) << pushed.body;
  EXPECT_EQ(Json(pushed)["users"], 3);
  HttpReply draft = CountAs(Role::kViewer, "tier = 'gold'");
  EXPECT_EQ(draft.status, 400);
  EXPECT_EQ(ErrorMessage(draft), "tag 'tier' is a draft: it is not published yet at position 0");
  EXPECT_EQ(CountOf(Role::kOperator, "tier = 'gold'"), 2);
  EXPECT_FALSE(Contains(CatalogNames(Role::kViewer), "tier"));
  EXPECT_FALSE(Contains(StoreTagNames(Role::kAnalyst), "tier"));
  EXPECT_TRUE(Contains(CatalogNames(Role::kOperator), "tier"));
  HttpReply hidden = Call("GET", "/api/v1/catalog/tags/tier", Role::kViewer);
  EXPECT_EQ(hidden.status, 404);
  EXPECT_EQ(ErrorMessage(hidden), "tag 'tier' is a draft: only operators and admins see it");
  EXPECT_EQ(Call("GET", "/api/v1/tags/tier", Role::kViewer).status, 404);

  // Publishing: the very next count works.
  HttpReply published = Post("/api/v1/catalog/tags/tier/publish", Role::kOperator);
  ASSERT_EQ(published.status, 200) << published.body;
  EXPECT_EQ(
      Json(published),
      json::parse(R"({"name": "tier", "status": "published", "status_before": "draft", "version": 1})"));
  EXPECT_EQ(CountOf(Role::kViewer, "tier = 'gold'"), 2);
  // GET /tags keeps the SPEC's shape and adds the catalog's title and status.
  HttpReply tag = Call("GET", "/api/v1/tags/tier", Role::kViewer);
  ASSERT_EQ(tag.status, 200);
  json t = Json(tag);
  EXPECT_EQ(t["category"], "交易/会员");
  EXPECT_EQ(t["title"], json::parse(R"({"zh": "会员层级", "en": "Tier"})"));
  EXPECT_EQ(t["status"], "published");
  EXPECT_EQ(t["users"], 3);
  // Imported tags the catalog does not define keep the old answer.
  EXPECT_EQ(Json(Call("GET", "/api/v1/tags/city", Role::kViewer)).contains("status"), false);
  // The catalog's summary.
  HttpReply list = Call("GET", "/api/v1/catalog/tags", Role::kViewer);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(Json(list)["tags"].size(), 1u);
  json s = Json(list)["tags"][0];
  EXPECT_EQ(s["name"], "tier");
  EXPECT_EQ(s["status"], "published");
  EXPECT_EQ(s["version"], 1);
  EXPECT_EQ(s["category"], "交易/会员");
  EXPECT_EQ(s["owner"], "crm");
  EXPECT_EQ(s["producer"], "external");
  EXPECT_EQ(s["schedule"], nullptr);
  EXPECT_EQ(s["latest"]["users"], 3);
  EXPECT_EQ(s["latest"]["date"], Json(pushed)["date"]);
  EXPECT_EQ(s["stale"], false);
  EXPECT_EQ(s["updated_by"], "operator-test");
  // Publishing again changes nothing; restore needs an offline tag.
  EXPECT_EQ(Json(Post("/api/v1/catalog/tags/tier/publish", Role::kOperator))["status_before"], "published");
  HttpReply not_offline = Post("/api/v1/catalog/tags/tier/restore", Role::kOperator);
  EXPECT_EQ(not_offline.status, 409);
  EXPECT_EQ(ErrorMessage(not_offline), "tag 'tier' is published, not offline: there is nothing to restore");

  // Offline: viewers lose it at once, admins keep reading its history.
  HttpReply offline = Post("/api/v1/catalog/tags/tier/offline", Role::kOperator);
  ASSERT_EQ(offline.status, 200) << offline.body;
  EXPECT_EQ(Json(offline)["status"], "offline");
  HttpReply viewer_count = CountAs(Role::kViewer, "tier = 'gold'");
  EXPECT_EQ(viewer_count.status, 400);
  EXPECT_EQ(ErrorMessage(viewer_count), "tag 'tier' is offline at position 0");
  EXPECT_EQ(CountAs(Role::kOperator, "tier = 'gold'").status, 400);
  EXPECT_EQ(CountOf(Role::kAdmin, "tier = 'gold'"), 2);
  EXPECT_FALSE(Contains(CatalogNames(Role::kOperator), "tier"));
  EXPECT_FALSE(Contains(CatalogNames(Role::kAdmin), "tier"));
  EXPECT_TRUE(Contains(CatalogNames(Role::kAdmin, "?include_offline=true"), "tier"));
  EXPECT_EQ(CatalogNames(Role::kAdmin, "?include_offline=true&status=offline"),
            std::vector<std::string>{"tier"});
  EXPECT_EQ(Call("GET", "/api/v1/catalog/tags?include_offline=true", Role::kOperator).status, 403);
  EXPECT_EQ(Call("GET", "/api/v1/catalog/tags?status=offline", Role::kAdmin).status, 400);
  EXPECT_FALSE(Contains(StoreTagNames(Role::kOperator), "tier"));
  EXPECT_TRUE(Contains(StoreTagNames(Role::kAdmin), "tier"));
  EXPECT_EQ(Call("GET", "/api/v1/catalog/tags/tier", Role::kAdmin).status, 200);
  EXPECT_EQ(ErrorMessage(Call("GET", "/api/v1/catalog/tags/tier/history", Role::kOperator)),
            "tag 'tier' is offline: only admins see it");
  HttpReply publish_offline = Post("/api/v1/catalog/tags/tier/publish", Role::kOperator);
  EXPECT_EQ(publish_offline.status, 409);
  EXPECT_EQ(ErrorMessage(publish_offline),
            "tag 'tier' is offline; POST /api/v1/catalog/tags/tier/restore brings it back");
  HttpReply push_offline = Push("tier", {{"m4", "gold"}});
  EXPECT_EQ(push_offline.status, 409);

  HttpReply restored = Post("/api/v1/catalog/tags/tier/restore", Role::kOperator);
  ASSERT_EQ(restored.status, 200) << restored.body;
  EXPECT_EQ(
      Json(restored),
      json::parse(R"({"name": "tier", "status": "published", "status_before": "offline", "version": 1})"));
  EXPECT_EQ(CountOf(Role::kViewer, "tier = 'gold'"), 2);

  // Every change is audited, by whom and on what.
  std::vector<AuditEntry> defined = Audited("catalog.define");
  ASSERT_EQ(defined.size(), 1u);
  EXPECT_EQ(defined[0].target, "tier");
  EXPECT_EQ(defined[0].principal_name, "operator-test");
  EXPECT_EQ(defined[0].detail, "created v1");
  ASSERT_EQ(Audited("catalog.push").size(), 1u);
  EXPECT_EQ(Audited("catalog.push")[0].item_count, 3);
  ASSERT_EQ(Audited("catalog.publish").size(), 1u);  // the no-op publish is not a change
  EXPECT_EQ(Audited("catalog.publish")[0].detail, "draft -> published");
  ASSERT_EQ(Audited("catalog.offline").size(), 1u);
  EXPECT_EQ(Audited("catalog.offline")[0].detail, "published -> offline");
  ASSERT_EQ(Audited("catalog.restore").size(), 1u);
}

TEST_F(ApiCatalogTest, OfflineRefusedWhileOthersDependUnlessAdminForces) {
  StartCatalogServer();
  DefineExternal("tier", "enum", true);
  ASSERT_EQ(Push("tier", {{"m1", "gold"}, {"m2", "silver"}}).status, 200);
  ASSERT_EQ(
      Define("gold_vip", {{"type", "bool"},
                          {"producer", {{"kind", "composite"}, {"expression", "tier = 'gold' AND is_vip"}}}})
          .status,
      200);
  ASSERT_EQ(Post("/api/v1/catalog/tags/gold_vip/publish", Role::kOperator).status, 200);
  // A draft reading it does not hold it back.
  ASSERT_EQ(Define("draft_reader", {{"type", "bool"},
                                    {"producer", {{"kind", "composite"}, {"expression", "tier = 'silver'"}}}})
                .status,
            200);
  ASSERT_EQ(Call("POST", "/api/v1/segments", Role::kAnalyst, R"({"name": "golden", "expr": "tier = 'gold'"})")
                .status,
            201);
  ASSERT_EQ(Call("POST", "/api/v1/segments", Role::kAnalyst,
                 R"({"name": "via", "expr": "SEGMENT('golden') OR ALL"})")
                .status,
            201);

  HttpReply refused = Post("/api/v1/catalog/tags/tier/offline", Role::kOperator);
  EXPECT_EQ(refused.status, 409);
  EXPECT_EQ(Json(refused), json::parse(R"({"error": {"code": "failed_precondition",
      "reason": "failed_precondition", "args": {},
      "message": "tag 'tier' is used by composite tags gold_vip; saved segments golden, via; change those first, or an admin forces it with force=true",
      "dependents": {"composite_tags": ["gold_vip"], "saved_segments": ["golden", "via"]}}})"));
  HttpReply not_admin = Post("/api/v1/catalog/tags/tier/offline?force=true", Role::kOperator);
  EXPECT_EQ(not_admin.status, 403);
  EXPECT_EQ(ErrorMessage(not_admin), "force=true needs the admin role");
  EXPECT_EQ(CountOf(Role::kViewer, "tier = 'gold'"), 1);  // still published

  // Lineage in the tag's answer and its usage (drafts included).
  json dependents = Json(Call("GET", "/api/v1/catalog/tags/tier", Role::kViewer))["dependents"];
  EXPECT_EQ(dependents,
            json::parse(
                R"({"composite_tags": ["draft_reader", "gold_vip"], "saved_segments": ["golden", "via"]})"));
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/tags/tier/usage", Role::kViewer))["lineage"], dependents);

  HttpReply forced = Post("/api/v1/catalog/tags/tier/offline?force=true", Role::kAdmin);
  ASSERT_EQ(forced.status, 200) << forced.body;
  EXPECT_EQ(Json(forced)["status"], "offline");
  EXPECT_EQ(Json(forced)["forced_over"],
            json::parse(R"({"composite_tags": ["gold_vip"], "saved_segments": ["golden", "via"]})"));
  EXPECT_EQ(CountAs(Role::kViewer, "tier = 'gold'").status, 400);
  std::vector<AuditEntry> offline = Audited("catalog.offline");
  ASSERT_EQ(offline.size(), 1u);
  EXPECT_EQ(offline[0].principal_name, "admin-test");
  EXPECT_EQ(offline[0].detail,
            "published -> offline; forced over composite tags gold_vip; saved segments golden, via");
}

TEST_F(ApiCatalogTest, HotPublishWhileCountsKeepFlowing) {
  StartCatalogServer();
  std::atomic<bool> stop{false};
  std::atomic<int> succeeded{0}, failed{0};
  std::string failure;
  std::thread client([&] {
    HttpClient c(port());  // one keep-alive connection throughout
    const std::vector<std::pair<std::string, std::string>> headers = {
        {"Authorization", "Bearer " + tokens_[Role::kViewer]}, {"Content-Type", "application/json"}};
    while (!stop.load()) {
      HttpReply r =
          c.Request("POST", "/api/v1/segments/count", R"({"expr": "is_vip AND city = '北京'"})", headers);
      auto j = json::parse(r.body, nullptr, false);
      if (r.status == 200 && !j.is_discarded() && j["count"] == 1) {
        ++succeeded;
      } else {
        if (failed++ == 0) failure = std::to_string(r.status) + " " + r.body;
      }
    }
  });
  ASSERT_TRUE(WaitFor([&] { return succeeded.load() >= 20; }));

  EXPECT_EQ(CountAs(Role::kViewer, "hot").status, 400);  // no such tag yet
  HttpReply defined =
      Define("hot", {{"type", "bool"},
                     {"title", "热门会员"},
                     {"producer", {{"kind", "composite"}, {"expression", "is_vip AND age >= 25"}}}});
  ASSERT_EQ(defined.status, 200) << defined.body;
  auto start = std::chrono::steady_clock::now();
  ASSERT_EQ(Post("/api/v1/catalog/tags/hot/publish", Role::kOperator).status, 200);
  // Published with no data: the scheduler produces it at once.
  HttpReply first;
  ASSERT_TRUE(WaitFor(
      [&] {
        first = CountAs(Role::kViewer, "hot");
        return first.status == 200;
      },
      5000))
      << first.body;
  double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  EXPECT_EQ(Json(first)["count"], 1);  // m1: VIP and 30
  EXPECT_EQ(CountOf(Role::kViewer, "NOT hot"), 4);
  EXPECT_LT(seconds, 5.0);
  int before = succeeded.load();
  ASSERT_TRUE(WaitFor([&] { return succeeded.load() >= before + 20; }));
  stop = true;
  client.join();
  EXPECT_EQ(failed.load(), 0) << failure;
  RecordProperty("first_count_after_publish_ms", static_cast<int>(seconds * 1000));
  // The run that made it.
  json runs = Json(Call("GET", "/api/v1/catalog/tags/hot/runs", Role::kViewer))["runs"];
  ASSERT_EQ(runs.size(), 1u);
  EXPECT_EQ(runs[0]["state"], "succeeded");
  EXPECT_EQ(runs[0]["requested_by"], "publish");
  EXPECT_EQ(runs[0]["users"], 5);  // every user: true or false
}

TEST_F(ApiCatalogTest, ExternalPushesReachProfilesAndCounts) {
  StartCatalogServer();
  DefineExternal("score", "int", true);
  HttpReply first = Push("score", {{"m1", 10}, {"m2", "20"}, {"newbie", 5}});
  ASSERT_EQ(first.status, 200) << first.body;
  json p = Json(first);
  EXPECT_EQ(p["state"], "succeeded");
  EXPECT_EQ(p["users"], 3);
  EXPECT_EQ(p["rows"], 3);
  EXPECT_EQ(p["checks"].size(), 5u);
  EXPECT_EQ(CountOf(Role::kViewer, "score >= 10"), 2);
  EXPECT_EQ(CountOf(Role::kViewer, "ALL"), 6);  // newbie joined the universe
  HttpReply profile = Call("GET", "/api/v1/users/newbie/profile", Role::kAnalyst);
  ASSERT_EQ(profile.status, 200) << profile.body;
  EXPECT_EQ(Json(profile)["tags"], json::parse(R"({"score": 5})"));

  // Unset one user, set another: the rest stays.
  HttpReply second = Post("/api/v1/catalog/tags/score/values", Role::kOperator,
                          R"({"set": [{"user": "m3", "value": 30}], "unset": ["m2"]})");
  ASSERT_EQ(second.status, 200) << second.body;
  EXPECT_EQ(Json(second)["users"], 3);
  EXPECT_EQ(CountOf(Role::kViewer, "score >= 10"), 2);  // m1, m3
  EXPECT_EQ(Json(Call("GET", "/api/v1/users/m2/profile", Role::kAnalyst))["tags"].contains("score"), false);
  EXPECT_EQ(Json(Call("GET", "/api/v1/users/m3/profile", Role::kAnalyst))["tags"]["score"], 30);
  // Replace: the push is the whole version.
  ASSERT_EQ(Post("/api/v1/catalog/tags/score/values", Role::kOperator,
                 R"({"set": [{"user": "m4", "value": 1}], "replace": true})")
                .status,
            200);
  EXPECT_EQ(CountOf(Role::kViewer, "score IS NOT NULL"), 1);

  // Set tags take arrays.
  DefineExternal("labels", "set", true);
  ASSERT_EQ(Push("labels", {{"m1", json::array({"a", "b"})}}).status, 200);
  EXPECT_EQ(Json(Call("GET", "/api/v1/users/m1/profile", Role::kAnalyst))["tags"]["labels"],
            json::parse(R"(["a", "b"])"));

  // Refusals change nothing.
  HttpReply bad_value = Push("score", {{"m1", "ten"}});
  EXPECT_EQ(bad_value.status, 400) << bad_value.body;
  EXPECT_NE(ErrorMessage(bad_value).find("ten"), std::string::npos) << bad_value.body;
  EXPECT_EQ(Post("/api/v1/catalog/tags/score/values", Role::kOperator, R"({"sett": []})").status, 400);
  EXPECT_EQ(ErrorMessage(Post("/api/v1/catalog/tags/score/values", Role::kOperator, R"({})")),
            "nothing to push: give \"set\" and/or \"unset\" (or \"replace\": true)");
  EXPECT_EQ(ErrorMessage(
                Post("/api/v1/catalog/tags/score/values", Role::kOperator, R"({"set": [{"user": "m1"}]})")),
            "set[0] must be {\"user\": ID, \"value\": VALUE}");
  EXPECT_EQ(ErrorMessage(Push("score", {{"m1", json::array({1})}})),
            "set[0].value: only set tags take arrays");
  ASSERT_EQ(Define("crowd", {{"type", "bool"}, {"producer", {{"kind", "list"}}}}).status, 200);
  HttpReply not_external = Push("crowd", {{"m1", true}});
  EXPECT_EQ(not_external.status, 409);
  EXPECT_EQ(ErrorMessage(not_external), "tag 'crowd' has producer 'list'; only external tags take pushed values");
  EXPECT_EQ(Push("nosuch", {{"m1", 1}}).status, 404);
  EXPECT_EQ(CountOf(Role::kViewer, "score IS NOT NULL"), 1);

  std::vector<AuditEntry> pushes = Audited("catalog.push");
  ASSERT_EQ(pushes.size(), 4u);
  EXPECT_EQ(pushes[0].target, "score");
  EXPECT_EQ(pushes[0].item_count, 3);
  EXPECT_EQ(pushes[1].item_count, 2);
  EXPECT_NE(pushes[2].detail.find("replace=true"), std::string::npos) << pushes[2].detail;
}

TEST_F(ApiCatalogTest, ListUploadProducesTheTag) {
  StartCatalogServer();
  ASSERT_EQ(
      Define("crowd", {{"type", "bool"}, {"title", "活动人群"}, {"producer", {{"kind", "list"}}}}).status,
      200);
  const std::string list = "user_id\nm1\nm3\n# a comment\nnew_user\n";
  HttpReply up = Call("PUT", "/api/v1/catalog/tags/crowd/list?run=true", Role::kOperator, list, "text/csv");
  ASSERT_EQ(up.status, 200) << up.body;
  json u = Json(up);
  EXPECT_EQ(u["change"], "updated");
  EXPECT_EQ(u["version"], 2);
  EXPECT_EQ(u["rows"], 3);
  EXPECT_EQ(u["file"].get<std::string>().rfind("lists/crowd-", 0), 0u) << u["file"];
  EXPECT_EQ(u["run"]["state"], "succeeded");
  EXPECT_EQ(u["run"]["definition_version"], 2);
  EXPECT_EQ(u["run"]["users"], 3);
  ASSERT_EQ(Post("/api/v1/catalog/tags/crowd/publish", Role::kOperator).status, 200);
  EXPECT_EQ(CountOf(Role::kViewer, "crowd"), 3);
  EXPECT_EQ(Json(Call("GET", "/api/v1/users/new_user/profile", Role::kAnalyst))["tags"],
            json::parse(R"({"crowd": true})"));
  // Provenance: the data version names the definition version and run.
  json tag = Json(Call("GET", "/api/v1/catalog/tags/crowd", Role::kViewer));
  ASSERT_EQ(tag["data_versions"].size(), 1u);
  EXPECT_EQ(tag["data_versions"][0]["definition_version"], 2);
  EXPECT_EQ(tag["data_versions"][0]["run_id"], u["run"]["id"]);
  EXPECT_EQ(tag["definition"]["producer"]["file"], u["file"]);
  EXPECT_EQ(tag["last_run"]["id"], u["run"]["id"]);
  // The same bytes again: no new version.
  HttpReply again = Call("PUT", "/api/v1/catalog/tags/crowd/list", Role::kOperator, list, "text/plain");
  ASSERT_EQ(again.status, 200);
  EXPECT_EQ(Json(again)["change"], "unchanged");
  EXPECT_EQ(Json(again)["version"], 2);
  // A malformed list or a tag of another kind is refused.
  HttpReply bad = Call("PUT", "/api/v1/catalog/tags/crowd/list", Role::kOperator, "m1\n,x\n", "text/plain");
  EXPECT_EQ(bad.status, 400) << bad.body;
  EXPECT_EQ(ErrorMessage(bad).rfind("upload:2", 0), 0u) << bad.body;
  DefineExternal("ext", "bool", false);
  EXPECT_EQ(Call("PUT", "/api/v1/catalog/tags/ext/list", Role::kOperator, "m1\n", "text/plain").status, 409);
  ASSERT_EQ(Audited("catalog.list_upload").size(), 1u);
  EXPECT_EQ(Audited("catalog.list_upload")[0].item_count, 3);
}

TEST_F(ApiCatalogTest, CompositeCyclesAreRefusedWithThePath) {
  StartCatalogServer();
  auto composite = [](const std::string& expr) {
    return json{{"type", "bool"}, {"producer", {{"kind", "composite"}, {"expression", expr}}}};
  };
  ASSERT_EQ(Define("a_tag", composite("is_vip")).status, 200);
  ASSERT_EQ(Post("/api/v1/catalog/tags/a_tag/publish", Role::kOperator).status, 200);
  ASSERT_TRUE(WaitForData("a_tag"));
  ASSERT_EQ(Define("b_tag", composite("a_tag AND age > 20")).status, 200);
  ASSERT_EQ(Post("/api/v1/catalog/tags/b_tag/publish", Role::kOperator).status, 200);
  ASSERT_TRUE(WaitForData("b_tag"));

  HttpReply cycle = Define("a_tag", composite("b_tag OR is_vip"));
  EXPECT_EQ(cycle.status, 400);
  EXPECT_EQ(ErrorMessage(cycle), "composite tag 'a_tag' would create a cycle: a_tag -> b_tag -> a_tag");
  HttpReply self = Define("a_tag", composite("a_tag"));
  EXPECT_EQ(ErrorMessage(self), "composite tag 'a_tag' would create a cycle: a_tag -> a_tag");
  // Through a saved segment too.
  ASSERT_EQ(Call("POST", "/api/v1/segments", Role::kAnalyst, R"({"name": "bs", "expr": "b_tag"})").status,
            201);
  EXPECT_EQ(ErrorMessage(Define("a_tag", composite("SEGMENT('bs')"))),
            "composite tag 'a_tag' would create a cycle: a_tag -> b_tag -> a_tag");
  // Every check and its message: tests/produce/definition_check_test.cc.
  HttpReply unknown = Define("c_tag", composite("agee > 3"));
  EXPECT_EQ(unknown.status, 400);
  EXPECT_EQ(ErrorMessage(unknown),
            "tag definition: producer.expression: unknown tag 'agee' at position 0; did you mean 'age'?");
  // Nothing was stored.
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/tags/a_tag", Role::kViewer))["version"], 1);
  EXPECT_EQ(Call("GET", "/api/v1/catalog/tags/c_tag", Role::kViewer).status, 404);
}

TEST_F(ApiCatalogTest, DefinitionsAreCheckedBeforeTheyAreStored) {
  MakeBusinessDb(data_ + "/business.db");
  StartCatalogServer();
  ASSERT_EQ(Call("PUT", "/api/v1/catalog/sources/shop", Role::kAdmin,
                 R"({"kind": "sqlite", "connection": "business.db"})")
                .status,
            200);
  DefineExternal("tier", "enum", true);
  ASSERT_EQ(Push("tier", {{"m1", "gold"}}).status, 200);
  auto message = [&](const std::string& name, const json& def) {
    HttpReply r = Define(name, def);
    EXPECT_GE(r.status, 400) << r.body;
    return ErrorMessage(r);
  };
  // The store keeps one type per tag.
  HttpReply type_change = Define("tier", {{"type", "set"}, {"producer", {{"kind", "external"}}}});
  EXPECT_EQ(type_change.status, 409);
  EXPECT_EQ(ErrorMessage(type_change),
            "tag definition: type: tag 'tier' has data of type enum; its type cannot change to set (define a "
            "new tag)");
  EXPECT_EQ(message("city", {{"type", "int"}, {"producer", {{"kind", "import"}}}}),
            "tag definition: type: tag 'city' has data of type enum; its type cannot change to int (define a "
            "new tag)");
  // An imported tag may be described in the catalog.
  HttpReply imported =
      Define("city", {{"type", "enum"}, {"title", "城市"}, {"producer", {{"kind", "import"}}}});
  EXPECT_EQ(imported.status, 200) << imported.body;
  EXPECT_EQ(message("tier", {{"name", "other"}, {"type", "enum"}, {"producer", {{"kind", "external"}}}}),
            "tag definition: name: must be 'tier', the tag of the path (or left out)");
  EXPECT_EQ(message("s1", {{"type", "int"},
                           {"producer", {{"kind", "sql"}, {"source", "nope"}, {"query", "SELECT 1"}}}}),
            "tag definition: producer.source: no source 'nope' (GET /api/v1/catalog/sources lists them)");
  // The API's own hint for a missing list file; every other check and its
  // message: tests/produce/definition_check_test.cc.
  EXPECT_EQ(message("s1", {{"type", "bool"}, {"producer", {{"kind", "list"}, {"file", "lists/none.txt"}}}}),
            "tag definition: producer.file: 'lists/none.txt' does not exist (PUT "
            "/api/v1/catalog/tags/s1/list uploads one)");
  HttpReply cron = Define("s1", {{"type", "int"},
                                 {"schedule", "99 99 * * *"},
                                 {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT 1"}}}});
  EXPECT_EQ(cron.status, 400);
  EXPECT_EQ(ErrorMessage(cron).rfind("tag definition: schedule: cron '99 99 * * *': ", 0), 0u) << cron.body;
  EXPECT_EQ(
      message("s1", {{"type", "bool"}, {"producer", {{"kind", "sqll"}}}}),
      "tag definition: producer.kind: unknown producer 'sqll' (sql, list, composite, external, realtime, behavior, import)");
  EXPECT_EQ(message("tier", {{"type", "enum"}, {"category_id", 1}, {"producer", {{"kind", "external"}}}}),
            "tag definition: category_id: give the category as \"category\": a path like \"交易/会员\"");
  EXPECT_EQ(Call("PUT", "/api/v1/catalog/tags/s1", Role::kOperator, "[1]").status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/catalog/tags/s1", Role::kAdmin).status, 404);
  HttpReply good = Define(
      "s1",
      {{"type", "int"},
       {"schedule", "0 2 * * *"},
       {"quality", {{"min_coverage", 0.1}}},
       {"producer", {{"kind", "sql"}, {"source", "shop"}, {"query", "SELECT user_id, amount FROM orders"}}}});
  EXPECT_EQ(good.status, 200) << good.body;

  // A dry run shows the diff and stores nothing.
  json edited = {{"type", "enum"},
                 {"title", {{"en", "Tier"}}},
                 {"category", "会员/等级"},
                 {"producer", {{"kind", "external"}}}};
  HttpReply dry = Define("tier", edited, Role::kOperator, "?dry_run=true");
  ASSERT_EQ(dry.status, 200) << dry.body;
  EXPECT_EQ(Json(dry),
            json::parse(R"j({"name": "tier", "change": "updated", "version": 2, "status": "published",
      "diff": ["title.en: '' -> 'Tier'", "category: '' -> '会员/等级' (new category)"], "dry_run": true})j"));
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/tags/tier", Role::kViewer))["version"], 1);
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/categories", Role::kViewer))["categories"], json::array());
  HttpReply applied = Define("tier", edited);
  ASSERT_EQ(applied.status, 200);
  EXPECT_EQ(Json(applied)["change"], "updated");
  EXPECT_EQ(Json(applied)["diff"],
            json::parse(R"(["title.en: '' -> 'Tier'", "category: '' -> '会员/等级'"])"));
  HttpReply same = Define("tier", edited);
  EXPECT_EQ(Json(same)["change"], "unchanged");
  EXPECT_EQ(Json(same)["version"], 2);
  json history = Json(Call("GET", "/api/v1/catalog/tags/tier/history", Role::kViewer))["versions"];
  ASSERT_EQ(history.size(), 2u);
  EXPECT_EQ(history[0]["definition"]["title"]["en"], "");
  EXPECT_EQ(history[1]["definition"]["title"]["en"], "Tier");
  EXPECT_EQ(history[1]["created_by"], "operator-test");
  std::vector<AuditEntry> defines = Audited("catalog.define");
  ASSERT_EQ(defines.size(), 4u);  // tier, city, s1, tier v2 (not the dry run, not the unchanged one)
  EXPECT_EQ(defines[3].detail, "updated v2; title.en: '' -> 'Tier'; category: '' -> '会员/等级'");
}

}  // namespace
}  // namespace tagloop::testing
