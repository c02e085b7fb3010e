// GET /tags, GET /tags/{name}, GET /tags/{name}/distribution: the store's
// tags, with their catalog title, status and category when the catalog
// defines them. Lifecycle visibility as in the catalog (api_catalog.h):
// offline tags only for admins, drafts for operators and admins.
#include <fmt/format.h>

#include <algorithm>
#include <chrono>

#include "core/bsi.h"
#include "segment/suggest.h"
#include "server/api/catalog/api_catalog.h"
#include "server/api/api_context.h"
#include "server/api/api_json.h"
#include "server/api/api_routes.h"
#include "server/api/api_values.h"

namespace tagloop {

namespace {

constexpr size_t kBuckets = 10;

// The SPEC's shape (name, type, category, users, versions), plus "title"
// and "status" for a tag the catalog defines.
Json TagJson(const TagInfo& tag, const CatalogView& view) {
  Json versions = Json::array();
  for (const VersionInfo& v : tag.versions) {
    versions.push_back({{"date", FormatDate(v.date)}, {"users", v.users}, {"bytes", v.bytes}});
  }
  Json j = {{"name", tag.name},
            {"type", tag.type.ToString()},
            {"category", nullptr},
            {"users", tag.versions.empty() ? 0 : tag.versions.back().users},
            {"versions", std::move(versions)}};
  if (auto it = view.tags.find(tag.name); it != view.tags.end()) {
    const TagDefinition& d = it->second.definition;
    if (!d.category_path.empty()) j["category"] = d.category_path;
    j["title"] = {{"zh", d.title_zh}, {"en", d.title_en}};
    j["status"] = TagStatusName(it->second.status);
  }
  return j;
}

// A tag of the snapshot the caller may see: NotFound (with a suggestion
// among the visible tags) otherwise.
Result<const TagInfo*> FindTag(const Snapshot& snap, const CatalogView& view, std::string_view name,
                               Role role) {
  if (const TagInfo* tag = snap.FindTag(name)) {
    TAGLOOP_RETURN_IF_ERROR(catalog_api::CheckVisible(name, view.StatusOf(name), role));
    return tag;
  }
  std::vector<std::string_view> names;
  for (const auto& [n, t] : snap.tags()) {
    if (catalog_api::MaySee(view.StatusOf(n), role)) names.push_back(n);
  }
  return Status::NotFound(fmt::format("unknown tag '{}'{}", name, segment::DidYouMean(name, names)));
}

Result<HttpResponse> ListTags(ApiContext& ctx, ApiCall& call) {
  auto snap = ctx.workspace->store().snapshot();
  auto view = ctx.production->scheduler().view();
  Json tags = Json::array();
  for (const auto& [name, tag] : snap->tags()) {
    if (!catalog_api::MaySee(view->StatusOf(name), call.principal.role)) continue;
    tags.push_back(TagJson(tag, *view));
  }
  return JsonResponse({{"tags", std::move(tags)}});
}

Result<HttpResponse> GetTag(ApiContext& ctx, ApiCall& call) {
  auto snap = ctx.workspace->store().snapshot();
  auto view = ctx.production->scheduler().view();
  TAGLOOP_ASSIGN_OR_RETURN(const TagInfo* tag,
                           FindTag(*snap, *view, call.path_params[0], call.principal.role));
  return JsonResponse(TagJson(*tag, *view));
}

// The users a distribution counts: those with a value, minus deleted users
// (older versions keep them; no answer may show them).
Bitmap CountedUsers(const Snapshot& snap, const roaring_bitmap_t* exists) {
  Bitmap users = Bitmap::Copy(exists);
  if (snap.universe_size() < snap.user_count()) users.AndWith(snap.universe());
  return users;
}

// The smallest or largest stored offset (value - base) among `users` (not
// empty): walks the slices from the top, keeping the users whose bit is
// the preferred one whenever some are left.
uint64_t ExtremeOffset(const BsiView& bsi, const Bitmap& users, bool largest) {
  Bitmap candidates = Bitmap::Copy(users.get());
  uint64_t offset = 0;
  for (size_t i = bsi.slices.size(); i-- > 0;) {
    Bitmap pick = largest ? Bitmap::And(candidates.get(), bsi.slices[i])
                          : Bitmap::AndNot(candidates.get(), bsi.slices[i]);
    bool bit_set = largest ? !pick.empty() : pick.empty();
    if (!pick.empty()) candidates = std::move(pick);
    if (bit_set) offset |= uint64_t{1} << i;
  }
  return offset;
}


Json NumericDistribution(const Snapshot& snap, const TagVersion& version) {
  const TagType& type = version.type();
  BsiView bsi = version.bsi();
  Bitmap users = CountedUsers(snap, bsi.exists);
  uint64_t n = users.cardinality();
  Json out = {{"users", n}};
  if (n == 0) {
    out["buckets"] = Json::array();
    return out;
  }
  int64_t min = static_cast<int64_t>(static_cast<uint64_t>(bsi.base) + ExtremeOffset(bsi, users, false));
  int64_t max = static_cast<int64_t>(static_cast<uint64_t>(bsi.base) + ExtremeOffset(bsi, users, true));
  out["min"] = NumericValueJson(type, min);
  out["max"] = NumericValueJson(type, max);
  if (type.kind != TagKind::kDate) {
    uint64_t counted = 0;
    __int128 sum = BsiSum(bsi, users.get(), &counted);
    out["sum"] = SumJson(type, sum);
    double scale = 1;
    for (int i = 0; i < type.scale; ++i) scale *= 10;
    out["avg"] = static_cast<double>(sum) / static_cast<double>(counted ? counted : 1) / scale;
  }
  // Equal-width buckets over [min, max], each counted with one BSI range.
  unsigned __int128 span = static_cast<unsigned __int128>(static_cast<__int128>(max) - min) + 1;
  unsigned __int128 buckets = std::min<unsigned __int128>(kBuckets, span);
  unsigned __int128 width = (span + buckets - 1) / buckets;
  Json list = Json::array();
  for (unsigned __int128 i = 0; i < buckets; ++i) {
    __int128 lo = static_cast<__int128>(min) + static_cast<__int128>(i * width);
    if (lo > max) break;
    __int128 hi = std::min<__int128>(lo + static_cast<__int128>(width) - 1, max);
    Bitmap in = BsiBetween(bsi, static_cast<int64_t>(lo), static_cast<int64_t>(hi));
    uint64_t count = roaring_bitmap_and_cardinality(in.get(), users.get());
    list.push_back({{"from", NumericValueJson(type, static_cast<int64_t>(lo))},
                    {"to", NumericValueJson(type, static_cast<int64_t>(hi))},
                    {"users", count}});
  }
  out["buckets"] = std::move(list);
  return out;
}

// Every value with its users, most users first (ties by value). With
// `max_values` (> 0) only the first max_values, and "other_values" says how
// many were left out.
Json CategoricalDistribution(const Snapshot& snap, const TagVersion& version, size_t max_values) {
  bool filter = snap.universe_size() < snap.user_count();
  std::vector<std::pair<uint64_t, size_t>> counts;  // (users, value index)
  for (size_t i = 0; i < version.value_count(); ++i) {
    uint64_t c = filter ? roaring_bitmap_and_cardinality(version.value_users(i), snap.universe())
                        : version.value_cardinality(i);
    counts.emplace_back(c, i);
  }
  auto before = [&](const auto& a, const auto& b) {
    return a.first != b.first ? a.first > b.first : version.value(a.second) < version.value(b.second);
  };
  const size_t kept = max_values > 0 ? std::min(max_values, counts.size()) : counts.size();
  std::partial_sort(counts.begin(), counts.begin() + static_cast<std::ptrdiff_t>(kept), counts.end(), before);
  Json values = Json::array();
  for (size_t k = 0; k < kept; ++k) {
    auto [c, i] = counts[k];
    values.push_back({{"value", ScalarValueJson(version.type(), version.value(i))}, {"users", c}});
  }
  uint64_t users =
      filter ? roaring_bitmap_and_cardinality(version.exists(), snap.universe()) : version.users_with_value();
  Json out = {{"users", users}, {"values", std::move(values)}};
  if (max_values > 0) out["other_values"] = counts.size() - kept;
  return out;
}

Result<HttpResponse> Distribution(ApiContext& ctx, ApiCall& call) {
  auto start = std::chrono::steady_clock::now();
  // 0: every value. Checked for numeric tags too (which ignore it), so a bad
  // value is refused whatever the tag.
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t max_values, QueryNumber(call, "max_values", 0, 1, 10'000));
  auto snap = ctx.workspace->store().snapshot();
  auto view = ctx.production->scheduler().view();
  TAGLOOP_ASSIGN_OR_RETURN(const TagInfo* tag,
                           FindTag(*snap, *view, call.path_params[0], call.principal.role));
  // A personal tag's distribution (its min and max are someone's values) is
  // refused like any number derived from it (CatalogTagAccess::Check).
  TAGLOOP_RETURN_IF_ERROR(CatalogTagAccess(view, call.principal.role).Check(tag->name));
  if (call.Query("version") && call.Query("as_of")) {
    return Status::InvalidArgument("give either 'version' or 'as_of', not both");
  }
  const VersionInfo* info = nullptr;
  if (call.Query("version")) {
    TAGLOOP_ASSIGN_OR_RETURN(Days date, QueryDate(call, "version", 0));
    for (const VersionInfo& v : tag->versions) {
      if (v.date == date) info = &v;
    }
    if (!info)
      return Status::NotFound(fmt::format("tag '{}' has no version {}", tag->name, FormatDate(date)));
  } else {
    TAGLOOP_ASSIGN_OR_RETURN(Days as_of, QueryDate(call, "as_of", ctx.Today()));
    info = tag->VersionAsOf(as_of);
    if (!info)
      return Status::NotFound(
          fmt::format("tag '{}' has no version on or before {}", tag->name, FormatDate(as_of)));
  }
  auto version = snap->OpenVersion(*tag, *info);
  if (!version.ok()) return version.status();
  Json body = tag->type.is_numeric() ? NumericDistribution(*snap, **version)
                                     : CategoricalDistribution(*snap, **version, max_values);
  body["tag"] = tag->name;
  body["type"] = tag->type.ToString();
  body["version"] = FormatDate(info->date);
  int64_t micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::steady_clock::now() - start).count();
  ctx.metrics->RecordQuery(QueryKind::kDistribution, true, micros);
  return JsonResponse(body);
}

}  // namespace

void AddTagRoutes(ApiRouter& router) {
  router.Add(ApiV1Route("GET", "/tags", Role::kViewer, ListTags));
  router.Add(ApiV1Route("GET", "/tags/{name}", Role::kViewer, GetTag));
  router.Add(ApiV1Route("GET", "/tags/{name}/distribution", Role::kViewer, Distribution, ApiBodyKind::kNone,
                        {"version", "as_of", "max_values"}));
}

}  // namespace tagloop
