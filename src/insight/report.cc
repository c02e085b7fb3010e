#include "insight/report.h"

#include <fmt/format.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <set>

#include "core/bsi.h"
#include "core/parallel.h"

namespace tagloop {

namespace {

using nlohmann::json;

Status FieldError(std::string_view field, std::string_view message) {
  return Status::InvalidArgument(fmt::format("{}: {}", field, message));
}

Status CheckKeys(const json& j, std::string_view where, std::initializer_list<std::string_view> allowed) {
  if (!j.is_object()) return FieldError(where, "must be an object");
  for (const auto& [key, value] : j.items()) {
    if (std::find(allowed.begin(), allowed.end(), key) == allowed.end()) {
      return FieldError(where.empty() ? key : fmt::format("{}.{}", where, key), "unknown field");
    }
  }
  return Status::Ok();
}

Result<std::string> StringField(const json& j, std::string_view where, const char* key, bool required,
                                std::string fallback = "") {
  auto it = j.find(key);
  std::string name = where.empty() ? std::string(key) : fmt::format("{}.{}", where, key);
  if (it == j.end() || it->is_null()) {
    if (required) return FieldError(name, "is required");
    return fallback;
  }
  if (!it->is_string()) return FieldError(name, "must be a string");
  return it->get<std::string>();
}

Result<Days> DateField(const json& j, std::string_view name) {
  if (!j.is_string()) return FieldError(name, "must be a date string YYYY-MM-DD");
  auto d = ParseDate(j.get<std::string>());
  if (!d.ok()) return FieldError(name, d.status().message());
  return *d;
}

Result<MeasureKind> ParseMeasureKind(std::string_view text, std::string_view where) {
  static const std::pair<std::string_view, MeasureKind> kKinds[] = {
      {"users", MeasureKind::kUsers}, {"sum", MeasureKind::kSum}, {"avg", MeasureKind::kAvg},
      {"min", MeasureKind::kMin},     {"max", MeasureKind::kMax}, {"metric", MeasureKind::kMetric}};
  for (const auto& [name, kind] : kKinds) {
    if (name == text) return kind;
  }
  return FieldError(where, fmt::format("unknown measure kind '{}' (users, sum, avg, min, max, metric)", text));
}

// One row (or column) of a dimension: its label, condition and users within the base.
struct DimensionValue {
  std::string label;
  bool is_null = false;
  std::string condition;
  Bitmap users;
};

struct Dimension {
  std::vector<DimensionValue> values;
  bool truncated = false;
};

Bitmap BucketUsers(const TagVersion& version, const NumericBucket& b, const roaring_bitmap_t* base) {
  BsiView bsi = version.bsi();
  if (b.lo && b.hi) return BsiBetween(bsi, *b.lo, *b.hi - 1, base);
  if (b.lo) return BsiCompare(bsi, CompareOp::kGe, *b.lo, base);
  if (b.hi) return BsiCompare(bsi, CompareOp::kLt, *b.hi, base);
  return Bitmap(roaring_bitmap_and(bsi.exists, base));
}

Result<Dimension> BuildDimension(const Snapshot& snapshot, const ReportDimension& d, Days as_of,
                                 const roaring_bitmap_t* base, UniverseBaselines* baselines, size_t index) {
  std::string what = fmt::format("dimensions[{}]", index);
  if (!snapshot.FindTag(d.tag)) return Status::NotFound(fmt::format("{}: unknown tag '{}'", what, d.tag));
  TAGLOOP_ASSIGN_OR_RETURN(auto version, snapshot.VersionAsOf(d.tag, as_of));
  Dimension out;
  if (!version) {
    // Before the tag's first version nobody has a value (a series may start there).
    if (d.include_null) out.values.push_back({"(none)", true, d.tag + " IS NULL", Bitmap::Copy(base)});
    return out;
  }
  const TagType& type = version->type();
  if (type.is_numeric()) {
    std::vector<NumericBucket> buckets;
    if (!d.edges.empty()) {
      std::vector<int64_t> edges;
      for (size_t i = 0; i < d.edges.size(); ++i) {
        auto v = ParseNumericValue(type, d.edges[i]);
        if (!v.ok()) return FieldError(fmt::format("{}.edges[{}]", what, i), v.status().message());
        if (!edges.empty() && *v <= edges.back()) {
          return FieldError(fmt::format("{}.edges[{}]", what, i), "edges must be ascending");
        }
        edges.push_back(*v);
      }
      buckets.push_back({std::nullopt, edges.front()});
      for (size_t i = 0; i + 1 < edges.size(); ++i) buckets.push_back({edges[i], edges[i + 1]});
      buckets.push_back({edges.back(), std::nullopt});
    } else {
      UniverseBaselines local;
      auto baseline = (baselines ? baselines : &local)->Get(snapshot, version);
      buckets = baseline->buckets;
    }
    for (const NumericBucket& b : buckets) {
      out.values.push_back({BucketLabel(type, b), false, BucketExpr(type, d.tag, b), BucketUsers(*version, b, base)});
    }
  } else {
    std::vector<std::pair<uint64_t, size_t>> order;
    for (size_t i = 0; i < version->value_count(); ++i) {
      order.emplace_back(roaring_bitmap_and_cardinality(version->value_users(i), base), i);
    }
    std::sort(order.begin(), order.end(), [&](const auto& a, const auto& b) {
      return a.first != b.first ? a.first > b.first : version->value(a.second) < version->value(b.second);
    });
    const size_t keep = std::min(order.size(), d.limit);
    for (size_t k = 0; k < keep; ++k) {
      size_t i = order[k].second;
      std::string value(version->value(i));
      out.values.push_back({value, false, fmt::format("{} = {}", d.tag, ValueLiteral(type, value)),
                            Bitmap(roaring_bitmap_and(version->value_users(i), base))});
    }
    if (keep < order.size()) {
      out.truncated = true;
      std::vector<const roaring_bitmap_t*> rest;
      std::vector<std::string> literals;
      for (size_t k = keep; k < order.size(); ++k) {
        rest.push_back(version->value_users(order[k].second));
        literals.push_back(ValueLiteral(type, version->value(order[k].second)));
      }
      Bitmap any = Bitmap(roaring_bitmap_or_many(rest.size(), rest.data()));
      roaring_bitmap_and_inplace(any.get(), base);
      out.values.push_back({"(other)", false, fmt::format("{} IN ({})", d.tag, fmt::join(literals, ", ")),
                            std::move(any)});
    }
  }
  if (d.include_null) {
    out.values.push_back({"(none)", true, d.tag + " IS NULL", Bitmap(roaring_bitmap_andnot(base, version->exists()))});
  }
  return out;
}

std::string CellExpr(const std::string& base, const std::vector<const std::string*>& conditions) {
  std::vector<std::string> parts;
  bool base_all = base.empty() || base == "ALL" || base == "all";
  if (!base_all) parts.push_back(base);
  for (const std::string* c : conditions) parts.push_back(*c);
  if (parts.empty()) return "ALL";
  if (parts.size() == 1) return parts[0];
  for (std::string& p : parts) p = "(" + p + ")";
  return fmt::format("{}", fmt::join(parts, " AND "));
}

Result<MeasureValue> ComputeMeasure(const Snapshot& snapshot, const ReportMeasure& m, const roaring_bitmap_t* users,
                                    uint64_t count, Days as_of, const MetricRunner& metrics) {
  MeasureValue out;
  if (m.kind == MeasureKind::kUsers) {
    out.number = static_cast<double>(count);
    return out;
  }
  if (m.kind == MeasureKind::kMetric) {
    if (!metrics) return Status::InvalidArgument("metric measures need a SQL source runner");
    TAGLOOP_ASSIGN_OR_RETURN(out.metric, metrics(m, users, as_of));
    return out;
  }
  TAGLOOP_ASSIGN_OR_RETURN(auto version, snapshot.VersionAsOf(m.tag, as_of));
  if (!version || count == 0) return out;
  if (m.kind == MeasureKind::kSum || m.kind == MeasureKind::kAvg) {
    uint64_t n = 0;
    __int128 sum = BsiSum(version->bsi(), users, &n);
    if (n == 0) return out;
    if (m.kind == MeasureKind::kSum) {
      out.exact = sum;
    } else {
      out.number = static_cast<double>(sum) / static_cast<double>(n);
    }
    return out;
  }
  std::vector<uint64_t> offsets;
  version->NumericOffsets(users, &offsets);
  if (offsets.empty()) return out;
  uint64_t best = m.kind == MeasureKind::kMin ? *std::min_element(offsets.begin(), offsets.end())
                                              : *std::max_element(offsets.begin(), offsets.end());
  out.exact = static_cast<__int128>(version->bsi().base) + static_cast<__int128>(best);
  return out;
}

Status CheckMeasures(const Snapshot& snapshot, const ReportDefinition& def, const ReportRunOptions& options) {
  for (size_t i = 0; i < def.measures.size(); ++i) {
    const ReportMeasure& m = def.measures[i];
    std::string what = fmt::format("measures[{}]", i);
    if (m.kind == MeasureKind::kMetric) {
      if (!options.metrics) return FieldError(what, "metric measures are not available here");
      continue;
    }
    if (m.kind == MeasureKind::kUsers) continue;
    const TagInfo* tag = snapshot.FindTag(m.tag);
    if (!tag) return Status::NotFound(fmt::format("{}: unknown tag '{}'", what, m.tag));
    if (!tag->type.is_numeric()) {
      return FieldError(what, fmt::format("{} needs an int, decimal or date tag; '{}' is {}", MeasureKindName(m.kind),
                                          m.tag, tag->type.ToString()));
    }
    if ((m.kind == MeasureKind::kSum || m.kind == MeasureKind::kAvg) && tag->type.kind == TagKind::kDate) {
      return FieldError(what, fmt::format("{} of a date tag ('{}') has no meaning", MeasureKindName(m.kind), m.tag));
    }
    if (options.query.tag_access) {
      Status st = options.query.tag_access->Check(m.tag);
      if (st.code() == Status::Code::kPermissionDenied) return st.WithPrefix(what);  // a refusal by role stays one
      if (!st.ok()) return FieldError(what, st.message());
    }
  }
  for (size_t i = 0; i < def.dimensions.size(); ++i) {
    const std::string& tag = def.dimensions[i].tag;
    if (!snapshot.FindTag(tag)) {
      return Status::NotFound(fmt::format("dimensions[{}]: unknown tag '{}'", i, tag));
    }
    if (options.query.tag_access) {
      Status st = options.query.tag_access->Check(tag);
      if (st.code() == Status::Code::kPermissionDenied) return st.WithPrefix(fmt::format("dimensions[{}]", i));
      if (!st.ok()) return FieldError(fmt::format("dimensions[{}]", i), st.message());
    }
  }
  return Status::Ok();
}

Status TooManyCells(uint64_t per_date, size_t dates) {
  return Status::InvalidArgument(fmt::format(
      "the report has {} cells per date x {} date(s) = {} cells; at most {} cells (over all dates) per run: "
      "lower a dimension's limit, give fewer edges or fewer dates",
      per_date, dates, per_date * dates, kMaxReportCells))
      .With(ErrorReason::kLimitExceeded, {{"what", "cells"},
                                          {"limit", std::to_string(kMaxReportCells)},
                                          {"value", std::to_string(per_date * dates)}});
}

// The cells of one table at `as_of`, estimated before any is computed (the
// contract in report.h); the universe's buckets come from `baselines`.
Result<uint64_t> EstimateCells(const Snapshot& snapshot, const ReportDefinition& def, Days as_of,
                               UniverseBaselines* baselines) {
  uint64_t cells = 1;
  for (const ReportDimension& d : def.dimensions) {
    uint64_t rows = d.include_null ? 1 : 0;
    TAGLOOP_ASSIGN_OR_RETURN(auto version, snapshot.VersionAsOf(d.tag, as_of));
    if (version && version->type().is_numeric()) {
      if (!d.edges.empty()) {
        rows += d.edges.size() + 1;
      } else {
        UniverseBaselines local;
        rows += (baselines ? baselines : &local)->Get(snapshot, version)->buckets.size();
      }
    } else if (version) {
      const size_t values = version->value_count();
      rows += std::min(values, d.limit) + (values > d.limit ? 1 : 0);
    }
    cells *= std::max<uint64_t>(rows, 1);
  }
  return cells;
}

Result<ReportTable> RunAt(const Snapshot& snapshot, const ReportDefinition& def, const ReportRunOptions& options,
                          Days as_of, uint64_t max_cells) {
  SegmentQueryOptions q = options.query;
  q.as_of = as_of;
  TAGLOOP_ASSIGN_OR_RETURN(Bitmap base, EvaluateSegment(snapshot, def.base, q));
  ReportTable table;
  table.as_of = as_of;
  table.base_users = base.cardinality();
  std::vector<Dimension> dims;
  for (size_t i = 0; i < def.dimensions.size(); ++i) {
    TAGLOOP_ASSIGN_OR_RETURN(Dimension d,
                             BuildDimension(snapshot, def.dimensions[i], as_of, base.get(), options.baselines, i));
    table.truncated = table.truncated || d.truncated;
    for (const DimensionValue& v : d.values) table.dimension_values[i].push_back(v.label);
    dims.push_back(std::move(d));
  }
  const size_t rows = dims[0].values.size();
  const size_t cols = dims.size() > 1 ? dims[1].values.size() : 1;
  if (rows * cols > max_cells) return TooManyCells(rows * cols, 1);
  table.cells.resize(rows * cols);
  std::vector<Status> errors(table.cells.size());
  const Deadline* deadline = options.query.deadline;
  std::atomic<bool> expired{false};  // once seen, the other cells stop without reading the clock
  ParallelFor(options.threads, table.cells.size(), [&](size_t k) {
    if (expired.load(std::memory_order_relaxed)) return;
    if (deadline && deadline->Expired()) {
      expired.store(true, std::memory_order_relaxed);
      return;
    }
    const size_t r = k / cols, c = k % cols;
    ReportCell& cell = table.cells[k];
    const DimensionValue& a = dims[0].values[r];
    std::vector<const std::string*> conditions = {&a.condition};
    cell.keys.push_back(a.label);
    cell.key_is_null.push_back(a.is_null);
    Bitmap owned;
    const roaring_bitmap_t* users = a.users.get();
    if (dims.size() > 1) {
      const DimensionValue& b = dims[1].values[c];
      conditions.push_back(&b.condition);
      cell.keys.push_back(b.label);
      cell.key_is_null.push_back(b.is_null);
      owned = Bitmap(roaring_bitmap_and(a.users.get(), b.users.get()));
      users = owned.get();
    }
    cell.expr = CellExpr(def.base, conditions);
    cell.users = roaring_bitmap_get_cardinality(users);
    for (const ReportMeasure& m : def.measures) {
      auto v = ComputeMeasure(snapshot, m, users, cell.users, as_of, options.metrics);
      if (!v.ok()) {
        errors[k] = v.status();
        return;
      }
      cell.measures.push_back(std::move(*v));
    }
  });
  if (expired.load()) return deadline->Check(fmt::format("computing a report's cells ({} per date)", rows * cols));
  for (Status& st : errors) TAGLOOP_RETURN_IF_ERROR(st);
  return table;
}

}  // namespace

const char* MeasureKindName(MeasureKind kind) {
  switch (kind) {
    case MeasureKind::kUsers: return "users";
    case MeasureKind::kSum: return "sum";
    case MeasureKind::kAvg: return "avg";
    case MeasureKind::kMin: return "min";
    case MeasureKind::kMax: return "max";
    case MeasureKind::kMetric: return "metric";
  }
  return "users";
}

Result<ReportDefinition> ParseReportDefinition(const json& j) {
  TAGLOOP_RETURN_IF_ERROR(
      CheckKeys(j, "", {"title", "description", "base", "dimensions", "measures", "as_of", "series"}));
  ReportDefinition def;
  TAGLOOP_ASSIGN_OR_RETURN(def.title, StringField(j, "", "title", false));
  TAGLOOP_ASSIGN_OR_RETURN(def.description, StringField(j, "", "description", false));
  TAGLOOP_ASSIGN_OR_RETURN(def.base, StringField(j, "", "base", false, "ALL"));
  if (def.base.find_first_not_of(" \t\r\n") == std::string::npos) return FieldError("base", "is empty");
  auto dims = j.find("dimensions");
  if (dims == j.end() || !dims->is_array() || dims->empty() || dims->size() > 2) {
    return FieldError("dimensions", "must be an array of 1 or 2 dimensions");
  }
  for (size_t i = 0; i < dims->size(); ++i) {
    const json& d = (*dims)[i];
    std::string where = fmt::format("dimensions[{}]", i);
    TAGLOOP_RETURN_IF_ERROR(CheckKeys(d, where, {"tag", "limit", "include_null", "edges"}));
    ReportDimension dim;
    TAGLOOP_ASSIGN_OR_RETURN(dim.tag, StringField(d, where, "tag", true));
    if (auto it = d.find("limit"); it != d.end() && !it->is_null()) {
      if (!it->is_number_unsigned() || it->get<uint64_t>() < 1 || it->get<uint64_t>() > kMaxReportDimensionValues) {
        return FieldError(where + ".limit", fmt::format("must be 1 to {}", kMaxReportDimensionValues));
      }
      dim.limit = it->get<size_t>();
    }
    if (auto it = d.find("include_null"); it != d.end() && !it->is_null()) {
      if (!it->is_boolean()) return FieldError(where + ".include_null", "must be true or false");
      dim.include_null = it->get<bool>();
    }
    if (auto it = d.find("edges"); it != d.end() && !it->is_null()) {
      if (!it->is_array() || it->empty() || it->size() > kMaxReportDimensionValues) {
        return FieldError(where + ".edges", fmt::format("must be an array of 1 to {} values",
                                                        kMaxReportDimensionValues));
      }
      for (size_t e = 0; e < it->size(); ++e) {
        const json& v = (*it)[e];
        if (v.is_string()) {
          dim.edges.push_back(v.get<std::string>());
        } else if (v.is_number()) {
          dim.edges.push_back(v.dump());
        } else {
          return FieldError(fmt::format("{}.edges[{}]", where, e), "must be a number or a date string");
        }
      }
    }
    def.dimensions.push_back(std::move(dim));
  }
  if (def.dimensions.size() == 2 && def.dimensions[0].tag == def.dimensions[1].tag) {
    return FieldError("dimensions[1].tag", "is the same tag as dimensions[0]");
  }
  auto measures = j.find("measures");
  if (measures == j.end() || measures->is_null()) {
    def.measures.push_back(ReportMeasure{MeasureKind::kUsers, "", "", "", "users"});
  } else {
    if (!measures->is_array() || measures->empty() || measures->size() > 20) {
      return FieldError("measures", "must be an array of 1 to 20 measures");
    }
    for (size_t i = 0; i < measures->size(); ++i) {
      const json& m = (*measures)[i];
      std::string where = fmt::format("measures[{}]", i);
      TAGLOOP_RETURN_IF_ERROR(CheckKeys(m, where, {"kind", "tag", "source", "query", "label"}));
      ReportMeasure measure;
      TAGLOOP_ASSIGN_OR_RETURN(std::string kind, StringField(m, where, "kind", true));
      TAGLOOP_ASSIGN_OR_RETURN(measure.kind, ParseMeasureKind(kind, where + ".kind"));
      bool needs_tag = measure.kind != MeasureKind::kUsers && measure.kind != MeasureKind::kMetric;
      TAGLOOP_ASSIGN_OR_RETURN(measure.tag, StringField(m, where, "tag", needs_tag));
      bool metric = measure.kind == MeasureKind::kMetric;
      TAGLOOP_ASSIGN_OR_RETURN(measure.source, StringField(m, where, "source", metric));
      TAGLOOP_ASSIGN_OR_RETURN(measure.query, StringField(m, where, "query", metric));
      if (!needs_tag && !measure.tag.empty()) return FieldError(where + ".tag", "only for sum, avg, min and max");
      if (!metric && (!measure.source.empty() || !measure.query.empty())) {
        return FieldError(where, "source and query are only for metric measures");
      }
      std::string fallback = measure.kind == MeasureKind::kUsers    ? "users"
                             : measure.kind == MeasureKind::kMetric ? measure.source
                                                                    : fmt::format("{}({})", kind, measure.tag);
      TAGLOOP_ASSIGN_OR_RETURN(measure.label, StringField(m, where, "label", false, fallback));
      def.measures.push_back(std::move(measure));
    }
  }
  if (auto it = j.find("as_of"); it != j.end() && !it->is_null()) {
    TAGLOOP_ASSIGN_OR_RETURN(def.as_of, DateField(*it, "as_of"));
  }
  if (auto it = j.find("series"); it != j.end() && !it->is_null()) {
    if (def.as_of) return FieldError("series", "give either as_of or series, not both");
    TAGLOOP_RETURN_IF_ERROR(CheckKeys(*it, "series", {"from", "to", "step_days"}));
    ReportSeries s;
    if (!it->contains("from") || !it->contains("to")) return FieldError("series", "needs from and to");
    TAGLOOP_ASSIGN_OR_RETURN(s.from, DateField((*it)["from"], "series.from"));
    TAGLOOP_ASSIGN_OR_RETURN(s.to, DateField((*it)["to"], "series.to"));
    if (auto st = it->find("step_days"); st != it->end() && !st->is_null()) {
      if (!st->is_number_unsigned() || st->get<uint64_t>() < 1 || st->get<uint64_t>() > 366) {
        return FieldError("series.step_days", "must be 1 to 366");
      }
      s.step_days = st->get<int>();
    }
    if (s.to < s.from) return FieldError("series", "from is after to");
    if ((s.to - s.from) / s.step_days + 1 > kMaxReportSeriesPoints) {
      return FieldError("series", fmt::format("at most {} dates", kMaxReportSeriesPoints));
    }
    def.series = s;
  }
  return def;
}

json ReportDefinitionJson(const ReportDefinition& def) {
  json j = json::object();
  if (!def.title.empty()) j["title"] = def.title;
  if (!def.description.empty()) j["description"] = def.description;
  j["base"] = def.base;
  json dims = json::array();
  for (const ReportDimension& d : def.dimensions) {
    json dj = {{"tag", d.tag}, {"limit", d.limit}};
    if (d.include_null) dj["include_null"] = true;
    if (!d.edges.empty()) dj["edges"] = d.edges;
    dims.push_back(std::move(dj));
  }
  j["dimensions"] = std::move(dims);
  json measures = json::array();
  for (const ReportMeasure& m : def.measures) {
    json mj = {{"kind", MeasureKindName(m.kind)}};
    if (!m.tag.empty()) mj["tag"] = m.tag;
    if (!m.source.empty()) mj["source"] = m.source;
    if (!m.query.empty()) mj["query"] = m.query;
    mj["label"] = m.label;
    measures.push_back(std::move(mj));
  }
  j["measures"] = std::move(measures);
  if (def.as_of) j["as_of"] = FormatDate(*def.as_of);
  if (def.series) {
    j["series"] = {{"from", FormatDate(def.series->from)},
                   {"to", FormatDate(def.series->to)},
                   {"step_days", def.series->step_days}};
  }
  return j;
}

Status ValidateReport(const Snapshot& snapshot, const ReportDefinition& def, const ReportRunOptions& options) {
  TAGLOOP_RETURN_IF_ERROR(CheckMeasures(snapshot, def, options));
  SegmentQueryOptions q = options.query;
  if (def.as_of) q.as_of = *def.as_of;
  if (def.series) q.as_of = def.series->to;
  Status st = ValidateSegment(snapshot, def.base, q);
  return st.WithPrefix("base");
}

Result<ReportResult> RunReport(const Snapshot& snapshot, const ReportDefinition& def,
                               const ReportRunOptions& options) {
  auto start = std::chrono::steady_clock::now();
  TAGLOOP_RETURN_IF_ERROR(ValidateReport(snapshot, def, options));
  std::vector<Days> dates;
  if (def.series) {
    for (Days d = def.series->from; d <= def.series->to; d += def.series->step_days) dates.push_back(d);
  } else {
    dates.push_back(def.as_of.value_or(options.query.as_of));
  }
  TAGLOOP_ASSIGN_OR_RETURN(uint64_t estimate, EstimateCells(snapshot, def, dates.back(), options.baselines));
  if (estimate * dates.size() > kMaxReportCells) return TooManyCells(estimate, dates.size());
  ReportResult out;
  uint64_t cells = 0;
  for (Days d : dates) {
    auto table = RunAt(snapshot, def, options, d, kMaxReportCells - cells);
    if (!table.ok()) {
      return def.series ? table.status().WithPrefix("as of " + FormatDate(d)) : table.status();
    }
    cells += table->cells.size();
    out.tables.push_back(std::move(*table));
  }
  out.elapsed_ms =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count();
  return out;
}

}  // namespace tagloop
