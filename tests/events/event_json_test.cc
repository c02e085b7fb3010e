#include "events/event_json.h"

#include <gtest/gtest.h>

#include "events/event_time.h"
#include "testing/temp_dir.h"

namespace tagloop::events {
namespace {

using nlohmann::json;

// 2026-11-25T00:00:00Z
constexpr int64_t kNow = 1'795'564'800'000;

json Paid() {
  return json::parse(R"({"event_id": "o-1001-paid", "type": "order_paid", "user_id": "M0012345678",
    "time": "2026-11-24T10:15:00+08:00",
    "properties": {"order_id": "o-1001", "city": "上海", "amount": 399.00, "rent_days": 3}})");
}

class EventJsonTest : public ::testing::Test {
 protected:
  std::unique_ptr<EventTypeRegistry> types_ = EventTypeRegistry::BuiltinOnly();

  std::string Error(const json& j) {
    Result<Event> e = EventFromJson(j, *types_, kNow);
    if (e.ok()) return "OK";
    EXPECT_EQ(e.status().code(), Status::Code::kInvalidArgument);
    return e.status().message();
  }
  std::string With(const char* pointer, json value) {
    json j = Paid();
    j[json::json_pointer(pointer)] = std::move(value);
    return Error(j);
  }
  std::string Without(const char* field) {
    json j = Paid();
    j.erase(field);
    return Error(j);
  }
};

TEST_F(EventJsonTest, ParsesAValidEvent) {
  Result<Event> e = EventFromJson(Paid(), *types_, kNow);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(e->event_id, "o-1001-paid");
  EXPECT_EQ(e->type, "order_paid");
  EXPECT_EQ(e->user_id, "M0012345678");
  EXPECT_EQ(e->time_ms, *ParseRfc3339Millis("2026-11-24T02:15:00Z"));
  ASSERT_EQ(e->properties.size(), 4u);
  EXPECT_EQ(e->properties[0].first, "amount");  // sorted by name
  EXPECT_EQ(std::get<double>(*e->Find("amount")), 399.0);
  EXPECT_EQ(std::get<std::string>(*e->Find("city")), "上海");
  EXPECT_EQ(std::get<int64_t>(*e->Find("rent_days")), 3);
  EXPECT_EQ(e->Find("coupon_id"), nullptr);
  // An integer is a number; a number with a zero fraction is an int; null is absent.
  EXPECT_EQ(With("/properties/amount", 399), "OK");
  EXPECT_EQ(With("/properties/rent_days", 3.0), "OK");
  EXPECT_EQ(With("/properties/coupon_id", nullptr), "OK");
  json no_props = Paid();
  no_props["type"] = "car_returned";
  no_props["properties"] = {{"order_id", "o-1"}};
  EXPECT_EQ(Error(no_props), "OK");
}

TEST_F(EventJsonTest, EveryErrorNamesItsField) {
  EXPECT_EQ(Error(json::array()), "expected a JSON object, got array");
  EXPECT_EQ(With("/extra", 1), "extra: unknown field (event_id, type, user_id, time, properties)");
  EXPECT_EQ(Without("event_id"), "event_id: required");
  EXPECT_EQ(With("/event_id", 7), "event_id: expected string, got number");
  EXPECT_EQ(With("/event_id", ""), "event_id: empty");
  EXPECT_EQ(With("/event_id", std::string(129, 'x')), "event_id: longer than 128 bytes");
  EXPECT_EQ(With("/event_id", "a\tb"), "event_id: control character at byte 1");
  EXPECT_EQ(With("/event_id", std::string(128, 'x')), "OK");
  EXPECT_EQ(Without("type"), "type: required");
  EXPECT_EQ(With("/type", true), "type: expected string, got bool");
  EXPECT_EQ(With("/type", "order_payed"),
            "type: unknown event type 'order_payed' (did you mean 'order_paid'?)");
  EXPECT_EQ(With("/type", "car_pickedup"),
            "type: unknown event type 'car_pickedup' (did you mean 'car_picked_up'?)");
  EXPECT_EQ(With("/type", "weather"), "type: unknown event type 'weather'");
  EXPECT_EQ(Without("user_id"), "user_id: required");
  EXPECT_EQ(With("/user_id", nullptr), "user_id: required");
  EXPECT_EQ(With("/user_id", ""), "user_id: empty");
  EXPECT_EQ(With("/user_id", "M\x7f"), "user_id: control character at byte 1");
  EXPECT_EQ(With("/user_id", std::string(129, 'u')), "user_id: longer than 128 bytes");
  EXPECT_EQ(Without("time"), "time: required");
  EXPECT_EQ(With("/time", 1795564800000), "time: expected RFC 3339 string, got number");
  EXPECT_EQ(With("/time", "2026-11-24 10:15").rfind("time: not RFC 3339", 0), 0u);
  EXPECT_EQ(With("/time", "2026-11-26T00:00:01Z"), "time: more than 1 day in the future");
  EXPECT_EQ(With("/time", "2026-11-26T00:00:00Z"), "OK");
  EXPECT_EQ(With("/time", "1999-12-31T23:59:59.999Z"), "time: before 2000-01-01");
  EXPECT_EQ(With("/time", "2000-01-01T00:00:00Z"), "OK");
  EXPECT_EQ(With("/properties", json::array()), "properties: expected object, got array");
  EXPECT_EQ(With("/properties/amount", "399"), "properties.amount: expected number, got string");
  EXPECT_EQ(With("/properties/city", 1), "properties.city: expected string, got number");
  EXPECT_EQ(With("/properties/city", std::string(4097, 'c')), "properties.city: longer than 4096 bytes");
  EXPECT_EQ(With("/properties/rent_days", 2.5),
            "properties.rent_days: expected int, got a number with a fraction");
  EXPECT_EQ(With("/properties/rent_days", 1e19), "properties.rent_days: out of the int64 range");
  EXPECT_EQ(With("/properties/rent_days", 18446744073709551615ull),
            "properties.rent_days: out of the int64 range");
  EXPECT_EQ(With("/properties/rent_days", false), "properties.rent_days: expected int, got bool");
  EXPECT_EQ(With("/properties/foo", 1), "properties.foo: not in the schema of 'order_paid'");
  json no_order = Paid();
  no_order["properties"].erase("order_id");
  EXPECT_EQ(Error(no_order), "properties.order_id: required");
  EXPECT_EQ(With("/properties/amount", nullptr), "properties.amount: required");
}

TEST_F(EventJsonTest, BoolAndTimePropertiesToJson) {
  // No built-in type has bool or time properties: write them with a schema of our own.
  EventTypeSchema s;
  s.name = "x";
  s.properties = {{"at", PropertyType::kTime, false, ""}, {"ok", PropertyType::kBool, false, ""}};
  Event e;
  e.event_id = "1";
  e.type = "x";
  e.user_id = "u";
  e.time_ms = 1'000;
  e.properties = {{"at", int64_t{1'795'564'800'000}}, {"ok", true}};
  json j = EventToJson(e, &s);
  EXPECT_EQ(j["properties"]["at"], "2026-11-25T00:00:00.000Z");
  EXPECT_EQ(j["properties"]["ok"], true);
  EXPECT_EQ(j["time"], "1970-01-01T00:00:01.000Z");
  EXPECT_EQ(EventToJson(e)["properties"]["at"], 1'795'564'800'000);
}

TEST_F(EventJsonTest, ToJsonRoundTrips) {
  Result<Event> e = EventFromJson(Paid(), *types_, kNow);
  ASSERT_TRUE(e.ok());
  json j = EventToJson(*e, types_->Find("order_paid"));
  EXPECT_EQ(j["time"], "2026-11-24T02:15:00.000Z");
  Result<Event> back = EventFromJson(j, *types_, kNow);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->event_id, e->event_id);
  EXPECT_EQ(back->time_ms, e->time_ms);
  EXPECT_EQ(back->properties, e->properties);
}

std::string Line(int i, const char* type = "order_paid") {
  return json{{"event_id", "e" + std::to_string(i)},
              {"type", type},
              {"user_id", "u" + std::to_string(i % 7)},
              {"time", "2026-11-24T10:15:00+08:00"},
              {"properties", {{"order_id", "o" + std::to_string(i)}, {"amount", 10 + i}}}}
      .dump();
}

TEST_F(EventJsonTest, BatchAsArrayAndAsNdjsonGiveTheSameEvents) {
  std::string array = "[" + Line(0) + "," + Line(1) + "," + Line(2) + "]";
  std::string ndjson = Line(0) + "\n" + Line(1) + "\r\n\n   \n" + Line(2);
  for (const std::string& body : {array, " \n" + array, ndjson, ndjson + "\n"}) {
    Result<ParsedBatch> b = ParseEventBatch(body, *types_, kNow);
    ASSERT_TRUE(b.ok()) << b.status().ToString();
    EXPECT_EQ(b->total, 3u);
    ASSERT_EQ(b->events.size(), 3u);
    EXPECT_EQ(b->indexes, (std::vector<size_t>{0, 1, 2}));
    EXPECT_TRUE(b->rejected.empty());
    EXPECT_EQ(b->events[2].event_id, "e2");
  }
  Result<ParsedBatch> empty = ParseEventBatch(" \n\t", *types_, kNow);
  ASSERT_TRUE(empty.ok());
  EXPECT_EQ(empty->total, 0u);
  Result<ParsedBatch> empty_array = ParseEventBatch("[]", *types_, kNow);
  ASSERT_TRUE(empty_array.ok());
  EXPECT_EQ(empty_array->total, 0u);
}

TEST_F(EventJsonTest, BatchRejectsInvalidEventsOneByOne) {
  std::string ndjson =
      Line(0) + "\n" + Line(1, "order_payed") + "\n{\"event_id\": \n\n" + Line(3) + "\n[1]\n";
  Result<ParsedBatch> b = ParseEventBatch(ndjson, *types_, kNow);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->total, 5u);
  EXPECT_EQ(b->indexes, (std::vector<size_t>{0, 3}));
  ASSERT_EQ(b->rejected.size(), 3u);
  EXPECT_EQ(b->rejected[0].first, 1u);
  EXPECT_EQ(b->rejected[0].second, "type: unknown event type 'order_payed' (did you mean 'order_paid'?)");
  EXPECT_EQ(b->rejected[1].first, 2u);
  EXPECT_EQ(b->rejected[1].second.rfind("line 3: not JSON: ", 0), 0u) << b->rejected[1].second;
  EXPECT_EQ(b->rejected[2].first, 4u);
  EXPECT_EQ(b->rejected[2].second, "expected a JSON object, got array");

  std::string array = "[" + Line(0) + ", 5, " + Line(2, "nope") + "]";
  Result<ParsedBatch> a = ParseEventBatch(array, *types_, kNow);
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->total, 3u);
  EXPECT_EQ(a->indexes, (std::vector<size_t>{0}));
  EXPECT_EQ(a->rejected[0], (std::pair<size_t, std::string>{1, "expected a JSON object, got number"}));
}

TEST_F(EventJsonTest, BrokenArrayFailsTheWholeBody) {
  std::string body = "[" + Line(0) + ", {\"event_id\": ]";
  Result<ParsedBatch> b = ParseEventBatch(body, *types_, kNow);
  ASSERT_FALSE(b.ok());
  EXPECT_EQ(b.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(b.status().message().rfind("body: not a JSON array: ", 0), 0u) << b.status().message();
  EXPECT_NE(b.status().message().find("(byte " + std::to_string(body.size() - 1) + ")"), std::string::npos)
      << b.status().message();
  EXPECT_FALSE(ParseEventBatch("[1, 2", *types_, kNow).ok());
  // nlohmann reports a float overflow with another exception type.
  Result<ParsedBatch> overflow = ParseEventBatch("[1e400]", *types_, kNow);
  ASSERT_FALSE(overflow.ok());
  EXPECT_NE(overflow.status().message().find("number overflow"), std::string::npos)
      << overflow.status().message();
  Result<ParsedBatch> line = ParseEventBatch(Line(0) + "\n{\"x\": -1e999}\n", *types_, kNow);
  ASSERT_TRUE(line.ok());
  ASSERT_EQ(line->rejected.size(), 1u);
  EXPECT_EQ(line->rejected[0].second.rfind("line 2: not JSON: number overflow", 0), 0u)
      << line->rejected[0].second;
  EXPECT_FALSE(ParseEventBatch("[1] x", *types_, kNow).ok());
}

TEST(EventJsonCustomTypeTest, BoolAndTimePropertiesOfARegisteredType) {
  tagloop::testing::TempDir tmp;
  auto db = CatalogDb::Open(tmp.path());
  ASSERT_TRUE(db.ok());
  auto types = EventTypeRegistry::Open(db->get());
  ASSERT_TRUE(types.ok());
  EventTypeSchema s;
  s.name = "trial_booked";
  s.properties = {{"slot", PropertyType::kTime, true, ""}, {"vip", PropertyType::kBool, false, ""}};
  ASSERT_TRUE((*types)->Register(s).ok());
  json j = {{"event_id", "t1"},
            {"type", "trial_booked"},
            {"user_id", "u1"},
            {"time", "2026-11-24T10:15:00+08:00"},
            {"properties", {{"slot", "2026-11-30T09:00:00.250+08:00"}, {"vip", true}}}};
  Result<Event> e = EventFromJson(j, **types, kNow);
  ASSERT_TRUE(e.ok()) << e.status().ToString();
  EXPECT_EQ(std::get<int64_t>(*e->Find("slot")), *ParseRfc3339Millis("2026-11-30T01:00:00.250Z"));
  EXPECT_EQ(std::get<bool>(*e->Find("vip")), true);
  EXPECT_EQ(EventToJson(*e, (*types)->Find("trial_booked"))["properties"]["slot"],
            "2026-11-30T01:00:00.250Z");
  j["properties"]["vip"] = 1;
  EXPECT_EQ(EventFromJson(j, **types, kNow).status().message(), "properties.vip: expected bool, got number");
  j["properties"]["vip"] = false;
  j["properties"]["slot"] = "2026-02-30T09:00:00Z";
  EXPECT_EQ(EventFromJson(j, **types, kNow).status().message().rfind("properties.slot: not RFC 3339", 0), 0u);
  j["properties"]["slot"] = 5;
  EXPECT_EQ(EventFromJson(j, **types, kNow).status().message(), "properties.slot: expected time, got number");
  j["type"] = "trial_bookd";
  EXPECT_EQ(EventFromJson(j, **types, kNow).status().message(),
            "type: unknown event type 'trial_bookd' (did you mean 'trial_booked'?)");
}

}  // namespace
}  // namespace tagloop::events
