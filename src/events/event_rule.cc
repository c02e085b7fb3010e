#include "events/event_rule.h"

#include <fmt/format.h>

#include <algorithm>
#include <limits>
#include <span>
#include <string_view>
#include <utility>

#include "events/event_time.h"
#include "events/event_types.h"

namespace tagloop::events {

namespace {

using json = nlohmann::json;

constexpr std::pair<RuleKind, const char*> kRuleNames[] = {
    {RuleKind::kLatest, "latest"},
    {RuleKind::kFlag, "flag"},
    {RuleKind::kCount, "count"},
    {RuleKind::kSum, "sum"},
    {RuleKind::kAvg, "avg"},
    {RuleKind::kMin, "min"},
    {RuleKind::kMax, "max"},
    {RuleKind::kFirstTime, "first_time"},
    {RuleKind::kLastTime, "last_time"},
};

constexpr std::pair<CompareOp, const char*> kOpNames[] = {
    {CompareOp::kEq, "="},  {CompareOp::kNe, "!="}, {CompareOp::kGt, ">"},
    {CompareOp::kGe, ">="}, {CompareOp::kLt, "<"},  {CompareOp::kLe, "<="},
};

constexpr int32_t kMaxWindowDays = 3650;

Status FieldError(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(fmt::format("producer.{}: {}", field, what));
}

bool IsWindowed(RuleKind k) {
  return k == RuleKind::kCount || k == RuleKind::kSum || k == RuleKind::kAvg || k == RuleKind::kMin ||
         k == RuleKind::kMax;
}

// The settings each rule accepts (typos must not pass silently).
std::span<const std::string_view> KeysOf(RuleKind k) {
  static constexpr std::string_view kLatest[] = {"rule", "events", "property", "map", "where"};
  static constexpr std::string_view kFlag[] = {"rule", "start", "end", "where"};
  static constexpr std::string_view kCount[] = {"rule", "events", "where",   "window_days",
                                                "from", "to",     "at_least"};
  static constexpr std::string_view kTime[] = {"rule", "events", "where"};
  static constexpr std::string_view kAmount[] = {"rule",        "events", "property", "where",
                                                 "window_days", "from",   "to"};
  switch (k) {
    case RuleKind::kLatest: return kLatest;
    case RuleKind::kFlag: return kFlag;
    case RuleKind::kCount: return kCount;
    case RuleKind::kFirstTime:
    case RuleKind::kLastTime: return kTime;
    default: return kAmount;
  }
}

Status CheckKeys(const json& settings, RuleKind kind) {
  const std::span<const std::string_view> allowed = KeysOf(kind);
  for (const auto& [key, _] : settings.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) != allowed.end()) continue;
    std::string expected;
    for (std::string_view a : allowed) expected += fmt::format("{}{}", expected.empty() ? "" : ", ", a);
    return FieldError(key, fmt::format("unknown field (expected {})", expected));
  }
  return Status::Ok();
}

// The tag types each rule can produce.
Status CheckTagType(RuleKind kind, const TagType& type, bool has_at_least) {
  const TagKind t = type.kind;
  const char* what = nullptr;
  bool ok = false;
  switch (kind) {
    case RuleKind::kLatest:
      ok = t != TagKind::kSet;
      what = "an enum, bool, int, decimal or date tag";
      break;
    case RuleKind::kFlag:
      ok = t == TagKind::kBool;
      what = "a bool tag";
      break;
    case RuleKind::kCount:
      ok = has_at_least ? t == TagKind::kBool || t == TagKind::kInt : t == TagKind::kInt;
      what = "an int tag (or bool with at_least)";
      if (has_at_least && t == TagKind::kInt) {
        return FieldError("at_least",
                          "a count with at_least makes a bool tag (true when count >= at_least), not int");
      }
      break;
    case RuleKind::kSum:
    case RuleKind::kAvg:
      ok = t == TagKind::kInt || t == TagKind::kDecimal;
      what = "an int or decimal tag";
      break;
    case RuleKind::kMin:
    case RuleKind::kMax:
      ok = t == TagKind::kInt || t == TagKind::kDecimal || t == TagKind::kDate;
      what = "an int, decimal or date tag";
      break;
    case RuleKind::kFirstTime:
    case RuleKind::kLastTime:
      ok = t == TagKind::kDate;
      what = "a date tag";
      break;
  }
  if (ok) return Status::Ok();
  return FieldError("rule",
                    fmt::format("a {} rule makes {}, not {}", RuleKindName(kind), what, type.ToString()));
}

// A required, non-empty array of distinct registered event type names.
Result<std::vector<std::string>> ReadTypeList(const json& settings, const char* key,
                                              const EventTypeRegistry* types) {
  auto it = settings.find(key);
  if (it == settings.end()) return FieldError(key, "is required");
  if (!it->is_array() || it->empty()) return FieldError(key, "must be a non-empty array of event type names");
  std::vector<std::string> out;
  for (size_t i = 0; i < it->size(); ++i) {
    const std::string field = fmt::format("{}[{}]", key, i);
    const json& v = (*it)[i];
    if (!v.is_string() || v.get_ref<const std::string&>().empty()) {
      return FieldError(field, "must be a non-empty string");
    }
    const std::string& name = v.get_ref<const std::string&>();
    if (std::find(out.begin(), out.end(), name) != out.end()) {
      return FieldError(field, fmt::format("'{}' is listed twice", name));
    }
    if (types != nullptr && types->Find(name) == nullptr) {
      return FieldError(field, fmt::format("unknown event type '{}'", name));
    }
    out.push_back(name);
  }
  return out;
}

// Whether a property of type `p` can give the values of `tag`; *needs names
// what would, for messages.
bool PropertyFits(const TagType& tag, PropertyType p, const char** needs) {
  using P = PropertyType;
  const bool numeric = p == P::kInt || p == P::kNumber;
  switch (tag.kind) {
    case TagKind::kEnum:
      *needs = "a string, int or bool property";
      return p == P::kString || p == P::kInt || p == P::kBool;
    case TagKind::kBool: *needs = "a bool property"; return p == P::kBool;
    case TagKind::kDate: *needs = "a time property"; return p == P::kTime;
    default: *needs = "an int or number property"; return numeric;
  }
}

Status ReadProperty(const json& settings, const TagType& tag, const EventRule& rule,
                    const EventTypeRegistry* types, std::string* out) {
  auto it = settings.find("property");
  if (it == settings.end()) return FieldError("property", "is required");
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    return FieldError("property", "must be a non-empty string");
  }
  *out = it->get<std::string>();
  if (*out == kTypeProperty) {
    if (rule.kind != RuleKind::kLatest || tag.kind != TagKind::kEnum) {
      return FieldError("property", "$type (the event type's name) is only for a latest rule on an enum tag");
    }
    return Status::Ok();
  }
  if (types == nullptr) return Status::Ok();
  for (const std::string& type : rule.events) {
    const PropertyDef* def = types->Find(type)->FindProperty(*out);
    if (def == nullptr) {
      return FieldError("property", fmt::format("'{}' is not in the schema of '{}'", *out, type));
    }
    const char* needs = "";
    if (!PropertyFits(tag, def->type, &needs)) {
      return FieldError(
          "property",
          fmt::format("'{}' is a {} property of '{}'; a {} rule needs {} for {} {} tag", *out,
                      PropertyTypeName(def->type), type, RuleKindName(rule.kind), needs,
                      tag.kind == TagKind::kInt || tag.kind == TagKind::kEnum ? "an" : "a", tag.ToString()));
    }
  }
  return Status::Ok();
}

Status ReadMap(const json& settings, const TagType& tag, EventRule* rule) {
  auto it = settings.find("map");
  if (it == settings.end()) return Status::Ok();
  if (tag.kind != TagKind::kEnum) return FieldError("map", "only a latest rule on an enum tag maps values");
  if (!it->is_object()) return FieldError("map", "must be an object of value -> value");
  for (const auto& [from, to] : it->items()) {
    const std::string field = fmt::format("map.{}", from);
    if (!to.is_string() || to.get_ref<const std::string&>().empty()) {
      return FieldError(field, "must be a non-empty string");
    }
    if (rule->property == kTypeProperty &&
        std::find(rule->events.begin(), rule->events.end(), from) == rule->events.end()) {
      return FieldError(field, fmt::format("'{}' is not one of the rule's events", from));
    }
    rule->map.emplace(from, to.get<std::string>());
  }
  return Status::Ok();
}

std::string JsonText(const json& v) { return v.dump(-1, ' ', false, json::error_handler_t::replace); }

// One operand of a condition. `type` is the property's schema type when known.
Result<PropertyValue> ReadOperand(const json& v, const std::string& field, const std::string& property,
                                  const PropertyType* type) {
  auto mismatch = [&](const char* expected) {
    return FieldError(field, fmt::format("'{}' is a {} property; {} is not {}", property,
                                         PropertyTypeName(*type), JsonText(v), expected));
  };
  if (v.is_string()) {
    if (type == nullptr || *type == PropertyType::kString) return PropertyValue(v.get<std::string>());
    if (*type != PropertyType::kTime)
      return mismatch(*type == PropertyType::kBool ? "a boolean" : "a number");
    auto ms = ParseRfc3339Millis(v.get_ref<const std::string&>());
    if (!ms.ok()) return FieldError(field, ms.status().message());
    return PropertyValue(*ms);
  }
  if (v.is_boolean()) {
    if (type != nullptr && *type != PropertyType::kBool) {
      return mismatch(*type == PropertyType::kString ? "a string" : "a number");
    }
    return PropertyValue(v.get<bool>());
  }
  if (v.is_number()) {
    if (type != nullptr && (*type == PropertyType::kString || *type == PropertyType::kBool)) {
      return mismatch(*type == PropertyType::kString ? "a string" : "a boolean");
    }
    if (v.is_number_float()) {
      if (type != nullptr && *type == PropertyType::kTime) {
        return mismatch("a time (RFC 3339 text or integer Unix milliseconds)");
      }
      return PropertyValue(v.get<double>());
    }
    if (v.is_number_unsigned() &&
        v.get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max())) {
      return FieldError(field, fmt::format("{} is out of range", JsonText(v)));
    }
    return PropertyValue(v.get<int64_t>());
  }
  return FieldError(field, "must be a value, an array of values (any of) or an object of operators");
}

Result<CompareOp> ParseOp(std::string_view text, const std::string& field) {
  for (const auto& [op, name] : kOpNames) {
    if (text == name) return op;
  }
  return FieldError(field, fmt::format("unknown operator '{}' (=, !=, >, >=, <, <=)", text));
}

Status ReadWhere(const json& settings, const EventRule& rule, const EventTypeRegistry* types,
                 std::vector<Condition>* out) {
  auto it = settings.find("where");
  if (it == settings.end()) return Status::Ok();
  if (!it->is_object()) return FieldError("where", "must be an object of property -> condition");
  const std::vector<std::string> read = EventTypesOf(rule);
  for (const auto& [property, cond] : it->items()) {
    const std::string field = fmt::format("where.{}", property);
    if (property.empty()) return FieldError("where", "a property name must not be empty");
    const PropertyType* type = nullptr;
    if (types != nullptr) {
      for (const std::string& event_type : read) {
        const PropertyDef* def = types->Find(event_type)->FindProperty(property);
        if (def == nullptr) {
          return FieldError(field, fmt::format("'{}' is not in the schema of '{}'", property, event_type));
        }
        if (type != nullptr && *type != def->type) {
          return FieldError(
              field, fmt::format("'{}' is {} in '{}' but {} in '{}'", property, PropertyTypeName(*type),
                                 read.front(), PropertyTypeName(def->type), event_type));
        }
        type = &def->type;
      }
    }
    if (cond.is_object()) {
      if (cond.empty()) return FieldError(field, "an object of operators must hold at least one");
      for (const auto& [op_text, operand] : cond.items()) {
        TAGLOOP_ASSIGN_OR_RETURN(CompareOp op, ParseOp(op_text, field));
        TAGLOOP_ASSIGN_OR_RETURN(PropertyValue v, ReadOperand(operand, field, property, type));
        if (op != CompareOp::kEq && op != CompareOp::kNe && std::holds_alternative<bool>(v)) {
          return FieldError(field, fmt::format("booleans compare only with = and !=, not {}", op_text));
        }
        out->push_back(Condition{property, op, {std::move(v)}});
      }
    } else if (cond.is_array()) {
      if (cond.empty()) return FieldError(field, "an array of values (any of) must hold at least one");
      Condition c{property, CompareOp::kEq, {}};
      for (const json& operand : cond) {
        TAGLOOP_ASSIGN_OR_RETURN(PropertyValue v, ReadOperand(operand, field, property, type));
        c.values.push_back(std::move(v));
      }
      out->push_back(std::move(c));
    } else {
      TAGLOOP_ASSIGN_OR_RETURN(PropertyValue v, ReadOperand(cond, field, property, type));
      out->push_back(Condition{property, CompareOp::kEq, {std::move(v)}});
    }
  }
  return Status::Ok();
}

}  // namespace

Result<std::vector<Condition>> ParseWhere(const json& where, const std::vector<std::string>& event_types,
                                          const EventTypeRegistry* types, std::string_view field) {
  EventRule rule;
  rule.kind = RuleKind::kCount;
  rule.events = event_types;
  std::vector<Condition> out;
  Status st = ReadWhere(json{{"where", where}}, rule, types, &out);
  if (st.ok()) return out;
  // ReadWhere names fields as a tag rule's ("producer.where.city: ..."): name them as the caller's.
  std::string message = st.message();
  constexpr std::string_view kRulePrefix = "producer.where";
  if (message.rfind(kRulePrefix, 0) == 0) message = std::string(field) + message.substr(kRulePrefix.size());
  return Status::InvalidArgument(message);
}

namespace {

Result<Days> ReadDate(const json& settings, const char* key) {
  const json& v = settings.at(key);
  if (!v.is_string()) return FieldError(key, "must be a date \"YYYY-MM-DD\"");
  auto d = ParseDate(v.get_ref<const std::string&>());
  if (!d.ok()) return FieldError(key, d.status().message());
  return *d;
}

Status ReadWindow(const json& settings, bool realtime, EventRule* rule) {
  const bool has_from = settings.contains("from"), has_to = settings.contains("to");
  if (auto it = settings.find("window_days"); it != settings.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > kMaxWindowDays) {
      return FieldError("window_days", fmt::format("must be 1..{}", kMaxWindowDays));
    }
    if (has_from || has_to) return FieldError("window_days", "use either window_days or from/to, not both");
    rule->window_days = it->get<int32_t>();
  }
  if (!has_from && !has_to) return Status::Ok();
  const char* present = has_from ? "from" : "to";
  if (realtime) {
    return FieldError(present,
                      "from/to are for behavior tags; a realtime tag has a sliding window (window_days)");
  }
  if (!has_from) return FieldError("from", "is required with to");
  if (!has_to) return FieldError("to", "is required with from");
  TAGLOOP_ASSIGN_OR_RETURN(rule->from, ReadDate(settings, "from"));
  TAGLOOP_ASSIGN_OR_RETURN(rule->to, ReadDate(settings, "to"));
  if (*rule->to < *rule->from) {
    return FieldError("to",
                      fmt::format("{} is before from ({})", FormatDate(*rule->to), FormatDate(*rule->from)));
  }
  return Status::Ok();
}

}  // namespace

const char* RuleKindName(RuleKind kind) {
  for (const auto& [k, name] : kRuleNames) {
    if (k == kind) return name;
  }
  return "?";
}

const char* CompareOpName(CompareOp op) {
  for (const auto& [o, name] : kOpNames) {
    if (o == op) return name;
  }
  return "?";
}

Result<EventRule> ParseEventRule(const json& settings, const TagType& tag_type, bool realtime,
                                 const EventTypeRegistry* types) {
  if (!settings.is_object()) return Status::InvalidArgument("producer: must be an object");
  EventRule rule;
  auto rule_it = settings.find("rule");
  if (rule_it == settings.end()) return FieldError("rule", "is required");
  if (!rule_it->is_string()) return FieldError("rule", "must be a string");
  const std::string& name = rule_it->get_ref<const std::string&>();
  auto known = std::find_if(std::begin(kRuleNames), std::end(kRuleNames),
                            [&](const auto& entry) { return name == entry.second; });
  if (known == std::end(kRuleNames)) {
    return FieldError("rule",
                      fmt::format("unknown rule '{}' (latest, flag, count, sum, avg, min, max, first_time, "
                                  "last_time)",
                                  name));
  }
  rule.kind = known->first;
  TAGLOOP_RETURN_IF_ERROR(CheckKeys(settings, rule.kind));
  TAGLOOP_RETURN_IF_ERROR(CheckTagType(rule.kind, tag_type, settings.contains("at_least")));

  if (rule.kind == RuleKind::kFlag) {
    TAGLOOP_ASSIGN_OR_RETURN(rule.start, ReadTypeList(settings, "start", types));
    TAGLOOP_ASSIGN_OR_RETURN(rule.end, ReadTypeList(settings, "end", types));
    for (size_t i = 0; i < rule.end.size(); ++i) {
      if (std::find(rule.start.begin(), rule.start.end(), rule.end[i]) != rule.start.end()) {
        return FieldError(fmt::format("end[{}]", i), fmt::format("'{}' is also a start event", rule.end[i]));
      }
    }
  } else {
    TAGLOOP_ASSIGN_OR_RETURN(rule.events, ReadTypeList(settings, "events", types));
  }
  if (rule.kind == RuleKind::kLatest || (IsWindowed(rule.kind) && rule.kind != RuleKind::kCount)) {
    TAGLOOP_RETURN_IF_ERROR(ReadProperty(settings, tag_type, rule, types, &rule.property));
  }
  if (rule.kind == RuleKind::kLatest) TAGLOOP_RETURN_IF_ERROR(ReadMap(settings, tag_type, &rule));
  TAGLOOP_RETURN_IF_ERROR(ReadWhere(settings, rule, types, &rule.where));
  if (IsWindowed(rule.kind)) TAGLOOP_RETURN_IF_ERROR(ReadWindow(settings, realtime, &rule));
  if (auto it = settings.find("at_least"); it != settings.end()) {
    if (!it->is_number_integer() || it->get<int64_t>() < 1 || it->get<int64_t>() > 1'000'000'000) {
      return FieldError("at_least", "must be an integer 1..1000000000");
    }
    rule.at_least = it->get<int64_t>();
  }
  return rule;
}

std::vector<std::string> EventTypesOf(const EventRule& rule) {
  if (rule.kind != RuleKind::kFlag) return rule.events;
  std::vector<std::string> out = rule.start;
  out.insert(out.end(), rule.end.begin(), rule.end.end());
  return out;
}

int64_t LookbackMillis(const EventRule& rule) {
  if (rule.window_days > 0) return int64_t{rule.window_days} * 86'400'000;
  return std::numeric_limits<int64_t>::max();
}
}  // namespace tagloop::events
