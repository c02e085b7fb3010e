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

}  // namespace
}  // namespace tagloop::testing
