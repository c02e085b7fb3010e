// Data sources without a server: configuration checks, query templates, the
// SQLite source on real database files.
#include "source/source.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <stdlib.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "source/source_driver.h"
#include "source/sql_template.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

// Keeps every row and the size of every batch.
struct CollectingSink : RowSink {
  int columns = -1;
  std::vector<std::pair<std::string, std::optional<std::string>>> rows;
  std::vector<size_t> batches;
  std::function<Status(size_t batch)> on_batch;  // may stop the query

  Status Begin(int c) override {
    columns = c;
    return Status::Ok();
  }
  Status Rows(std::span<const SourceRow> batch) override {
    batches.push_back(batch.size());
    for (const SourceRow& r : batch) {
      rows.emplace_back(std::string(r.user_id),
                        r.value_null ? std::nullopt : std::optional<std::string>(std::string(r.value)));
    }
    return on_batch ? on_batch(batches.size()) : Status::Ok();
  }
};

// ---------------------------------------------------------------- config

SourceSpec Config(std::string kind, std::string connection) {
  SourceSpec c;
  c.name = "shop";
  c.kind = std::move(kind);
  c.connection = std::move(connection);
  return c;
}

// The kinds are keyed by name; the PostgreSQL and ODBC drivers are modules
// loaded on first use, which must be found next to the build's binaries.
TEST(SourceDriverTest, EveryKindHasADriver) {
  EXPECT_EQ(SourceKinds(), (std::vector<std::string>{"sqlite", "postgresql", "odbc"}));
  for (const std::string& kind : SourceKinds()) {
    Result<const SourceDriver*> driver = FindSourceDriver(kind);
    ASSERT_TRUE(driver.ok()) << kind << ": " << driver.status().ToString();
    EXPECT_EQ((*driver)->kind, kind);
    EXPECT_EQ((*driver)->abi, kSourceDriverAbi);
  }
  auto bad = FindSourceDriver("mysql");
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(bad.status().message(), HasSubstr("'mysql'"));
  Status spec = ValidateSourceSpec(Config("mysql", "x"));
  EXPECT_EQ(spec.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(spec.message(), HasSubstr("kind: unknown source kind 'mysql'"));
}

TEST(StatusTest, NewCodesHaveNames) {
  EXPECT_EQ(Status::DeadlineExceeded("x").ToString(), "deadline exceeded: x");
  EXPECT_EQ(Status::Cancelled("y").ToString(), "cancelled: y");
}

TEST(ValidateSourceSpecTest, AcceptsGoodConfigs) {
  EXPECT_TRUE(ValidateSourceSpec(Config("sqlite", "business.db")).ok());
  SourceSpec pg = Config("postgresql", "host=127.0.0.1 port=5432 dbname=shop user=tagloop");
  pg.password_env = "SHOP_PASSWORD";
  EXPECT_TRUE(ValidateSourceSpec(pg).ok());
  pg.connection = "host = db  application_name='tag loop' sslmode=disable";
  EXPECT_TRUE(ValidateSourceSpec(pg).ok()) << ValidateSourceSpec(pg).message();
  SourceSpec odbc =
      Config("odbc", "Driver={PostgreSQL Unicode};Server=db;Port=5432;Uid=tagloop;");
  odbc.password = "secret";
  EXPECT_TRUE(ValidateSourceSpec(odbc).ok());
}

TEST(ValidateSourceSpecTest, NamesTheBadField) {
  struct Case {
    SourceSpec config;
    std::string field;
  };
  std::vector<Case> cases;
  auto add = [&](SourceSpec c, std::string field) { cases.push_back({std::move(c), std::move(field)}); };
  SourceSpec c = Config("sqlite", "x.db");
  for (std::string name : std::vector<std::string>{"", "Shop", "1shop", "shop-db", std::string(65, 'a')}) {
    c.name = name;
    add(c, "name:");
  }
  c = Config("sqlite", "x.db");
  c.fetch_rows = 0;
  add(c, "fetch_rows:");
  c.fetch_rows = 1000001;
  add(c, "fetch_rows:");
  c = Config("sqlite", "");
  add(c, "connection:");
  c = Config("sqlite", "x.db");
  c.password = "pw";
  add(c, "password:");
  c = Config("postgresql", "host=db");
  c.password = "pw";
  c.password_env = "PW";
  add(c, "password, password_env:");
  c = Config("postgresql", "host=db");
  c.password_env = "1PW";
  add(c, "password_env:");
  add(Config("postgresql", "host=db password=hunter2"), "connection:");
  add(Config("postgresql", "host=db sslpassword=hunter2"), "connection:");
  add(Config("postgresql", "postgresql://u:hunter2@db/shop"), "connection:");
  add(Config("postgresql", "hots=db"), "connection:");
  add(Config("postgresql", "host=db dbname"), "connection:");
  add(Config("postgresql", "host='db"), "connection:");
  add(Config("odbc", "DSN=dw;PWD=hunter2"), "connection:");
  add(Config("odbc", "DSN=dw;pwd={hunter2}"), "connection:");
  add(Config("odbc", "DSN=dw;Password=hunter2"), "connection:");
  add(Config("odbc", "DSN=dw;SSLPassword=hunter2"), "connection:");
  add(Config("mysql", "host=db"), "kind:");
  add(Config("odbc", "DSN=dw;Uid={tag"), "connection:");
  add(Config("odbc", "DSN"), "connection:");
  for (const Case& k : cases) {
    Status st = ValidateSourceSpec(k.config);
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << k.config.connection;
    EXPECT_THAT(st.message(), HasSubstr(k.field)) << k.config.connection;
    EXPECT_THAT(st.message(), Not(HasSubstr("hunter2")));
    EXPECT_THAT(DescribeSource(k.config), Not(HasSubstr("hunter2")));
  }
}

TEST(DescribeSourceTest, ShowsTheConnectionWithoutSecrets) {
  SourceSpec pg = Config("postgresql", "host=127.0.0.1 port=5432 dbname=shop user=tagloop");
  pg.password = "hunter2";
  EXPECT_EQ(DescribeSource(pg), "postgresql 'shop' (host=127.0.0.1 port=5432 dbname=shop user=tagloop)");
  pg.connection = "host=db password=hunter2 application_name='a b'";
  EXPECT_EQ(DescribeSource(pg), "postgresql 'shop' (host=db application_name='a b')");
  pg.connection = "postgresql://u:hunter2@db/shop";
  EXPECT_EQ(DescribeSource(pg), "postgresql 'shop' (invalid connection)");

  SourceSpec odbc = Config("odbc", "DSN=warehouse;UID=tagloop;PWD={hunter2}");
  odbc.password = "hunter2";
  EXPECT_EQ(DescribeSource(odbc), "odbc 'shop' (DSN=warehouse;UID=tagloop)");
  EXPECT_EQ(DescribeSource(Config("sqlite", "business.db")), "sqlite 'shop' (business.db)");
}

TEST(RedactSecretTest, HidesEveryOccurrence) {
  EXPECT_EQ(RedactSecret("pw=hunter2, again hunter2!", "hunter2"), "pw=***, again ***!");
  EXPECT_EQ(RedactSecret("nothing here", ""), "nothing here");
  EXPECT_EQ(RedactSecret("aaaa", "aa"), "******");
}

TEST(ResolvePasswordTest, FromTheConfigOrTheEnvironment) {
  SourceSpec c = Config("postgresql", "host=db");
  EXPECT_EQ(ResolvePassword(c).value(), "");
  c.password = "direct";
  EXPECT_EQ(ResolvePassword(c).value(), "direct");
  c.password.clear();
  c.password_env = "TAGLOOP_TEST_SOURCE_PW";
  unsetenv("TAGLOOP_TEST_SOURCE_PW");
  auto missing = ResolvePassword(c);
  EXPECT_EQ(missing.status().code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(missing.status().message(), HasSubstr("TAGLOOP_TEST_SOURCE_PW"));
  setenv("TAGLOOP_TEST_SOURCE_PW", "from-env", 1);
  EXPECT_EQ(ResolvePassword(c).value(), "from-env");
  unsetenv("TAGLOOP_TEST_SOURCE_PW");
}

TEST(OpenSourceTest, RefusesAnInvalidConfig) {
  auto s = OpenSource(Config("postgresql", "host=db password=hunter2"), "/tmp");
  ASSERT_FALSE(s.ok());
  EXPECT_EQ(s.status().code(), Status::Code::kInvalidArgument);
}

// ------------------------------------------------------------- templates

Days Date(const char* text) { return ParseDate(text).value(); }

std::string Expand(std::string_view sql, const char* date = "2026-11-23") {
  auto r = ExpandSqlTemplate(sql, Date(date));
  return r.ok() ? *r : "ERROR " + r.status().message();
}

TEST(ExpandSqlTemplateTest, Parameters) {
  EXPECT_EQ(Expand("SELECT id FROM t WHERE d = '{{biz_date}}'"), "SELECT id FROM t WHERE d = '2026-11-23'");
  EXPECT_EQ(Expand("FROM orders_{{biz_date_nodash}}"), "FROM orders_20261123");
  EXPECT_EQ(Expand("m = '{{biz_month}}'"), "m = '2026-11'");
  EXPECT_EQ(Expand("{{biz_date-1}} {{biz_date+8}} {{ biz_date - 30 }}"), "2026-11-22 2026-12-01 2026-10-24");
  EXPECT_EQ(Expand("{{biz_date_nodash-23}}"), "20261031");
  EXPECT_EQ(Expand("{{biz_month-11}} {{biz_month+2}} {{biz_month - 0}}"), "2025-12 2027-01 2026-11");
  EXPECT_EQ(Expand("{{biz_date+1}}", "2024-02-28"), "2024-02-29");
  EXPECT_EQ(Expand("{{biz_date-365}}", "2025-03-01"), "2024-03-01");
  EXPECT_EQ(Expand("{{biz_month-1}}", "2026-01-31"), "2025-12");
  EXPECT_EQ(Expand("no parameters"), "no parameters");
  EXPECT_EQ(Expand("{{biz_date}}{{biz_date}}"), "2026-11-232026-11-23");
}

TEST(ExpandSqlTemplateTest, LeavesArrayLiteralsAlone) {
  EXPECT_EQ(Expand("SELECT '{{1,2},{3,4}}'::int[], '{{ }}', '{{'"),
            "SELECT '{{1,2},{3,4}}'::int[], '{{ }}', '{{'");
}

TEST(ExpandTableTemplateTest, SplitsAtTheNamedTable) {
  auto pieces = ExpandTableTemplate("SELECT 1 FROM {{ audience }} a JOIN t ON d = '{{biz_date}}' JOIN {{audience}} b",
                                    "audience", Date("2026-11-23"));
  ASSERT_TRUE(pieces.ok()) << pieces.status().ToString();
  EXPECT_EQ(*pieces, (std::vector<std::string>{"SELECT 1 FROM ", " a JOIN t ON d = '2026-11-23' JOIN ", " b"}));
  // Another name is an unknown parameter, at its position in the whole text.
  auto other = ExpandTableTemplate("SELECT 1 FROM {{segment}} s", "audience", Date("2026-11-23"));
  EXPECT_EQ(other.status().code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(other.status().message(), HasSubstr("position 14"));
  auto none = ExpandTableTemplate("SELECT '{{biz_month}}'", "audience", Date("2026-11-23"));
  ASSERT_TRUE(none.ok());
  EXPECT_EQ(*none, (std::vector<std::string>{"SELECT '2026-11'"}));
}

TEST(ExpandSqlTemplateTest, ErrorsGiveThePosition) {
  struct Case {
    const char* sql;
    size_t position;
    const char* message;
  };
  for (const Case& c :
       {Case{"SELECT '{{biz_day}}'", 8, "unknown parameter 'biz_day'"},
        Case{"x {{biz_date", 2, "expected '}}'"}, Case{"x {{biz_date - }}", 2, "needs a number"},
        Case{"x {{biz_date * 2}}", 2, "expected '}}'"},
        Case{"{{biz_date}} {{biz_date+123456}}", 13, "shift too large"},
        Case{"{{biz_month+99999}}", 0, "outside years"}}) {
    auto r = ExpandSqlTemplate(c.sql, Date("2026-11-23"));
    ASSERT_FALSE(r.ok()) << c.sql;
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_EQ(r.status().position(), c.position) << c.sql;
    EXPECT_THAT(r.status().message(), HasSubstr(c.message)) << c.sql;
    EXPECT_THAT(r.status().message(), HasSubstr("position " + std::to_string(c.position)));
  }
  EXPECT_EQ(Expand("{{biz_date+2}}", "9999-12-30"),
            "ERROR query template: shifted date outside years 1..9999 at position 0");
  EXPECT_EQ(Expand("{{biz_date-1}}", "0001-01-02"), "0001-01-01");
}

// ------------------------------------------------------ statement splitting

TEST(FindSecondStatementTest, OneStatement) {
  for (const char* sql :
       {"SELECT 1", "SELECT 1;", "SELECT 1 ;  -- done\n ; /* c */", "SELECT ';' || 'it''s;'",
        "SELECT E'\\';'", "SELECT \"a;\"\"b\" FROM t", "SELECT $$;$$, $q$ $$ ; $q$",
        "SELECT /* a /* nested ; */ ; */ 1", "SELECT $1, a$b FROM t -- ;x", ""}) {
    EXPECT_EQ(FindSecondStatement(sql), std::string_view::npos) << sql;
  }
  size_t end = 0;
  EXPECT_EQ(FindSecondStatement("SELECT 1; -- x", &end), std::string_view::npos);
  EXPECT_EQ(end, 8u);
  FindSecondStatement("SELECT 1 -- x", &end);
  EXPECT_EQ(end, 13u);
}

TEST(FindSecondStatementTest, TwoStatements) {
  EXPECT_EQ(FindSecondStatement("SELECT 1; DELETE FROM t"), 10u);
  EXPECT_EQ(FindSecondStatement("SELECT ';';;x"), 12u);
  // A plain string ends at its quote whatever precedes it (standard strings).
  EXPECT_EQ(FindSecondStatement("SELECT 'a\\'; SET x TO y"), 13u);
  EXPECT_EQ(FindSecondStatement("SELECT 1 /* c */; /* d */ SET x = 1"), 26u);
  EXPECT_EQ(FindSecondStatement("SELECT $$a$$; SELECT 2"), 14u);
}

// ---------------------------------------------------------------- SQLite

class SqliteSourceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    Exec(
        "CREATE TABLE users(id TEXT, city TEXT, age INTEGER, score REAL, vip BOOLEAN);"
        "INSERT INTO users VALUES ('u1', 'Paris', 31, 1.5, 1), ('u2', NULL, 40, -2.25, 0),"
        "  ('Zoë 中文', 'Tab\there', NULL, 10.0, NULL);"
        "CREATE TABLE big(id TEXT);"
        "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 25000)"
        "  INSERT INTO big SELECT 'user' || i FROM n;");
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
  std::unique_ptr<Source> Open(int fetch_rows = 10000, std::string file = "business.db") {
    SourceSpec c = Config("sqlite", std::move(file));
    c.name = "biz";
    c.fetch_rows = fetch_rows;
    auto s = OpenSource(c, dir_.path());
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    return std::move(s).value();
  }

  testing::TempDir dir_;
};

TEST_F(SqliteSourceTest, TwoColumnsAsText) {
  auto source = Open();
  CollectingSink sink;
  ASSERT_TRUE(source->Query("SELECT id, city FROM users ORDER BY rowid", sink, {}).ok());
  EXPECT_EQ(sink.columns, 2);
  ASSERT_EQ(sink.rows.size(), 3u);
  EXPECT_EQ(sink.rows[0], (std::pair<std::string, std::optional<std::string>>{"u1", "Paris"}));
  EXPECT_EQ(sink.rows[1].second, std::nullopt);
  EXPECT_EQ(sink.rows[2].first, "Zoë 中文");
  EXPECT_EQ(sink.rows[2].second, "Tab\there");

  CollectingSink numbers;
  ASSERT_TRUE(source->Query("SELECT id, age FROM users ORDER BY rowid", numbers, {}).ok());
  EXPECT_EQ(numbers.rows[0].second, "31");
  EXPECT_EQ(numbers.rows[2].second, std::nullopt);
  CollectingSink reals;
  ASSERT_TRUE(source->Query("SELECT id, score FROM users ORDER BY rowid", reals, {}).ok());
  EXPECT_EQ(reals.rows[0].second, "1.5");
  EXPECT_EQ(reals.rows[1].second, "-2.25");
  EXPECT_EQ(reals.rows[2].second, "10.0");
}

TEST_F(SqliteSourceTest, BooleanColumnsBecomeTrueFalse) {
  auto source = Open();
  CollectingSink sink;
  ASSERT_TRUE(source->Query("SELECT id, vip FROM users ORDER BY rowid", sink, {}).ok());
  EXPECT_EQ(sink.rows[0].second, "true");
  EXPECT_EQ(sink.rows[1].second, "false");
  EXPECT_EQ(sink.rows[2].second, std::nullopt);
}

TEST_F(SqliteSourceTest, OneColumnQuery) {
  auto source = Open();
  CollectingSink sink;
  ASSERT_TRUE(source->Query("SELECT id FROM users WHERE age > 35;", sink, {}).ok());
  EXPECT_EQ(sink.columns, 1);
  ASSERT_EQ(sink.rows.size(), 1u);
  EXPECT_EQ(sink.rows[0].first, "u2");
}

TEST_F(SqliteSourceTest, WrongColumnCount) {
  auto source = Open();
  CollectingSink sink;
  Status st = source->Query("SELECT id, city, age FROM users", sink, {});
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(st.message(),
              HasSubstr("a tag query returns (user_id, value) or user_id alone; this one returns 3 columns"));
  EXPECT_THAT(st.message(), HasSubstr("source 'biz'"));
  EXPECT_EQ(sink.columns, -1);  // Begin never called
}

TEST_F(SqliteSourceTest, NullUserIdNamesTheRow) {
  auto source = Open();
  CollectingSink sink;
  Status st = source->Query("SELECT city, id FROM users ORDER BY rowid", sink, {});
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("row 2: the user id (column 1) is NULL"));
}

TEST_F(SqliteSourceTest, QueryErrorsPassSqlitesMessageOn) {
  auto source = Open();
  CollectingSink sink;
  Status st = source->Query("SELECT id FROM no_such_table", sink, {});
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("no such table: no_such_table"));
  st = source->Query("SELECT id FROM users; SELECT id FROM users", sink, {});
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_THAT(st.message(), HasSubstr("one statement"));
  st = source->Query("  -- nothing\n", sink, {});
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_TRUE(source->Query("SELECT id FROM users; -- done\n ;", sink, {}).ok());
}

TEST_F(SqliteSourceTest, NeverWrites) {
  auto source = Open();
  CollectingSink sink;
  for (const char* sql : {"DELETE FROM users RETURNING id", "CREATE TABLE x(id TEXT)",
                          "ATTACH 'other.db' AS o", "PRAGMA user_version = 7"}) {
    Status st = source->Query(sql, sink, {});
    EXPECT_FALSE(st.ok()) << sql;
    EXPECT_EQ(st.code(), Status::Code::kInvalidArgument) << sql;
  }
  CollectingSink count;
  ASSERT_TRUE(source->Query("SELECT count(*) FROM users", count, {}).ok());
  EXPECT_EQ(count.rows[0].first, "3");
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("other.db")));
}

TEST_F(SqliteSourceTest, StreamsInBoundedBatches) {
  auto source = Open(/*fetch_rows=*/1000);
  CollectingSink sink;
  ASSERT_TRUE(source->Query("SELECT id FROM big", sink, {}).ok());
  EXPECT_EQ(sink.rows.size(), 25000u);
  EXPECT_EQ(sink.batches.size(), 25u);
  for (size_t b : sink.batches) EXPECT_LE(b, 1000u);
  EXPECT_EQ(sink.rows.back().first, "user25000");
}

TEST_F(SqliteSourceTest, SinkErrorStopsTheQuery) {
  auto source = Open(/*fetch_rows=*/1000);
  CollectingSink sink;
  sink.on_batch = [](size_t n) { return n == 2 ? Status::ResourceExhausted("enough") : Status::Ok(); };
  Status st = source->Query("SELECT id FROM big", sink, {});
  EXPECT_EQ(st.code(), Status::Code::kResourceExhausted);
  EXPECT_EQ(st.message(), "enough");
  EXPECT_EQ(sink.batches.size(), 2u);
}

constexpr const char* kEndless =
    "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n) "
    "SELECT 'u' FROM n WHERE i < 0";

TEST_F(SqliteSourceTest, CancelStopsARunningQuery) {
  auto source = Open();
  std::atomic<bool> cancel{false};
  std::thread canceller([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    cancel = true;
  });
  CollectingSink sink;
  auto start = std::chrono::steady_clock::now();
  Status st = source->Query(kEndless, sink, RunControl{&cancel, std::nullopt});
  auto took = std::chrono::steady_clock::now() - start;
  canceller.join();
  EXPECT_EQ(st.code(), Status::Code::kCancelled) << st.ToString();
  EXPECT_LT(took, std::chrono::seconds(1));
  // The source still works.
  CollectingSink again;
  EXPECT_TRUE(source->Query("SELECT id FROM users", again, {}).ok());
}

TEST_F(SqliteSourceTest, DeadlineStopsARunningQuery) {
  auto source = Open();
  CollectingSink sink;
  auto start = std::chrono::steady_clock::now();
  Status st = source->Query(kEndless, sink, RunControl{nullptr, start + std::chrono::milliseconds(200)});
  auto took = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(st.code(), Status::Code::kDeadlineExceeded) << st.ToString();
  EXPECT_GE(took, std::chrono::milliseconds(190));
  EXPECT_LT(took, std::chrono::seconds(1));
}

TEST_F(SqliteSourceTest, MissingOrBrokenFiles) {
  auto missing = Open(10000, "nope.db");
  Status st = missing->Ping();
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition);
  EXPECT_THAT(st.message(), HasSubstr("nope.db"));
  EXPECT_FALSE(std::filesystem::exists(dir_.Sub("nope.db")));  // never created

  { std::ofstream(dir_.Sub("junk.db")) << std::string(4096, 'x'); }
  auto junk = Open(10000, "junk.db");
  st = junk->Ping();
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition) << st.ToString();
  CollectingSink sink;
  st = junk->Query("SELECT id FROM users", sink, {});
  EXPECT_EQ(st.code(), Status::Code::kFailedPrecondition) << st.ToString();

  EXPECT_TRUE(Open()->Ping().ok());
  EXPECT_TRUE(Open(10000, path())->Ping().ok());  // absolute paths too
}

}  // namespace
}  // namespace tagloop
