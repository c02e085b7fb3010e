// Audiences over HTTP: snapshot segments and their versions, list uploads
// and the match report (duplicates, blank lines, CRLF, unknown ids, CSV
// columns), sql segments on the SQLite business source, roles, audit
// entries, kinds, and expressions mixing every kind.
#include <filesystem>

#include "server/catalog_fixture.h"

namespace tagloop::testing {
namespace {

using nlohmann::json;

class AudiencesApiTest : public CatalogApiTest {
 protected:
  HttpReply Upload(const std::string& target, const std::string& body, Role role = Role::kAnalyst,
                   const std::string& type = "text/plain") {
    return Call("POST", target, role, body, type);
  }
  std::vector<AuditEntry> Audits(const std::string& action) {
    AuditFilter filter;
    filter.action = action;
    auto entries = server_->audit().Query(filter);
    EXPECT_TRUE(entries.ok());
    return entries.ok() ? *entries : std::vector<AuditEntry>{};
  }
  void AddShop() {
    MakeBusinessDb(data_ + "/business.db");
    HttpReply r = Call("PUT", "/api/v1/catalog/sources/shop", Role::kAdmin,
                       R"({"kind": "sqlite", "connection": "business.db"})");
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

TEST_F(AudiencesApiTest, ListUploadReportsAndStoresVersions) {
  StartCatalogServer();
  HttpReply r = Upload("/api/v1/segments/crowd/list", "m1\r\nm2\n\nm1\nzz9\n  \nm3\r\n");
  ASSERT_EQ(r.status, 201) << r.body;
  json j = Json(r);
  EXPECT_EQ(j["name"], "crowd");
  EXPECT_EQ(j["kind"], "list");
  EXPECT_EQ(j["lines"], 5);
  EXPECT_EQ(j["blank_lines"], 2);
  EXPECT_EQ(j["distinct"], 4);
  EXPECT_EQ(j["duplicates"], 1);
  EXPECT_EQ(j["matched"], 3);
  EXPECT_EQ(j["unknown"], 1);
  EXPECT_DOUBLE_EQ(j["match_rate"].get<double>(), 0.75);
  EXPECT_EQ(j["unknown_ids"], json::array({"zz9"}));
  EXPECT_EQ(j["version"]["version"], 1);
  EXPECT_EQ(j["version"]["members"], 3);
  EXPECT_EQ(j["version"]["created_by"], "analyst-test");
  EXPECT_EQ(j["version"]["source"], "upload: 5 lines, 1 unknown");
  // Unknown ids are never added as users.
  EXPECT_EQ(Count("ALL"), 5);
  EXPECT_EQ(Count("SEGMENT('crowd')"), 3);
  EXPECT_EQ(Count("SEGMENT('crowd') AND is_vip"), 2);  // m1 m3
  EXPECT_EQ(Count("NOT SEGMENT('crowd')"), 2);

  // A CSV with a named column: the next version.
  r = Upload("/api/v1/segments/crowd/list?column=member_id", "phone,member_id\n1,m4\n2,\"m5\"\n3,nobody\n",
             Role::kAnalyst, "text/csv");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["version"]["version"], 2);
  EXPECT_EQ(Json(r)["matched"], 2);
  EXPECT_EQ(Count("SEGMENT('crowd')"), 2);

  HttpReply versions = Call("GET", "/api/v1/segments/crowd/versions", Role::kAnalyst);
  ASSERT_EQ(versions.status, 200) << versions.body;
  json vs = Json(versions)["versions"];
  ASSERT_EQ(vs.size(), 2u);
  EXPECT_EQ(vs[0]["version"], 2);  // newest first
  EXPECT_EQ(vs[1]["members"], 3);
  HttpReply one = Call("GET", "/api/v1/segments/crowd", Role::kAnalyst);
  EXPECT_EQ(Json(one)["kind"], "list");
  EXPECT_EQ(Json(one)["versions"], 2);
  EXPECT_EQ(Json(one)["latest_version"]["version"], 2);
  HttpReply count = Call("GET", "/api/v1/segments/crowd/count", Role::kViewer);
  EXPECT_EQ(Json(count)["count"], 2);

  auto audits = Audits("segments.list_upload");
  ASSERT_EQ(audits.size(), 2u);
  EXPECT_EQ(audits[0].target, "crowd");
  EXPECT_EQ(audits[0].principal_name, "analyst-test");
  EXPECT_EQ(audits[0].item_count, 2);
  EXPECT_NE(audits[1].detail.find("version=1 lines=5 distinct=4 unknown=1"), std::string::npos)
      << audits[1].detail;
}

TEST_F(AudiencesApiTest, BadUploadsChangeNothing) {
  StartCatalogServer();
  HttpReply r = Upload("/api/v1/segments/crowd/list", "m1\nm\x01\n");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(ErrorMessage(r).find("upload:2: user id"), std::string::npos) << r.body;
  r = Upload("/api/v1/segments/crowd/list?column=id", "a,b\n1,2\n", Role::kAnalyst, "text/csv");
  EXPECT_EQ(r.status, 400);
  EXPECT_NE(ErrorMessage(r).find("no column \"id\""), std::string::npos) << r.body;
  EXPECT_EQ(Call("GET", "/api/v1/segments/crowd", Role::kAnalyst).status, 404);
  EXPECT_TRUE(Audits("segments.list_upload").empty());
  // A dynamic segment of that name is not turned into a list.
  ASSERT_EQ(Call("POST", "/api/v1/segments", Role::kAnalyst, R"({"name": "dyn", "expr": "is_vip"})").status,
            201);
  r = Upload("/api/v1/segments/dyn/list", "m1\n");
  EXPECT_EQ(r.status, 409) << r.body;
  EXPECT_EQ(Upload("/api/v1/segments/crowd/list", "m1\n", Role::kViewer).status, 403);
}

TEST_F(AudiencesApiTest, MatchIsADryRunUnlessSaved) {
  StartCatalogServer();
  HttpReply r =
      Upload("/api/v1/lists/match", "member_id\nm2\nm2\nghost\r\n\r\nm5\n", Role::kAnalyst, "text/csv");
  ASSERT_EQ(r.status, 200) << r.body;
  json j = Json(r);
  EXPECT_EQ(j["lines"], 4);
  EXPECT_EQ(j["blank_lines"], 1);
  EXPECT_EQ(j["distinct"], 3);
  EXPECT_EQ(j["duplicates"], 1);
  EXPECT_EQ(j["matched"], 2);
  EXPECT_EQ(j["unknown_ids"], json::array({"ghost"}));
  EXPECT_FALSE(j.contains("version"));
  EXPECT_TRUE(Json(Call("GET", "/api/v1/segments", Role::kAnalyst))["segments"].empty());
  auto audits = Audits("lists.match");
  ASSERT_EQ(audits.size(), 1u);
  EXPECT_EQ(audits[0].item_count, 2);

  r = Upload("/api/v1/lists/match?save_as=partners", "m2\nm5\n");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json(r)["version"]["version"], 1);
  EXPECT_EQ(Count("SEGMENT('partners')"), 2);
  EXPECT_EQ(Audits("segments.list_upload").size(), 1u);
}

TEST_F(AudiencesApiTest, SnapshotsFreezeAndRefreeze) {
  StartCatalogServer();
  HttpReply r = Call("POST", "/api/v1/segments", Role::kAnalyst,
                     R"({"name": "sh", "kind": "snapshot", "expr": "city = '北京'", "as_of": "2026-10-01"})");
  ASSERT_EQ(r.status, 201) << r.body;
  json j = Json(r);
  EXPECT_EQ(j["kind"], "snapshot");
  EXPECT_EQ(j["expr"], "city = '北京'");
  EXPECT_EQ(j["latest_version"]["members"], 1);  // m2 on 2026-10-01
  EXPECT_EQ(j["latest_version"]["date"], "2026-10-01");
  EXPECT_EQ(j["latest_version"]["created_by"], "analyst-test");
  // Frozen: at later dates (m1 moved to 北京 on 2026-10-15) it still holds m2 alone.
  EXPECT_EQ(Count("SEGMENT('sh')", "2026-10-31"), 1);
  EXPECT_EQ(Count("city = '北京'", "2026-10-31"), 2);

  r = Call("POST", "/api/v1/segments/sh/versions", Role::kAnalyst, R"({"as_of": "2026-10-20"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json(r)["version"]["version"], 2);
  EXPECT_EQ(Json(r)["version"]["members"], 2);
  EXPECT_EQ(Count("SEGMENT('sh')", "2026-10-31"), 2);  // v2 in force
  EXPECT_EQ(Count("SEGMENT('sh')", "2026-10-10"), 1);  // v1 in force
  // An empty body refreezes as of today.
  EXPECT_EQ(Call("POST", "/api/v1/segments/sh/versions", Role::kAnalyst).status, 201);
  // PUT keeps the kind: a new version of a new expression.
  r = Call("PUT", "/api/v1/segments/sh", Role::kAnalyst, R"({"expr": "is_vip", "as_of": "2026-10-01"})");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["versions"], 4);
  EXPECT_EQ(Json(r)["expr"], "is_vip");
  EXPECT_EQ(Audits("segments.freeze").size(), 4u);

  // Kind changes and misplaced fields are refused.
  EXPECT_EQ(
      Call("PUT", "/api/v1/segments/sh", Role::kAnalyst, R"({"kind": "dynamic", "expr": "ALL"})").status,
      409);
  EXPECT_EQ(Call("POST", "/api/v1/segments", Role::kAnalyst,
                 R"({"name": "x", "expr": "ALL", "as_of": "2026-10-01"})")
                .status,
            400);
  EXPECT_EQ(Call("POST", "/api/v1/segments", Role::kAnalyst, R"({"name": "x", "kind": "list"})").status, 400);
  EXPECT_EQ(
      Call("POST", "/api/v1/segments", Role::kAnalyst, R"({"name": "x", "kind": "nope", "expr": "ALL"})")
          .status,
      400);
  ASSERT_EQ(Call("POST", "/api/v1/segments", Role::kAnalyst, R"({"name": "dyn", "expr": "ALL"})").status,
            201);
  EXPECT_EQ(Call("POST", "/api/v1/segments/dyn/versions", Role::kAnalyst).status, 409);
  EXPECT_EQ(Json(Call("GET", "/api/v1/segments/dyn", Role::kAnalyst))["kind"], "dynamic");
}

TEST_F(AudiencesApiTest, SqlSegmentsRunOnTheBusinessSource) {
  StartCatalogServer();
  AddShop();
  const std::string body =
      R"({"name": "buyers", "kind": "sql", "source": "shop", "query": "SELECT user_id FROM orders WHERE amount >= 100"})";
  // Running a query on a source needs the operator role.
  HttpReply r = Call("POST", "/api/v1/segments", Role::kAnalyst, body);
  EXPECT_EQ(r.status, 403) << r.body;
  r = Call("POST", "/api/v1/segments", Role::kOperator, body);
  ASSERT_EQ(r.status, 201) << r.body;
  json j = Json(r);
  EXPECT_EQ(j["kind"], "sql");
  EXPECT_EQ(j["source"], "shop");
  EXPECT_EQ(j["match"]["lines"], 3);  // m1 m3 m9
  EXPECT_EQ(j["match"]["matched"], 2);
  EXPECT_EQ(j["match"]["unknown_ids"], json::array({"m9"}));
  EXPECT_EQ(Count("SEGMENT('buyers')"), 2);
  EXPECT_EQ(Count("ALL"), 5);  // m9 not added

  EXPECT_EQ(Call("POST", "/api/v1/segments/buyers/versions", Role::kAnalyst).status, 403);
  r = Call("POST", "/api/v1/segments/buyers/versions", Role::kOperator, R"({"as_of": "2026-10-31"})");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Json(r)["version"]["version"], 2);
  EXPECT_NE(Json(r)["version"]["source"].get<std::string>().find("sql 'shop' for 2026-10-31"),
            std::string::npos);
  EXPECT_EQ(Audits("segments.sql_run").size(), 2u);

  // Two columns, an unknown source, a bad template: refused, nothing stored.
  r = Call(
      "POST", "/api/v1/segments", Role::kOperator,
      R"({"name": "two", "kind": "sql", "source": "shop", "query": "SELECT user_id, amount FROM orders"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_NE(ErrorMessage(r).find("one column"), std::string::npos) << r.body;
  r = Call("POST", "/api/v1/segments", Role::kOperator,
           R"({"name": "two", "kind": "sql", "source": "nope", "query": "SELECT 1"})");
  EXPECT_EQ(r.status, 404) << r.body;
  r = Call("POST", "/api/v1/segments", Role::kOperator,
           R"({"name": "two", "kind": "sql", "source": "shop", "query": "SELECT '{{bad}}'"})");
  EXPECT_EQ(r.status, 400) << r.body;
  EXPECT_EQ(Call("GET", "/api/v1/segments/two", Role::kAnalyst).status, 404);
}

TEST_F(AudiencesApiTest, MixedAudienceAndDeletions) {
  StartCatalogServer();
  AddShop();
  ASSERT_EQ(Upload("/api/v1/segments/uploaded/list", "m1\nm2\nm3\nm4\n").status, 201);
  ASSERT_EQ(
      Call(
          "POST", "/api/v1/segments", Role::kOperator,
          R"({"name": "sql_orders", "kind": "sql", "source": "shop", "query": "SELECT user_id FROM orders WHERE amount > 200"})")
          .status,
      201);  // m1 (and m9, unknown)
  HttpReply r =
      Call("POST", "/api/v1/segments", Role::kAnalyst,
           R"j({"name": "mixed", "expr": "SEGMENT('uploaded') AND is_vip AND NOT SEGMENT('sql_orders')"})j");
  ASSERT_EQ(r.status, 201) << r.body;
  EXPECT_EQ(Count("SEGMENT('mixed')"), 1);  // m3
  EXPECT_EQ(Count("SEGMENT('uploaded') OR SEGMENT('sql_orders')"), 4);
  // In use: not deleted.
  EXPECT_EQ(Call("DELETE", "/api/v1/segments/uploaded", Role::kAnalyst).status, 409);

  ASSERT_EQ(Call("DELETE", "/api/v1/users/m3", Role::kOperator).status, 204);
  EXPECT_EQ(Count("SEGMENT('uploaded')"), 3);
  EXPECT_EQ(Count("SEGMENT('mixed')"), 0);

  ASSERT_EQ(Call("DELETE", "/api/v1/segments/mixed", Role::kAnalyst).status, 204);
  ASSERT_EQ(Call("DELETE", "/api/v1/segments/uploaded", Role::kAnalyst).status, 204);
  for (const auto& e : std::filesystem::directory_iterator(data_ + "/segments")) {
    EXPECT_EQ(e.path().filename().string().rfind("uploaded", 0), std::string::npos) << e.path();
  }
}

}  // namespace
}  // namespace tagloop::testing
