// Event rules (events/event_rule.h): the settings table (every accepted form
// and every error message), the `where` operators, EventTypesOf and
// LookbackMillis.
#include "events/event_rule.h"

#include <gtest/gtest.h>

#include <limits>
#include <memory>
#include <string>

#include "catalog/catalog_db.h"
#include "events/event_types.h"
#include "testing/temp_dir.h"

namespace tagloop::events {
namespace {

using Json = nlohmann::json;

// The built-in types plus trip_ended (a time, a bool, an int and a string)
// and coupon_used whose `city` is an int, unlike the order types.
class EventRuleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto db = CatalogDb::Open(dir_.path());
    ASSERT_TRUE(db.ok()) << db.status().ToString();
    db_ = std::move(*db);
    auto registry = EventTypeRegistry::Open(db_.get());
    ASSERT_TRUE(registry.ok()) << registry.status().ToString();
    registry_ = std::move(*registry);
    for (const char* schema : {
             R"({"name": "trip_ended", "properties": [{"name": "ended_at", "type": "time"},
                 {"name": "vip", "type": "bool"}, {"name": "km", "type": "int"},
                 {"name": "note", "type": "string"}]})",
             R"({"name": "coupon_used", "properties": [{"name": "city", "type": "int"}]})"}) {
      auto parsed = EventTypeSchemaFromJson(Json::parse(schema));
      ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
      ASSERT_TRUE(registry_->Register(*parsed).ok());
    }
  }

  testing::TempDir dir_;
  std::unique_ptr<CatalogDb> db_;
  std::unique_ptr<EventTypeRegistry> registry_;
};

struct ParseCase {
  const char* settings;
  const char* type;
  bool realtime;
  // "" = accepted; otherwise the whole message, or its start when it ends in "...".
  std::string error;
};

const ParseCase kCases[] = {
    // Accepted forms.
    {R"({"rule": "latest", "events": ["order_created", "order_paid", "car_picked_up", "car_returned",
        "order_cancelled"], "property": "$type", "map": {"order_created": "已下单", "order_paid": "已支付"}})",
     "enum", true, ""},
    {R"({"rule": "latest", "events": ["order_paid"], "property": "amount"})", "decimal:2", true, ""},
    {R"({"rule": "latest", "events": ["order_paid"], "property": "rent_days"})", "enum", true, ""},
    {R"({"rule": "latest", "events": ["trip_ended"], "property": "ended_at"})", "date", true, ""},
    {R"({"rule": "latest", "events": ["trip_ended"], "property": "vip", "where": {"km": {">": 0}}})", "bool",
     false, ""},
    {R"({"rule": "flag", "start": ["car_picked_up"], "end": ["car_returned", "order_cancelled"]})", "bool",
     true, ""},
    {R"({"rule": "count", "events": ["order_paid"], "window_days": 30})", "int", true, ""},
    {R"({"rule": "count", "events": ["order_paid"], "window_days": 30, "at_least": 3})", "bool", true, ""},
    {R"({"rule": "count", "events": ["order_paid"]})", "int", true, ""},
    {R"({"rule": "count", "events": ["order_paid"], "from": "2026-01-01", "to": "2026-03-31"})", "int", false,
     ""},
    {R"({"rule": "sum", "events": ["order_paid"], "property": "amount", "window_days": 90,
        "where": {"city": ["上海", "北京"], "amount": {">=": 100, "<": 1000.5}}})",
     "decimal:2", true, ""},
    {R"({"rule": "avg", "events": ["order_paid"], "property": "rent_days", "window_days": 3650})", "int",
     true, ""},
    {R"({"rule": "min", "events": ["order_paid"], "property": "amount", "window_days": 1})", "decimal:1",
     true, ""},
    {R"({"rule": "max", "events": ["trip_ended"], "property": "ended_at"})", "date", false, ""},
    {R"({"rule": "first_time", "events": ["order_paid"]})", "date", true, ""},
    {R"({"rule": "last_time", "events": ["trip_ended"], "where": {"vip": true, "note": {"!=": "test"},
        "ended_at": {">=": "2026-01-01T00:00:00+08:00", "<": 1798732800000}}})",
     "date", true, ""},

    // The settings and the rule.
    {R"([])", "int", true, "producer: must be an object"},
    {R"({"events": ["order_paid"]})", "int", true, "producer.rule: is required"},
    {R"({"rule": 5})", "int", true, "producer.rule: must be a string"},
    {R"({"rule": "lates"})", "enum", true,
     "producer.rule: unknown rule 'lates' (latest, flag, count, sum, avg, min, max, first_time, last_time)"},
    {R"({"rule": "flag", "start": ["car_picked_up"], "end": ["car_returned"], "match": "order_id"})", "bool",
     true, "producer.match: unknown field (expected rule, start, end, where)"},
    {R"({"rule": "latest", "events": ["order_paid"], "property": "amount", "window_days": 3})", "int", true,
     "producer.window_days: unknown field (expected rule, events, property, map, where)"},
    {R"({"rule": "first_time", "events": ["order_paid"], "property": "amount"})", "date", true,
     "producer.property: unknown field (expected rule, events, where)"},

    // Tag types.
    {R"({"rule": "count", "events": ["order_paid"]})", "enum", true,
     "producer.rule: a count rule makes an int tag (or bool with at_least), not enum"},
    {R"({"rule": "count", "events": ["order_paid"]})", "bool", true,
     "producer.rule: a count rule makes an int tag (or bool with at_least), not bool"},
    {R"({"rule": "count", "events": ["order_paid"], "at_least": 2})", "int", true,
     "producer.at_least: a count with at_least makes a bool tag (true when count >= at_least), not int"},
    {R"({"rule": "flag", "start": ["car_picked_up"], "end": ["car_returned"]})", "enum", true,
     "producer.rule: a flag rule makes a bool tag, not enum"},
    {R"({"rule": "latest", "events": ["order_paid"], "property": "city"})", "set", true,
     "producer.rule: a latest rule makes an enum, bool, int, decimal or date tag, not set"},
    {R"({"rule": "sum", "events": ["order_paid"], "property": "amount"})", "date", true,
     "producer.rule: a sum rule makes an int or decimal tag, not date"},
    {R"({"rule": "min", "events": ["order_paid"], "property": "amount"})", "bool", true,
     "producer.rule: a min rule makes an int, decimal or date tag, not bool"},
    {R"({"rule": "last_time", "events": ["order_paid"]})", "int", true,
     "producer.rule: a last_time rule makes a date tag, not int"},

    // Event type lists.
    {R"({"rule": "count"})", "int", true, "producer.events: is required"},
    {R"({"rule": "count", "events": []})", "int", true,
     "producer.events: must be a non-empty array of event type names"},
    {R"({"rule": "count", "events": "order_paid"})", "int", true,
     "producer.events: must be a non-empty array of event type names"},
    {R"({"rule": "count", "events": ["order_paid", ""]})", "int", true,
     "producer.events[1]: must be a non-empty string"},
    {R"({"rule": "count", "events": ["order_paid", "order_paid"]})", "int", true,
     "producer.events[1]: 'order_paid' is listed twice"},
    {R"({"rule": "count", "events": ["order_paid", "order_payed"]})", "int", true,
     "producer.events[1]: unknown event type 'order_payed'"},
    {R"({"rule": "flag", "end": ["car_returned"]})", "bool", true, "producer.start: is required"},
    {R"({"rule": "flag", "start": ["car_picked_up"], "end": ["car_returned", "car_picked_up"]})", "bool",
     true, "producer.end[1]: 'car_picked_up' is also a start event"},
    {R"({"rule": "flag", "start": ["car_picked_up"], "end": ["car_returnd"]})", "bool", true,
     "producer.end[0]: unknown event type 'car_returnd'"},

    // property.
    {R"({"rule": "sum", "events": ["order_paid"]})", "int", true, "producer.property: is required"},
    {R"({"rule": "sum", "events": ["order_paid"], "property": ""})", "int", true,
     "producer.property: must be a non-empty string"},
    {R"({"rule": "sum", "events": ["order_paid", "trip_ended"], "property": "amount"})", "int", true,
     "producer.property: 'amount' is not in the schema of 'trip_ended'"},
    {R"({"rule": "sum", "events": ["order_paid"], "property": "city"})", "int", true,
     "producer.property: 'city' is a string property of 'order_paid'; a sum rule needs an int or number "
     "property "
     "for an int tag"},
    {R"({"rule": "latest", "events": ["order_paid"], "property": "amount"})", "enum", true,
     "producer.property: 'amount' is a number property of 'order_paid'; a latest rule needs a string, int or "
     "bool "
     "property for an enum tag"},
    {R"({"rule": "latest", "events": ["order_paid"], "property": "amount"})", "date", true,
     "producer.property: 'amount' is a number property of 'order_paid'; a latest rule needs a time property "
     "for a "
     "date tag"},
    {R"({"rule": "max", "events": ["trip_ended"], "property": "ended_at"})", "int", true,
     "producer.property: 'ended_at' is a time property of 'trip_ended'; a max rule needs an int or number "
     "property "
     "for an int tag"},
    {R"({"rule": "sum", "events": ["order_paid"], "property": "$type"})", "int", true,
     "producer.property: $type (the event type's name) is only for a latest rule on an enum tag"},
    {R"({"rule": "latest", "events": ["order_paid"], "property": "$type"})", "int", true,
     "producer.property: $type (the event type's name) is only for a latest rule on an enum tag"},

    // map.
    {R"({"rule": "latest", "events": ["order_paid"], "property": "amount", "map": {"1": "one"}})", "int",
     true, "producer.map: only a latest rule on an enum tag maps values"},
    {R"({"rule": "latest", "events": ["order_paid"], "property": "$type", "map": ["x"]})", "enum", true,
     "producer.map: must be an object of value -> value"},
    {R"({"rule": "latest", "events": ["order_paid"], "property": "$type", "map": {"order_paid": ""}})",
     "enum", true, "producer.map.order_paid: must be a non-empty string"},
    {R"({"rule": "latest", "events": ["order_paid"], "property": "$type", "map": {"order_payd": "x"}})",
     "enum", true, "producer.map.order_payd: 'order_payd' is not one of the rule's events"},

    // where.
    {R"({"rule": "count", "events": ["order_paid"], "where": ["city"]})", "int", true,
     "producer.where: must be an object of property -> condition"},
    {R"({"rule": "count", "events": ["order_paid"], "where": {"": 1}})", "int", true,
     "producer.where: a property name must not be empty"},
    {R"({"rule": "count", "events": ["order_paid"], "where": {"colour": "red"}})", "int", true,
     "producer.where.colour: 'colour' is not in the schema of 'order_paid'"},
    {R"({"rule": "count", "events": ["order_paid", "coupon_used"], "where": {"city": "上海"}})", "int", true,
     "producer.where.city: 'city' is string in 'order_paid' but int in 'coupon_used'"},
    {R"({"rule": "count", "events": ["order_paid"], "where": {"city": 100}})", "int", true,
     "producer.where.city: 'city' is a string property; 100 is not a string"},
    {R"({"rule": "count", "events": ["order_paid"], "where": {"amount": "100"}})", "int", true,
     "producer.where.amount: 'amount' is a number property; \"100\" is not a number"},
    {R"({"rule": "count", "events": ["order_paid"], "where": {"amount": [1, true]}})", "int", true,
     "producer.where.amount: 'amount' is a number property; true is not a number"},
    {R"({"rule": "count", "events": ["trip_ended"], "where": {"vip": 1}})", "int", true,
     "producer.where.vip: 'vip' is a bool property; 1 is not a boolean"},
    {R"({"rule": "count", "events": ["order_paid"], "where": {"amount": {"=>": 100}}})", "int", true,
     "producer.where.amount: unknown operator '=>' (=, !=, >, >=, <, <=)"},
    {R"({"rule": "count", "events": ["order_paid"], "where": {"city": []}})", "int", true,
     "producer.where.city: an array of values (any of) must hold at least one"},
    {R"({"rule": "count", "events": ["order_paid"], "where": {"amount": {}}})", "int", true,
     "producer.where.amount: an object of operators must hold at least one"},
    {R"({"rule": "count", "events": ["order_paid"], "where": {"city": null}})", "int", true,
     "producer.where.city: must be a value, an array of values (any of) or an object of operators"},
    {R"({"rule": "count", "events": ["order_paid"], "where": {"city": {"=": ["a"]}}})", "int", true,
     "producer.where.city: must be a value, an array of values (any of) or an object of operators"},
    {R"({"rule": "count", "events": ["trip_ended"], "where": {"vip": {">": true}}})", "int", true,
     "producer.where.vip: booleans compare only with = and !=, not >"},
    {R"({"rule": "count", "events": ["trip_ended"], "where": {"ended_at": "yesterday"}})", "int", true,
     "producer.where.ended_at: not RFC 3339..."},
    {R"({"rule": "count", "events": ["trip_ended"], "where": {"ended_at": 1.5}})", "int", true,
     "producer.where.ended_at: 'ended_at' is a time property; 1.5 is not a time (RFC 3339 text or integer "
     "Unix "
     "milliseconds)"},
    {R"({"rule": "count", "events": ["order_paid"], "where": {"amount": 18446744073709551615}})", "int", true,
     "producer.where.amount: 18446744073709551615 is out of range"},

    // Windows and ranges.
    {R"({"rule": "count", "events": ["order_paid"], "window_days": 0})", "int", true,
     "producer.window_days: must be 1..3650"},
    {R"({"rule": "count", "events": ["order_paid"], "window_days": 3651})", "int", true,
     "producer.window_days: must be 1..3650"},
    {R"({"rule": "count", "events": ["order_paid"], "window_days": "30"})", "int", true,
     "producer.window_days: must be 1..3650"},
    {R"({"rule": "sum", "events": ["order_paid"], "property": "amount", "window_days": 1.5})", "int", true,
     "producer.window_days: must be 1..3650"},
    {R"({"rule": "count", "events": ["order_paid"], "window_days": 30, "from": "2026-01-01", "to": "2026-01-02"})",
     "int", false, "producer.window_days: use either window_days or from/to, not both"},
    {R"({"rule": "count", "events": ["order_paid"], "from": "2026-01-01", "to": "2026-03-31"})", "int", true,
     "producer.from: from/to are for behavior tags; a realtime tag has a sliding window (window_days)"},
    {R"({"rule": "count", "events": ["order_paid"], "to": "2026-03-31"})", "int", true,
     "producer.to: from/to are for behavior tags; a realtime tag has a sliding window (window_days)"},
    {R"({"rule": "count", "events": ["order_paid"], "from": "2026-01-01"})", "int", false,
     "producer.to: is required with from"},
    {R"({"rule": "count", "events": ["order_paid"], "to": "2026-01-01"})", "int", false,
     "producer.from: is required with to"},
    {R"({"rule": "count", "events": ["order_paid"], "from": "2026-13-01", "to": "2026-12-31"})", "int", false,
     "producer.from: invalid date '2026-13-01': expected YYYY-MM-DD"},
    {R"({"rule": "count", "events": ["order_paid"], "from": 20260101, "to": "2026-12-31"})", "int", false,
     "producer.from: must be a date \"YYYY-MM-DD\""},
    {R"({"rule": "count", "events": ["order_paid"], "from": "2026-03-31", "to": "2026-01-01"})", "int", false,
     "producer.to: 2026-01-01 is before from (2026-03-31)"},
    {R"({"rule": "count", "events": ["order_paid"], "at_least": 0})", "bool", true,
     "producer.at_least: must be an integer 1..1000000000"},
    {R"({"rule": "count", "events": ["order_paid"], "at_least": "2"})", "bool", true,
     "producer.at_least: must be an integer 1..1000000000"},
};

TEST_F(EventRuleTest, ParseTable) {
  for (const ParseCase& c : kCases) {
    SCOPED_TRACE(c.settings);
    auto rule = ParseEventRule(Json::parse(c.settings), *TagType::Parse(c.type), c.realtime, registry_.get());
    if (c.error.empty()) {
      EXPECT_TRUE(rule.ok()) << rule.status().ToString();
      continue;
    }
    ASSERT_FALSE(rule.ok());
    EXPECT_EQ(rule.status().code(), Status::Code::kInvalidArgument);
    if (c.error.ends_with("...")) {
      EXPECT_TRUE(rule.status().message().starts_with(c.error.substr(0, c.error.size() - 3)))
          << rule.status().message();
    } else {
      EXPECT_EQ(rule.status().message(), c.error);
    }
  }
}

TEST_F(EventRuleTest, ParsedFields) {
  auto rule = ParseEventRule(Json::parse(R"({"rule": "sum", "events": ["order_paid", "order_extended"],
      "property": "amount", "window_days": 90, "where": {"city": ["上海", "北京"], "amount": {">=": 100, "<": 500}}})"),
                             *TagType::Parse("decimal:2"), true, registry_.get());
  ASSERT_TRUE(rule.ok()) << rule.status().ToString();
  EXPECT_EQ(rule->kind, RuleKind::kSum);
  EXPECT_EQ(rule->events, (std::vector<std::string>{"order_paid", "order_extended"}));
  EXPECT_EQ(rule->property, "amount");
  EXPECT_EQ(rule->window_days, 90);
  EXPECT_FALSE(rule->from.has_value());
  ASSERT_EQ(rule->where.size(), 3u);  // by property, then operator (JSON objects are sorted)
  EXPECT_EQ(rule->where[0], (Condition{"amount", CompareOp::kLt, {PropertyValue(int64_t{500})}}));
  EXPECT_EQ(rule->where[1], (Condition{"amount", CompareOp::kGe, {PropertyValue(int64_t{100})}}));
  EXPECT_EQ(
      rule->where[2],
      (Condition{
          "city", CompareOp::kEq, {PropertyValue(std::string("上海")), PropertyValue(std::string("北京"))}}));
  EXPECT_EQ(LookbackMillis(*rule), int64_t{90} * 86'400'000);
  EXPECT_EQ(EventTypesOf(*rule), rule->events);

  auto ranged =
      ParseEventRule(Json::parse(R"({"rule": "count", "events": ["order_paid"], "from": "2026-01-01",
      "to": "2026-03-31"})"),
                     *TagType::Parse("int"), false, registry_.get());
  ASSERT_TRUE(ranged.ok());
  EXPECT_EQ(ranged->from, ParseDate("2026-01-01").value());
  EXPECT_EQ(ranged->to, ParseDate("2026-03-31").value());
  EXPECT_EQ(LookbackMillis(*ranged), std::numeric_limits<int64_t>::max());

  auto flag = ParseEventRule(Json::parse(R"({"rule": "flag", "start": ["car_picked_up"],
      "end": ["car_returned", "order_cancelled"]})"),
                             *TagType::Parse("bool"), true, registry_.get());
  ASSERT_TRUE(flag.ok());
  EXPECT_EQ(EventTypesOf(*flag),
            (std::vector<std::string>{"car_picked_up", "car_returned", "order_cancelled"}));
  EXPECT_EQ(LookbackMillis(*flag), std::numeric_limits<int64_t>::max());

  // A time property compares with Unix milliseconds, RFC 3339 text converted.
  auto timed = ParseEventRule(Json::parse(R"({"rule": "count", "events": ["trip_ended"],
      "where": {"ended_at": {">=": "2026-01-01T00:00:00+08:00"}}})"),
                              *TagType::Parse("int"), true, registry_.get());
  ASSERT_TRUE(timed.ok()) << timed.status().ToString();
  EXPECT_EQ(timed->where[0].values[0], PropertyValue(int64_t{1767196800000}));
}

TEST_F(EventRuleTest, WithoutRegistrySchemaChecksAreSkipped) {
  for (const char* settings : {
           R"({"rule": "count", "events": ["anything_goes"], "where": {"colour": "red"}})",
           R"({"rule": "sum", "events": ["order_paid", "trip_ended"], "property": "note"})",
       }) {
    auto rule = ParseEventRule(Json::parse(settings), *TagType::Parse("int"), true, nullptr);
    EXPECT_TRUE(rule.ok()) << settings << ": " << rule.status().ToString();
  }
  // The shape is still checked.
  auto bad = ParseEventRule(Json::parse(R"({"rule": "count", "events": ["a"], "window_days": 0})"),
                            *TagType::Parse("int"), true, nullptr);
  EXPECT_EQ(bad.status().message(), "producer.window_days: must be 1..3650");
}

Event Ev(std::vector<std::pair<std::string, PropertyValue>> props) {
  Event e;
  e.type = "order_paid";
  e.properties = std::move(props);
  std::sort(e.properties.begin(), e.properties.end(),
            [](const auto& a, const auto& b) { return a.first < b.first; });
  return e;
}

std::vector<Condition> Where(const char* json) {
  auto rule =
      ParseEventRule(Json::parse(std::string(R"({"rule": "count", "events": ["x"], "where": )") + json + "}"),
                     *TagType::Parse("int"), true, nullptr);
  EXPECT_TRUE(rule.ok()) << json << ": " << rule.status().ToString();
  return rule.ok() ? rule->where : std::vector<Condition>{};
}

TEST(MatchesWhereTest, Operators) {
  const Event e = Ev({{"city", PropertyValue(std::string("上海"))},
                      {"amount", PropertyValue(399.0)},
                      {"days", PropertyValue(int64_t{3})},
                      {"vip", PropertyValue(true)}});
  struct {
    const char* where;
    bool matches;
  } cases[] = {
      {R"({})", true},
      {R"({"city": "上海"})", true},
      {R"({"city": "北京"})", false},
      {R"({"city": ["北京", "上海"]})", true},
      {R"({"city": {"!=": "北京"}})", true},
      {R"({"city": {">": "A"}})", true},  // bytes order
      {R"({"amount": {">=": 399}})", true},
      {R"({"amount": {">": 399}})", false},
      {R"({"amount": {">": 398.5, "<=": 399}})", true},
      {R"({"amount": {"<": 100}})", false},
      {R"({"amount": 399})", true},
      {R"({"days": 3.0})", true},
      {R"({"days": {"<": 3.5}})", true},
      {R"({"days": [1, 2]})", false},
      {R"({"vip": true})", true},
      {R"({"vip": {"!=": true}})", false},
      {R"({"missing": {"!=": "x"}})", false},  // a missing property never matches
      {R"({"city": 5})", false},               // another kind of value never matches
      {R"({"amount": {"!=": "399"}})", false},
      {R"({"city": "上海", "amount": {">": 1000}})", false},
  };
  for (const auto& c : cases) {
    EXPECT_EQ(MatchesWhere(Where(c.where), e), c.matches) << c.where;
  }
}

}  // namespace
}  // namespace tagloop::events
