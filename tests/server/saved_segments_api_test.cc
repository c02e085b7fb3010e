// Saved segments through the API beyond the golden cases: descriptions
// (stored with the segment, kept across a restart, kept or cleared by PUT,
// checked before anything runs) and the list with counts (one count per
// segment as of a date; a segment that cannot be counted says why in its
// item instead of failing the list).
#include "server/catalog_fixture.h"

namespace tagloop::testing {
namespace {

using nlohmann::json;

class SavedSegmentsApiTest : public CatalogApiTest {
 protected:
  HttpReply Create(const json& body, Role role = Role::kAnalyst) {
    return Call("POST", "/api/v1/segments", role, body.dump());
  }
  HttpReply Put(const std::string& name, const json& body, Role role = Role::kAnalyst) {
    return Call("PUT", "/api/v1/segments/" + name, role, body.dump());
  }
  json Get(const std::string& name) { return Json(Call("GET", "/api/v1/segments/" + name, Role::kAnalyst)); }
  // GET /segments?... as `role`: the items by name.
  std::map<std::string, json> Listed(const std::string& query, Role role = Role::kAnalyst,
                                     json* whole = nullptr) {
    HttpReply r = Call("GET", "/api/v1/segments" + query, role);
    EXPECT_EQ(r.status, 200) << r.body;
    std::map<std::string, json> out;
    if (r.status != 200) return out;
    json j = Json(r);
    for (const json& s : j["segments"]) out[s["name"].get<std::string>()] = s;
    if (whole) *whole = j;
    return out;
  }
};

TEST_F(SavedSegmentsApiTest, DescriptionsAreStoredReturnedAndKept) {
  StartCatalogServer();
  const std::string text = "上海的老会员\n用于春季活动 (spring campaign)";
  HttpReply created = Create({{"name", "shanghai"}, {"expr", "city = '上海'"}, {"description", text}});
  ASSERT_EQ(created.status, 201) << created.body;
  EXPECT_EQ(Json(created)["description"], text);
  EXPECT_EQ(Get("shanghai")["description"], text);
  ASSERT_EQ(Create({{"name", "plain"}, {"expr", "is_vip"}}).status, 201);
  EXPECT_EQ(Get("plain")["description"], "");
  auto listed = Listed("");
  EXPECT_EQ(listed["shanghai"]["description"], text);
  EXPECT_EQ(listed["plain"]["description"], "");
  EXPECT_FALSE(listed["plain"].contains("count"));  // only with with_counts

  // PUT without a description keeps it; with one replaces it; "" clears it.
  HttpReply kept = Put("shanghai", {{"expr", "city = '上海' OR city = '北京'"}});
  ASSERT_EQ(kept.status, 200) << kept.body;
  EXPECT_EQ(Json(kept)["description"], text);
  ASSERT_EQ(Put("plain", {{"expr", "is_vip"}, {"description", "VIPs"}}).status, 200);
  EXPECT_EQ(Get("plain")["description"], "VIPs");

  // Frozen kinds carry one too, kept across new versions.
  HttpReply snap = Create({{"name", "frozen_vips"},
                           {"kind", "snapshot"},
                           {"expr", "is_vip"},
                           {"as_of", "2026-10-01"},
                           {"description", "VIPs on Oct 1"}});
  ASSERT_EQ(snap.status, 201) << snap.body;
  EXPECT_EQ(Json(snap)["description"], "VIPs on Oct 1");
  ASSERT_EQ(Call("POST", "/api/v1/segments/frozen_vips/versions", Role::kAnalyst, "{}").status, 201);
  EXPECT_EQ(Get("frozen_vips")["description"], "VIPs on Oct 1");
  ASSERT_EQ(Put("frozen_vips", {{"expr", "is_vip"}, {"description", ""}}).status, 200);
  EXPECT_EQ(Get("frozen_vips")["description"], "");
  EXPECT_EQ(Get("frozen_vips")["versions"], 3);

  // Refused before anything is stored or frozen, naming the field.
  std::string too_long;
  for (int i = 0; i < 2001; ++i) too_long += "字";
  for (const json& bad : {json(too_long), json(7), json("bell\x07")}) {
    HttpReply r = Put("shanghai", {{"expr", "is_vip"}, {"description", bad}});
    EXPECT_EQ(r.status, 400) << r.body;
    EXPECT_NE(ErrorMessage(r).find("'description'"), std::string::npos) << r.body;
    HttpReply f = Create({{"name", "never"}, {"kind", "snapshot"}, {"expr", "is_vip"}, {"description", bad}});
    EXPECT_EQ(f.status, 400) << f.body;
  }
  EXPECT_NE(ErrorMessage(Put("shanghai", {{"expr", "is_vip"}, {"description", too_long}}))
                .find("2001 characters; at most 2000"),
            std::string::npos);
  EXPECT_EQ(Get("shanghai")["expr"], "city = '上海' OR city = '北京'");
  EXPECT_EQ(Call("GET", "/api/v1/segments/never", Role::kAnalyst).status, 404);

  // Durable: a new server over the same directory reads them back.
  server_->Stop();
  server_.reset();
  StartCatalogServer();
  EXPECT_EQ(Get("shanghai")["description"], text);
  EXPECT_EQ(Get("plain")["description"], "VIPs");
  EXPECT_EQ(Get("frozen_vips")["description"], "");
}

TEST_F(SavedSegmentsApiTest, ListWithCountsCountsEverySegmentAsOfADate) {
  StartCatalogServer();
  ASSERT_EQ(Create({{"name", "shanghai"}, {"expr", "city = '上海'"}}).status, 201);
  ASSERT_EQ(Create({{"name", "vip_shanghai"}, {"expr", "is_vip AND SEGMENT('shanghai')"}}).status, 201);
  ASSERT_EQ(
      Create({{"name", "frozen_vips"}, {"kind", "snapshot"}, {"expr", "is_vip"}, {"as_of", "2026-10-01"}})
          .status,
      201);

  json whole;
  auto early = Listed("?with_counts=true&as_of=2026-10-10", Role::kAnalyst, &whole);
  EXPECT_EQ(whole["as_of"], "2026-10-10");
  EXPECT_EQ(early["shanghai"]["count"], 2);      // m1, m3
  EXPECT_EQ(early["vip_shanghai"]["count"], 2);  // both VIPs
  EXPECT_EQ(early["frozen_vips"]["count"], 2);   // m1, m3 frozen on Oct 1
  EXPECT_FALSE(early["shanghai"].contains("count_error"));
  EXPECT_EQ(early["frozen_vips"]["kind"], "snapshot");
  // Each count equals the segment's own count at that date.
  for (const auto& [name, item] : early) {
    HttpReply one = Call("GET", "/api/v1/segments/" + name + "/count?as_of=2026-10-10", Role::kViewer);
    ASSERT_EQ(one.status, 200) << one.body;
    EXPECT_EQ(Json(one)["count"], item["count"]) << name;
  }
  auto late = Listed("?with_counts=1&as_of=2026-10-31");
  EXPECT_EQ(late["shanghai"]["count"], 0);  // the 10-15 version has nobody in 上海
  EXPECT_EQ(late["frozen_vips"]["count"], 2);

  // A tag gone offline: the segments reading it cannot be counted by an
  // analyst; the list still answers, with the reason in those items.
  DefineExternal("tier", "enum", true);
  ASSERT_EQ(Push("tier", {{"m1", "gold"}, {"m2", "silver"}}).status, 200);
  ASSERT_EQ(Create({{"name", "golden"}, {"expr", "tier = 'gold'"}}).status, 201);
  ASSERT_EQ(Create({{"name", "via_golden"}, {"expr", "SEGMENT('golden') OR is_vip"}}).status, 201);
  EXPECT_EQ(Listed("?with_counts=true")["golden"]["count"], 1);  // today: the push's date
  ASSERT_EQ(Post("/api/v1/catalog/tags/tier/offline?force=true", Role::kAdmin).status, 200);
  auto analyst = Listed("?with_counts=true", Role::kAnalyst, &whole);
  ASSERT_EQ(analyst.size(), 5u);
  for (const char* name : {"golden", "via_golden"}) {
    SCOPED_TRACE(name);
    EXPECT_TRUE(analyst[name]["count"].is_null());
    EXPECT_NE(analyst[name]["count_error"].get<std::string>().find("tier"), std::string::npos)
        << analyst[name];
    EXPECT_NE(analyst[name]["count_error"].get<std::string>().find("offline"), std::string::npos)
        << analyst[name];
  }
  EXPECT_EQ(analyst["frozen_vips"]["count"], 2);
  EXPECT_FALSE(analyst["frozen_vips"].contains("count_error"));
  // Admins read offline tags: counted.
  auto admin = Listed("?with_counts=true", Role::kAdmin);
  EXPECT_EQ(admin["golden"]["count"], 1);
  EXPECT_FALSE(admin["golden"].contains("count_error"));

  // Bad parameters are refused, as everywhere.
  EXPECT_EQ(Call("GET", "/api/v1/segments?as_of=2026-10-10", Role::kAnalyst).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/segments?with_counts=maybe", Role::kAnalyst).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/segments?with_counts=true&as_of=10/10/2026", Role::kAnalyst).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/segments?with_count=true", Role::kAnalyst).status, 400);
  EXPECT_EQ(Call("GET", "/api/v1/segments?with_counts=true", Role::kViewer).status, 403);
}

}  // namespace
}  // namespace tagloop::testing
