#include "events/event_types.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>
#include <set>

namespace tagloop::events {

namespace {

using json = nlohmann::json;

constexpr std::string_view kTypeList = "string, int, number, bool, time";

Status FieldError(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(fmt::format("event type: {}: {}", field, what));
}

Status CheckKnownKeys(const json& object, const std::string& where,
                      std::initializer_list<std::string_view> known) {
  for (const auto& item : object.items()) {
    if (std::find(known.begin(), known.end(), item.key()) != known.end()) continue;
    std::string list;
    for (std::string_view k : known) list += (list.empty() ? "" : ", ") + std::string(k);
    return FieldError(where.empty() ? item.key() : where + "." + item.key(),
                      fmt::format("unknown field (known: {})", list));
  }
  return Status::Ok();
}

// An optional string field.
Status ReadString(const json& object, const char* key, const std::string& field, std::string* out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  if (!it->is_string()) return FieldError(field, fmt::format("expected string, got {}", JsonTypeName(*it)));
  *out = it->get<std::string>();
  return Status::Ok();
}

Status ReadName(const json& object, const std::string& field, std::string* out) {
  auto it = object.find("name");
  if (it == object.end()) return FieldError(field, "required");
  TAGLOOP_RETURN_IF_ERROR(ReadString(object, "name", field, out));
  if (!IsValidEventName(*out)) {
    return FieldError(field, fmt::format("'{}' is not a valid name ([a-z][a-z0-9_]{{0,63}})", *out));
  }
  return Status::Ok();
}

Result<PropertyDef> ReadProperty(const json& p, const std::string& where) {
  if (!p.is_object()) return FieldError(where, fmt::format("expected object, got {}", JsonTypeName(p)));
  TAGLOOP_RETURN_IF_ERROR(CheckKnownKeys(p, where, {"name", "type", "required", "description"}));
  PropertyDef def;
  TAGLOOP_RETURN_IF_ERROR(ReadName(p, where + ".name", &def.name));
  auto type = p.find("type");
  if (type == p.end()) return FieldError(where + ".type", fmt::format("required ({})", kTypeList));
  if (!type->is_string())
    return FieldError(where + ".type", fmt::format("expected string, got {}", JsonTypeName(*type)));
  Result<PropertyType> parsed = ParsePropertyType(type->get<std::string>());
  if (!parsed.ok()) return FieldError(where + ".type", parsed.status().message());
  def.type = *parsed;
  if (auto r = p.find("required"); r != p.end()) {
    if (!r->is_boolean())
      return FieldError(where + ".required", fmt::format("expected bool, got {}", JsonTypeName(*r)));
    def.required = r->get<bool>();
  }
  TAGLOOP_RETURN_IF_ERROR(ReadString(p, "description", where + ".description", &def.description));
  return def;
}

PropertyDef Prop(const char* name, PropertyType type, bool required, const char* description) {
  return PropertyDef{name, type, required, description};
}

EventTypeSchema Builtin(const char* name, const char* zh, const char* en, const char* description,
                        std::vector<PropertyDef> properties) {
  return EventTypeSchema{name, zh, en, description, std::move(properties), true};
}

// The order model: every order event carries the order's id; the payment
// carries its amount.
std::vector<PropertyDef> OrderProperties(bool amount_required) {
  using T = PropertyType;
  return {Prop("order_id", T::kString, true, "the order's id"),
          Prop("city", T::kString, false, "city of the pick-up store"),
          Prop("store", T::kString, false, "store id"),
          Prop("car_class", T::kString, false, "car class (economy, compact, suv, ...)"),
          Prop("amount", T::kNumber, amount_required, "amount in yuan"),
          Prop("rent_days", T::kInt, false, "rental days"),
          Prop("coupon_id", T::kString, false, "coupon applied to the order")};
}

std::vector<PropertyDef> MessageProperties() {
  using T = PropertyType;
  return {Prop("campaign_id", T::kString, true, "the outreach campaign"),
          Prop("channel", T::kString, false, "sms, push, email, wechat, ..."),
          Prop("message_id", T::kString, false, "the message's id at the channel"),
          Prop("step", T::kString, false, "the journey step that sent it")};
}

std::vector<PropertyDef> BouncedProperties() {
  std::vector<PropertyDef> p = MessageProperties();
  p.push_back(Prop("error", PropertyType::kString, false, "the gateway's error code and text"));
  return p;
}

std::vector<PropertyDef> CouponProperties() {
  using T = PropertyType;
  return {Prop("coupon_id", T::kString, true, "the coupon's id"),
          Prop("campaign_id", T::kString, false, "the campaign that issued it"),
          Prop("amount", T::kNumber, false, "face value in yuan"),
          Prop("order_id", T::kString, false, "the order it was redeemed on")};
}

}  // namespace

bool IsValidEventName(std::string_view name) {
  if (name.empty() || name.size() > 64 || name[0] < 'a' || name[0] > 'z') return false;
  for (char c : name) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_')) return false;
  }
  return true;
}

Result<PropertyType> ParsePropertyType(std::string_view text) {
  for (PropertyType t : {PropertyType::kString, PropertyType::kInt, PropertyType::kNumber,
                         PropertyType::kBool, PropertyType::kTime}) {
    if (text == PropertyTypeName(t)) return t;
  }
  return Status::InvalidArgument(fmt::format("unknown type '{}' ({})", text.substr(0, 64), kTypeList));
}

const PropertyDef* EventTypeSchema::FindProperty(std::string_view prop) const {
  for (const PropertyDef& p : properties) {
    if (p.name == prop) return &p;
  }
  return nullptr;
}

json EventTypeSchemaToJson(const EventTypeSchema& s) {
  json props = json::array();
  for (const PropertyDef& p : s.properties) {
    json o = {{"name", p.name}, {"type", PropertyTypeName(p.type)}, {"required", p.required}};
    if (!p.description.empty()) o["description"] = p.description;
    props.push_back(std::move(o));
  }
  json j = {{"name", s.name},
            {"title", {{"zh", s.title_zh}, {"en", s.title_en}}},
            {"description", s.description},
            {"properties", std::move(props)}};
  if (s.builtin) j["builtin"] = true;
  return j;
}

Result<EventTypeSchema> EventTypeSchemaFromJson(const json& j) {
  if (!j.is_object())
    return Status::InvalidArgument(fmt::format("event type: expected object, got {}", JsonTypeName(j)));
  TAGLOOP_RETURN_IF_ERROR(CheckKnownKeys(j, "", {"name", "title", "description", "properties", "builtin"}));
  EventTypeSchema s;
  TAGLOOP_RETURN_IF_ERROR(ReadName(j, "name", &s.name));
  if (auto t = j.find("title"); t != j.end()) {
    if (t->is_string()) {
      s.title_zh = t->get<std::string>();
    } else if (t->is_object()) {
      TAGLOOP_RETURN_IF_ERROR(CheckKnownKeys(*t, "title", {"zh", "en"}));
      TAGLOOP_RETURN_IF_ERROR(ReadString(*t, "zh", "title.zh", &s.title_zh));
      TAGLOOP_RETURN_IF_ERROR(ReadString(*t, "en", "title.en", &s.title_en));
    } else {
      return FieldError(
          "title", fmt::format("expected object {{\"zh\": ..., \"en\": ...}}, got {}", JsonTypeName(*t)));
    }
  }
  TAGLOOP_RETURN_IF_ERROR(ReadString(j, "description", "description", &s.description));
  if (auto b = j.find("builtin"); b != j.end()) {
    if (!b->is_boolean())
      return FieldError("builtin", fmt::format("expected bool, got {}", JsonTypeName(*b)));
    s.builtin = b->get<bool>();
  }
  if (auto props = j.find("properties"); props != j.end()) {
    if (!props->is_array())
      return FieldError("properties", fmt::format("expected array, got {}", JsonTypeName(*props)));
    if (props->size() > kMaxProperties) {
      return FieldError("properties", fmt::format("more than {} properties", kMaxProperties));
    }
    std::set<std::string, std::less<>> seen;
    for (size_t i = 0; i < props->size(); ++i) {
      const std::string where = fmt::format("properties[{}]", i);
      TAGLOOP_ASSIGN_OR_RETURN(PropertyDef def, ReadProperty((*props)[i], where));
      if (!seen.insert(def.name).second) {
        return FieldError(where + ".name", fmt::format("duplicate property '{}'", def.name));
      }
      s.properties.push_back(std::move(def));
    }
  }
  return s;
}

const std::vector<EventTypeSchema>& BuiltinEventTypes() {
  static const auto* types = new std::vector<EventTypeSchema>{
      Builtin("order_created", "下单", "Order created", "a rental order was placed", OrderProperties(false)),
      Builtin("order_paid", "支付", "Order paid", "an order was paid", OrderProperties(true)),
      Builtin("car_picked_up", "取车", "Car picked up", "the customer picked up the car",
              OrderProperties(false)),
      Builtin("order_extended", "续租", "Order extended", "the rental was extended", OrderProperties(false)),
      Builtin("car_returned", "还车", "Car returned", "the customer returned the car",
              OrderProperties(false)),
      Builtin("order_cancelled", "取消订单", "Order cancelled", "the order was cancelled",
              OrderProperties(false)),
      Builtin("message_sent", "消息发送", "Message sent", "an outreach message was sent",
              MessageProperties()),
      Builtin("message_delivered", "消息送达", "Message delivered", "the channel delivered the message",
              MessageProperties()),
      Builtin("message_clicked", "消息点击", "Message clicked", "the user clicked the message",
              MessageProperties()),
      Builtin("message_bounced", "消息未送达", "Message bounced", "the channel could not deliver the message",
              BouncedProperties()),
      Builtin("coupon_issued", "发券", "Coupon issued", "a coupon was issued to the user",
              CouponProperties()),
      Builtin("coupon_redeemed", "用券", "Coupon redeemed", "the user redeemed a coupon", CouponProperties()),
  };
  return *types;
}

Status CheckCompatibleReplacement(const EventTypeSchema& current, const EventTypeSchema& next) {
  auto refuse = [&](const std::string& what) {
    return Status::InvalidArgument(fmt::format(
        "event type '{}': {}; events already logged were checked against the current schema, so a "
        "replacement may only add optional properties or relax 'required'",
        current.name, what));
  };
  for (const PropertyDef& old : current.properties) {
    const PropertyDef* now = next.FindProperty(old.name);
    if (now == nullptr) return refuse(fmt::format("property '{}' would be removed", old.name));
    if (now->type != old.type) {
      return refuse(fmt::format("property '{}' would change type from {} to {}", old.name,
                                PropertyTypeName(old.type), PropertyTypeName(now->type)));
    }
    if (now->required && !old.required)
      return refuse(fmt::format("property '{}' would become required", old.name));
  }
  for (const PropertyDef& p : next.properties) {
    if (p.required && current.FindProperty(p.name) == nullptr) {
      return refuse(fmt::format("new property '{}' is required (logged events do not carry it)", p.name));
    }
  }
  return Status::Ok();
}

const char* JsonTypeName(const nlohmann::json& v) {
  if (v.is_string()) return "string";
  if (v.is_number()) return "number";
  if (v.is_boolean()) return "bool";
  if (v.is_null()) return "null";
  if (v.is_object()) return "object";
  return "array";
}

}  // namespace tagloop::events
