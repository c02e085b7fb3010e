// Security and robustness over HTTP (issue 14): personal tags cannot be
// recovered through expressions, counts, insight or reports by roles that
// see them masked; reports follow their dashboards' visibility; profiles and
// exports show only tags the caller may see; numbers outside the double
// range are 400s; reports are capped and every query has a deadline.
#include <fmt/format.h>

#include "core/date.h"
#include "server/catalog_fixture.h"

namespace tagloop::testing {
namespace {

using nlohmann::json;

// Personal data of m1..m3 (m4, m5 have none), as of 2026-10-01.
constexpr const char* kPersonal =
    "member_id,birthday,phone_tail\n"
    "m1,1990-05-17,1234\n"
    "m2,1985-01-02,5678\n"
    "m3,2000-12-31,42\n";

::testing::AssertionResult HasText(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

class SecurityApiTest : public CatalogApiTest {
 protected:
  void SetUp() override {
    CatalogApiTest::SetUp();
    auto store = TagStore::Open(data_, {});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ImportCsv(**store, kPersonal, "birthday:date,phone_tail:int", "2026-10-01");
  }
  // birthday and phone_tail become published personal tags; the analyst
  // uploads the one-member list segment 'one' (m1).
  void DefinePersonalTags() {
    for (const char* tag : {"birthday", "phone_tail"}) {
      HttpReply d = Define(tag, {{"type", std::string(tag) == "birthday" ? "date" : "int"},
                                 {"producer", {{"kind", "import"}}},
                                 {"personal", true}});
      ASSERT_EQ(d.status, 200) << d.body;
      HttpReply p = Post(fmt::format("/api/v1/catalog/tags/{}/publish", tag), Role::kOperator);
      ASSERT_EQ(p.status, 200) << p.body;
    }
    HttpClient c(port());
    HttpReply one = c.Request("POST", "/api/v1/segments/one/list", "m1\n", AuthHeaders(Role::kAnalyst, "text/plain"));
    ASSERT_EQ(one.status, 201) << one.body;
  }
  HttpReply PostAs(Role role, const std::string& path, const json& body) {
    return Call("POST", path, role, body.dump());
  }
  // Recovers m1's birthday by bisection over counts of
  // SEGMENT('one') AND birthday >= D, as `role`; nullopt when a count fails
  // (each failure is passed to `on_error`).
  template <typename OnError>
  std::optional<Days> Bisect(Role role, OnError on_error, int* counts) {
    Days lo = DaysFromCivil(1900, 1, 1), hi = DaysFromCivil(2030, 1, 1);  // birthday in [lo, hi)
    *counts = 0;
    while (hi - lo > 1) {
      Days mid = lo + (hi - lo) / 2;
      HttpReply r = CountAs(role, fmt::format("SEGMENT('one') AND birthday >= '{}'", FormatDate(mid)));
      ++*counts;
      if (r.status != 200) {
        on_error(r);
        return std::nullopt;
      }
      (Json(r)["count"] == 1 ? lo : hi) = mid;
    }
    return lo;
  }
};

TEST_F(SecurityApiTest, BisectionCannotRecoverAMaskedBirthday) {
  StartCatalogServer();
  DefinePersonalTags();
  // The attack works for a role that may read birthdays: 17 counts (130
  // years of days) give m1's birthday exactly.
  int counts = 0;
  std::optional<Days> found = Bisect(Role::kOperator, [](const HttpReply& r) { ADD_FAILURE() << r.body; }, &counts);
  ASSERT_TRUE(found.has_value());
  EXPECT_EQ(FormatDate(*found), "1990-05-17");
  EXPECT_LE(counts, 17);
  // Analysts and viewers, who see birthdays masked, are refused at the
  // first count, with the tag named.
  for (Role role : {Role::kViewer, Role::kAnalyst}) {
    int refused = 0;
    found = Bisect(
        role,
        [&](const HttpReply& r) {
          ++refused;
          EXPECT_EQ(r.status, 403) << r.body;
          EXPECT_EQ(Json(r)["error"]["code"], "permission_denied");
          EXPECT_TRUE(HasText(ErrorMessage(r), "tag 'birthday' holds personal data"));
        },
        &counts);
    EXPECT_FALSE(found.has_value()) << RoleName(role) << " recovered " << FormatDate(*found);
    EXPECT_EQ(refused, 1);
    EXPECT_EQ(counts, 1);
  }
  // Admins are unaffected.
  EXPECT_EQ(CountOf(Role::kAdmin, "birthday >= '1990-01-01'"), 2);
}

TEST_F(SecurityApiTest, PersonalTagsAreRefusedThroughSavedSegmentsAndComposites) {
  StartCatalogServer();
  DefinePersonalTags();
  // A dynamic segment an operator saved over a personal tag.
  ASSERT_EQ(PostAs(Role::kOperator, "/api/v1/segments", {{"name", "born_90s"}, {"expr", "birthday >= '1990-01-01'"}})
                .status,
            201);
  HttpReply via = CountAs(Role::kAnalyst, "SEGMENT('one') AND SEGMENT('born_90s')");
  EXPECT_EQ(via.status, 403) << via.body;
  EXPECT_TRUE(HasText(ErrorMessage(via), "in segment 'born_90s'"));
  EXPECT_TRUE(HasText(ErrorMessage(via), "tag 'birthday' holds personal data"));
  EXPECT_EQ(Call("GET", "/api/v1/segments/born_90s/count", Role::kViewer).status, 403);
  EXPECT_EQ(CountOf(Role::kOperator, "SEGMENT('one') AND SEGMENT('born_90s')"), 1);
  // Analysts cannot save one either.
  HttpReply save = PostAs(Role::kAnalyst, "/api/v1/segments", {{"name", "mine"}, {"expr", "phone_tail = 1234"}});
  EXPECT_EQ(save.status, 403) << save.body;
  EXPECT_TRUE(HasText(ErrorMessage(save), "phone_tail"));

  // A composite tag derived from a personal tag is personal too.
  HttpReply defined = Define("born_after_1990", {{"type", "bool"},
                                                 {"producer", {{"kind", "composite"},
                                                               {"expression", "birthday >= '1990-01-01'"}}}});
  ASSERT_EQ(defined.status, 200) << defined.body;
  ASSERT_EQ(Post("/api/v1/catalog/tags/born_after_1990/publish", Role::kOperator).status, 200);
  ASSERT_TRUE(WaitForData("born_after_1990"));
  HttpReply composite = CountAs(Role::kAnalyst, "SEGMENT('one') AND born_after_1990");
  EXPECT_EQ(composite.status, 403) << composite.body;
  EXPECT_TRUE(HasText(ErrorMessage(composite), "tag 'born_after_1990' holds personal data"));
  // ... and masked in profiles like its source.
  HttpReply profile = Call("GET", "/api/v1/users/m1/profile", Role::kAnalyst);
  ASSERT_EQ(profile.status, 200) << profile.body;
  EXPECT_EQ(Json(profile)["tags"]["born_after_1990"], "***");
  EXPECT_EQ(Json(profile)["tags"]["birthday"], "***");
  EXPECT_EQ(Json(Call("GET", "/api/v1/users/m1/profile", Role::kOperator))["tags"]["born_after_1990"], true);
}

TEST_F(SecurityApiTest, InsightReportsAndExportsRefusePersonalTagsBelowOperator) {
  StartCatalogServer();
  DefinePersonalTags();
  auto refused = [&](const std::string& path, const json& body, const std::string& tag) {
    for (Role role : {Role::kViewer, Role::kAnalyst}) {
      HttpReply r = PostAs(role, path, body);
      EXPECT_EQ(r.status, 403) << path << " " << body.dump() << ": " << r.body;
      EXPECT_TRUE(HasText(ErrorMessage(r), "'" + tag + "'")) << path;
    }
    HttpReply ok = PostAs(Role::kOperator, path, body);
    EXPECT_EQ(ok.status, 200) << path << " " << body.dump() << ": " << ok.body;
  };
  // Insight of a one-member segment would show the bucket of phone_tail.
  refused("/api/v1/insight/distribution", {{"segment", "one"}, {"tags", {"phone_tail"}}}, "phone_tail");
  refused("/api/v1/insight/characterize", {{"segment", "one"}, {"tags", {"birthday"}}}, "birthday");
  refused("/api/v1/insight/history", {{"expr", "birthday >= '1990-01-01'"}, {"from", "2026-10-01"}, {"to", "2026-10-02"}},
          "birthday");
  // The tag's own distribution: its min and max are someone's values.
  HttpReply dist = Call("GET", "/api/v1/tags/birthday/distribution", Role::kViewer);
  EXPECT_EQ(dist.status, 403) << dist.body;
  EXPECT_EQ(Call("GET", "/api/v1/tags/birthday/distribution", Role::kOperator).status, 200);
  // Without "tags", characterisation leaves personal tags out.
  HttpReply all = PostAs(Role::kAnalyst, "/api/v1/insight/characterize",
                         {{"segment", "one"}, {"min_users", 0}, {"min_share", 0}});
  ASSERT_EQ(all.status, 200) << all.body;
  EXPECT_FALSE(HasText(all.body, "phone_tail"));
  EXPECT_FALSE(HasText(all.body, "birthday"));
  // Reports: a dimension, a measure, the base.
  json dims = {{{"tag", "is_vip"}}};
  refused("/api/v1/reports/run",
          {{"definition", {{"base", "SEGMENT('one')"}, {"dimensions", {{{"tag", "phone_tail"}}}}}}}, "phone_tail");
  refused("/api/v1/reports/run",
          {{"definition",
            {{"base", "SEGMENT('one')"}, {"dimensions", dims}, {"measures", {{{"kind", "min"}, {"tag", "birthday"}}}}}}},
          "birthday");
  refused("/api/v1/reports/run", {{"definition", {{"base", "phone_tail > 1000"}, {"dimensions", dims}}}}, "phone_tail");
  // Exports: the expression is refused; a personal column stays masked.
  HttpReply e = PostAs(Role::kAnalyst, "/api/v1/segments/export", {{"expr", "phone_tail = 1234"}});
  EXPECT_EQ(e.status, 403) << e.body;
  EXPECT_TRUE(HasText(ErrorMessage(e), "phone_tail"));
  HttpReply masked = PostAs(Role::kAnalyst, "/api/v1/segments/export",
                            {{"expr", "SEGMENT('one')"}, {"columns", {"phone_tail"}}});
  ASSERT_EQ(masked.status, 200) << masked.body;
  EXPECT_EQ(masked.body, "user_id,phone_tail\nm1,***\n");
}

TEST_F(SecurityApiTest, ReportsFollowTheirDashboardsVisibility) {
  StartCatalogServer();
  json def = {{"dimensions", {{{"tag", "is_vip"}}}}};
  for (const char* name : {"risk_overview", "open_report", "shared"}) {
    ASSERT_EQ(PostAs(Role::kAnalyst, "/api/v1/reports", {{"name", name}, {"definition", def}}).status, 201);
  }
  ASSERT_EQ(PostAs(Role::kAdmin, "/api/v1/dashboards",
                   {{"name", "risk"}, {"reports", {"risk_overview", "shared"}}, {"min_role", "operator"}})
                .status,
            201);
  ASSERT_EQ(PostAs(Role::kAdmin, "/api/v1/dashboards", {{"name", "all"}, {"reports", {"shared"}}}).status, 201);
  auto names = [&](Role role) {
    std::vector<std::string> out;
    const json list = Json(Call("GET", "/api/v1/reports", role));
    for (const json& r : list["reports"]) out.push_back(r["name"]);
    return out;
  };
  // A viewer neither lists, reads, runs nor sees the versions of the report
  // behind the operator-only dashboard: it looks missing.
  EXPECT_EQ(names(Role::kViewer), (std::vector<std::string>{"open_report", "shared"}));
  EXPECT_EQ(names(Role::kAnalyst), (std::vector<std::string>{"open_report", "shared"}));
  for (Role role : {Role::kViewer, Role::kAnalyst}) {
    HttpReply get = Call("GET", "/api/v1/reports/risk_overview", role);
    EXPECT_EQ(get.status, 404) << get.body;
    EXPECT_EQ(ErrorMessage(get), "no report named 'risk_overview'");
    EXPECT_EQ(Call("POST", "/api/v1/reports/risk_overview/run", role, "{}").status, 404);
    EXPECT_EQ(Call("GET", "/api/v1/reports/risk_overview/versions", role).status, 404);
  }
  EXPECT_EQ(Call("PUT", "/api/v1/reports/risk_overview", Role::kAnalyst, json{{"definition", def}}.dump()).status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/reports/risk_overview", Role::kAnalyst).status, 404);
  // A report on a visible dashboard (and another hidden one) stays visible.
  EXPECT_EQ(Call("POST", "/api/v1/reports/shared/run", Role::kViewer, "{}").status, 200);
  // Operators see everything.
  EXPECT_EQ(names(Role::kOperator), (std::vector<std::string>{"open_report", "risk_overview", "shared"}));
  EXPECT_EQ(Call("GET", "/api/v1/reports/risk_overview", Role::kOperator).status, 200);
  EXPECT_EQ(Call("POST", "/api/v1/reports/risk_overview/run", Role::kOperator, "{}").status, 200);
}

TEST_F(SecurityApiTest, ProfilesAndExportsShowOnlyTagsTheCallerMaySee) {
  StartCatalogServer();
  DefineExternal("draft_score", "int", /*publish=*/false);
  DefineExternal("old_score", "int", /*publish=*/true);
  ASSERT_EQ(Push("draft_score", {{"m1", 7}}, Role::kAdmin).status, 200);
  ASSERT_EQ(Push("old_score", {{"m1", 9}}, Role::kAdmin).status, 200);
  ASSERT_EQ(Post("/api/v1/catalog/tags/old_score/offline", Role::kAdmin).status, 200);
  auto profile_tags = [&](Role role) {
    HttpReply r = Call("GET", "/api/v1/users/m1/profile", role);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r)["tags"];
  };
  for (Role role : {Role::kAnalyst}) {
    json tags = profile_tags(role);
    EXPECT_FALSE(tags.contains("draft_score")) << tags.dump();
    EXPECT_FALSE(tags.contains("old_score")) << tags.dump();
    EXPECT_EQ(tags["age"], 30);
  }
  json op = profile_tags(Role::kOperator);
  EXPECT_EQ(op["draft_score"], 7);
  EXPECT_FALSE(op.contains("old_score")) << op.dump();
  json admin = profile_tags(Role::kAdmin);
  EXPECT_EQ(admin["draft_score"], 7);
  EXPECT_EQ(admin["old_score"], 9);
  // Export columns follow the same rules.
  auto export_of = [&](Role role, const char* column) {
    return PostAs(role, "/api/v1/segments/export", {{"expr", "ALL"}, {"columns", {column}}, {"limit", 1}});
  };
  EXPECT_EQ(export_of(Role::kAnalyst, "draft_score").status, 400);
  EXPECT_EQ(export_of(Role::kAnalyst, "old_score").status, 400);
  EXPECT_EQ(export_of(Role::kOperator, "draft_score").body, "user_id,draft_score\nm1,7\n");
  EXPECT_EQ(export_of(Role::kOperator, "old_score").status, 400);
  EXPECT_EQ(export_of(Role::kAdmin, "old_score").body, "user_id,old_score\nm1,9\n");
}

TEST_F(SecurityApiTest, NumbersOutsideTheDoubleRangeAreBadRequests) {
  StartCatalogServer();
  struct Case {
    std::string path, body, field;
    size_t position;
  };
  const Case cases[] = {
      {"/api/v1/segments/count", R"({"expr": "ALL", "as_of": 1e400})", "as_of", 25},
      {"/api/v1/reports/run", R"({"definition": {"dimensions": [{"tag": "age", "edges": [1, -1e400]}]}})",
       "definition.dimensions[0].edges[1]", 59},
      {"/api/v1/insight/distribution", R"({"expr": "ALL", "tags": ["age"], "max_values": 2E+999})", "max_values", 47},
      {"/api/v1/segments/count", R"([1e400])", "", 1},
  };
  for (const Case& c : cases) {
    HttpReply r = Call("POST", c.path, Role::kViewer, c.body);
    EXPECT_EQ(r.status, 400) << c.path << " " << c.body << ": " << r.body;
    json error = Json(r)["error"];
    EXPECT_EQ(error["code"], "invalid_argument");
    EXPECT_TRUE(HasText(error["message"], "number outside the double range")) << r.body;
    if (!c.field.empty()) {
      EXPECT_TRUE(HasText(error["message"], "in field '" + c.field + "'")) << r.body;
    }
    EXPECT_EQ(error["position"], c.position) << r.body;
    EXPECT_EQ(c.body.substr(c.position, 1).find_first_of("-12"), 0u) << "position " << c.position << " in " << c.body;
  }
}

TEST_F(SecurityApiTest, ReportsBeyondTheCapsAreRefusedBeforeRunning) {
  StartCatalogServer();
  json many_ages = json::array(), many_spends = json::array();
  for (int i = 1; i <= 150; ++i) many_ages.push_back(i);
  for (int i = 1; i <= 100; ++i) many_spends.push_back(i);
  auto run = [&](const json& definition) {
    return PostAs(Role::kViewer, "/api/v1/reports/run", {{"definition", definition}});
  };
  // 151 x 101 cells.
  HttpReply wide = run({{"dimensions", {{{"tag", "age"}, {"edges", many_ages}}, {{"tag", "spend"}, {"edges", many_spends}}}}});
  EXPECT_EQ(wide.status, 400) << wide.body;
  EXPECT_EQ(ErrorMessage(wide),
            "the report has 15251 cells per date x 1 date(s) = 15251 cells; at most 10000 cells (over all dates) per "
            "run: lower a dimension's limit, give fewer edges or fewer dates");
  // 101 buckets x 3 values (with null) x 92 dates.
  json series = {{"from", "2026-08-01"}, {"to", "2026-10-31"}};
  HttpReply tall = run({{"dimensions", {{{"tag", "spend"}, {"edges", many_spends}}, {{"tag", "is_vip"}, {"include_null", true}}}},
                        {"series", series}});
  EXPECT_EQ(tall.status, 400) << tall.body;
  EXPECT_TRUE(HasText(ErrorMessage(tall), "303 cells per date x 92 date(s) = 27876 cells; at most 10000")) << tall.body;
  // More than 92 dates.
  series["from"] = "2026-07-31";
  HttpReply dates = run({{"dimensions", {{{"tag", "is_vip"}}}}, {"series", series}});
  EXPECT_EQ(dates.status, 400) << dates.body;
  EXPECT_EQ(ErrorMessage(dates), "definition: series: at most 92 dates");
  // Saved reports are checked the same way.
  HttpReply saved = PostAs(Role::kAnalyst, "/api/v1/reports", {{"name", "tall"}, {"definition", {{"dimensions", {{{"tag", "is_vip"}}}}, {"series", series}}}});
  EXPECT_EQ(saved.status, 400) << saved.body;
  // Within the caps: 3 values x 92 dates.
  series["from"] = "2026-08-01";
  HttpReply ok = run({{"dimensions", {{{"tag", "is_vip"}, {"include_null", true}}}}, {"series", series}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(Json(ok)["tables"].size(), 92u);
}

TEST_F(SecurityApiTest, QueriesPastTheDeadlineAnswer503) {
  // A deadline that has passed when the handler starts (1 ns).
  StartCatalogServer([](ServerOptions& o) { o.query_timeout = 1e-9; });
  auto expect_503 = [&](const std::string& method, const std::string& path, const json& body) {
    HttpReply r = Call(method, path, Role::kViewer, body.is_null() ? "" : body.dump());
    EXPECT_EQ(r.status, 503) << path << ": " << r.body;
    EXPECT_EQ(Json(r)["error"]["code"], "unavailable") << r.body;
    EXPECT_TRUE(HasText(ErrorMessage(r), "took longer than the server's query_timeout")) << r.body;
  };
  expect_503("POST", "/api/v1/segments/count", {{"expr", "is_vip"}});
  expect_503("POST", "/api/v1/insight/distribution", {{"expr", "ALL"}, {"tags", {"city"}}});
  expect_503("POST", "/api/v1/insight/history", {{"expr", "ALL"}, {"from", "2026-10-01"}, {"to", "2026-10-05"}});
  expect_503("POST", "/api/v1/reports/run", {{"definition", {{"dimensions", {{{"tag", "city"}}}}}}});
  // Requests that run no query are unaffected.
  EXPECT_EQ(Call("GET", "/api/v1/tags", Role::kViewer).status, 200);
}

}  // namespace
}  // namespace tagloop::testing
