#include "events/event_types.h"

#include <gtest/gtest.h>

#include <thread>

#include "testing/temp_dir.h"

namespace tagloop::events {
namespace {

using nlohmann::json;
using tagloop::testing::TempDir;

EventTypeSchema Trial() {
  EventTypeSchema s;
  s.name = "trial_booked";
  s.title_zh = "预约试驾";
  s.title_en = "Trial booked";
  s.description = "a test drive was booked";
  s.properties = {{"store", PropertyType::kString, true, "store id"},
                  {"slot", PropertyType::kTime, false, ""},
                  {"seats", PropertyType::kInt, false, ""},
                  {"deposit", PropertyType::kNumber, false, ""},
                  {"vip", PropertyType::kBool, false, ""}};
  return s;
}

TEST(EventTypesTest, SchemaJsonRoundTrips) {
  const EventTypeSchema s = Trial();
  json j = EventTypeSchemaToJson(s);
  EXPECT_EQ(j["title"]["zh"], "预约试驾");
  EXPECT_EQ(j["properties"][1]["type"], "time");
  EXPECT_FALSE(j.contains("builtin"));
  Result<EventTypeSchema> back = EventTypeSchemaFromJson(j);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(EventTypeSchemaToJson(*back), j);
  ASSERT_EQ(back->properties.size(), 5u);
  EXPECT_TRUE(back->properties[0].required);
  EXPECT_EQ(back->properties[0].description, "store id");
  EXPECT_EQ(back->FindProperty("vip")->type, PropertyType::kBool);
  EXPECT_EQ(back->FindProperty("nope"), nullptr);
}

TEST(EventTypesTest, MinimalSchemaAndSingleTitle) {
  Result<EventTypeSchema> s = EventTypeSchemaFromJson(json::parse(R"({"name": "ping", "title": "心跳"})"));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ(s->title_zh, "心跳");
  EXPECT_TRUE(s->properties.empty());
}

struct BadSchema {
  const char* json;
  const char* message;
};

TEST(EventTypesTest, SchemaErrorsNameTheField) {
  const BadSchema cases[] = {
      {R"([])", "event type: expected object, got array"},
      {R"({"title": "x"})", "event type: name: required"},
      {R"({"name": 3})", "event type: name: expected string, got number"},
      {R"({"name": "Order"})", "event type: name: 'Order' is not a valid name ([a-z][a-z0-9_]{0,63})"},
      {R"({"name": "9lives"})", "is not a valid name"},
      {R"({"name": "a-b"})", "is not a valid name"},
      {R"({"name": ""})", "is not a valid name"},
      {R"({"name": "x", "colour": 1})",
       "event type: colour: unknown field (known: name, title, description, properties, builtin)"},
      {R"({"name": "x", "title": 1})", "event type: title: expected object"},
      {R"({"name": "x", "title": {"fr": "y"}})", "event type: title.fr: unknown field (known: zh, en)"},
      {R"({"name": "x", "title": {"zh": 1}})", "event type: title.zh: expected string, got number"},
      {R"({"name": "x", "description": []})", "event type: description: expected string, got array"},
      {R"({"name": "x", "builtin": "yes"})", "event type: builtin: expected bool, got string"},
      {R"({"name": "x", "properties": {}})", "event type: properties: expected array, got object"},
      {R"({"name": "x", "properties": [1]})", "event type: properties[0]: expected object, got number"},
      {R"({"name": "x", "properties": [{"type": "int"}]})", "event type: properties[0].name: required"},
      {R"({"name": "x", "properties": [{"name": "A", "type": "int"}]})",
       "event type: properties[0].name: 'A' is not a valid name"},
      {R"({"name": "x", "properties": [{"name": "a"}]})",
       "event type: properties[0].type: required (string, int, number, bool, time)"},
      {R"({"name": "x", "properties": [{"name": "a", "type": "int"}, {"name": "b", "type": "int"},
          {"name": "c", "type": "strng"}]})",
       "event type: properties[2].type: unknown type 'strng' (string, int, number, bool, time)"},
      {R"({"name": "x", "properties": [{"name": "a", "type": 1}]})",
       "event type: properties[0].type: expected string, got number"},
      {R"({"name": "x", "properties": [{"name": "a", "type": "int", "required": 1}]})",
       "event type: properties[0].required: expected bool, got number"},
      {R"({"name": "x", "properties": [{"name": "a", "type": "int", "unit": "m"}]})",
       "event type: properties[0].unit: unknown field (known: name, type, required, description)"},
      {R"({"name": "x", "properties": [{"name": "a", "type": "int"}, {"name": "a", "type": "bool"}]})",
       "event type: properties[1].name: duplicate property 'a'"},
  };
  for (const BadSchema& c : cases) {
    Result<EventTypeSchema> s = EventTypeSchemaFromJson(json::parse(c.json));
    ASSERT_FALSE(s.ok()) << c.json;
    EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(s.status().message().find(c.message), std::string::npos) << s.status().message();
  }
  json many = {{"name", "x"}, {"properties", json::array()}};
  for (size_t i = 0; i <= kMaxProperties; ++i)
    many["properties"].push_back({{"name", "p" + std::to_string(i)}, {"type", "int"}});
  EXPECT_NE(EventTypeSchemaFromJson(many).status().message().find("more than 128 properties"),
            std::string::npos);
}

TEST(EventTypesTest, BuiltinBusinessModel) {
  auto registry = EventTypeRegistry::BuiltinOnly();
  for (const char* name :
       {"order_created", "order_paid", "car_picked_up", "order_extended", "car_returned", "order_cancelled",
        "message_sent", "message_delivered", "message_clicked", "message_bounced", "coupon_issued", "coupon_redeemed"}) {
    const EventTypeSchema* s = registry->Find(name);
    ASSERT_NE(s, nullptr) << name;
    EXPECT_TRUE(s->builtin);
    EXPECT_FALSE(s->title_zh.empty());
    EXPECT_FALSE(s->title_en.empty());
    EXPECT_TRUE(EventTypeSchemaFromJson(EventTypeSchemaToJson(*s)).ok()) << name;
  }
  const EventTypeSchema* paid = registry->Find("order_paid");
  EXPECT_TRUE(paid->FindProperty("order_id")->required);
  EXPECT_TRUE(paid->FindProperty("amount")->required);
  EXPECT_EQ(paid->FindProperty("amount")->type, PropertyType::kNumber);
  EXPECT_EQ(paid->FindProperty("rent_days")->type, PropertyType::kInt);
  EXPECT_FALSE(registry->Find("order_created")->FindProperty("amount")->required);
  EXPECT_EQ(registry->Find("order_created")->title_zh, "下单");
  EXPECT_TRUE(registry->Find("message_clicked")->FindProperty("campaign_id")->required);
  EXPECT_TRUE(registry->Find("coupon_redeemed")->FindProperty("coupon_id")->required);
  EXPECT_EQ(registry->Find("nope"), nullptr);
  EXPECT_EQ(registry->List().size(), 12u);
  EXPECT_EQ(registry->List()[0].name, "order_created");
  EXPECT_EQ(EventTypeSchemaToJson(*paid)["builtin"], true);
  EXPECT_EQ(registry->Register(Trial()).code(), Status::Code::kFailedPrecondition);
  EXPECT_TRUE(registry->Reload().ok());
}

TEST(EventTypeRegistryTest, PersistsAcrossReopenAndRefusesIncompatibleReplacements) {
  TempDir tmp;
  auto db = CatalogDb::Open(tmp.path());
  ASSERT_TRUE(db.ok()) << db.status().ToString();
  {
    auto registry = EventTypeRegistry::Open(db->get());
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    ASSERT_TRUE((*registry)->Register(Trial()).ok());
    const EventTypeSchema* found = (*registry)->Find("trial_booked");
    ASSERT_NE(found, nullptr);
    EXPECT_FALSE(found->builtin);
    EXPECT_EQ((*registry)->List().back().name, "trial_booked");

    EventTypeSchema builtin = Trial();
    builtin.name = "order_paid";
    Status st = (*registry)->Register(builtin);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
    EXPECT_NE(st.message().find("built-in"), std::string::npos);
    EXPECT_EQ((*registry)->Remove("order_paid").code(), Status::Code::kInvalidArgument);
    EXPECT_EQ((*registry)->Remove("nothing_here").code(), Status::Code::kNotFound);
    EventTypeSchema invalid = Trial();
    invalid.properties.push_back(invalid.properties[0]);
    EXPECT_NE((*registry)->Register(invalid).message().find("duplicate property"), std::string::npos);
  }
  auto registry = EventTypeRegistry::Open(db->get());
  ASSERT_TRUE(registry.ok());
  const EventTypeSchema* before = (*registry)->Find("trial_booked");
  ASSERT_NE(before, nullptr);
  EXPECT_EQ(EventTypeSchemaToJson(*before), EventTypeSchemaToJson(Trial()));

  auto refused = [&](EventTypeSchema s, const char* what) {
    Status st = (*registry)->Register(s);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << what;
    EXPECT_NE(st.message().find(what), std::string::npos) << st.message();
  };
  EventTypeSchema removed = Trial();
  removed.properties.erase(removed.properties.begin() + 1);
  refused(removed, "property 'slot' would be removed");
  EventTypeSchema retyped = Trial();
  retyped.properties[2].type = PropertyType::kNumber;
  refused(retyped, "property 'seats' would change type from int to number");
  EventTypeSchema tightened = Trial();
  tightened.properties[2].required = true;
  refused(tightened, "property 'seats' would become required");
  EventTypeSchema new_required = Trial();
  new_required.properties.push_back({"colour", PropertyType::kString, true, ""});
  refused(new_required, "new property 'colour' is required");

  EventTypeSchema grown = Trial();
  grown.properties[0].required = false;  // relaxing is fine
  grown.properties.push_back({"colour", PropertyType::kString, false, ""});
  grown.title_en = "Test drive booked";
  ASSERT_TRUE((*registry)->Register(grown).ok());
  const EventTypeSchema* after = (*registry)->Find("trial_booked");
  EXPECT_EQ(after->properties.size(), 6u);
  // The pointer handed out earlier still reads the old schema.
  EXPECT_EQ(before->properties.size(), 5u);
  EXPECT_EQ(before->title_en, "Trial booked");

  // Another connection (another process) sees the change on Reload.
  auto other_db = CatalogDb::Open(tmp.path());
  ASSERT_TRUE(other_db.ok());
  auto other = EventTypeRegistry::Open(other_db->get());
  ASSERT_TRUE(other.ok());
  EXPECT_EQ((*other)->Find("trial_booked")->title_en, "Test drive booked");
  ASSERT_TRUE((*registry)->Remove("trial_booked").ok());
  EXPECT_EQ((*registry)->Find("trial_booked"), nullptr);
  EXPECT_NE((*other)->Find("trial_booked"), nullptr);
  ASSERT_TRUE((*other)->Reload().ok());
  EXPECT_EQ((*other)->Find("trial_booked"), nullptr);
  EXPECT_EQ(after->title_en, "Test drive booked");  // still valid after removal
}

TEST(EventTypeRegistryTest, RegistryChangesBumpTheCatalogGeneration) {
  TempDir tmp;
  auto db = CatalogDb::Open(tmp.path());
  ASSERT_TRUE(db.ok());
  auto generation = [&] {
    auto q = (*db)->Prepare("SELECT value FROM catalog_state WHERE key = 'catalog_generation'");
    EXPECT_TRUE(q.ok() && *q->Step());
    return q->Int(0);
  };
  auto registry = EventTypeRegistry::Open(db->get());
  ASSERT_TRUE(registry.ok());
  const int64_t g0 = generation();
  ASSERT_TRUE((*registry)->Register(Trial()).ok());
  EXPECT_GT(generation(), g0);
  const int64_t g1 = generation();
  ASSERT_TRUE((*registry)->Remove("trial_booked").ok());
  EXPECT_GT(generation(), g1);
}

TEST(EventTypeRegistryTest, CorruptStoredSchemaIsReported) {
  TempDir tmp;
  auto db = CatalogDb::Open(tmp.path());
  ASSERT_TRUE(db.ok());
  ASSERT_TRUE((*db)->Exec("INSERT INTO event_types VALUES ('bad_one', '{\"name\": 1}', 0)").ok());
  auto registry = EventTypeRegistry::Open(db->get());
  ASSERT_FALSE(registry.ok());
  EXPECT_EQ(registry.status().code(), Status::Code::kCorruption);
  EXPECT_NE(registry.status().message().find("bad_one"), std::string::npos);
}

TEST(EventTypeRegistryTest, FindIsSafeDuringRegistrations) {
  TempDir tmp;
  auto db = CatalogDb::Open(tmp.path());
  ASSERT_TRUE(db.ok());
  auto registry = EventTypeRegistry::Open(db->get());
  ASSERT_TRUE(registry.ok());
  std::atomic<bool> stop{false};
  std::thread reader([&] {
    while (!stop) {
      ASSERT_NE((*registry)->Find("order_paid"), nullptr);
      if (const EventTypeSchema* s = (*registry)->Find("trial_booked")) {
        ASSERT_GE(s->properties.size(), 5u);
      }
    }
  });
  EventTypeSchema s = Trial();
  for (int i = 0; i < 20; ++i) {
    s.properties.push_back({"extra_" + std::to_string(i), PropertyType::kInt, false, ""});
    ASSERT_TRUE((*registry)->Register(s).ok());
  }
  stop = true;
  reader.join();
  EXPECT_EQ((*registry)->Find("trial_booked")->properties.size(), 25u);
}

}  // namespace
}  // namespace tagloop::events
