// POST /segments/export (CSV and NDJSON with tag columns, personal data
// masked per role, audited, visibility of column tags, live real-time tags),
// profiles masking personal tags, and POST /insight/metrics over an SQLite
// source.
#include <fmt/format.h>

#include <sstream>

#include "server/catalog_fixture.h"
#include "server/events_test_util.h"

namespace tagloop::testing {
namespace {

using nlohmann::json;

// Whether `text` holds `part` (both in the failure message).
::testing::AssertionResult HasText(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

// Text that CSV must quote, and Chinese, for m1..m4 (as of 2026-10-01).
constexpr const char* kNotes =
    "member_id,note,phone\n"
    "m1,\"a,b\",13800000001\n"
    "m2,\"say \"\"hi\"\"\",13800000002\n"
    "m3,\"line1\nline2\",\n"
    "m4,上海 “引号”,13800000004\n";

class ExportApiTest : public CatalogApiTest {
 protected:
  void SetUp() override {
    CatalogApiTest::SetUp();
    auto store = TagStore::Open(data_, {});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    ImportCsv(**store, kNotes, "", "2026-10-01");
  }
  HttpReply Export(Role role, const json& body, const std::string& accept = "") {
    HttpClient c(port());
    auto headers = AuthHeaders(role, "application/json");
    if (!accept.empty()) headers.emplace_back("Accept", accept);
    return c.Request("POST", "/api/v1/segments/export", body.dump(), headers);
  }
  // phone becomes a published catalog tag holding personal data.
  void DefinePersonalPhone() {
    HttpReply d = Define("phone", {{"type", "enum"}, {"producer", {{"kind", "import"}}}, {"personal", true}});
    ASSERT_EQ(d.status, 200) << d.body;
    HttpReply p = Post("/api/v1/catalog/tags/phone/publish", Role::kOperator);
    ASSERT_EQ(p.status, 200) << p.body;
  }
  std::vector<AuditEntry> AuditOf(std::string_view action) {
    AuditFilter f;
    f.action = std::string(action);
    f.limit = 100;
    auto entries = server_->audit().Query(f);
    EXPECT_TRUE(entries.ok()) << entries.status().ToString();
    return entries.ok() ? *entries : std::vector<AuditEntry>();
  }
};

TEST_F(ExportApiTest, CsvQuotesWhatNeedsQuotingAndFormatsValuesAsTheSpec) {
  StartCatalogServer();
  HttpReply r = Export(Role::kAnalyst, {{"expr", "ALL"},
                                        {"as_of", "2026-10-31"},
                                        {"columns", {"is_vip", "city", "interests", "age", "spend", "last_order", "note"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "text/csv; charset=utf-8");
  EXPECT_EQ(r.Header("x-tagloop-rows"), "5");
  EXPECT_EQ(r.Header("x-tagloop-masked"), "");
  EXPECT_EQ(r.body,
            "user_id,is_vip,city,interests,age,spend,last_order,note\n"
            "m1,true,北京,mpv|suv,30,12.50,2026-10-01,\"a,b\"\n"
            "m2,false,北京,suv,45,,2026-09-01,\"say \"\"hi\"\"\"\n"
            "m3,true,,,22,1000.00,,\"line1\nline2\"\n"
            "m4,,,road_trip,,0.99,2026-10-20,上海 “引号”\n"
            "m5,,深圳,,,,,\n");
  // Only ids; a limit; a saved segment.
  r = Export(Role::kAnalyst, {{"expr", "is_vip"}, {"as_of", "2026-10-31"}, {"limit", 1}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "user_id\nm1\n");
  ASSERT_EQ(Call("POST", "/api/v1/segments", Role::kAnalyst, R"({"name": "vips", "expr": "is_vip"})").status, 201);
  r = Export(Role::kAnalyst, {{"segment", "vips"}, {"as_of", "2026-10-31"}, {"columns", {"age"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "user_id,age\nm1,30\nm3,22\n");
  // As of a date before city's second version.
  r = Export(Role::kAnalyst, {{"expr", "ALL"}, {"as_of", "2026-10-05"}, {"columns", {"city"}}});
  EXPECT_EQ(r.body, "user_id,city\nm1,上海\nm2,北京\nm3,上海\nm4,广州\nm5,\n");
}

TEST_F(ExportApiTest, NdjsonHasTypedValues) {
  StartCatalogServer();
  json body = {{"expr", "ALL"},
               {"as_of", "2026-10-31"},
               {"columns", {"is_vip", "city", "interests", "age", "spend", "last_order", "note"}}};
  HttpReply r = Export(Role::kAnalyst, body, "application/x-ndjson");
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.Header("content-type"), "application/x-ndjson");
  std::istringstream lines(r.body);
  std::vector<std::string> rows;
  for (std::string line; std::getline(lines, line);) rows.push_back(line);
  ASSERT_EQ(rows.size(), 5u) << r.body;
  EXPECT_EQ(rows[0],
            R"({"user_id":"m1","is_vip":true,"city":"北京","interests":["mpv","suv"],"age":30,"spend":12.50,)"
            R"("last_order":"2026-10-01","note":"a,b"})");
  json m3 = json::parse(rows[2]);
  EXPECT_EQ(m3["note"], "line1\nline2");
  EXPECT_EQ(m3["spend"], 1000.0);
  EXPECT_TRUE(m3["last_order"].is_null());
  json m5 = json::parse(rows[4]);
  EXPECT_TRUE(m5["age"].is_null());
  EXPECT_TRUE(m5["interests"].is_null());
  EXPECT_EQ(json::parse(rows[1])["note"], "say \"hi\"");
  body["format"] = "ndjson";
  EXPECT_EQ(Export(Role::kAnalyst, body).body, r.body);
}

TEST_F(ExportApiTest, BadRequestsAreRefused) {
  StartCatalogServer();
  auto error = [&](const json& body) {
    HttpReply r = Export(Role::kAnalyst, body);
    EXPECT_EQ(r.status, 400) << body.dump() << ": " << r.body;
    return ErrorMessage(r);
  };
  EXPECT_TRUE(HasText(error({{"expr", "ALL"}, {"columns", {"agee"}}}), "unknown tag 'agee'"));
  EXPECT_TRUE(HasText(error({{"expr", "ALL"}, {"columns", {"age", "age"}}}), "named twice"));
  EXPECT_TRUE(HasText(error({{"expr", "ALL"}, {"columns", {"user_id"}}}), "user_id"));
  EXPECT_TRUE(HasText(error({{"expr", "ALL"}, {"columns", "age"}}), "array"));
  EXPECT_TRUE(HasText(error({{"expr", "ALL"}, {"format", "xlsx"}}), "csv, ndjson"));
  EXPECT_TRUE(HasText(error({{"expr", "ALL"}, {"segment", "vips"}}), "one of"));
  EXPECT_TRUE(HasText(error({{"columns", {"age"}}}), "one of"));
  json many = json::array();
  for (int i = 0; i < 201; ++i) many.push_back("t" + std::to_string(i));
  EXPECT_TRUE(HasText(error({{"expr", "ALL"}, {"columns", many}}), "at most 200"));
  EXPECT_EQ(Export(Role::kViewer, {{"expr", "ALL"}}).status, 403);
}

TEST_F(ExportApiTest, PersonalTagsAreMaskedBelowOperatorAndAudited) {
  StartCatalogServer();
  DefinePersonalPhone();
  json body = {{"expr", "is_vip"}, {"as_of", "2026-10-31"}, {"columns", {"phone", "city"}}};
  HttpReply analyst = Export(Role::kAnalyst, body);
  ASSERT_EQ(analyst.status, 200) << analyst.body;
  EXPECT_EQ(analyst.Header("x-tagloop-masked"), "phone");
  EXPECT_EQ(analyst.body, "user_id,phone,city\nm1,***,北京\nm3,***,\n");  // not even "no value" shows
  HttpReply nd = Export(Role::kAnalyst, body, "application/x-ndjson");
  EXPECT_EQ(nd.body, "{\"user_id\":\"m1\",\"phone\":\"***\",\"city\":\"北京\"}\n"
                     "{\"user_id\":\"m3\",\"phone\":\"***\",\"city\":null}\n");
  for (Role role : {Role::kOperator, Role::kAdmin}) {
    HttpReply r = Export(role, body);
    ASSERT_EQ(r.status, 200) << r.body;
    EXPECT_EQ(r.Header("x-tagloop-masked"), "");
    EXPECT_EQ(r.body, "user_id,phone,city\nm1,13800000001,北京\nm3,,\n");
  }

  // Profiles mask the same way.
  HttpReply p = Call("GET", "/api/v1/users/m1/profile?as_of=2026-10-31", Role::kAnalyst);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(Json(p)["tags"]["phone"], "***");
  EXPECT_EQ(Json(p)["tags"]["city"], "北京");
  EXPECT_EQ(p.Header("x-tagloop-masked"), "phone");
  p = Call("GET", "/api/v1/users/m1/profile?as_of=2026-10-31", Role::kOperator);
  EXPECT_EQ(Json(p)["tags"]["phone"], "13800000001");
  EXPECT_EQ(p.Header("x-tagloop-masked"), "");
  p = Call("GET", "/api/v1/users/m3/profile?as_of=2026-10-31", Role::kAnalyst);  // m3 has no phone
  EXPECT_FALSE(Json(p)["tags"].contains("phone"));
  EXPECT_EQ(p.Header("x-tagloop-masked"), "");

  // The catalog says which tags are personal.
  HttpReply list = Call("GET", "/api/v1/catalog/tags", Role::kViewer);
  ASSERT_EQ(list.status, 200);
  ASSERT_EQ(Json(list)["tags"].size(), 1u);
  EXPECT_EQ(Json(list)["tags"][0]["personal"], true);
  EXPECT_EQ(Json(Call("GET", "/api/v1/catalog/tags/phone", Role::kViewer))["definition"]["personal"], true);

  // Every export was audited with its columns, masked columns and rows.
  std::vector<AuditEntry> entries = AuditOf(audit_action::kSegmentsExport);
  ASSERT_EQ(entries.size(), 4u);
  const AuditEntry& first = entries.back();  // newest first
  EXPECT_EQ(first.principal_name, "analyst-test");
  EXPECT_EQ(first.target, "is_vip");
  EXPECT_EQ(first.item_count, 2);
  json detail = json::parse(first.detail);
  EXPECT_EQ(detail["columns"], json({"phone", "city"}));
  EXPECT_EQ(detail["masked"], json({"phone"}));
  EXPECT_EQ(detail["as_of"], "2026-10-31");
  EXPECT_EQ(detail["format"], "csv");
  EXPECT_EQ(json::parse(entries.front().detail)["masked"], json::array());
  // And the column tags were counted as exports.
  HttpReply usage = Call("GET", "/api/v1/catalog/tags/phone/usage", Role::kViewer);
  ASSERT_TRUE(WaitFor([&] {
    usage = Call("GET", "/api/v1/catalog/tags/phone/usage", Role::kViewer);
    return Json(usage)["totals"].value("export", 0) >= 4;
  })) << usage.body;
}

TEST_F(ExportApiTest, ColumnTagsFollowTheCallersVisibility) {
  StartCatalogServer();
  HttpReply d = Define("note", {{"type", "enum"}, {"producer", {{"kind", "import"}}}});
  ASSERT_EQ(d.status, 200) << d.body;
  json body = {{"expr", "ALL"}, {"as_of", "2026-10-31"}, {"columns", {"note"}}};
  // A draft: operators and admins only.
  EXPECT_EQ(Export(Role::kAnalyst, body).status, 400);
  EXPECT_EQ(Export(Role::kOperator, body).status, 200);
  ASSERT_EQ(Post("/api/v1/catalog/tags/note/publish", Role::kOperator).status, 200);
  EXPECT_EQ(Export(Role::kAnalyst, body).status, 200);
  ASSERT_EQ(Post("/api/v1/catalog/tags/note/offline", Role::kOperator).status, 200);
  // Offline: admins only.
  for (Role role : {Role::kAnalyst, Role::kOperator}) {
    HttpReply r = Export(role, body);
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_TRUE(HasText(ErrorMessage(r), "tag 'note' is offline"));
  }
  EXPECT_EQ(Export(Role::kAdmin, body).status, 200);
  // Audited only when something was exported.
  EXPECT_EQ(AuditOf(audit_action::kSegmentsExport).size(), 3u);
}

TEST_F(ExportApiTest, LiveRealTimeTagsAreExported) {
  StartCatalogServer();
  HttpReply d = Define("orders_30d", Orders30dDefinition());
  ASSERT_EQ(d.status, 200) << d.body;
  ASSERT_EQ(Post("/api/v1/catalog/tags/orders_30d/publish", Role::kOperator).status, 200);
  ASSERT_TRUE(WaitFor([&] {
    return Json(Call("GET", "/api/v1/events/stats", Role::kAnalyst))["realtime"]["tags"] == 1;
  }));
  const int64_t now = NowMillis();
  HttpReply e = Call("POST", "/api/v1/events?wait=visible", Role::kOperator,
                     JsonArray({PaidEvent("x1", "m1", now - 1000), PaidEvent("x2", "m1", now - 2000),
                                PaidEvent("x3", "m4", now - 3000), PaidEvent("x4", "new_user", now - 3000)}));
  ASSERT_EQ(e.status, 200) << e.body;
  // The live version (no forward column: read by probing its bitmaps).
  HttpReply r = Export(Role::kAnalyst, {{"expr", "orders_30d >= 1"}, {"columns", {"orders_30d", "age"}}});
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(r.body, "user_id,orders_30d,age\nm1,2,30\nm4,1,\nnew_user,1,\n");
  r = Export(Role::kAnalyst, {{"expr", "ALL"}, {"columns", {"orders_30d"}}, {"format", "ndjson"}});
  EXPECT_TRUE(HasText(r.body, "{\"user_id\":\"m1\",\"orders_30d\":2}\n{\"user_id\":\"m2\",\"orders_30d\":null}\n"));
}

// ------------------------------------------------------- /insight/metrics

TEST_F(ExportApiTest, MetricsOfASegmentFromAnSqliteSource) {
  MakeBusinessDb(data_ + "/business.db");  // orders(user_id, amount): m1 300, m2 50, m3 120, m9 700
  StartCatalogServer();
  HttpReply put = Call("PUT", "/api/v1/catalog/sources/biz", Role::kAdmin,
                       R"({"kind": "sqlite", "connection": "business.db"})");
  ASSERT_EQ(put.status, 200) << put.body;
  json body = {{"expr", "is_vip OR city = '深圳'"},
               {"as_of", "2026-10-31"},
               {"source", "biz"},
               {"query",
                "SELECT count(*) AS orders, sum(o.amount) AS revenue, max(s.user_id) AS last_user\n"
                "FROM orders o JOIN {{segment}} s ON s.user_id = o.user_id WHERE '{{biz_date}}' = '2026-10-31'"}};
  HttpReply r = Call("POST", "/api/v1/insight/metrics", Role::kAnalyst, body.dump());
  ASSERT_EQ(r.status, 200) << r.body;
  json j = Json(r);
  EXPECT_EQ(j["columns"], json({"orders", "revenue", "last_user"}));
  EXPECT_EQ(j["rows"], json::parse(R"([[2, 420, "m3"]])"));  // m1 300 + m3 120; m5 has no orders
  EXPECT_EQ(j["users"], 3);
  EXPECT_EQ(j["truncated"], false);
  EXPECT_EQ(j["pushed_as"], "temp_table");
  EXPECT_TRUE(j["elapsed_ms"].is_number());
  std::vector<AuditEntry> entries = AuditOf("insight.metrics");
  ASSERT_EQ(entries.size(), 1u);
  EXPECT_EQ(entries[0].target, "is_vip OR city = '深圳'");
  EXPECT_EQ(entries[0].item_count, 3);
  EXPECT_EQ(json::parse(entries[0].detail)["source"], "biz");

  // A saved segment, several rows.
  ASSERT_EQ(Call("POST", "/api/v1/segments", Role::kAnalyst, R"({"name": "all", "expr": "ALL"})").status, 201);
  r = Call("POST", "/api/v1/insight/metrics", Role::kAnalyst,
           json{{"segment", "all"},
                {"source", "biz"},
                {"max_rows", 2},
                {"query", "SELECT s.user_id, o.amount FROM {{segment}} s LEFT JOIN orders o ON o.user_id = s.user_id "
                          "ORDER BY s.user_id"}}
               .dump());
  ASSERT_EQ(r.status, 200) << r.body;
  EXPECT_EQ(Json(r)["rows"], json::parse(R"([["m1", 300], ["m2", 50]])"));
  EXPECT_EQ(Json(r)["truncated"], true);

  auto error = [&](json b) {
    HttpReply e = Call("POST", "/api/v1/insight/metrics", Role::kAnalyst, b.dump());
    EXPECT_EQ(e.status, 400) << b.dump() << ": " << e.body;
    return ErrorMessage(e);
  };
  EXPECT_TRUE(HasText(error({{"expr", "ALL"}, {"source", "nope"}, {"query", "SELECT 1 FROM {{segment}} s"}}), "unknown source 'nope'"));
  EXPECT_TRUE(HasText(error({{"expr", "ALL"}, {"source", "biz"}, {"query", "SELECT count(*) FROM orders"}}), "{{segment}}"));
  EXPECT_TRUE(HasText(error({{"expr", "ALL"}, {"source", "biz"}, {"query", "DELETE FROM orders WHERE user_id IN (SELECT user_id FROM {{segment}})"}}), "only read"));
  EXPECT_TRUE(HasText(error({{"expr", "ALL"}, {"source", "biz"}, {"query", "SELECT nope FROM {{segment}} s"}}), "no such column"));
  EXPECT_EQ(Call("POST", "/api/v1/insight/metrics", Role::kViewer, body.dump()).status, 403);
}

}  // namespace
}  // namespace tagloop::testing
