// Insight routes: distribution with TGI, "what else characterises them",
// overlap, history and diff (src/insight). Each takes a segment as "expr" (the
// segment language) or "segment" (a saved segment's name).
#include <fmt/format.h>

#include <chrono>

#include "insight/characterize.h"
#include "insight/segment_compare.h"
#include "insight/tag_insight.h"
#include "server/api/api_context.h"
#include "server/api/insight/api_insight_json.h"
#include "server/api/api_json.h"
#include "server/api/request.h"
#include "server/api/api_routes.h"
#include "server/api/api_values.h"

namespace tagloop {

namespace {

using nlohmann::json;

constexpr size_t kMaxInsightTags = 2000;
constexpr uint64_t kMaxDiffIds = 100'000;

double MillisSince(std::chrono::steady_clock::time_point start) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
}

// Tags the caller may read that are published (or imported only): what
// "every tag" means for characterisation. Personal tags are left out for
// roles that see them masked (CatalogTagAccess::Check).
std::vector<std::string> PublishedTags(ApiContext& ctx, const Snapshot& snap, const CatalogTagAccess& access) {
  auto view = ctx.production->scheduler().view();
  std::vector<std::string> out;
  for (const auto& [name, info] : snap.tags()) {
    if (view->StatusOf(name) == TagStatus::kPublished && access.Check(name).ok()) out.push_back(name);
  }
  return out;
}

Status CheckTagsReadable(const CatalogTagAccess& access, std::span<const std::string> tags) {
  for (const std::string& t : tags) {
    Status st = access.Check(t);
    // InvalidArgument for a tag the role may not see, PermissionDenied for
    // a personal one (api_context.h): the code is kept.
    if (st.code() == Status::Code::kPermissionDenied) return st.WithPrefix("tags");
    if (!st.ok()) return Status::InvalidArgument(fmt::format("tags: {}", st.message()));
  }
  return Status::Ok();
}

Result<HttpResponse> Distribution(ApiContext& ctx, ApiCall& call) {
  auto start = std::chrono::steady_clock::now();
  TAGLOOP_ASSIGN_OR_RETURN(
      JsonBody body,
      JsonBody::Parse(call.request->body, {"expr", "segment", "as_of", "tags", "percentiles", "max_values"}));
  TAGLOOP_ASSIGN_OR_RETURN(InsightSegment seg, EvaluateInsightSegment(ctx, call, body));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<std::string> tags, body.StringList("tags", kMaxInsightTags, true));
  if (tags.empty()) return BadField("tags", "must name at least one tag");
  TAGLOOP_RETURN_IF_ERROR(CheckTagsReadable(seg.access, tags));
  InsightOptions options;
  options.deadline = &call.deadline;
  if (const json* it = body.Find("percentiles")) {
    if (!it->is_array()) return BadField("percentiles", "must be an array");
    options.percentiles.clear();
    for (const json& p : *it) {
      bool known = false;
      for (double q : kInsightPercentiles) known = known || (p.is_number() && p.get<double>() == q);
      if (!known) {
        return BadField("percentiles", "holds one of 0.01, 0.05, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99");
      }
      options.percentiles.push_back(p.get<double>());
    }
  }
  TAGLOOP_ASSIGN_OR_RETURN(options.max_values, body.Count("max_values", 1, 10000, options.max_values));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<TagInsight> result,
                           DistributeTags(*seg.snapshot, seg.users.get(), tags, seg.as_of, options, ctx.baselines));
  for (const std::string& t : tags) ctx.workspace->usage().Record(t, "insight", call.principal.name);
  Json out = SegmentHeaderJson(seg);
  Json list = Json::array();
  for (const TagInsight& t : result) list.push_back(TagInsightJson(t));
  out["tags"] = std::move(list);
  out["elapsed_ms"] = MillisSince(start);
  return JsonResponse(out);
}

Result<HttpResponse> CharacterizeRoute(ApiContext& ctx, ApiCall& call) {
  auto start = std::chrono::steady_clock::now();
  TAGLOOP_ASSIGN_OR_RETURN(
      JsonBody body,
      JsonBody::Parse(call.request->body,
                      {"expr", "segment", "as_of", "tags", "exclude_tags", "min_share", "min_users", "limit"}));
  TAGLOOP_ASSIGN_OR_RETURN(InsightSegment seg, EvaluateInsightSegment(ctx, call, body));
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<std::string> tags, body.StringList("tags", kMaxInsightTags, false));
  if (body.object().contains("tags")) {
    TAGLOOP_RETURN_IF_ERROR(CheckTagsReadable(seg.access, tags));
  } else {
    tags = PublishedTags(ctx, *seg.snapshot, seg.access);
  }
  // The segment's own tags say nothing new about it: left out unless named
  // in "tags" or the caller gives its own exclusions.
  std::vector<std::string> exclude;
  if (body.object().contains("exclude_tags")) {
    TAGLOOP_ASSIGN_OR_RETURN(exclude, body.StringList("exclude_tags", kMaxInsightTags, false));
  } else if (!body.object().contains("tags")) {
    exclude = seg.references.tags;
  }
  std::erase_if(tags, [&](const std::string& t) { return std::find(exclude.begin(), exclude.end(), t) != exclude.end(); });
  CharacterizeOptions options;
  options.insight.deadline = &call.deadline;
  TAGLOOP_ASSIGN_OR_RETURN(auto min_share, body.OptionalNumber("min_share", 0, 1));
  TAGLOOP_ASSIGN_OR_RETURN(auto min_users, body.OptionalNumber("min_users", 0, 1e12));
  TAGLOOP_ASSIGN_OR_RETURN(auto limit, body.OptionalNumber("limit", 1, 1000));
  if (min_share) options.min_share = *min_share;
  if (min_users) options.min_users = static_cast<uint64_t>(*min_users);
  if (limit) options.limit = static_cast<size_t>(*limit);
  TAGLOOP_ASSIGN_OR_RETURN(Characterization result, Characterize(*seg.snapshot, seg.users.get(), tags, seg.as_of,
                                                                  options, ctx.baselines));
  Json out = SegmentHeaderJson(seg);
  out["tags"] = result.tags;
  out["values_considered"] = result.values_considered;
  out["values_supported"] = result.values_supported;
  out["min_share"] = options.min_share;
  out["min_users"] = options.min_users;
  auto ranked = [](const std::vector<RankedValue>& list) {
    Json a = Json::array();
    for (const RankedValue& r : list) {
      Json row = {{"tag", r.tag}};
      Json share = ValueShareJson(r.type, r.share);
      for (auto& [k, v] : share.items()) row[k] = v;
      a.push_back(std::move(row));
    }
    return a;
  };
  out["over"] = ranked(result.over);
  out["under"] = ranked(result.under);
  out["elapsed_ms"] = MillisSince(start);
  return JsonResponse(out);
}

Result<HttpResponse> OverlapRoute(ApiContext& ctx, ApiCall& call) {
  auto start = std::chrono::steady_clock::now();
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"segments", "as_of"}));
  const json* list = body.Find("segments");
  if (list == nullptr || !list->is_array() || list->size() < 2 || list->size() > kMaxOverlapSegments) {
    return BadField("segments", fmt::format("must be an array of 2 to {} segments", kMaxOverlapSegments));
  }
  auto snap = ctx.workspace->store().snapshot();
  std::vector<InsightSegment> segs;
  std::vector<const roaring_bitmap_t*> bitmaps;
  Json labels = Json::array();
  for (size_t i = 0; i < list->size(); ++i) {
    json item = (*list)[i];
    if (item.is_string()) item = json{{"expr", item}};
    if (!item.is_object()) return Status::InvalidArgument(fmt::format("segments[{}]: must be an object", i));
    if (body.object().contains("as_of")) item["as_of"] = body.object()["as_of"];
    std::string label = item.value("label", "");
    item.erase("label");
    auto seg = EvaluateInsightSegment(ctx, call, JsonBody::Of(std::move(item)), snap);
    if (!seg.ok()) return seg.status().WithPrefix(fmt::format("segments[{}]", i));
    labels.push_back(label.empty() ? seg->text : label);
    segs.push_back(std::move(*seg));
  }
  for (const InsightSegment& s : segs) bitmaps.push_back(s.users.get());
  TAGLOOP_ASSIGN_OR_RETURN(Overlap o, ComputeOverlap(bitmaps));
  Json out;
  out["as_of"] = FormatDate(segs[0].as_of);
  out["universe_users"] = snap->universe_size();
  Json items = Json::array();
  for (size_t i = 0; i < segs.size(); ++i) {
    items.push_back({{"label", labels[i]}, {"expr", segs[i].expr}, {"users", o.sizes[i]},
                     {"exclusive", o.exclusive[i]}});
  }
  out["segments"] = std::move(items);
  out["intersections"] = o.intersections;
  out["union_users"] = o.union_users;
  out["common_users"] = o.common_users;
  Json regions = Json::array();
  for (const OverlapRegion& r : o.regions) {
    Json in = Json::array();
    std::vector<std::string> parts;
    for (size_t i = 0; i < segs.size(); ++i) {
      bool member = (r.members >> i) & 1;
      if (member) in.push_back(i);
      parts.push_back(member ? "(" + segs[i].expr + ")" : "NOT (" + segs[i].expr + ")");
    }
    regions.push_back({{"in", std::move(in)}, {"users", r.users}, {"expr", fmt::format("{}", fmt::join(parts, " AND "))}});
  }
  out["regions"] = std::move(regions);
  out["elapsed_ms"] = MillisSince(start);
  return JsonResponse(out);
}

Result<HttpResponse> HistoryRoute(ApiContext& ctx, ApiCall& call) {
  auto start = std::chrono::steady_clock::now();
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"expr", "segment", "from", "to", "step_days"}));
  TAGLOOP_ASSIGN_OR_RETURN(Audience text, ReadAudience(body));
  TAGLOOP_ASSIGN_OR_RETURN(Days from, body.Date("from"));
  TAGLOOP_ASSIGN_OR_RETURN(Days to, body.Date("to"));
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t step, body.Count("step_days", 1, 366, 1));
  auto snap = ctx.workspace->store().snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  SegmentQueryOptions options = QueryOptionsFor(ctx, call, to, &access);
  TAGLOOP_ASSIGN_OR_RETURN(std::vector<HistoryPoint> points,
                           SegmentHistory(*snap, text.expr, options, from, to, static_cast<int>(step)));
  RecordTagUse(ctx, call, *snap, text.expr, options, "count");
  Json out = {{"expr", text.expr}};
  if (!text.segment.empty()) out["segment"] = text.segment;
  Json list = Json::array();
  for (const HistoryPoint& p : points) list.push_back({{"date", FormatDate(p.date)}, {"users", p.users}});
  out["points"] = std::move(list);
  out["elapsed_ms"] = MillisSince(start);
  return JsonResponse(out);
}

Result<HttpResponse> DiffRoute(ApiContext& ctx, ApiCall& call) {
  auto start = std::chrono::steady_clock::now();
  TAGLOOP_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(call.request->body, {"expr", "segment", "from", "to", "ids_limit"}));
  TAGLOOP_ASSIGN_OR_RETURN(Audience text, ReadAudience(body));
  TAGLOOP_ASSIGN_OR_RETURN(Days from, body.Date("from"));
  TAGLOOP_ASSIGN_OR_RETURN(Days to, body.Date("to"));
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t ids_limit, body.Count("ids_limit", 0, kMaxDiffIds, 0));
  if (ids_limit > 0 && !RoleAllows(call.principal.role, Role::kAnalyst)) {
    return Status::PermissionDenied("listing user ids (ids_limit) needs the analyst role");
  }
  auto snap = ctx.workspace->store().snapshot();
  CatalogTagAccess access = TagAccessFor(ctx, call);
  SegmentQueryOptions options = QueryOptionsFor(ctx, call, to, &access);
  TAGLOOP_ASSIGN_OR_RETURN(SegmentDiff diff, DiffSegment(*snap, text.expr, options, from, to));
  RecordTagUse(ctx, call, *snap, text.expr, options, "count");
  Json out = {{"expr", text.expr}, {"from", FormatDate(from)}, {"to", FormatDate(to)},
              {"from_users", diff.from_users}, {"to_users", diff.to_users}, {"stayed", diff.stayed},
              {"entered", diff.entered.cardinality()}, {"left", diff.left.cardinality()}};
  if (!text.segment.empty()) out["segment"] = text.segment;
  // The groups as expressions need a whole expression at two dates, which
  // the language has only per tag; they are named by the diff instead.
  if (ids_limit > 0) {
    TAGLOOP_ASSIGN_OR_RETURN(const UserDictionary* dict, snap->dictionary());
    auto ids = [&](const Bitmap& b) {
      Json a = Json::array();
      roaring_uint32_iterator_t it;
      roaring_init_iterator(b.get(), &it);
      for (uint64_t n = 0; it.has_value && n < ids_limit; ++n, roaring_advance_uint32_iterator(&it)) {
        a.push_back(std::string(dict->ExternalId(it.current_value)));
      }
      return a;
    };
    out["entered_ids"] = ids(diff.entered);
    out["left_ids"] = ids(diff.left);
    uint64_t listed = out["entered_ids"].size() + out["left_ids"].size();
    AuditEntry entry = AuditEntry::For(call.principal, audit_action::kInsightDiff, text.expr, static_cast<int64_t>(listed));
    entry.detail = fmt::format("from={} to={}", FormatDate(from), FormatDate(to));
    if (Status st = RecordAudit(ctx, std::move(entry)); !st.ok()) return AuditUnavailable(st);
  }
  out["elapsed_ms"] = MillisSince(start);
  return JsonResponse(out);
}

}  // namespace

void AddInsightRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("POST", "/insight/distribution", Role::kViewer, Distribution, ApiBodyKind::kJson));
  router.Add(ApiV1Route("POST", "/insight/characterize", Role::kViewer, CharacterizeRoute, ApiBodyKind::kJson));
  router.Add(ApiV1Route("POST", "/insight/overlap", Role::kViewer, OverlapRoute, ApiBodyKind::kJson));
  router.Add(ApiV1Route("POST", "/insight/history", Role::kViewer, HistoryRoute, ApiBodyKind::kJson));
  router.Add(ApiV1Route("POST", "/insight/diff", Role::kViewer, DiffRoute, ApiBodyKind::kJson));
}

}  // namespace tagloop
