// The id-list reader of list segment uploads: lines and CSV, blank lines,
// CRLF, BOM, quoting, the id column, and errors naming line and column.
#include "import/id_list_reader.h"

#include <gtest/gtest.h>

namespace tagloop {
namespace {

std::vector<std::string> Ids(const IdList& l) { return {l.ids.begin(), l.ids.end()}; }

Result<IdList> Lines(std::string_view text) { return ReadIdList(text, IdListOptions{}); }
Result<IdList> Csv(std::string_view text, std::string column = "") {
  IdListOptions o;
  o.format = IdListFormat::kCsv;
  o.column = std::move(column);
  return ReadIdList(text, o);
}

TEST(IdListReaderTest, LinesSkipBlanksAndHandleCrlfAndBom) {
  auto l = Lines("\xEF\xBB\xBFm1\r\n\r\n  m2 \n\t\nm1\nm,3\n\"q\"");
  ASSERT_TRUE(l.ok()) << l.status().ToString();
  EXPECT_EQ(Ids(*l), (std::vector<std::string>{"m1", "m2", "m1", "m,3", "\"q\""}));
  EXPECT_EQ(l->blank_lines, 2u);
  auto empty = Lines("");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->ids.empty());
}

TEST(IdListReaderTest, LinesRefuseBadIdsNamingTheLine) {
  auto bad = Lines("m1\nm\x01x\n");
  EXPECT_EQ(bad.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(bad.status().message(), "upload:2: user id 'm\x01x' has a control character");
  auto utf8 = Lines("m1\n\xff\xfe\n");
  EXPECT_EQ(utf8.status().message(), "upload:2: the id is not valid UTF-8");
  auto longer = Lines(std::string(129, 'x'));
  EXPECT_NE(longer.status().message().find("upload:1: user id of 129 bytes"), std::string::npos);
}

TEST(IdListReaderTest, CsvTakesTheFirstOrTheNamedColumn) {
  const char* text = "member_id,phone\r\nm1,1\r\n\r\n\"m \"\"2\"\"\",2\r\n m3 ,3\r\n";
  auto first = Csv(text);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(Ids(*first), (std::vector<std::string>{"m1", "m \"2\"", "m3"}));
  EXPECT_EQ(first->blank_lines, 1u);
  auto phone = Csv(text, "phone");
  ASSERT_TRUE(phone.ok());
  EXPECT_EQ(Ids(*phone), (std::vector<std::string>{"1", "2", "3"}));
  // Views stay valid after the result moves (the arena is on the heap).
  IdList moved = std::move(*first);
  EXPECT_EQ(moved.ids[1], "m \"2\"");
}

TEST(IdListReaderTest, CsvErrorsNameLineAndColumn) {
  auto missing = Csv("a,b\n1,2\n", "id");
  EXPECT_EQ(missing.status().message(), "upload:1:1: no column \"id\" in the header (columns: \"a\", \"b\")");
  auto width = Csv("a,b\n1,2\n3\n");
  EXPECT_EQ(width.status().message(), "upload:3:1: 1 fields where the header has 2");
  auto empty_id = Csv("a,b\n1,2\n,4\n");
  EXPECT_EQ(empty_id.status().message(), "upload:3:1: empty user id");
  auto quote = Csv("a\n\"x\n");
  EXPECT_EQ(quote.status().code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(Csv("").status().code(), Status::Code::kInvalidArgument);
}

}  // namespace
}  // namespace tagloop
