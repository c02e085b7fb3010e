// tagloop_bench_insight: insight and reports on the benchmark member store
// (scripts/bench-insight.sh), against the same questions asked of the
// PostgreSQL peer's `users` table in the same run.
//
//   - distribution of 20 tags over a ~1M-user segment (values/buckets with
//     segment and universe counts, TGI; numeric statistics and percentiles)
//   - "what else characterises them": every value of every tag, ranked
//   - a 2 x 10 report (is_vip x top cities) with users and avg(spend_total)
//
// tagloop: in-process on one snapshot; the first (cold) run includes opening
// the versions and computing the universe's figures per tag version, which
// the server keeps afterwards (UniverseBaselines); then --runs warm runs.
// PostgreSQL: one warm-up then --pg-runs runs of SQL computing the same
// counts in as few scans as possible (GROUPING SETS, FILTER); the numeric
// universe statistics are left to tagloop alone (PostgreSQL is timed
// without them).
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>

#include "insight/characterize.h"
#include "insight/report.h"
#include "insight/tag_insight.h"
#include "pg_peer.h"
#include "segment/segment.h"
#include "stats.h"

namespace tagloop::bench {
namespace {

// The 20 tags of the distribution (all but two set and two date tags).
const std::vector<std::string> kDistributionTags = {
    "is_vip",       "has_app",          "wechat_bound",   "sms_opt_in",     "is_blacklisted", "city",
    "gender",       "member_level",     "channel",        "car_class_pref", "payment_method", "interests",
    "age",          "orders_total",     "rent_days_total", "credit_score",  "spend_total",    "avg_order_amount",
    "register_date", "last_order_date"};

const char* kCategorical = "is_vip, has_app, wechat_bound, sms_opt_in, is_blacklisted, city, gender, member_level, "
                           "channel, car_class_pref, payment_method";
const char* kCategoricalSets = "(is_vip), (has_app), (wechat_bound), (sms_opt_in), (is_blacklisted), (city), "
                               "(gender), (member_level), (channel), (car_class_pref), (payment_method)";

// Bucketed numeric columns, as PostgreSQL expressions.
const char* kNumericBuckets[] = {
    "floor(age / 10)",          "floor(orders_total / 5)",     "floor(rent_days_total / 20)",
    "floor(credit_score / 50)", "floor(spend_total / 5000)",   "floor(avg_order_amount / 500)",
    "date_trunc('year', register_date)", "date_trunc('month', last_order_date)"};
const char* kNumericColumns[] = {"age",         "orders_total",     "rent_days_total", "credit_score",
                                 "spend_total", "avg_order_amount", "register_date",   "last_order_date"};

// A query whose every output column is computed (a row-to-text sum keeps
// the planner from dropping unused aggregates).
std::string Consume(const std::string& sql) { return "SELECT sum(length(q::text)) FROM (" + sql + ") q"; }

std::vector<std::string> DistributionSql(const std::string& where, bool all_sets) {
  std::vector<std::string> out;
  out.push_back(Consume(fmt::format("SELECT {}, count(*) FILTER (WHERE {}), count(*) FROM users GROUP BY GROUPING SETS ({})",
                                    kCategorical, where, kCategoricalSets)));
  for (const char* set : {"interests", "used_car_classes", "coupon_types"}) {
    out.push_back(Consume(fmt::format(
        "SELECT v, count(*) FILTER (WHERE {}), count(*) FROM users, unnest({}) v GROUP BY v", where, set)));
    if (!all_sets) break;
  }
  std::string cols, sets;
  for (size_t i = 0; i < std::size(kNumericBuckets); ++i) {
    cols += fmt::format("{}{} AS b{}", i ? ", " : "", kNumericBuckets[i], i);
    sets += fmt::format("{}(b{})", i ? ", " : "", i);
  }
  out.push_back(Consume(fmt::format(
      "SELECT b0, b1, b2, b3, b4, b5, b6, b7, count(*) FILTER (WHERE s), count(*) FROM "
      "(SELECT {}, ({}) IS TRUE AS s FROM users) t GROUP BY GROUPING SETS ({})",
      cols, where, sets)));
  return out;
}

std::string NumericStatsSql(const std::string& where) {
  std::string aggs;
  for (const char* c : kNumericColumns) {
    bool date = std::string_view(c).ends_with("_date");
    aggs += fmt::format("{}min({}), max({}), {} percentile_disc(ARRAY[0.25, 0.5, 0.75, 0.9, 0.99]) WITHIN GROUP (ORDER BY {})",
                        aggs.empty() ? "" : ", ", c, c, date ? "" : fmt::format("sum({}), avg({}),", c, c), c);
  }
  return Consume(fmt::format("SELECT {} FROM users WHERE {}", aggs, where));
}

struct Timed {
  double cold_ms = 0;
  TimingStats warm;
};

template <typename Fn>
Timed Time(int runs, Fn&& fn) {
  Timed t;
  double start = NowMs();
  fn();
  t.cold_ms = NowMs() - start;
  std::vector<double> samples;
  for (int i = 0; i < runs; ++i) {
    start = NowMs();
    fn();
    samples.push_back(NowMs() - start);
  }
  t.warm = Summarize(samples);
  return t;
}

double TimePg(PgConnection& pg, const std::vector<std::string>& queries, int runs) {
  std::string value, error;
  std::vector<double> samples;
  for (int i = 0; i <= runs; ++i) {
    double start = NowMs();
    for (const std::string& q : queries) {
      if (!pg.QueryScalar(q, &value, &error)) {
        std::cerr << "postgresql: " << error << "\n";
        std::exit(1);
      }
    }
    if (i > 0) samples.push_back(NowMs() - start);  // the first is the warm-up
  }
  return Summarize(samples).median_ms;
}

int Main(int argc, char** argv) {
  CLI::App app{"tagloop insight benchmark"};
  std::string data, as_of_text = "2026-10-31", conninfo, out_path;
  std::string segment = "orders_total >= 20";
  std::string segment_sql = "orders_total >= 20";
  int runs = 10, pg_runs = 3;
  app.add_option("--data", data, "tagloop data directory (the member store)")->required();
  app.add_option("--as-of", as_of_text);
  app.add_option("--segment", segment, "the segment, in the segment language");
  app.add_option("--segment-sql", segment_sql, "the same segment as a PostgreSQL WHERE clause");
  app.add_option("--runs", runs);
  app.add_option("--pg", conninfo, "PostgreSQL conninfo of the peer (empty: tagloop only)");
  app.add_option("--pg-runs", pg_runs);
  app.add_option("--out", out_path, "results JSON");
  CLI11_PARSE(app, argc, argv);

  auto store = TagStore::Open(data);
  if (!store.ok()) {
    std::cerr << store.status().ToString() << "\n";
    return 1;
  }
  auto snap = (*store)->snapshot();
  Days as_of = *ParseDate(as_of_text);
  SegmentQueryOptions q;
  q.as_of = as_of;
  auto seg = EvaluateSegment(*snap, segment, q);
  if (!seg.ok()) {
    std::cerr << seg.status().ToString() << "\n";
    return 1;
  }
  const uint64_t seg_users = seg->cardinality();
  std::vector<std::string> all_tags;
  for (const auto& [name, info] : snap->tags()) all_tags.push_back(name);
  std::cout << fmt::format("users {}, segment '{}': {} users, {} tags\n", snap->universe_size(), segment, seg_users,
                           all_tags.size());

  UniverseBaselines baselines;
  InsightOptions options;
  size_t values = 0;
  Timed dist = Time(runs, [&] {
    auto r = DistributeTags(*snap, seg->get(), kDistributionTags, as_of, options, &baselines);
    if (!r.ok()) {
      std::cerr << r.status().ToString() << "\n";
      std::exit(1);
    }
    values = 0;
    for (const TagInsight& t : *r) values += t.values.size();
  });
  CharacterizeOptions copts;
  size_t ranked = 0, considered = 0;
  Timed characterize = Time(runs, [&] {
    auto r = Characterize(*snap, seg->get(), all_tags, as_of, copts, &baselines);
    if (!r.ok()) {
      std::cerr << r.status().ToString() << "\n";
      std::exit(1);
    }
    ranked = r->values_supported;
    considered = r->values_considered;
  });
  auto def = ParseReportDefinition(nlohmann::json::parse(
      R"({"base": "sms_opt_in", "dimensions": [{"tag": "is_vip"}, {"tag": "city", "limit": 9}],
          "measures": [{"kind": "users"}, {"kind": "avg", "tag": "spend_total"}]})"));
  ReportRunOptions ropts;
  ropts.query = q;
  ropts.baselines = &baselines;
  size_t cells = 0;
  Timed report = Time(runs, [&] {
    auto r = RunReport(*snap, *def, ropts);
    if (!r.ok()) {
      std::cerr << r.status().ToString() << "\n";
      std::exit(1);
    }
    cells = r->tables[0].cells.size();
  });

  nlohmann::json out = {{"users", snap->universe_size()}, {"segment", segment}, {"segment_users", seg_users},
                        {"load_average", LoadAverage1()}};
  auto row = [&](const char* name, const Timed& t, double pg_ms, const std::string& what) {
    std::cout << fmt::format("{:<28} cold {:>8.1f} ms  warm p50 {:>7.2f} ms  p99 {:>7.2f} ms", name, t.cold_ms,
                             t.warm.median_ms, t.warm.p99_ms);
    if (pg_ms > 0) std::cout << fmt::format("  PostgreSQL {:>9.1f} ms  ({:.0f}x)", pg_ms, pg_ms / t.warm.median_ms);
    std::cout << "  " << what << "\n";
    out[name] = {{"cold_ms", t.cold_ms}, {"warm_p50_ms", t.warm.median_ms}, {"warm_p99_ms", t.warm.p99_ms}};
    if (pg_ms > 0) out[name]["postgresql_ms"] = pg_ms;
  };
  double pg_dist = 0, pg_char = 0, pg_report = 0;
  if (!conninfo.empty()) {
    PgConnection pg;
    std::string error;
    if (!pg.Connect(conninfo, &error)) {
      std::cerr << "postgresql: " << error << "\n";
      return 1;
    }
    std::vector<std::string> dq = DistributionSql(segment_sql, false);
    dq.push_back(NumericStatsSql(segment_sql));
    pg_dist = TimePg(pg, dq, pg_runs);
    pg_char = TimePg(pg, DistributionSql(segment_sql, true), pg_runs);
    pg_report = TimePg(pg,
                       {Consume("SELECT is_vip, city, count(*), avg(spend_total) FROM users WHERE sms_opt_in IS TRUE "
                                "GROUP BY is_vip, city")},
                       pg_runs);
  }
  row("distribution_20_tags", dist, pg_dist, fmt::format("{} rows", values));
  row("characterize_all_tags", characterize, pg_char,
      fmt::format("{} values, {} with support", considered, ranked));
  row("report_2x10", report, pg_report, fmt::format("{} cells", cells));
  std::cout << "targets (10M users): distribution <= 30 ms, characterize <= 200 ms, report <= 50 ms (warm p50)\n";
  if (!out_path.empty()) std::ofstream(out_path) << out.dump(2) << "\n";
  return 0;
}

}  // namespace
}  // namespace tagloop::bench

int main(int argc, char** argv) { return tagloop::bench::Main(argc, argv); }
