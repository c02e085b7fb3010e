#include "server/api/insight/api_insight_json.h"

#include <fmt/format.h>

#include <algorithm>

#include "segment/quote.h"
#include "server/api/api_values.h"

namespace tagloop {

using nlohmann::json;

Result<InsightSegmentText> InsightSegmentExpr(const json& body) {
  const bool has_expr = body.contains("expr") && !body["expr"].is_null();
  const bool has_segment = body.contains("segment") && !body["segment"].is_null();
  if (has_expr == has_segment) return Status::InvalidArgument("give either 'expr' or 'segment' (a saved segment's name)");
  InsightSegmentText out;
  if (has_expr) {
    if (!body["expr"].is_string()) return Status::InvalidArgument("field 'expr' must be a string");
    out.expr = body["expr"].get<std::string>();
    return out;
  }
  if (!body["segment"].is_string()) return Status::InvalidArgument("field 'segment' must be a string");
  out.segment = body["segment"].get<std::string>();
  out.expr = segment::SegmentReference(out.segment);
  return out;
}

Result<InsightSegment> EvaluateInsightSegment(ApiContext& ctx, const ApiCall& call, const json& body,
                                              std::shared_ptr<const Snapshot> snapshot) {
  TAGLOOP_ASSIGN_OR_RETURN(InsightSegmentText text, InsightSegmentExpr(body));
  std::optional<Days> as_of;
  if (auto it = body.find("as_of"); it != body.end() && !it->is_null()) {
    TAGLOOP_ASSIGN_OR_RETURN(as_of, RequiredDate(body, "as_of"));
  }
  InsightSegment seg{snapshot ? std::move(snapshot) : ctx.workspace->store().snapshot(),
                     std::move(text.expr),
                     std::move(text.segment),
                     "",
                     as_of.value_or(ctx.Today()),
                     Bitmap(),
                     TagAccessFor(ctx, call),
                     {}};
  seg.text = seg.segment.empty() ? seg.expr : seg.segment;
  SegmentQueryOptions options = QueryOptionsFor(ctx, call, seg.as_of, &seg.access);
  TAGLOOP_ASSIGN_OR_RETURN(seg.users, EvaluateSegment(*seg.snapshot, seg.expr, options));
  TAGLOOP_ASSIGN_OR_RETURN(seg.references, ReferencesOf(*seg.snapshot, seg.expr, options));
  for (const std::string& tag : seg.references.tags) ctx.workspace->usage().Record(tag, "insight", call.principal.name);
  return seg;
}

Status CheckFields(const json& body, std::initializer_list<std::string_view> allowed) {
  for (const auto& [key, value] : body.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return Status::InvalidArgument(fmt::format("unknown field '{}'", key));
    }
  }
  return Status::Ok();
}

Result<Days> RequiredDate(const json& body, const char* key) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return Status::InvalidArgument(fmt::format("field '{}' is required", key));
  if (!it->is_string()) return Status::InvalidArgument(fmt::format("field '{}' must be a date YYYY-MM-DD", key));
  auto d = ParseDate(it->get<std::string>());
  if (!d.ok()) return Status::InvalidArgument(fmt::format("field '{}': {}", key, d.status().message()));
  return *d;
}

Result<uint64_t> OptionalCount(const json& body, const char* key, uint64_t min, uint64_t max, uint64_t fallback) {
  auto it = body.find(key);
  if (it == body.end() || it->is_null()) return fallback;
  if (!it->is_number_unsigned() || it->get<uint64_t>() < min || it->get<uint64_t>() > max) {
    return Status::InvalidArgument(fmt::format("field '{}' must be {} to {}", key, min, max));
  }
  return it->get<uint64_t>();
}

Json SegmentHeaderJson(const InsightSegment& segment) {
  Json out = {{"expr", segment.expr}};
  if (!segment.segment.empty()) out["segment"] = segment.segment;
  out["as_of"] = FormatDate(segment.as_of);
  out["users"] = segment.users.cardinality();
  out["universe_users"] = segment.snapshot->universe_size();
  return out;
}

Json ValueShareJson(const TagType& type, const ValueShare& s) {
  Json row;
  if (s.is_null) {
    row["value"] = nullptr;
  } else if (type.is_numeric()) {
    row["value"] = s.value;
    row["from"] = s.bucket.lo ? NumericValueJson(type, *s.bucket.lo) : Json(nullptr);
    row["to"] = s.bucket.hi ? NumericValueJson(type, *s.bucket.hi) : Json(nullptr);
  } else if (s.value == "(other)") {
    row["value"] = s.value;
    row["other"] = true;
  } else {
    row["value"] = ScalarValueJson(type, s.value);
  }
  row["expr"] = s.expr;
  row["users"] = s.segment_users;
  row["share"] = s.segment_share;
  row["universe_users"] = s.universe_users;
  row["universe_share"] = s.universe_share;
  row["tgi"] = s.tgi ? Json(*s.tgi) : Json(nullptr);
  return row;
}

Json NumericStatsJson(const TagType& type, const NumericStats& s) {
  Json out = {{"users", s.count}};
  if (s.count == 0) return out;
  out["min"] = NumericValueJson(type, s.min);
  out["max"] = NumericValueJson(type, s.max);
  if (type.kind != TagKind::kDate) {
    out["sum"] = SumJson(type, s.sum);
    double scale = 1;
    for (int i = 0; i < type.scale; ++i) scale *= 10;
    out["avg"] = s.avg / scale;
  }
  Json p = Json::object();
  for (const auto& [q, v] : s.percentiles) p[fmt::format("p{}", static_cast<int>(q * 100 + 0.5))] = NumericValueJson(type, v);
  out["percentiles"] = std::move(p);
  return out;
}

Json TagInsightJson(const TagInsight& t) {
  Json out = {{"tag", t.tag}, {"type", t.type.ToString()}};
  out["version"] = t.version ? Json(FormatDate(*t.version)) : Json(nullptr);
  Json values = Json::array();
  for (const ValueShare& s : t.values) values.push_back(ValueShareJson(t.type, s));
  out["values"] = std::move(values);
  if (t.type.is_numeric()) {
    out["stats"] = t.segment_stats ? NumericStatsJson(t.type, *t.segment_stats) : Json({{"users", 0}});
    out["universe_stats"] = t.universe_stats ? NumericStatsJson(t.type, *t.universe_stats) : Json({{"users", 0}});
  }
  return out;
}

}  // namespace tagloop
