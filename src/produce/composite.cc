#include "produce/composite.h"

#include <fmt/format.h>

#include <algorithm>
#include <initializer_list>
#include <map>
#include <set>
#include <string_view>
#include <utility>

#include "core/bitmap.h"
#include "core/utf8.h"
#include "segment/executor.h"

namespace tagloop {

namespace {

Status FieldError(std::string_view field, std::string_view what) {
  return Status::InvalidArgument(fmt::format("{}: {}", field, what));
}

// A segment error about one expression, prefixed with its field; the
// position stays the byte offset within that expression.
Status InField(std::string_view field, const Status& st) {
  if (st.code() != Status::Code::kInvalidArgument) return st;
  return st.WithPrefix(field);  // keeps the position and the reason
}

Status CheckType(const TagType& type) {
  if (type.kind == TagKind::kBool || type.kind == TagKind::kEnum) return Status::Ok();
  return Status::InvalidArgument(
      fmt::format("a composite tag is bool or enum; this tag is {}", type.ToString()));
}

Status CheckValue(std::string_view field, std::string_view value) {
  if (value.empty()) return FieldError(field, "must be a non-empty string");
  if (size_t bad = FindInvalidUtf8(value); bad != std::string_view::npos) {
    return FieldError(field, fmt::format("is not valid UTF-8 (byte {})", bad));
  }
  return Status::Ok();
}

// The shape ParseCompositeSpec guarantees, for specs built in code.
Status CheckShape(const CompositeSpec& spec) {
  TAGLOOP_RETURN_IF_ERROR(CheckType(spec.type));
  if (spec.type.kind == TagKind::kBool) {
    if (spec.expression.empty()) return FieldError("expression", "must be a non-empty string");
    if (!spec.rules.empty() || spec.else_value) {
      return FieldError("rules", "a bool composite has one expression, not rules");
    }
    return Status::Ok();
  }
  if (!spec.expression.empty())
    return FieldError("expression", "an enum composite has rules, not an expression");
  if (spec.rules.empty()) return FieldError("rules", "must be a non-empty array");
  for (size_t i = 0; i < spec.rules.size(); ++i) {
    TAGLOOP_RETURN_IF_ERROR(CheckValue(fmt::format("rules[{}].value", i), spec.rules[i].value));
    if (spec.rules[i].when.empty())
      return FieldError(fmt::format("rules[{}].when", i), "must be a non-empty string");
  }
  if (spec.else_value) TAGLOOP_RETURN_IF_ERROR(CheckValue("else", *spec.else_value));
  return Status::Ok();
}

// Every expression with the field it came from, in rule order.
std::vector<std::pair<std::string, std::string_view>> Expressions(const CompositeSpec& spec) {
  std::vector<std::pair<std::string, std::string_view>> out;
  if (spec.type.kind == TagKind::kBool) {
    out.emplace_back("expression", spec.expression);
  } else {
    for (size_t i = 0; i < spec.rules.size(); ++i)
      out.emplace_back(fmt::format("rules[{}].when", i), spec.rules[i].when);
  }
  return out;
}

// Typos must not pass silently: every key of `object` must be in `allowed`.
Status CheckKeys(const nlohmann::json& object, std::string_view prefix,
                 std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, _] : object.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      std::string expected;
      for (std::string_view a : allowed) expected += fmt::format("{}{}", expected.empty() ? "" : ", ", a);
      return FieldError(prefix.empty() ? key : fmt::format("{}.{}", prefix, key),
                        fmt::format("unknown field (expected {})", expected));
    }
  }
  return Status::Ok();
}

Result<std::string> NonEmptyString(const nlohmann::json& object, std::string_view field,
                                   std::string_view key) {
  auto it = object.find(key);
  if (it == object.end()) return FieldError(field, "is required");
  if (!it->is_string() || it->get_ref<const std::string&>().empty()) {
    return FieldError(field, "must be a non-empty string");
  }
  return it->get<std::string>();
}

}  // namespace

Result<CompositeSpec> ParseCompositeSpec(const TagType& type, const nlohmann::json& config) {
  TAGLOOP_RETURN_IF_ERROR(CheckType(type));
  if (!config.is_object()) return Status::InvalidArgument("composite settings must be a JSON object");
  CompositeSpec spec;
  spec.type = type;
  if (type.kind == TagKind::kBool) {
    if (config.contains("rules") || config.contains("else")) {
      return FieldError(config.contains("rules") ? "rules" : "else",
                        "a bool composite has one \"expression\"; rules are for enum tags");
    }
    TAGLOOP_RETURN_IF_ERROR(CheckKeys(config, "", {"expression"}));
    TAGLOOP_ASSIGN_OR_RETURN(spec.expression, NonEmptyString(config, "expression", "expression"));
    return spec;
  }
  if (config.contains("expression")) {
    return FieldError("expression",
                      "an enum composite has \"rules\" (and \"else\"); \"expression\" is for bool tags");
  }
  TAGLOOP_RETURN_IF_ERROR(CheckKeys(config, "", {"rules", "else"}));
  auto rules = config.find("rules");
  if (rules == config.end()) return FieldError("rules", "is required");
  if (!rules->is_array() || rules->empty()) return FieldError("rules", "must be a non-empty array");
  for (size_t i = 0; i < rules->size(); ++i) {
    const nlohmann::json& r = (*rules)[i];
    const std::string field = fmt::format("rules[{}]", i);
    if (!r.is_object()) return FieldError(field, "must be an object {\"value\": ..., \"when\": ...}");
    TAGLOOP_RETURN_IF_ERROR(CheckKeys(r, field, {"value", "when"}));
    CompositeRule rule;
    TAGLOOP_ASSIGN_OR_RETURN(rule.value, NonEmptyString(r, field + ".value", "value"));
    TAGLOOP_ASSIGN_OR_RETURN(rule.when, NonEmptyString(r, field + ".when", "when"));
    spec.rules.push_back(std::move(rule));
  }
  if (config.contains("else")) {
    TAGLOOP_ASSIGN_OR_RETURN(spec.else_value, NonEmptyString(config, "else", "else"));
  }
  TAGLOOP_RETURN_IF_ERROR(CheckShape(spec));  // UTF-8 of the values
  return spec;
}

nlohmann::json CompositeSpecToJson(const CompositeSpec& spec) {
  nlohmann::json out = nlohmann::json::object();
  if (spec.type.kind == TagKind::kBool) {
    out["expression"] = spec.expression;
    return out;
  }
  out["rules"] = nlohmann::json::array();
  for (const CompositeRule& r : spec.rules) out["rules"].push_back({{"value", r.value}, {"when", r.when}});
  if (spec.else_value) out["else"] = *spec.else_value;
  return out;
}

Status ValidateComposite(const Snapshot& snapshot, const CompositeSpec& spec,
                         const SegmentQueryOptions& options) {
  return CompositeReferences(snapshot, spec, options).status();
}

Result<SegmentReferences> CompositeReferences(const Snapshot& snapshot, const CompositeSpec& spec,
                                              const SegmentQueryOptions& options) {
  TAGLOOP_RETURN_IF_ERROR(CheckShape(spec));
  std::set<std::string> tags, segments;
  for (const auto& [field, expr] : Expressions(spec)) {
    Result<SegmentReferences> refs = ReferencesOf(snapshot, expr, options);
    if (!refs.ok()) return InField(field, refs.status());
    tags.insert(refs->tags.begin(), refs->tags.end());
    segments.insert(refs->segments.begin(), refs->segments.end());
  }
  return SegmentReferences{{tags.begin(), tags.end()}, {segments.begin(), segments.end()}};
}

Result<TagVersionContent> BuildComposite(const Snapshot& snapshot, const CompositeSpec& spec, Days date,
                                         const SegmentQueryOptions& options) {
  TAGLOOP_RETURN_IF_ERROR(CheckShape(spec));
  // Plan everything first: a bad rule fails the build before any bitmap is read.
  std::vector<segment::SegmentPlan> plans;
  for (const auto& [field, expr] : Expressions(spec)) {
    Result<segment::SegmentPlan> plan = PlanSegment(snapshot, expr, options);
    if (!plan.ok()) return InField(field, plan.status());
    plans.push_back(std::move(*plan));
  }

  std::map<std::string, Bitmap> by_value;  // sorted by bytes; only values someone has
  auto give = [&](const std::string& value, Bitmap users) {
    if (users.empty()) return;
    auto [it, inserted] = by_value.try_emplace(value);
    if (inserted) {
      it->second = std::move(users);
    } else {
      it->second.OrWith(users.get());
    }
  };
  if (spec.type.kind == TagKind::kBool) {
    Bitmap in = segment::EvaluatePlan(plans[0]);
    give("false", Bitmap::AndNot(snapshot.universe(), in.get()));
    give("true", std::move(in));
  } else {
    Bitmap taken;  // users of earlier rules
    for (size_t i = 0; i < plans.size(); ++i) {
      Bitmap users = segment::EvaluatePlan(plans[i]);
      users.AndNotWith(taken.get());
      taken.OrWith(users.get());
      give(spec.rules[i].value, std::move(users));
    }
    if (spec.else_value) give(*spec.else_value, Bitmap::AndNot(snapshot.universe(), taken.get()));
  }

  TagVersionContent content;
  content.type = spec.type;
  content.date = date;
  for (auto& [value, users] : by_value) {
    content.values.push_back(value);
    content.value_users.push_back(std::move(users));
  }
  return content;
}

}  // namespace tagloop
