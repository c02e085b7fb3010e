#include "server/api/insight/api_insight_json.h"

#include <fmt/format.h>

#include <algorithm>

#include "segment/quote.h"
#include "server/api/api_values.h"

namespace tagloop {

using nlohmann::json;

Result<InsightSegment> EvaluateInsightSegment(ApiContext& ctx, const ApiCall& call, const JsonBody& body,
                                              std::shared_ptr<const Snapshot> snapshot) {
  TAGLOOP_ASSIGN_OR_RETURN(Audience text, ReadAudience(body));
  TAGLOOP_ASSIGN_OR_RETURN(std::optional<Days> as_of, body.OptionalDate("as_of"));
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
