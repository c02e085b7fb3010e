// Business metrics of a segment (insight/segment_metrics.h) against SQLite,
// and against a real PostgreSQL 15 server through libpq and through ODBC
// (psqlodbc), started for the test process (testing/postgres_server.h; the
// PostgreSQL tests fail, never skip, without it). Every figure is checked
// against the same computation done here.
#include <fmt/format.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>

#include "insight/segment_metrics.h"
#include "testing/postgres_server.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using testing::SharedPostgres;

// Whether `text` holds `part` (both in the failure message).
::testing::AssertionResult HasText(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not contain '" << part << "'";
}

constexpr const char* kOdbcDriver = "/usr/lib/x86_64-linux-gnu/odbc/psqlodbcw.so";
constexpr const char* kReaderPassword = "Metr1cs;&}{ 'pw'";
constexpr int kMembers = 200'000;  // m0 .. m199999; member i has i % 4 orders
const Days kBizDate = *ParseDate("2026-11-23");

// The order table both databases hold: order j of member i.
int64_t AmountCents(int64_t i, int64_t j) { return (i * 7 + j * 13) % 1000; }
int64_t DaysBefore(int64_t i, int64_t j) { return (i + j * 17) % 60; }

struct Expected {
  int64_t orders = 0, revenue = 0, buyers = 0;
};
// Orders paid in the 30 days up to the business date by members with an even number.
Expected ExpectedFor(int members) {
  Expected e;
  for (int64_t i = 0; i < members; i += 2) {
    bool bought = false;
    for (int64_t j = 0; j < i % 4; ++j) {
      if (DaysBefore(i, j) > 30) continue;
      ++e.orders;
      e.revenue += AmountCents(i, j);
      bought = true;
    }
    e.buyers += bought;
  }
  return e;
}

std::vector<std::string> EvenMembers(int members) {
  std::vector<std::string> ids;
  for (int i = 0; i < members; i += 2) ids.push_back("m" + std::to_string(i));
  return ids;
}
std::vector<std::string_view> Views(const std::vector<std::string>& ids) {
  return std::vector<std::string_view>(ids.begin(), ids.end());
}

constexpr const char* kMetricQuery =
    "SELECT count(*) AS orders, sum(o.amount_cents) AS revenue, count(DISTINCT o.member_id) AS buyers\n"
    "FROM orders o JOIN {{segment}} s ON s.user_id = o.member_id\n"
    "WHERE o.paid_at >= '{{biz_date-30}}'";

int64_t Number(const TableCell& c) {
  EXPECT_EQ(c.kind, TableCell::Kind::kNumber) << c.text;
  return std::stoll(c.text);
}

void ExpectMetric(const MetricTable& t, const Expected& e) {
  EXPECT_EQ(t.columns, (std::vector<std::string>{"orders", "revenue", "buyers"}));
  ASSERT_EQ(t.rows.size(), 1u);
  EXPECT_EQ(Number(t.rows[0][0]), e.orders);
  EXPECT_EQ(Number(t.rows[0][1]), e.revenue);
  EXPECT_EQ(Number(t.rows[0][2]), e.buyers);
  EXPECT_FALSE(t.truncated);
}

// ------------------------------------------------------------- templates

TEST(SegmentMetricTemplateTest, SplitsAtTheSegmentAndExpandsDates) {
  auto pieces = ExpandMetricTemplate("SELECT 1 FROM {{segment}} s, {{ segment }} t WHERE d = '{{biz_date-1}}'",
                                     kBizDate);
  ASSERT_TRUE(pieces.ok()) << pieces.status().ToString();
  EXPECT_EQ(*pieces, (std::vector<std::string>{"SELECT 1 FROM ", " s, ", " t WHERE d = '2026-11-22'"}));
}

TEST(SegmentMetricTemplateTest, ErrorsNameTheProblemAndPosition) {
  auto none = ExpandMetricTemplate("SELECT count(*) FROM orders", kBizDate);
  EXPECT_EQ(none.status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(HasText(none.status().message(), "{{segment}}"));
  auto bad = ExpandMetricTemplate("SELECT 1 FROM {{segment}} s WHERE d = '{{biz_dat}}'", kBizDate);
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(HasText(bad.status().message(), "unknown parameter 'biz_dat'"));
  EXPECT_EQ(bad.status().position(), 39u);  // in the whole template
}

// ----------------------------------------------------------------- SQLite

class SqliteMetricTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Exec(fmt::format(
        "CREATE TABLE orders(member_id TEXT, amount_cents INTEGER, paid_at TEXT, paid BOOLEAN);"
        "WITH RECURSIVE m(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM m WHERE i < {} - 1),"
        "  j(j) AS (VALUES (0), (1), (2))"
        "INSERT INTO orders SELECT 'm' || i, (i * 7 + j * 13) % 1000,"
        "  date('2026-11-23', '-' || ((i + j * 17) % 60) || ' days'), 1 FROM m, j WHERE j < i % 4;"
        "CREATE TABLE members(id TEXT, city TEXT);"
        "INSERT INTO members VALUES ('m0', '上海'), ('m2', NULL), ('m4', 'a,b\"c');",
        kMembers));
  }
  void Exec(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path().c_str(), &db), SQLITE_OK);
    char* err = nullptr;
    int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    std::string msg = err ? err : "";
    sqlite3_free(err);
    sqlite3_close(db);
    ASSERT_EQ(rc, SQLITE_OK) << msg;
  }
  std::string path() const { return dir_.Sub("business.db"); }
  std::unique_ptr<Source> Open() {
    SourceSpec c;
    c.name = "biz";
    c.kind = "sqlite";
    c.connection = "business.db";
    auto s = OpenSource(c, dir_.path());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(s).value();
  }
  testing::TempDir dir_;
};

TEST_F(SqliteMetricTest, HundredThousandIdsGiveTheDirectFigures) {
  auto source = Open();
  std::vector<std::string> ids = EvenMembers(kMembers);
  ASSERT_EQ(ids.size(), 100'000u);
  auto t = RunSegmentMetric(*source, Views(ids), kMetricQuery, kBizDate, {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ExpectMetric(*t, ExpectedFor(kMembers));
  EXPECT_EQ(t->users, 100'000u);
  EXPECT_EQ(t->pushed_as, "temp_table");
  // Again on the same connection: the temporary table was dropped and refilled.
  std::vector<std::string> few = {"m0", "m4", "m6"};
  t = RunSegmentMetric(*source, Views(few), "SELECT count(*) AS n FROM {{segment}}", kBizDate, {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows[0][0].text, "3");
}

TEST_F(SqliteMetricTest, CellsKeepTheirTypesAndRowsAreBounded) {
  auto source = Open();
  std::vector<std::string> ids = {"m0", "m2", "m4", "nobody"};
  auto t = RunSegmentMetric(*source, Views(ids),
                            "SELECT s.user_id, m.city, 1.5 AS x, (SELECT paid FROM orders LIMIT 1) AS p "
                            "FROM {{segment}} s LEFT JOIN members m ON m.id = s.user_id ORDER BY s.user_id",
                            kBizDate, {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->rows.size(), 4u);
  EXPECT_EQ(t->rows[0][0], (TableCell{TableCell::Kind::kText, "m0"}));
  EXPECT_EQ(t->rows[0][1], (TableCell{TableCell::Kind::kText, "上海"}));
  EXPECT_EQ(t->rows[1][1].kind, TableCell::Kind::kNull);
  EXPECT_EQ(t->rows[2][1].text, "a,b\"c");
  EXPECT_EQ(t->rows[0][2], (TableCell{TableCell::Kind::kNumber, "1.5"}));
  EXPECT_EQ(t->rows[3][0].text, "nobody");

  MetricOptions two;
  two.max_rows = 2;
  t = RunSegmentMetric(*source, Views(ids), "SELECT user_id FROM {{segment}}", kBizDate, {}, two);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows.size(), 2u);
  EXPECT_TRUE(t->truncated);
}

TEST_F(SqliteMetricTest, OnlyOneReadingStatement) {
  auto source = Open();
  std::vector<std::string> ids = {"m1"};
  auto del = RunSegmentMetric(*source, Views(ids),
                              "DELETE FROM orders WHERE member_id IN (SELECT user_id FROM {{segment}})", kBizDate, {});
  EXPECT_EQ(del.status().code(), Status::Code::kInvalidArgument);
  auto two = RunSegmentMetric(*source, Views(ids), "SELECT 1 FROM {{segment}}; DELETE FROM orders", kBizDate, {});
  EXPECT_EQ(two.status().code(), Status::Code::kInvalidArgument);
  auto ok = RunSegmentMetric(*source, Views(ids), "SELECT count(*) FROM orders o JOIN {{segment}} s ON s.user_id = o.member_id",
                             kBizDate, {});
  ASSERT_TRUE(ok.ok()) << ok.status().ToString();
  EXPECT_EQ(ok->rows[0][0].text, "1");  // m1 has one order: nothing was deleted
}

TEST_F(SqliteMetricTest, TooManyIdsAndCancelledRuns) {
  auto source = Open();
  std::vector<std::string> ids = EvenMembers(kMembers);
  MetricOptions small;
  small.max_ids = 10;
  EXPECT_EQ(RunSegmentMetric(*source, Views(ids), kMetricQuery, kBizDate, {}, small).status().code(),
            Status::Code::kInvalidArgument);
  std::atomic<bool> cancel{true};
  RunControl control;
  control.cancel = &cancel;
  EXPECT_EQ(RunSegmentMetric(*source, Views(ids), kMetricQuery, kBizDate, control).status().code(),
            Status::Code::kCancelled);
  // The connection is usable afterwards.
  auto t = RunSegmentMetric(*source, Views(ids), kMetricQuery, kBizDate, {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ExpectMetric(*t, ExpectedFor(kMembers));
}

// ------------------------------------------------------------- PostgreSQL

class PostgresMetricTest : public ::testing::TestWithParam<std::string> {
 protected:
  void SetUp() override {
    auto& pg = SharedPostgres();
    ASSERT_TRUE(pg.ok()) << "the test PostgreSQL server is required: " << pg.error();
    static bool loaded = false;
    if (!loaded) {
      ASSERT_EQ(pg.Exec(fmt::format(R"sql(
        CREATE TABLE orders AS
          SELECT 'm' || i AS member_id, (i * 7 + j * 13) % 1000 AS amount_cents,
                 DATE '2026-11-23' - (i + j * 17) % 60 AS paid_at, true AS paid
          FROM generate_series(0, {} - 1) i, generate_series(0, 2) j WHERE j < i % 4;
        CREATE ROLE reader LOGIN PASSWORD 'Metr1cs;&}}{{ ''pw''' IN ROLE password_login;
        GRANT SELECT ON orders TO reader;
      )sql",
                                    kMembers)),
                "");
      loaded = true;
    }
  }
  SourceSpec Config(const std::string& user = "postgres") const {
    SourceSpec c;
    c.name = "shop";
    c.kind = GetParam();
    const auto& pg = SharedPostgres();
    c.connection = c.kind == "postgresql"
                       ? pg.conninfo(user)
                       : fmt::format("Driver={};Server=127.0.0.1;Port={};Database=postgres;Uid={}", kOdbcDriver,
                                     pg.port(), user);
    return c;
  }
  std::unique_ptr<Source> Open(const SourceSpec& c) {
    auto s = OpenSource(c, "/nonexistent");
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(s).value();
  }
};

INSTANTIATE_TEST_SUITE_P(Kinds, PostgresMetricTest, ::testing::Values("postgresql", "odbc"),
                         [](const auto& info) { return info.param; });

TEST_P(PostgresMetricTest, HundredThousandIdsGiveTheDirectFigures) {
  SourceSpec c = Config("reader");
  c.password = kReaderPassword;
  auto source = Open(c);
  std::vector<std::string> ids = EvenMembers(kMembers);
  auto start = std::chrono::steady_clock::now();
  auto t = RunSegmentMetric(*source, Views(ids), kMetricQuery, kBizDate, {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ExpectMetric(*t, ExpectedFor(kMembers));
  EXPECT_EQ(t->users, 100'000u);
  EXPECT_EQ(t->pushed_as, GetParam() == "postgresql" ? "temp_table" : "values");
  std::printf("%s: 100k ids pushed and the metric computed in %.0f ms\n", GetParam().c_str(),
              std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start).count());
  // The same connection again, and nothing of the ids is left behind.
  std::vector<std::string> few = {"m0", "m1", "m1"};
  t = RunSegmentMetric(*source, Views(few),
                       "SELECT s.user_id, count(o.member_id) AS n, bool_and(o.paid) AS paid, 2.50::numeric AS x "
                       "FROM {{segment}} s LEFT JOIN orders o ON o.member_id = s.user_id GROUP BY 1 ORDER BY 1",
                       kBizDate, {});
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  ASSERT_EQ(t->rows.size(), 2u);
  EXPECT_EQ(t->rows[0][0], (TableCell{TableCell::Kind::kText, "m0"}));
  EXPECT_EQ(t->rows[0][1], (TableCell{TableCell::Kind::kNumber, "0"}));
  EXPECT_EQ(t->rows[0][2].kind, TableCell::Kind::kNull);
  EXPECT_EQ(t->rows[1][1], (TableCell{TableCell::Kind::kNumber, "2"}));  // m1 pushed twice: one order, two rows
  EXPECT_EQ(t->rows[1][2], (TableCell{TableCell::Kind::kBool, "true"}));
  EXPECT_EQ(t->rows[1][3], (TableCell{TableCell::Kind::kNumber, "2.50"}));
  // No session holds the temporary table any more.
  EXPECT_EQ(SharedPostgres().Exec("DO $$ BEGIN IF EXISTS (SELECT 1 FROM pg_class WHERE relname = 'tagloop_segment') "
                                  "THEN RAISE EXCEPTION 'tagloop_segment left behind'; END IF; END $$"),
            "");
}

TEST_P(PostgresMetricTest, TheQueryCannotWrite) {
  auto source = Open(Config());  // even as the superuser
  std::vector<std::string> ids = {"m1", "m5"};
  const char* writes[] = {
      "WITH d AS (DELETE FROM orders WHERE member_id IN (SELECT user_id FROM {{segment}} s) RETURNING 1) "
      "SELECT count(*) FROM d",
      "DELETE FROM orders o USING {{segment}} s WHERE s.user_id = o.member_id",
      "SELECT count(*) FROM {{segment}} s; DELETE FROM orders",
      "SELECT count(*) FROM {{segment}} s; COMMIT; DELETE FROM orders",
  };
  for (const char* sql : writes) {
    auto r = RunSegmentMetric(*source, Views(ids), sql, kBizDate, {});
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument) << sql << ": " << r.status().ToString();
  }
  auto n = RunSegmentMetric(*source, Views(ids), "SELECT count(*) FROM orders o JOIN {{segment}} s ON s.user_id = o.member_id",
                            kBizDate, {});
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->rows[0][0].text, "2");  // m1 and m5 have one order each: nothing was deleted
}

TEST_P(PostgresMetricTest, ErrorsNeverShowThePassword) {
  SourceSpec c = Config("reader");
  c.password = "wrong-" + std::string(kReaderPassword);
  std::vector<std::string> ids = {"m1"};
  auto r = RunSegmentMetric(*Open(c), Views(ids), kMetricQuery, kBizDate, {});
  EXPECT_EQ(r.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_FALSE(HasText(r.status().ToString(), "Metr1cs"));
  c.password = kReaderPassword;
  auto source = Open(c);
  // A query echoing the password back in an error is scrubbed too.
  r = RunSegmentMetric(*source, Views(ids), std::string("SELECT * FROM {{segment}} s, \"") + "Metr1cs;&}{ 'pw'" + "\"",
                       kBizDate, {});
  EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
  EXPECT_FALSE(HasText(r.status().ToString(), "Metr1cs;&}{ 'pw'"));
  // The connection still works after the failed transaction.
  r = RunSegmentMetric(*source, Views(ids), kMetricQuery, kBizDate, {});
  EXPECT_TRUE(r.ok()) << r.status().ToString();
}

TEST_P(PostgresMetricTest, DeadlineAndCancel) {
  auto source = Open(Config());
  std::vector<std::string> ids = {"m1"};
  RunControl late;
  late.deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(200);
  auto start = std::chrono::steady_clock::now();
  auto r = RunSegmentMetric(*source, Views(ids), "SELECT pg_sleep(30) FROM {{segment}} s", kBizDate, late);
  EXPECT_TRUE(r.status().code() == Status::Code::kDeadlineExceeded || r.status().code() == Status::Code::kCancelled)
      << r.status().ToString();
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(10));
  r = RunSegmentMetric(*source, Views(ids), "SELECT count(*) FROM {{segment}} s", kBizDate, {});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows[0][0].text, "1");
}

}  // namespace
}  // namespace tagloop
