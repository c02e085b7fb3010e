// POST /events and the event type routes over a real server: JSON arrays and
// NDJSON, partial rejection, de-duplication, media types and size limits,
// ?wait=visible, roles, custom event types, /events/stats, profiles showing
// live values, and the live state surviving a graceful restart.
#include <fmt/format.h>

#include <condition_variable>
#include <map>
#include <mutex>
#include <random>
#include <set>
#include <thread>

#include "server/catalog_fixture.h"
#include "server/events_test_util.h"

namespace tagloop::testing {
namespace {

using nlohmann::json;

class EventsApiTest : public CatalogApiTest {
 protected:
  // POST /events as `role`; `query` e.g. "?wait=visible".
  HttpReply PostEvents(const std::string& body, const std::string& query = "?wait=visible",
                       Role role = Role::kOperator, const std::string& type = "application/json") {
    return Call("POST", "/api/v1/events" + query, role, body, type);
  }
  json PostOk(const std::vector<json>& events, const std::string& query = "?wait=visible") {
    HttpReply r = PostEvents(JsonArray(events), query);
    EXPECT_EQ(r.status, 200) << r.body;
    return r.status == 200 ? Json(r) : json();
  }
  json Stats() {
    HttpReply r = Call("GET", "/api/v1/events/stats", Role::kAnalyst);
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r);
  }
  // Defines and publishes orders_30d, and waits until the engine keeps it.
  void DefineOrders30d() {
    HttpReply r = Define("orders_30d", Orders30dDefinition());
    ASSERT_EQ(r.status, 200) << r.body;
    HttpReply p = Post("/api/v1/catalog/tags/orders_30d/publish", Role::kOperator);
    ASSERT_EQ(p.status, 200) << p.body;
    ASSERT_TRUE(WaitFor([&] { return Stats()["realtime"]["tags"] == 1; })) << Stats().dump();
  }
  // The users with orders_30d = n for every n (a query per value).
  std::map<std::string, int64_t> Orders30dValues(int64_t max_value) {
    std::map<std::string, int64_t> out;
    for (int64_t n = 1; n <= max_value; ++n) {
      HttpReply r = Call("POST", "/api/v1/segments/query", Role::kAnalyst,
                         json{{"expr", fmt::format("orders_30d = {}", n)}, {"limit", 100000}}.dump());
      EXPECT_EQ(r.status, 200) << r.body;
      if (r.status != 200) continue;
      const json body = Json(r);
      for (const auto& id : body["ids"]) out[id.get<std::string>()] = n;
    }
    return out;
  }
  int64_t now_ = NowMillis();
};

TEST_F(EventsApiTest, ArrayAndNdjsonBatchesShowInCounts) {
  StartCatalogServer();
  DefineOrders30d();
  json r = PostOk({PaidEvent("a1", "m1", now_ - 1000), PaidEvent("a2", "m1", now_ - 2000),
                   PaidEvent("a3", "new1", now_ - 86'400'000)});
  EXPECT_EQ(r, json::parse(R"({"received": 3, "accepted": 3, "duplicates": 0, "rejected_count": 0,
                               "rejected": [], "visible": true})"));
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d >= 1"), 2);
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d = 2"), 1);

  // NDJSON (both media type names), with blank lines and CRLF.
  std::string nd =
      "\n" + PaidEvent("n1", "m2", now_).dump() + "\r\n\r\n" + PaidEvent("n2", "new1", now_).dump();
  HttpReply n = PostEvents(nd, "?wait=visible", Role::kOperator, "application/x-ndjson");
  ASSERT_EQ(n.status, 200) << n.body;
  EXPECT_EQ(Json(n)["received"], 2);
  EXPECT_EQ(Json(n)["accepted"], 2);
  HttpReply n2 = PostEvents(Ndjson({PaidEvent("n3", "m3", now_)}), "?wait=visible", Role::kOperator,
                            "application/ndjson; charset=utf-8");
  ASSERT_EQ(n2.status, 200) << n2.body;
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d >= 1"), 4);
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d = 2"), 2);
  // A body without a Content-Type is taken too; an empty batch is fine.
  HttpClient c(port());
  HttpReply untyped =
      c.Request("POST", "/api/v1/events?wait=visible", JsonArray({PaidEvent("u1", "m4", now_)}),
                {{"Authorization", "Bearer " + tokens_[Role::kOperator]}});
  EXPECT_EQ(untyped.status, 200) << untyped.body;
  HttpReply empty = PostEvents("[]");
  ASSERT_EQ(empty.status, 200) << empty.body;
  EXPECT_EQ(Json(empty)["received"], 0);
  // Without ?wait the answer comes once durable; visible is false then.
  json durable = PostOk({PaidEvent("d1", "m4", now_)}, "");
  EXPECT_EQ(durable["accepted"], 1);
  EXPECT_EQ(durable["visible"], false);
  EXPECT_EQ(PostEvents("[]", "?wait=soon").status, 400);
}

TEST_F(EventsApiTest, InvalidEventsAreRejectedWithTheirIndexAndReason) {
  StartCatalogServer();
  DefineOrders30d();
  json unknown_type = PaidEvent("x2", "m1", now_);
  unknown_type["type"] = "order_payed";
  json missing_order = PaidEvent("x3", "m1", now_);
  missing_order["properties"].erase("order_id");
  json extra_field = PaidEvent("x4", "m1", now_);
  extra_field["colour"] = "red";
  json future = PaidEvent("x5", "m1", now_ + 3 * 86'400'000LL);
  json wrong_amount = PaidEvent("x6", "m2", now_);
  wrong_amount["properties"]["amount"] = "cheap";
  HttpReply r = PostEvents(JsonArray({PaidEvent("x1", "m1", now_), unknown_type, missing_order, extra_field,
                                      future, wrong_amount, PaidEvent("x7", "m2", now_)}));
  ASSERT_EQ(r.status, 200) << r.body;
  json body = Json(r);
  EXPECT_EQ(body["received"], 7);
  EXPECT_EQ(body["accepted"], 2);
  EXPECT_EQ(body["rejected_count"], 5);
  ASSERT_EQ(body["rejected"].size(), 5u) << body.dump();
  std::vector<std::pair<int, std::string>> want = {
      {1, "order_payed"}, {2, "order_id"}, {3, "colour"}, {4, "time"}, {5, "amount"}};
  for (size_t i = 0; i < want.size(); ++i) {
    EXPECT_EQ(body["rejected"][i]["index"], want[i].first) << body.dump();
    EXPECT_NE(body["rejected"][i]["reason"].get<std::string>().find(want[i].second), std::string::npos)
        << body["rejected"][i].dump();
  }
  EXPECT_NE(body["rejected"][0]["reason"].get<std::string>().find("did you mean 'order_paid'"),
            std::string::npos)
      << body["rejected"][0].dump();
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d >= 1"), 2);

  // NDJSON: a line that is not JSON rejects that line only.
  HttpReply nd =
      PostEvents(PaidEvent("y1", "m3", now_).dump() + "\n{not json\n" + PaidEvent("y2", "m3", now_).dump(),
                 "?wait=visible", Role::kOperator, "application/x-ndjson");
  ASSERT_EQ(nd.status, 200) << nd.body;
  EXPECT_EQ(Json(nd)["accepted"], 2);
  EXPECT_EQ(Json(nd)["rejected"][0]["index"], 1);

  // Every event rejected: 400 with the reasons.
  HttpReply all_bad = PostEvents(JsonArray({unknown_type, missing_order}));
  EXPECT_EQ(all_bad.status, 400) << all_bad.body;
  EXPECT_EQ(Json(all_bad)["error"]["code"], "invalid_argument");
  EXPECT_NE(ErrorMessage(all_bad).find("event #0"), std::string::npos) << all_bad.body;
  EXPECT_EQ(Json(all_bad)["rejected"].size(), 2u);
  // An array body that is not JSON fails as a whole.
  HttpReply broken = PostEvents("[{\"event_id\": ");
  EXPECT_EQ(broken.status, 400) << broken.body;
  EXPECT_NE(ErrorMessage(broken).find("not a JSON array"), std::string::npos) << broken.body;
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d >= 1"), 3);
}

TEST_F(EventsApiTest, DuplicatesAreAcknowledgedAndNotCountedTwice) {
  StartCatalogServer();
  DefineOrders30d();
  std::mt19937 rng(3);
  std::vector<json> batch;
  std::map<std::string, int64_t> expected;
  for (int i = 0; i < 60; ++i) {
    std::string user = fmt::format("m{}", 1 + rng() % 8);
    batch.push_back(
        PaidEvent(fmt::format("dup{}", i), user, now_ - static_cast<int64_t>(rng() % 1'000'000'000)));
    ++expected[user];
  }
  json first = PostOk(batch);
  EXPECT_EQ(first["accepted"], 60);
  EXPECT_EQ(Orders30dValues(60), expected);
  // The same batch again, as NDJSON, and a batch repeating one event.
  json again = Json(PostEvents(Ndjson(batch), "?wait=visible", Role::kOperator, "application/x-ndjson"));
  EXPECT_EQ(again["accepted"], 0);
  EXPECT_EQ(again["duplicates"], 60);
  json twice = PostOk({PaidEvent("once", "m1", now_), PaidEvent("once", "m1", now_)});
  EXPECT_EQ(twice["accepted"], 1);
  EXPECT_EQ(twice["duplicates"], 1);
  ++expected["m1"];
  EXPECT_EQ(Orders30dValues(60), expected);
  EXPECT_EQ(Stats()["log"]["events"], 61);
}

TEST_F(EventsApiTest, OtherMediaTypesAndOversizedBatchesAreRefused) {
  StartCatalogServer([](ServerOptions& o) { o.max_event_bytes = 2000; });
  const std::string one = JsonArray({PaidEvent("s1", "m1", now_)});
  for (const char* type :
       {"text/csv", "text/plain", "application/xml", "application/x-www-form-urlencoded"}) {
    HttpReply r = PostEvents(one, "", Role::kOperator, type);
    EXPECT_EQ(r.status, 415) << type << ": " << r.body;
    EXPECT_EQ(Json(r)["error"]["code"], "unsupported_media_type");
  }
  std::vector<json> many;
  for (int i = 0; i < 30; ++i) many.push_back(PaidEvent(fmt::format("big{}", i), "m1", now_));
  const std::string big = JsonArray(many);
  ASSERT_GT(big.size(), 2000u);
  HttpReply r = PostEvents(big, "");
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(Stats()["log"]["events"], 0);
  EXPECT_EQ(PostEvents(one, "").status, 200);
  EXPECT_EQ(Stats()["log"]["events"], 1);
}

TEST_F(EventsApiTest, WaitVisibleAnswersOnceCountsSeeTheEvents) {
  StartCatalogServer();
  DefineOrders30d();
  for (int i = 0; i < 30; ++i) {
    // A new user each time, and one more order for m1.
    json r = PostOk({PaidEvent(fmt::format("w{}", i), fmt::format("w{}", i), now_),
                     PaidEvent(fmt::format("m1-{}", i), "m1", now_ - i)});
    ASSERT_EQ(r["visible"], true);
    ASSERT_EQ(CountOf(Role::kViewer, "orders_30d >= 1"), i + 2) << i;
    ASSERT_EQ(CountOf(Role::kViewer, fmt::format("orders_30d = {}", i + 1)), i == 0 ? 2 : 1) << i;
  }
  // New users are users of the store: ALL counts them.
  EXPECT_EQ(CountOf(Role::kViewer, "ALL"), 5 + 30);
}

TEST_F(EventsApiTest, OnlyOperatorsAndAdminsPostEvents) {
  StartCatalogServer();
  for (Role role : kAllRoles) {
    HttpReply r =
        PostEvents(JsonArray({PaidEvent(fmt::format("role-{}", RoleName(role)), "m1", now_)}), "", role);
    if (role == Role::kViewer || role == Role::kAnalyst) {
      EXPECT_EQ(r.status, 403) << RoleName(role) << ": " << r.body;
      EXPECT_EQ(Json(r)["error"]["code"], "permission_denied");
    } else {
      EXPECT_EQ(r.status, 200) << RoleName(role) << ": " << r.body;
    }
  }
  EXPECT_EQ(Call("POST", "/api/v1/events", std::nullopt, "[]").status, 401);
  EXPECT_EQ(Stats()["log"]["events"], 2);
}

TEST_F(EventsApiTest, EventTypesListRegisterReplaceAndRemove) {
  StartCatalogServer();
  HttpReply list = Call("GET", "/api/v1/events/types", Role::kViewer);
  ASSERT_EQ(list.status, 200) << list.body;
  std::vector<std::string> names;
  const json types = Json(list);
  for (const auto& t : types["types"]) {
    names.push_back(t["name"]);
    EXPECT_EQ(t["builtin"], true) << t.dump();
  }
  EXPECT_EQ(names,
            (std::vector<std::string>{"order_created", "order_paid", "car_picked_up", "order_extended",
                                      "car_returned", "order_cancelled", "message_sent", "message_delivered",
                                      "message_clicked", "message_bounced", "coupon_issued", "coupon_redeemed"}));
  HttpReply paid = Call("GET", "/api/v1/events/types/order_paid", Role::kViewer);
  ASSERT_EQ(paid.status, 200);
  EXPECT_EQ(Json(paid)["name"], "order_paid");
  EXPECT_EQ(Call("GET", "/api/v1/events/types/order_payed", Role::kViewer).status, 404);

  const json app_opened = {{"title", {{"zh", "打开应用"}, {"en", "App opened"}}},
                           {"properties", {{{"name", "screen"}, {"type", "string"}, {"required", true}}}}};
  HttpReply by_operator = Call("PUT", "/api/v1/events/types/app_opened", Role::kOperator, app_opened.dump());
  EXPECT_EQ(by_operator.status, 403) << by_operator.body;
  HttpReply put = Call("PUT", "/api/v1/events/types/app_opened", Role::kAdmin, app_opened.dump());
  ASSERT_EQ(put.status, 200) << put.body;
  EXPECT_EQ(Json(put)["name"], "app_opened");
  EXPECT_FALSE(Json(put).contains("builtin"));
  HttpReply got = Call("GET", "/api/v1/events/types/app_opened", Role::kViewer);
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(Json(got)["properties"][0]["name"], "screen");
  EXPECT_EQ(Json(Call("GET", "/api/v1/events/types", Role::kViewer))["types"].size(), 13u);

  // Events of the new type are accepted (and checked against its schema).
  json ok = {{"event_id", "open-1"},
             {"type", "app_opened"},
             {"user_id", "m1"},
             {"time", Rfc3339(now_)},
             {"properties", {{"screen", "home"}}}};
  json bad = ok;
  bad["event_id"] = "open-2";
  bad["properties"] = {{"screen", 3}};
  HttpReply posted = PostEvents(JsonArray({ok, bad}), "");
  ASSERT_EQ(posted.status, 200) << posted.body;
  EXPECT_EQ(Json(posted)["accepted"], 1);
  EXPECT_NE(Json(posted)["rejected"][0]["reason"].get<std::string>().find("screen"), std::string::npos);

  // Compatible: a new optional property. Incompatible: retyping one.
  json grown = app_opened;
  grown["properties"].push_back({{"name", "duration_ms"}, {"type", "int"}});
  EXPECT_EQ(Call("PUT", "/api/v1/events/types/app_opened", Role::kAdmin, grown.dump()).status, 200);
  json retyped = grown;
  retyped["properties"][0]["type"] = "int";
  HttpReply refused = Call("PUT", "/api/v1/events/types/app_opened", Role::kAdmin, retyped.dump());
  EXPECT_EQ(refused.status, 400) << refused.body;
  EXPECT_NE(ErrorMessage(refused).find("screen"), std::string::npos) << refused.body;
  json dropped = app_opened;
  dropped["properties"] = json::array();
  HttpReply refused2 = Call("PUT", "/api/v1/events/types/app_opened", Role::kAdmin, dropped.dump());
  EXPECT_EQ(refused2.status, 400) << refused2.body;
  EXPECT_NE(ErrorMessage(refused2).find("screen"), std::string::npos) << refused2.body;
  // Built-in types cannot be replaced or removed; the name must match the path.
  EXPECT_EQ(Call("PUT", "/api/v1/events/types/order_paid", Role::kAdmin, app_opened.dump()).status, 400);
  EXPECT_EQ(Call("DELETE", "/api/v1/events/types/order_paid", Role::kAdmin).status, 400);
  json other = app_opened;
  other["name"] = "other_name";
  HttpReply mismatch = Call("PUT", "/api/v1/events/types/app_opened", Role::kAdmin, other.dump());
  EXPECT_EQ(mismatch.status, 400);
  EXPECT_NE(ErrorMessage(mismatch).find("other_name"), std::string::npos) << mismatch.body;

  EXPECT_EQ(Call("DELETE", "/api/v1/events/types/app_opened", Role::kOperator).status, 403);
  HttpReply removed = Call("DELETE", "/api/v1/events/types/app_opened", Role::kAdmin);
  EXPECT_EQ(removed.status, 200) << removed.body;
  EXPECT_EQ(Call("GET", "/api/v1/events/types/app_opened", Role::kViewer).status, 404);
  EXPECT_EQ(Call("DELETE", "/api/v1/events/types/app_opened", Role::kAdmin).status, 404);
  ok["event_id"] = "open-3";
  EXPECT_EQ(PostEvents(JsonArray({ok}), "").status, 400);  // the type is gone
}

TEST_F(EventsApiTest, StatsShowTheLogAndTheEngine) {
  StartCatalogServer();
  DefineOrders30d();
  json empty = Stats();
  EXPECT_EQ(empty["log"]["events"], 0);
  EXPECT_EQ(empty["log"]["segments"], 0);
  EXPECT_TRUE(empty["log"]["first_day"].is_null());
  EXPECT_EQ(empty["realtime"]["tags"], 1);
  PostOk({PaidEvent("s1", "m1", now_), PaidEvent("s2", "m2", now_ - 3 * 86'400'000LL)});
  json s = Stats();
  EXPECT_EQ(s["log"]["events"], 2);
  EXPECT_EQ(s["log"]["segments"], 2);
  EXPECT_GT(s["log"]["bytes"].get<int64_t>(), 0);
  EXPECT_EQ(s["log"]["truncated_tail_bytes"], 0);
  EXPECT_TRUE(s["log"]["first_day"].is_string());
  EXPECT_EQ(s["realtime"]["events_applied"], 2);
  EXPECT_EQ(s["realtime"]["pending"], 0);
  EXPECT_EQ(s["realtime"]["last_error"], "");
  EXPECT_GE(s["realtime"]["publishes"].get<int64_t>(), 1);
  EXPECT_EQ(Call("GET", "/api/v1/events/stats", Role::kViewer).status, 403);
}

TEST_F(EventsApiTest, ProfileShowsTheLiveValue) {
  StartCatalogServer();
  DefineOrders30d();
  PostOk({PaidEvent("p1", "m1", now_), PaidEvent("p2", "m1", now_ - 1), PaidEvent("p3", "fresh", now_)});
  HttpReply p = Call("GET", "/api/v1/users/m1/profile", Role::kAnalyst);
  ASSERT_EQ(p.status, 200) << p.body;
  EXPECT_EQ(Json(p)["tags"]["orders_30d"], 2) << p.body;
  EXPECT_EQ(Json(p)["tags"]["city"], "北京") << p.body;  // file tags as before
  HttpReply fresh = Call("GET", "/api/v1/users/fresh/profile", Role::kAnalyst);
  ASSERT_EQ(fresh.status, 200) << fresh.body;
  EXPECT_EQ(Json(fresh)["tags"]["orders_30d"], 1) << fresh.body;
  // The next event shows at once.
  PostOk({PaidEvent("p4", "m1", now_ - 2)});
  EXPECT_EQ(Json(Call("GET", "/api/v1/users/m1/profile", Role::kAnalyst))["tags"]["orders_30d"], 3);
}

// Live versions show like any version in the tag routes.
TEST_F(EventsApiTest, TagRoutesShowLiveVersions) {
  StartCatalogServer();
  DefineOrders30d();
  PostOk({PaidEvent("t1", "m1", now_), PaidEvent("t2", "m1", now_ - 1), PaidEvent("t3", "m2", now_)});
  HttpReply tag = Call("GET", "/api/v1/tags/orders_30d", Role::kViewer);
  ASSERT_EQ(tag.status, 200) << tag.body;
  json t = Json(tag);
  EXPECT_EQ(t["type"], "int");
  EXPECT_EQ(t["users"], 2) << tag.body;
  ASSERT_FALSE(t["versions"].empty()) << tag.body;
  HttpReply dist = Call("GET", "/api/v1/tags/orders_30d/distribution", Role::kViewer);
  ASSERT_EQ(dist.status, 200) << dist.body;
  json d = Json(dist);
  EXPECT_EQ(d["users"], 2) << dist.body;
  EXPECT_EQ(d["min"], 1) << dist.body;
  EXPECT_EQ(d["max"], 2) << dist.body;
  EXPECT_EQ(d["sum"], 3) << dist.body;
  HttpReply list = Call("GET", "/api/v1/tags", Role::kViewer);
  ASSERT_EQ(list.status, 200) << list.body;
  EXPECT_NE(list.body.find("orders_30d"), std::string::npos);
  HttpReply catalog = Call("GET", "/api/v1/catalog/tags/orders_30d", Role::kViewer);
  ASSERT_EQ(catalog.status, 200) << catalog.body;
  EXPECT_EQ(Json(catalog)["data_versions"].size(), 1u) << catalog.body;
  HttpReply catalog_list = Call("GET", "/api/v1/catalog/tags", Role::kViewer);
  ASSERT_EQ(catalog_list.status, 200) << catalog_list.body;
  HttpReply query = Call("POST", "/api/v1/segments/query", Role::kAnalyst,
                         json{{"expr", "orders_30d >= 1"}, {"stream", true}}.dump());
  ASSERT_EQ(query.status, 200) << query.body;
  EXPECT_NE(query.body.find("m2"), std::string::npos) << query.body;
}

// DELETE /users/{id} (the right to be forgotten) takes the user out of the
// live tags too.
TEST_F(EventsApiTest, DeletedUserLeavesTheLiveTags) {
  StartCatalogServer();
  DefineOrders30d();
  PostOk(
      {PaidEvent("f1", "gone", now_ - 10), PaidEvent("f2", "gone", now_ - 20), PaidEvent("f3", "m1", now_)});
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d >= 1"), 2);
  const int64_t all_before = CountOf(Role::kViewer, "ALL");
  ASSERT_EQ(Call("DELETE", "/api/v1/users/gone", Role::kOperator).status, 204);
  EXPECT_EQ(CountOf(Role::kViewer, "ALL"), all_before - 1);
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d >= 1"), 1);
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d = 2"), 0);
  EXPECT_EQ(Call("GET", "/api/v1/users/gone/profile", Role::kAnalyst).status, 404);
}

// KNOWN BUG (reported to the lead, not fixed): the engine's replay on start
// feeds the deleted user's old events again; ResolveUsers finds the external
// id deleted and interns it anew, so the user comes back (ALL grows, the
// profile answers, orders_30d counts the events from before the deletion).
// Fixing it needs a decision on what deletion means for the event log
// (purge the user's events, or record when the id was deleted).
TEST_F(EventsApiTest, DeletedUserStaysDeletedAcrossRestart) {
  StartCatalogServer();
  DefineOrders30d();
  PostOk(
      {PaidEvent("f1", "gone", now_ - 10), PaidEvent("f2", "gone", now_ - 20), PaidEvent("f3", "m1", now_)});
  const int64_t all_before = CountOf(Role::kViewer, "ALL");
  ASSERT_EQ(Call("DELETE", "/api/v1/users/gone", Role::kOperator).status, 204);
  server_->Stop();
  server_.reset();
  StartCatalogServer();
  EXPECT_EQ(CountOf(Role::kViewer, "ALL"), all_before - 1);
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d >= 1"), 1);
  EXPECT_EQ(Call("GET", "/api/v1/users/gone/profile", Role::kAnalyst).status, 404);
}

// A published real-time tag whose definition changes is rebuilt from the
// log at once; taken offline it leaves the live versions, restored it is
// replayed again.
TEST_F(EventsApiTest, ChangedOfflineAndRestoredDefinitionsTakeEffect) {
  StartCatalogServer();
  DefineOrders30d();
  const int64_t day = 86'400'000;
  PostOk({PaidEvent("c1", "m1", now_ - 10 * day), PaidEvent("c2", "m1", now_ - 1000),
          PaidEvent("c3", "m2", now_ - 20 * day)});
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d = 2"), 1);
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d >= 1"), 2);

  json week = Orders30dDefinition();
  week["producer"]["window_days"] = 7;
  HttpReply changed = Define("orders_30d", week);
  ASSERT_EQ(changed.status, 200) << changed.body;
  EXPECT_EQ(Json(changed)["change"], "updated");
  ASSERT_TRUE(WaitFor([&] { return CountOf(Role::kViewer, "orders_30d >= 1") == 1; }));
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d = 1"), 1);
  // New events count once in the rebuilt tag.
  PostOk({PaidEvent("c4", "m1", now_ - 2000)});
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d = 2"), 1);

  HttpReply off = Post("/api/v1/catalog/tags/orders_30d/offline", Role::kAdmin);
  ASSERT_EQ(off.status, 200) << off.body;
  ASSERT_TRUE(WaitFor([&] { return Stats()["realtime"]["tags"] == 0; }));
  ASSERT_TRUE(WaitFor([&] { return server_->store().snapshot()->FindTag("orders_30d") == nullptr; }));
  // Events keep being logged meanwhile.
  PostOk({PaidEvent("c5", "m2", now_ - 3000)});
  HttpReply restored = Post("/api/v1/catalog/tags/orders_30d/restore", Role::kAdmin);
  ASSERT_EQ(restored.status, 200) << restored.body;
  ASSERT_TRUE(WaitFor([&] { return Stats()["realtime"]["tags"] == 1; }));
  ASSERT_TRUE(WaitFor([&] { return CountOf(Role::kViewer, "orders_30d >= 1") == 2; }));
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d = 2"), 1);  // m1: c2, c4 (c1 is 10 days old)
  EXPECT_EQ(CountOf(Role::kViewer, "orders_30d = 1"), 1);  // m2: c5
}

// Concurrent batches with events of one user at the same time (a tie: the
// event applied later wins a `latest` rule): the live state must be what the
// replay of the log after a restart gives, i.e. the engine must apply
// concurrent batches in log order.
//
// KNOWN BUG (reported to the lead, not fixed): POST /events appends under
// the shared IngestLock and then Submit()s, but concurrent appends finish
// their group-committed fdatasync in any order, so the engine receives
// batches out of log order (RealtimeEngine::Submit requires log order).
// 10-40% of the users here end with a live value that the replay (and the
// daily version, which reads the log in file order) does not give. A fix
// needs the order: e.g. Submit(events, AppendResult::first_sequence) with
// the engine applying batches by sequence.
TEST_F(EventsApiTest, ConcurrentTiesReplayToTheLiveValues) {
  StartCatalogServer();
  HttpReply def = Define("last_step", {{"type", "enum"},
                                       {"producer",
                                        {{"kind", "realtime"},
                                         {"rule", "latest"},
                                         {"events", {"order_created", "order_paid", "car_returned"}},
                                         {"property", "$type"}}}});
  ASSERT_EQ(def.status, 200) << def.body;
  ASSERT_EQ(Post("/api/v1/catalog/tags/last_step/publish", Role::kOperator).status, 200);
  ASSERT_TRUE(WaitFor([&] { return Stats()["realtime"]["tags"] == 1; }));
  static const char* kTypes[] = {"order_created", "order_paid", "car_returned"};
  constexpr int kThreads = 6, kRounds = 60;
  std::vector<std::thread> threads;
  std::mutex mu;
  std::condition_variable cv;
  int arrived = 0, generation = 0;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      HttpClient c(port());
      for (int round = 0; round < kRounds; ++round) {
        {
          std::unique_lock l(mu);  // a barrier: every thread posts round `round` at once
          if (++arrived == kThreads) {
            arrived = 0;
            ++generation;
            cv.notify_all();
          } else {
            cv.wait(l, [&, g = generation] { return generation != g; });
          }
        }
        json e = PaidEvent(fmt::format("tie{}-{}", round, t), fmt::format("tie{}", round), now_ - 60'000);
        e["type"] = kTypes[t % 3];
        HttpReply r = c.Request(
            "POST", "/api/v1/events", JsonArray({e}),
            {{"Authorization", "Bearer " + tokens_[Role::kOperator]}, {"Content-Type", "application/json"}});
        EXPECT_EQ(r.status, 200) << r.body;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  ASSERT_TRUE(WaitFor([&] { return Stats()["realtime"]["pending"] == 0; }));
  auto values = [&] {
    std::map<std::string, std::string> out;
    for (const char* type : kTypes) {
      HttpReply r = Call("POST", "/api/v1/segments/query", Role::kAnalyst,
                         json{{"expr", fmt::format("last_step = '{}'", type)}, {"limit", 100000}}.dump());
      EXPECT_EQ(r.status, 200) << r.body;
      const json body = Json(r);
      for (const auto& id : body["ids"]) out[id.get<std::string>()] = type;
    }
    return out;
  };
  auto live = values();
  EXPECT_EQ(live.size(), static_cast<size_t>(kRounds));
  server_->Stop();
  server_.reset();
  StartCatalogServer();
  auto replayed = values();
  size_t differ = 0;
  for (const auto& [user, v] : live) differ += replayed[user] != v;
  EXPECT_EQ(differ, 0u) << "users whose live value differs from the replayed one";
}

// Replay equivalence over the server: the live values after a graceful
// restart (replayed from the log) equal those before.
TEST_F(EventsApiTest, GracefulRestartKeepsEveryLiveValue) {
  StartCatalogServer();
  DefineOrders30d();
  HttpReply def = Define("last_step", {{"type", "enum"},
                                       {"producer",
                                        {{"kind", "realtime"},
                                         {"rule", "latest"},
                                         {"events", {"order_created", "order_paid", "car_returned"}},
                                         {"property", "$type"}}}});
  ASSERT_EQ(def.status, 200) << def.body;
  ASSERT_EQ(Post("/api/v1/catalog/tags/last_step/publish", Role::kOperator).status, 200);
  ASSERT_TRUE(WaitFor([&] { return Stats()["realtime"]["tags"] == 2; }));
  std::mt19937 rng(5);
  static const char* kTypes[] = {"order_created", "order_paid", "car_returned"};
  for (int b = 0; b < 20; ++b) {
    std::vector<json> batch;
    for (int i = 0; i < 25; ++i) {
      json e = PaidEvent(fmt::format("g{}-{}", b, i), fmt::format("g{}", rng() % 40),
                         now_ - static_cast<int64_t>(rng() % (45 * 86'400'000LL)) - b * 25 - i);
      e["type"] = kTypes[rng() % 3];
      batch.push_back(e);
    }
    PostOk(batch, b % 2 ? "?wait=visible" : "");
  }
  auto snapshot_values = [&] {
    std::map<std::string, std::string> out;
    for (int u = 0; u < 40; ++u) {
      HttpReply p = Call("GET", fmt::format("/api/v1/users/g{}/profile", u), Role::kAnalyst);
      if (p.status == 404) continue;
      EXPECT_EQ(p.status, 200) << p.body;
      json tags = Json(p)["tags"];
      out[fmt::format("g{}", u)] =
          tags.value("orders_30d", json()).dump() + "/" + tags.value("last_step", json()).dump();
    }
    return out;
  };
  ASSERT_TRUE(WaitFor([&] { return Stats()["realtime"]["pending"] == 0; }));
  auto before = snapshot_values();
  auto counts_before = Orders30dValues(30);
  ASSERT_GT(counts_before.size(), 20u);
  server_->Stop();
  server_.reset();
  StartCatalogServer();
  json stats = Stats();
  EXPECT_EQ(stats["realtime"]["events_replayed"], 500) << stats.dump();
  EXPECT_EQ(snapshot_values(), before);
  EXPECT_EQ(Orders30dValues(30), counts_before);
}

}  // namespace
}  // namespace tagloop::testing
