// The wide CSV import through its library API: every type, NULLs, versions,
// replacement, and every error class with its exact location and no change
// to the store.
#include "import/wide_csv_import.h"

#include <gtest/gtest.h>

#include <ctime>
#include <string>
#include <vector>

#include "import/column_types.h"
#include "import/import_testing.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using testing::Fingerprint;

Days D(const char* text) { return *ParseDate(text); }

class WideCsvImportTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions o;
    o.create_if_missing = true;
    auto s = TagStore::Open(tmp_.Sub("data"), o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    store_ = std::move(*s);
  }

  Result<ImportSummary> Import(std::string_view csv, const std::string& types, const char* version,
                               size_t chunk_bytes = size_t{8} << 20, const std::string& id = "member_id") {
    ImportOptions o;
    o.source_name = "users.csv";
    o.id_column = id;
    auto t = ParseColumnTypes(types);
    if (!t.ok()) return t.status();
    o.column_types = *t;
    if (version) o.version = D(version);
    o.chunk_bytes = chunk_bytes;
    return ImportWideCsv(*store_, csv, o);
  }

  // The values of one user's tag as of a date ("" when none; set values joined by '|').
  std::string ValueOf(const std::string& tag, const std::string& user, const char* as_of = "2026-12-31") {
    auto snap = store_->snapshot();
    auto dict = snap->dictionary();
    EXPECT_TRUE(dict.ok());
    auto id = (*dict)->Find(user);
    if (!id) return "<no user>";
    auto v = snap->VersionAsOf(tag, D(as_of));
    EXPECT_TRUE(v.ok()) << v.status().ToString();
    if (!v.ok() || !*v) return "<no version>";
    std::string out;
    for (const std::string& s : (*v)->ValuesOf(*id)) out += (out.empty() ? "" : "|") + s;
    return out;
  }

  // Asserts that an import fails with exactly `error` and changes nothing.
  void ExpectRejected(std::string_view csv, const std::string& types, const std::string& error,
                      const std::string& id = "member_id") {
    const std::string before = Fingerprint(*store_->snapshot(), true);
    for (size_t chunk : {size_t{8} << 20, size_t{1}, size_t{7}}) {
      auto r = Import(csv, types, "2026-10-01", chunk, id);
      ASSERT_FALSE(r.ok()) << csv;
      EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
      EXPECT_EQ(r.status().message(), error) << "chunk_bytes " << chunk;
      ASSERT_TRUE(store_->Refresh().ok());
      EXPECT_EQ(Fingerprint(*store_->snapshot(), true), before);
    }
  }

  tagloop::testing::TempDir tmp_;
  std::unique_ptr<TagStore> store_;
};

constexpr const char* kSample =
    "member_id,is_vip,city,interests,age,spend,last_order\n"
    "m1,true,上海,suv|mpv,30,12.50,2026-10-01\n"
    "m2,FALSE,北京,suv,45,,2026-09-01\n"
    "m3,1,\"上海\",,-22,1000,\n"
    "m4,,\"Rio, \"\"RJ\"\"\",road_trip,,0.9,2026-10-20\r\n"
    "m5,0,,camping|suv|camping,0,-0.25,1999-12-31";
constexpr const char* kSampleTypes = "is_vip:bool,interests:set,age:int,spend:decimal:2,last_order:date";

TEST_F(WideCsvImportTest, ImportsEveryTypeAndNulls) {
  auto r = Import(kSample, kSampleTypes, "2026-10-01");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 5u);
  EXPECT_EQ(r->tags, 6u);
  EXPECT_EQ(r->new_users, 5u);
  EXPECT_EQ(r->version, D("2026-10-01"));
  EXPECT_EQ(r->phases.size(), 5u);

  auto snap = store_->snapshot();
  EXPECT_EQ(snap->universe_size(), 5u);
  EXPECT_EQ(snap->FindTag("is_vip")->type.ToString(), "bool");
  EXPECT_EQ(snap->FindTag("city")->type.ToString(), "enum");
  EXPECT_EQ(snap->FindTag("interests")->type.ToString(), "set");
  EXPECT_EQ(snap->FindTag("spend")->type.ToString(), "decimal:2");
  EXPECT_EQ(snap->FindTag("member_id"), nullptr);  // the id column is not a tag

  EXPECT_EQ(ValueOf("is_vip", "m1"), "true");
  EXPECT_EQ(ValueOf("is_vip", "m2"), "false");
  EXPECT_EQ(ValueOf("is_vip", "m3"), "true");
  EXPECT_EQ(ValueOf("is_vip", "m4"), "");
  EXPECT_EQ(ValueOf("is_vip", "m5"), "false");
  EXPECT_EQ(ValueOf("city", "m3"), "上海");
  EXPECT_EQ(ValueOf("city", "m4"), "Rio, \"RJ\"");
  EXPECT_EQ(ValueOf("city", "m5"), "");
  EXPECT_EQ(ValueOf("interests", "m1"), "mpv|suv");
  EXPECT_EQ(ValueOf("interests", "m3"), "");
  EXPECT_EQ(ValueOf("interests", "m5"), "camping|suv");
  EXPECT_EQ(ValueOf("age", "m3"), "-22");
  EXPECT_EQ(ValueOf("age", "m4"), "");
  EXPECT_EQ(ValueOf("age", "m5"), "0");
  EXPECT_EQ(ValueOf("spend", "m1"), "12.50");
  EXPECT_EQ(ValueOf("spend", "m2"), "");
  EXPECT_EQ(ValueOf("spend", "m3"), "1000.00");
  EXPECT_EQ(ValueOf("spend", "m5"), "-0.25");
  EXPECT_EQ(ValueOf("last_order", "m1"), "2026-10-01");
  EXPECT_EQ(ValueOf("last_order", "m5"), "1999-12-31");
  EXPECT_EQ(ValueOf("last_order", "m3"), "");
  EXPECT_EQ(snap->FindTag("city")->versions[0].users, 4u);
}

TEST_F(WideCsvImportTest, ResultDoesNotDependOnChunkingOrThreads) {
  const std::string csv = testing::GenerateWideCsv(3000);
  ASSERT_TRUE(Import(csv, testing::kGeneratedTypes, "2026-10-01").ok());
  const std::string want = Fingerprint(*store_->snapshot(), false);
  for (size_t chunk : {1, 100, 4096}) {
    for (unsigned threads : {1u, 2u, 3u}) {
      tagloop::testing::TempDir other;
      StoreOptions so;
      so.create_if_missing = true;
      auto s = TagStore::Open(other.Sub("d"), so);
      ASSERT_TRUE(s.ok());
      ImportOptions o = testing::GeneratedImportOptions("2026-10-01");
      o.chunk_bytes = chunk;
      o.threads = threads;
      auto r = ImportWideCsv(**s, csv, o);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_EQ(Fingerprint(*(*s)->snapshot(), false), want) << chunk << " " << threads;
    }
  }
}

TEST_F(WideCsvImportTest, SameDateReplacesAndNewDateAddsAVersion) {
  ASSERT_TRUE(Import(kSample, kSampleTypes, "2026-10-01").ok());
  auto r = Import("member_id,city,age\nm1,深圳,31\nm9,深圳,\n", "age:int", "2026-10-01");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->new_users, 1u);
  auto snap = store_->snapshot();
  EXPECT_EQ(snap->universe_size(), 6u);
  ASSERT_EQ(snap->FindTag("city")->versions.size(), 1u);
  EXPECT_EQ(snap->FindTag("city")->versions[0].users, 2u);
  EXPECT_EQ(ValueOf("city", "m1"), "深圳");
  EXPECT_EQ(ValueOf("city", "m3"), "");  // the whole version was replaced
  EXPECT_EQ(ValueOf("age", "m1"), "31");
  EXPECT_EQ(ValueOf("is_vip", "m1"), "true");  // tags not in the file keep their versions

  ASSERT_TRUE(Import("member_id,city\nm2,成都\n", "", "2026-10-05").ok());
  snap = store_->snapshot();
  ASSERT_EQ(snap->FindTag("city")->versions.size(), 2u);
  EXPECT_EQ(ValueOf("city", "m2", "2026-10-04"), "");
  EXPECT_EQ(ValueOf("city", "m1", "2026-10-04"), "深圳");
  EXPECT_EQ(ValueOf("city", "m2", "2026-10-05"), "成都");
  EXPECT_EQ(ValueOf("city", "m1", "2026-10-05"), "");
}

TEST_F(WideCsvImportTest, HeaderOnlyFileAndIdOnlyFile) {
  auto r = Import("member_id,city\n", "", "2026-10-01");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 0u);
  EXPECT_EQ(store_->snapshot()->FindTag("city")->versions[0].users, 0u);
  r = Import("\xEF\xBB\xBFmember_id\r\na\r\nb", "", "2026-10-01");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->new_users, 2u);
  EXPECT_EQ(store_->snapshot()->universe_size(), 2u);
}

TEST_F(WideCsvImportTest, DefaultVersionIsTodayUtc) {
  ImportOptions o;
  o.id_column = "id";
  const int64_t now = std::time(nullptr);
  auto r = ImportWideCsv(*store_, "id,x\n1,a\n", o);
  ASSERT_TRUE(r.ok());
  EXPECT_GE(r->version, DaysFromUnixSeconds(now));
  EXPECT_LE(r->version, DaysFromUnixSeconds(std::time(nullptr)));
}

TEST_F(WideCsvImportTest, CellErrorsAreLocatedAndChangeNothing) {
  ASSERT_TRUE(Import(kSample, kSampleTypes, "2026-10-01").ok());
  const std::string h = "member_id,is_vip,city,interests,age,spend,last_order\n";
  ExpectRejected(h + "m1,true,a,b,30,1,2026-01-01\nm2,yes,a,b,30,1,2026-01-01\n", kSampleTypes,
                 "users.csv:3:4: column \"is_vip\": invalid bool 'yes' (expected true, false, 1 or 0)");
  ExpectRejected(h + "m1,true,a,b,abc,1,2026-01-01\n", kSampleTypes,
                 "users.csv:2:13: column \"age\": invalid int 'abc'");
  ExpectRejected(h + "m1,true,a,b,99999999999999999999,1,\n", kSampleTypes,
                 "users.csv:2:13: column \"age\": int '99999999999999999999' is out of the 64-bit range");
  ExpectRejected(h + "m1,true,a,b,1,1.234,\n", kSampleTypes,
                 "users.csv:2:15: column \"spend\": decimal '1.234' has more than 2 digits after the point");
  ExpectRejected(h + "m1,true,a,b,1,1,2026-02-30\n", kSampleTypes,
                 "users.csv:2:17: column \"last_order\": " + ParseDate("2026-02-30").status().message());
  ExpectRejected(
      h + "m1,true,a,b||c,1,1,\n", kSampleTypes,
      "users.csv:2:11: column \"interests\": empty value in set 'b||c' (values are separated by '|')");
  ExpectRejected(
      h + "m1,true,a,\"x\n|\",1,1,\n", kSampleTypes,
      "users.csv:2:11: column \"interests\": empty value in set 'x\n|' (values are separated by '|')");
  // Line numbers are physical lines: the quoted line break counts.
  ExpectRejected(h + "m1,true,\"two\nlines\",b,1,1,\nm2,true,a,b,x,1,\n", kSampleTypes,
                 "users.csv:4:13: column \"age\": invalid int 'x'");
}

TEST_F(WideCsvImportTest, RowAndSyntaxErrorsAreLocated) {
  ASSERT_TRUE(Import(kSample, kSampleTypes, "2026-10-01").ok());
  const std::string h = "member_id,city,age\n";
  ExpectRejected(h + "m1,a,1\nm2,b\n", "age:int", "users.csv:3:5: row has 2 fields; the header has 3");
  ExpectRejected(h + "m1,a,1,extra\n", "age:int", "users.csv:2:8: row has 4 fields; the header has 3");
  ExpectRejected(h + "m1,a,1\n\n", "age:int", "users.csv:3:1: row has 1 field; the header has 3");
  ExpectRejected(h + "m1,\"a,1\n", "age:int", "users.csv:2:4: unterminated quoted field (no closing quote)");
  ExpectRejected(
      h + "m1,a\"b,1\n", "age:int",
      "users.csv:2:5: quote inside an unquoted field (quote the whole field and double the quote)");
  ExpectRejected(h + "m1,ok,1\nm2,\xE4\xB8,1\n", "age:int", "users.csv:3:4: invalid UTF-8 (byte 0xE4)");
}

TEST_F(WideCsvImportTest, IdErrorsAreLocated) {
  ASSERT_TRUE(Import(kSample, kSampleTypes, "2026-10-01").ok());
  const std::string h = "city,member_id\n";
  ExpectRejected(h + "a,m1\nb,\n", "", "users.csv:3:3: column \"member_id\": empty user id");
  ExpectRejected(h + "a,\"m\x01\"\n", "",
                 "users.csv:2:3: column \"member_id\": user id 'm\x01' has a control character");
  ExpectRejected(h + "a," + std::string(129, 'x') + "\n", "",
                 "users.csv:2:3: column \"member_id\": user id of 129 bytes (at most 128)");
  ExpectRejected(h + "a,m1\nb,m2\nc,\"m1\"\n", "",
                 "users.csv:4:3: column \"member_id\": duplicate user id 'm1' (also on line 2)");
  ExpectRejected(h + "a,new1\nb,new1\n", "",
                 "users.csv:3:3: column \"member_id\": duplicate user id 'new1' (also on line 2)");
}

TEST_F(WideCsvImportTest, HeaderAndTypeErrorsAreLocated) {
  ASSERT_TRUE(Import(kSample, kSampleTypes, "2026-10-01").ok());
  ExpectRejected("", "", "users.csv:1:1: empty file (the first line must be the header)");
  ExpectRejected("\xEF\xBB\xBF", "", "users.csv:1:1: empty file (the first line must be the header)");
  ExpectRejected("member_id,city,age,city\n", "",
                 "users.csv:1:20: duplicate column name \"city\" (also at 1:11)");
  ExpectRejected("member_id,city,2nd\n", "",
                 "users.csv:1:16: column \"2nd\" is not a valid tag name (expected [A-Za-z_][A-Za-z0-9_]*, "
                 "at most 128 bytes)");
  ExpectRejected("member_id,city,\n", "",
                 "users.csv:1:16: column \"\" is not a valid tag name (expected [A-Za-z_][A-Za-z0-9_]*, at "
                 "most 128 bytes)");
  ExpectRejected("id,city\n", "", "users.csv:1:1: no column \"member_id\" (the --id-column) in the header");
  ExpectRejected("member_id,city\n", "town:int",
                 "users.csv:1:1: --types names column \"town\", which is not in the header");
  ExpectRejected("city,member_id\n", "member_id:int",
                 "users.csv:1:6: --types names the id column \"member_id\"; it is not a tag");
  // A tag keeps its type: `age` is int in the store.
  ExpectRejected(
      "member_id,city,age\nm1,a,1\n", "",
      "users.csv:1:16: column \"age\": the tag is int in the store but enum here (--types age:int)");
  ExpectRejected(
      "member_id,city\nm1,a\"\n", "",
      "users.csv:2:5: quote inside an unquoted field (quote the whole field and double the quote)");
}

TEST_F(WideCsvImportTest, TypeListErrors) {
  EXPECT_EQ(ParseColumnTypes("age:integer").status().message(),
            "--types: column \"age\": unknown tag type 'integer' (expected bool, enum, set, int, decimal:N "
            "with N 0-6, "
            "or date)");
  EXPECT_EQ(ParseColumnTypes("age").status().message(), "--types: entry 'age' is not COLUMN:TYPE");
  EXPECT_EQ(ParseColumnTypes("a:int,a:bool").status().message(), "--types: column \"a\" is given twice");
  EXPECT_EQ(ParseColumnTypes(":int").status().message(), "--types: entry ':int' has no column name");
  EXPECT_EQ(ParseColumnTypes("x:decimal:7").status().code(), Status::Code::kInvalidArgument);
  auto ok = ParseColumnTypes(" spend : decimal:2 , flag:bool");
  ASSERT_TRUE(ok.ok());
  ASSERT_EQ(ok->size(), 2u);
  EXPECT_EQ((*ok)[0].column, "spend");
  EXPECT_EQ((*ok)[0].type.ToString(), "decimal:2");
  EXPECT_TRUE(ParseColumnTypes("").ok());
}

TEST_F(WideCsvImportTest, TheFirstErrorInFileOrderWins) {
  // The cell error on line 3 comes before the field-count error on line 4,
  // however the rows are split.
  std::string csv = "member_id,age\n";
  for (int i = 0; i < 1; ++i) csv += "m0,1\n";
  csv += "m1,x\nm2\n";
  for (int i = 0; i < 200; ++i) csv += fmt::format("n{},{}\n", i, i);
  ExpectRejected(csv, "age:int", "users.csv:3:4: column \"age\": invalid int 'x'");
}

TEST_F(WideCsvImportTest, AnotherWriterHoldsTheLock) {
  auto w = store_->BeginWrite();
  ASSERT_TRUE(w.ok());
  auto r = Import(kSample, kSampleTypes, "2026-10-01");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), Status::Code::kFailedPrecondition);
}

TEST_F(WideCsvImportTest, ImportsAFileAndReportsProgress) {
  const std::string path = tmp_.Sub("gen.csv");
  {
    std::FILE* f = std::fopen(path.c_str(), "wb");
    const std::string csv = testing::GenerateWideCsv(20000);
    std::fwrite(csv.data(), 1, csv.size(), f);
    std::fclose(f);
  }
  ImportOptions o;
  o.id_column = "member_id";
  o.column_types = *ParseColumnTypes(testing::kGeneratedTypes);
  o.version = D("2026-10-01");
  o.chunk_bytes = 64 * 1024;
  std::vector<ImportPhase> phases;
  auto r = ImportWideCsvFile(*store_, path, o, [&](const ImportProgress& p) {
    if (phases.empty() || phases.back() != p.phase) phases.push_back(p.phase);
  });
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->rows, 20000u);
  EXPECT_EQ(phases, (std::vector<ImportPhase>{ImportPhase::kScan, ImportPhase::kParse, ImportPhase::kIds,
                                              ImportPhase::kBuild, ImportPhase::kCommit}));
  auto missing = ImportWideCsvFile(*store_, tmp_.Sub("nope.csv"), o);
  EXPECT_EQ(missing.status().code(), Status::Code::kNotFound);
}

}  // namespace
}  // namespace tagloop
