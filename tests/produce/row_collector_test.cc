// RowCollector and list files: parsing by type, NULLs, duplicates, errors.
#include "produce/row_collector.h"

#include <gtest/gtest.h>

#include "produce/list_file.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

class RowCollectorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    StoreOptions options;
    options.create_if_missing = true;
    store_ = std::move(TagStore::Open(dir_.path(), options)).value();
    writer_ = std::move(store_->BeginWrite()).value();
  }
  testing::TempDir dir_;
  std::unique_ptr<TagStore> store_;
  std::unique_ptr<StoreWriter> writer_;
};

TEST_F(RowCollectorTest, DecimalAndDateValuesAreNormalised) {
  RowCollector c(*TagType::Parse("decimal:2"));
  ASSERT_TRUE(c.Begin(2).ok());
  EXPECT_TRUE(c.AddRow("a", "12.500", false).ok());  // PostgreSQL numeric(10,3)
  EXPECT_TRUE(c.AddRow("b", "3", false).ok());
  EXPECT_TRUE(c.AddRow("c", "", true).ok());  // NULL: no value
  EXPECT_EQ(c.AddRow("d", "1.234", false).message(),
            "row 4 (user 'd'): decimal '1.234' has more than 2 digits after the point");
  auto content = c.Finish(*writer_, 100, 1);
  ASSERT_TRUE(content.ok());
  EXPECT_EQ(c.null_rows(), 1u);
  EXPECT_EQ(content->bsi.exists.cardinality(), 2u);

  RowCollector d(*TagType::Parse("date"));
  ASSERT_TRUE(d.Begin(2).ok());
  EXPECT_TRUE(d.AddRow("a", "2026-11-20 10:00:00", false).ok());
  EXPECT_TRUE(d.AddRow("b", "2026-11-21T23:59:59Z", false).ok());
  EXPECT_FALSE(d.AddRow("c", "20261121", false).ok());
}

TEST_F(RowCollectorTest, OneColumnQueriesAreForBoolTagsOnly) {
  RowCollector b(*TagType::Parse("bool"));
  EXPECT_TRUE(b.Begin(1).ok());
  RowCollector e(*TagType::Parse("enum"));
  EXPECT_EQ(e.Begin(1).message(),
            "a tag of type enum needs (user_id, value) rows; the query returns only one column (user_id alone is for bool "
            "tags)");
  EXPECT_EQ(e.Begin(3).message(), "a tag query returns (user_id, value) or user_id alone; this one returns 3 columns");
}

TEST_F(RowCollectorTest, BoolAcceptsTF10AndSetTagsKeepEveryValueOnce) {
  RowCollector b(*TagType::Parse("bool"));
  ASSERT_TRUE(b.Begin(2).ok());
  for (auto [u, v] : {std::pair{"a", "t"}, {"b", "f"}, {"c", "1"}, {"d", "false"}}) ASSERT_TRUE(b.AddRow(u, v, false).ok());
  EXPECT_FALSE(b.AddRow("e", "yes", false).ok());
  auto content = b.Finish(*writer_, 1, 2);
  ASSERT_TRUE(content.ok());
  ASSERT_EQ(content->values.size(), 2u);
  EXPECT_EQ(content->value_users[0].cardinality() + content->value_users[1].cardinality(), 4u);

  RowCollector s(*TagType::Parse("set"));
  ASSERT_TRUE(s.Begin(2).ok());
  for (auto [u, v] : {std::pair{"a", "x"}, {"a", "y"}, {"a", "x"}, {"b", "x"}}) ASSERT_TRUE(s.AddRow(u, v, false).ok());
  auto set = s.Finish(*writer_, 1, 1);
  ASSERT_TRUE(set.ok()) << set.status().ToString();
  ASSERT_EQ(set->values, (std::vector<std::string>{"x", "y"}));
  EXPECT_EQ(set->value_users[0].cardinality(), 2u);
  EXPECT_EQ(set->value_users[1].cardinality(), 1u);
}

TEST_F(RowCollectorTest, InvalidUserIdsAreNamed) {
  RowCollector c(*TagType::Parse("int"));
  ASSERT_TRUE(c.Begin(2).ok());
  ASSERT_TRUE(c.AddRow("ok", "1", false).ok());
  ASSERT_TRUE(c.AddRow(std::string(200, 'x'), "2", false).ok());
  auto content = c.Finish(*writer_, 1, 1);
  ASSERT_FALSE(content.ok());
  EXPECT_TRUE(content.status().message().starts_with("user ids: ")) << content.status().message();
}

TEST(ListFileTest, FormatsAndErrorsNameTheLine) {
  class Keep final : public RowSink {
   public:
    Status Begin(int c) override {
      columns = c;
      return Status::Ok();
    }
    Status Rows(std::span<const SourceRow> rows) override {
      for (const SourceRow& r : rows) got.emplace_back(std::string(r.user_id), std::string(r.value));
      return Status::Ok();
    }
    int columns = 0;
    std::vector<std::pair<std::string, std::string>> got;
  };
  Keep k;
  ASSERT_TRUE(ReadListBytes("user_id,level\r\nu1,gold\r\n\r\n# note\nu2\tsilver\n", "l.txt", k).ok());
  EXPECT_EQ(k.columns, 2);
  EXPECT_EQ(k.got, (std::vector<std::pair<std::string, std::string>>{{"u1", "gold"}, {"u2", "silver"}}));
  Keep ids;
  ASSERT_TRUE(ReadListBytes("a\nb\n", "l.txt", ids).ok());
  EXPECT_EQ(ids.columns, 1);
  EXPECT_EQ(ids.got.size(), 2u);
  Keep bad;
  EXPECT_EQ(ReadListBytes("a\n,x\n", "l.txt", bad).message(), "l.txt:2: the line has no user id");
  EXPECT_EQ(ReadListBytes("a,\n", "l.txt", bad).message(), "l.txt:1: empty value after the separator");
}

}  // namespace
}  // namespace tagloop
