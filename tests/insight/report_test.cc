// Report definitions (parse errors name the field) and runs checked cell by
// cell against brute force, each cell's expr counted back.
#include "insight/report.h"

#include <gtest/gtest.h>

#include "insight/insight_fixture.h"

namespace tagloop {
namespace {

using nlohmann::json;
using testing::BuildInsightData;

TEST(ReportDefinition, RoundTripAndDefaults) {
  json j = json::parse(R"({"title": "城市 × 年龄", "base": "is_vip",
    "dimensions": [{"tag": "city", "limit": 3, "include_null": true}, {"tag": "age", "edges": [30, "40", 50]}],
    "measures": [{"kind": "users"}, {"kind": "avg", "tag": "spend"}, {"kind": "max", "tag": "last_order", "label": "latest"}],
    "as_of": "2026-10-31"})");
  auto def = ParseReportDefinition(j);
  ASSERT_TRUE(def.ok()) << def.status().ToString();
  EXPECT_EQ(def->dimensions[1].edges, (std::vector<std::string>{"30", "40", "50"}));
  EXPECT_EQ(def->measures[1].label, "avg(spend)");
  EXPECT_EQ(def->measures[2].label, "latest");
  auto again = ParseReportDefinition(ReportDefinitionJson(*def));
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(ReportDefinitionJson(*again), ReportDefinitionJson(*def));
  auto minimal = ParseReportDefinition(json::parse(R"({"dimensions": [{"tag": "city"}]})"));
  ASSERT_TRUE(minimal.ok());
  EXPECT_EQ(minimal->base, "ALL");
  ASSERT_EQ(minimal->measures.size(), 1u);
  EXPECT_EQ(minimal->measures[0].kind, MeasureKind::kUsers);
}

TEST(ReportDefinition, ErrorsNameTheField) {
  struct Case {
    const char* json;
    const char* field;
  } cases[] = {
      {R"({"dimensions": []})", "dimensions"},
      {R"({"dimensions": [{"tag": "a"}, {"tag": "b"}, {"tag": "c"}]})", "dimensions"},
      {R"({"dimensions": [{"tag": "a"}, {"tag": "a"}]})", "dimensions[1].tag"},
      {R"({"dimensions": [{"tagg": "a"}]})", "dimensions[0].tagg"},
      {R"({"dimensions": [{"tag": "a", "limit": 0}]})", "dimensions[0].limit"},
      {R"({"dimensions": [{"tag": "a", "edges": [true]}]})", "dimensions[0].edges[0]"},
      {R"({"dimensions": [{"tag": "a"}], "measures": [{"kind": "median", "tag": "x"}]})", "measures[0].kind"},
      {R"({"dimensions": [{"tag": "a"}], "measures": [{"kind": "sum"}]})", "measures[0].tag"},
      {R"({"dimensions": [{"tag": "a"}], "measures": [{"kind": "metric", "source": "biz"}]})", "measures[0].query"},
      {R"({"dimensions": [{"tag": "a"}], "as_of": "2026-02-30"})", "as_of"},
      {R"({"dimensions": [{"tag": "a"}], "as_of": "2026-01-01", "series": {"from": "2026-01-01", "to": "2026-01-02"}})",
       "series"},
      {R"({"dimensions": [{"tag": "a"}], "series": {"from": "2026-01-01", "to": "2027-06-01"}})", "series"},
      {R"({"dimensions": [{"tag": "a"}], "colour": "red"})", "colour"},
      {R"({"dimensions": [{"tag": "a"}], "base": " "})", "base"},
  };
  for (const Case& c : cases) {
    auto r = ParseReportDefinition(json::parse(c.json));
    ASSERT_FALSE(r.ok()) << c.json;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << c.json;
    EXPECT_EQ(r.status().message().rfind(std::string(c.field) + ":", 0), 0u) << r.status().message();
  }
}

class ReportRunTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = BuildInsightData(3000, 17, 25);
    snap_ = data_->store->snapshot();
    options_.query.as_of = data_->date;
  }
  uint64_t Count(const std::string& expr) {
    SegmentQueryOptions o;
    o.as_of = data_->date;
    auto n = CountSegment(*snap_, expr, o);
    EXPECT_TRUE(n.ok()) << expr << ": " << n.status().ToString();
    return n.ok() ? *n : 0;
  }
  Result<ReportResult> Run(const char* text) {
    auto def = ParseReportDefinition(json::parse(text));
    EXPECT_TRUE(def.ok()) << def.status().ToString();
    if (!def.ok()) return def.status();
    return RunReport(*snap_, *def, options_);
  }
  std::unique_ptr<testing::InsightData> data_;
  std::shared_ptr<const Snapshot> snap_;
  ReportRunOptions options_;
};

TEST_F(ReportRunTest, TwoDimensionsWithMeasuresMatchBruteForce) {
  auto r = Run(R"({"base": "NOT is_vip", "dimensions": [{"tag": "city", "limit": 4, "include_null": true},
                   {"tag": "age", "edges": [30, 45, 60]}],
                   "measures": [{"kind": "users"}, {"kind": "sum", "tag": "spend"}, {"kind": "avg", "tag": "spend"},
                                {"kind": "min", "tag": "last_order"}, {"kind": "max", "tag": "score"}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->tables.size(), 1u);
  const ReportTable& t = r->tables[0];
  EXPECT_EQ(t.base_users, Count("NOT is_vip"));
  EXPECT_TRUE(t.truncated);  // 6 cities, limit 4 -> (other)
  EXPECT_EQ(t.dimension_values[0].size(), 6u);  // 4 + (other) + (none)
  EXPECT_EQ(t.dimension_values[1], (std::vector<std::string>{"< 30", "30 – 44", "45 – 59", ">= 60"}));
  ASSERT_EQ(t.cells.size(), 6u * 4u);
  uint64_t total = 0;
  for (const ReportCell& c : t.cells) {
    SCOPED_TRACE(c.expr);
    EXPECT_EQ(Count(c.expr), c.users);
    total += c.users;
    // brute-force measures over the cell's users
    SegmentQueryOptions o;
    o.as_of = data_->date;
    Bitmap users = EvaluateSegment(*snap_, c.expr, o).value();
    __int128 sum = 0;
    uint64_t n = 0;
    std::optional<int64_t> min_date, max_score;
    for (uint32_t u : users.ToVector()) {
      if (auto it = data_->numbers["spend"].find(u); it != data_->numbers["spend"].end()) {
        sum += it->second;
        ++n;
      }
      if (auto it = data_->numbers["last_order"].find(u); it != data_->numbers["last_order"].end()) {
        min_date = std::min(min_date.value_or(INT64_MAX), it->second);
      }
      if (auto it = data_->numbers["score"].find(u); it != data_->numbers["score"].end()) {
        max_score = std::max(max_score.value_or(INT64_MIN), it->second);
      }
    }
    ASSERT_EQ(c.measures.size(), 5u);
    EXPECT_EQ(c.measures[0].number.value_or(-1), static_cast<double>(c.users));
    if (n == 0) {
      EXPECT_FALSE(c.measures[1].exact.has_value());
      EXPECT_FALSE(c.measures[2].number.has_value());
    } else {
      EXPECT_TRUE(*c.measures[1].exact == sum);
      EXPECT_NEAR(*c.measures[2].number, static_cast<double>(sum) / static_cast<double>(n), 1e-6);
    }
    EXPECT_EQ(c.measures[3].exact.has_value(), min_date.has_value());
    if (min_date) {
      EXPECT_TRUE(*c.measures[3].exact == *min_date);
    }
    if (max_score) {
      EXPECT_TRUE(*c.measures[4].exact == *max_score);
    }
  }
  // bool/enum rows partition the base (with "(none)"); age buckets have no null column.
  EXPECT_EQ(total, Count("NOT is_vip AND age IS NOT NULL"));
}

TEST_F(ReportRunTest, ChosenBucketsAndSeries) {
  auto r = Run(R"({"dimensions": [{"tag": "last_order"}], "series": {"from": "2026-10-29", "to": "2026-11-02", "step_days": 2}})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->tables.size(), 3u);
  EXPECT_EQ(FormatDate(r->tables[2].as_of), "2026-11-02");
  // 10-29: before the tag's first version, no rows.
  EXPECT_TRUE(r->tables[0].cells.empty());
  EXPECT_EQ(r->tables[0].base_users, snap_->universe_size());
  for (size_t i = 1; i < r->tables.size(); ++i) {
    uint64_t total = 0;
    for (const ReportCell& c : r->tables[i].cells) {
      EXPECT_EQ(Count(c.expr), c.users) << c.expr;
      total += c.users;
    }
    EXPECT_EQ(total, Count("last_order IS NOT NULL"));
  }
}

TEST_F(ReportRunTest, ADeadlineStopsTheRunBetweenCells) {
  const char* def = R"({"dimensions": [{"tag": "city", "include_null": true}, {"tag": "age", "edges": [30, 45, 60]}]})";
  testing::TickingEnv clock;
  // Enough time for the base and a few cells (one clock read each), not for
  // all 28 (7 x 4): the run stops between cells with the deadline's status.
  Deadline deadline = Deadline::After(&clock, 6);
  options_.query.deadline = &deadline;
  options_.threads = 1;
  auto r = Run(def);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(r.status().message().find("query_timeout"), std::string::npos) << r.status().message();
  EXPECT_NE(r.status().message().find("report's cells"), std::string::npos) << r.status().message();
  // It stopped at the first cell past the deadline: the clock was read for
  // the deadline, the base's two stages, three cells, the one that saw it
  // pass and the error, not for all 28 cells.
  EXPECT_EQ(clock.reads(), 1 + 2 + 3 + 1 + 1);
  // An expired deadline stops it before the base is evaluated.
  Deadline expired = Deadline::After(&clock, 0);
  options_.query.deadline = &expired;
  auto before = Run(def);
  EXPECT_EQ(before.status().code(), Status::Code::kUnavailable);
  EXPECT_NE(before.status().message().find("binding the expression"), std::string::npos) << before.status().message();
  // A generous one changes nothing.
  Deadline later = Deadline::After(&clock, 1'000'000);
  options_.query.deadline = &later;
  auto ok = Run(def);
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->tables[0].cells.size(), 28u);
}

TEST_F(ReportRunTest, CellsBeyondTheCapAreRefusedBeforeWork) {
  // 201 age buckets x 61 spend buckets > 10,000 cells.
  json ages = json::array(), spends = json::array();
  for (int i = 1; i <= 200; ++i) ages.push_back(i);
  for (int i = 1; i <= 60; ++i) spends.push_back(i);
  json def = {{"dimensions", {{{"tag", "age"}, {"edges", ages}}, {{"tag", "spend"}, {"edges", spends}}}}};
  auto parsed = ParseReportDefinition(def);
  ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
  testing::TickingEnv clock;
  Deadline never_read = Deadline::After(&clock, 1'000'000);
  options_.query.deadline = &never_read;
  auto r = RunReport(*snap_, *parsed, options_);
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(r.status().message().find("12261 cells per date x 1 date(s) = 12261 cells; at most 10000"),
            std::string::npos)
      << r.status().message();
  // Refused before the base was evaluated: the deadline's clock was never read.
  EXPECT_EQ(clock.reads(), 1);  // Deadline::After
}

TEST_F(ReportRunTest, ErrorsBeforeWork) {
  auto unknown = Run(R"({"dimensions": [{"tag": "ctiy"}]})");
  EXPECT_EQ(unknown.status().code(), Status::Code::kNotFound);
  EXPECT_NE(unknown.status().message().find("dimensions[0]"), std::string::npos);
  auto not_numeric = Run(R"({"dimensions": [{"tag": "city"}], "measures": [{"kind": "avg", "tag": "city"}]})");
  EXPECT_EQ(not_numeric.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(not_numeric.status().message().find("measures[0]"), std::string::npos);
  auto date_sum = Run(R"({"dimensions": [{"tag": "city"}], "measures": [{"kind": "sum", "tag": "last_order"}]})");
  EXPECT_EQ(date_sum.status().code(), Status::Code::kInvalidArgument);
  auto bad_base = Run(R"({"base": "city = ", "dimensions": [{"tag": "city"}]})");
  EXPECT_EQ(bad_base.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(bad_base.status().message().rfind("base:", 0), 0u);
  auto metric = Run(R"({"dimensions": [{"tag": "city"}], "measures": [{"kind": "metric", "source": "biz", "query": "SELECT 1"}]})");
  EXPECT_EQ(metric.status().code(), Status::Code::kInvalidArgument);  // no runner given
  auto bad_edges = Run(R"({"dimensions": [{"tag": "age", "edges": [40, 30]}]})");
  EXPECT_EQ(bad_edges.status().code(), Status::Code::kInvalidArgument);
  EXPECT_NE(bad_edges.status().message().find("edges[1]"), std::string::npos);
}

TEST_F(ReportRunTest, MetricMeasuresGetEachCellsUsers) {
  std::vector<uint64_t> seen;
  std::mutex mu;
  options_.metrics = [&](const ReportMeasure& m, const roaring_bitmap_t* users, Days) -> Result<json> {
    std::lock_guard lock(mu);
    seen.push_back(roaring_bitmap_get_cardinality(users));
    return json{{"columns", {"n"}}, {"rows", {{roaring_bitmap_get_cardinality(users)}}}};
  };
  auto r = Run(R"({"dimensions": [{"tag": "is_vip"}], "measures": [{"kind": "metric", "source": "biz", "query": "SELECT count(*) FROM {{segment}}"}]})");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->tables[0].cells.size(), 2u);
  for (const ReportCell& c : r->tables[0].cells) EXPECT_EQ(c.measures[0].metric["rows"][0][0], c.users);
  EXPECT_EQ(seen.size(), 2u);
}

}  // namespace
}  // namespace tagloop
