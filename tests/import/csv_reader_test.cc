// The RFC 4180 reader: quoting, escapes, line endings, BOM, UTF-8, field
// counts, error locations, and row splitting for parallel parsing.
#include "import/csv_reader.h"

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "core/utf8.h"

namespace tagloop {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// All rows of `bytes` (one chunk), or the error message.
struct ReadResult {
  Rows rows;
  std::string error;
};

ReadResult ReadAll(std::string_view bytes, size_t expected_fields = 0, size_t chunk_bytes = 0) {
  CsvText text("t.csv", bytes);
  ReadResult r;
  std::vector<CsvChunk> chunks;
  if (chunk_bytes == 0) {
    chunks.push_back(text.Whole());
  } else {
    chunks = SplitRows(text, text.body_begin(), 1, chunk_bytes, 2);
  }
  for (const CsvChunk& c : chunks) {
    CsvRowReader reader(text, c, expected_fields);
    while (reader.Next()) {
      std::vector<std::string> row;
      for (const CsvField& f : reader.fields()) row.emplace_back(f.value);
      r.rows.push_back(row);
    }
    if (!reader.status().ok()) {
      r.error = reader.status().message();
      return r;
    }
  }
  return r;
}

TEST(CsvReaderTest, PlainFieldsAndLineEndings) {
  EXPECT_EQ(ReadAll("a,b\n1,2\n").rows, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ReadAll("a,b\r\n1,2\r\n").rows, (Rows{{"a", "b"}, {"1", "2"}}));
  EXPECT_EQ(ReadAll("a,b\r\n1,2").rows, (Rows{{"a", "b"}, {"1", "2"}}));  // no final line break
  EXPECT_EQ(ReadAll("a,b\n1,2\r\n3,4").rows, (Rows{{"a", "b"}, {"1", "2"}, {"3", "4"}}));  // mixed
  EXPECT_EQ(ReadAll("a,,\n").rows, (Rows{{"a", "", ""}}));
  EXPECT_EQ(ReadAll(",\n").rows, (Rows{{"", ""}}));
  EXPECT_EQ(ReadAll("").rows, Rows{});
  EXPECT_EQ(ReadAll(" a , b \n").rows, (Rows{{" a ", " b "}}));  // blanks are data
}

TEST(CsvReaderTest, QuotedFieldsEscapesAndEmbeddedLineBreaks) {
  EXPECT_EQ(ReadAll("\"a,b\",c\n").rows, (Rows{{"a,b", "c"}}));
  EXPECT_EQ(ReadAll("\"say \"\"hi\"\"\",x\n").rows, (Rows{{"say \"hi\"", "x"}}));
  EXPECT_EQ(ReadAll("\"\"\"\"\n").rows, (Rows{{"\""}}));
  EXPECT_EQ(ReadAll("\"\",x\n").rows, (Rows{{"", "x"}}));
  EXPECT_EQ(ReadAll("\"line1\nline2\",x\r\ny,z\n").rows, (Rows{{"line1\nline2", "x"}, {"y", "z"}}));
  EXPECT_EQ(ReadAll("\"cr\r\nlf\",x").rows, (Rows{{"cr\r\nlf", "x"}}));
  EXPECT_EQ(ReadAll("a,\"b\"\r\n").rows, (Rows{{"a", "b"}}));
  EXPECT_EQ(ReadAll("a,\"b\"").rows, (Rows{{"a", "b"}}));
}

TEST(CsvReaderTest, ByteOrderMarkIsSkippedAndNotCounted) {
  ReadResult r = ReadAll(
      "\xEF\xBB\xBF"
      "id,x\n1,2\n");
  EXPECT_EQ(r.rows, (Rows{{"id", "x"}, {"1", "2"}}));
  r = ReadAll(
      "\xEF\xBB\xBF"
      "id,x\"\n");
  EXPECT_EQ(r.error,
            "t.csv:1:5: quote inside an unquoted field (quote the whole field and double the quote)");
}

TEST(CsvReaderTest, Utf8IsValidated) {
  EXPECT_EQ(ReadAll("名前,市\n上海,北京\n").rows, (Rows{{"名前", "市"}, {"上海", "北京"}}));
  EXPECT_EQ(ReadAll("a,b\nok,b\xC3(x\n").error, "t.csv:2:5: invalid UTF-8 (byte 0xC3)");
  EXPECT_EQ(ReadAll("a,b\n\"x\ny\xFFz\",1\n").error, "t.csv:3:2: invalid UTF-8 (byte 0xFF)");
  EXPECT_EQ(ReadAll("\xED\xA0\x80\n").error, "t.csv:1:1: invalid UTF-8 (byte 0xED)");  // a surrogate
  EXPECT_EQ(ReadAll("ab\xC0\xAF\n").error, "t.csv:1:3: invalid UTF-8 (byte 0xC0)");    // overlong
  EXPECT_EQ(ReadAll("ab\xE4\xB8").error, "t.csv:1:3: invalid UTF-8 (byte 0xE4)");      // truncated
  // The earlier of a syntax error and a bad byte is reported.
  EXPECT_EQ(ReadAll("\xFF,a\"b\n").error, "t.csv:1:1: invalid UTF-8 (byte 0xFF)");
  EXPECT_EQ(ReadAll("a\"b,\xFF\n").error,
            "t.csv:1:2: quote inside an unquoted field (quote the whole field and double the quote)");
}

TEST(CsvReaderTest, Utf8Validator) {
  EXPECT_EQ(FindInvalidUtf8("plain ascii text, long enough for the fast path"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("\xF0\x9F\x98\x80 \xE2\x82\xAC \xC2\xA9"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("abcdefgh\x80"), 8u);      // lone continuation byte
  EXPECT_EQ(FindInvalidUtf8("abc\xE0\x80\x80"), 3u);   // overlong 3-byte
  EXPECT_EQ(FindInvalidUtf8("\xF0\x9F\x98"), 0u);      // truncated
}

TEST(CsvReaderTest, MalformedQuotingIsLocated) {
  EXPECT_EQ(ReadAll("a,b\n1,\"2\n3,4\n").error, "t.csv:2:3: unterminated quoted field (no closing quote)");
  EXPECT_EQ(ReadAll("a,b\n1,\"2\"x\n").error,
            "t.csv:2:6: unexpected character after a closing quote (expected ',' or a line break)");
  EXPECT_EQ(ReadAll("a,b\n1,2\"\n").error,
            "t.csv:2:4: quote inside an unquoted field (quote the whole field and double the quote)");
  EXPECT_EQ(ReadAll("a,b\r1,2\n").error, "t.csv:1:4: carriage return not followed by a line feed");
  EXPECT_EQ(ReadAll("a,b\r").error, "t.csv:1:4: carriage return not followed by a line feed");
}

TEST(CsvReaderTest, WrongFieldCountIsLocated) {
  EXPECT_EQ(ReadAll("a,b,c\n1,2,3,4,5\n", 3).error, "t.csv:2:7: row has 5 fields; the header has 3");
  EXPECT_EQ(ReadAll("a,b,c\n1,2\r\n", 3).error, "t.csv:2:4: row has 2 fields; the header has 3");
  EXPECT_EQ(ReadAll("a,b,c\n\n", 3).error, "t.csv:2:1: row has 1 field; the header has 3");
  // Line numbers count physical lines, also those inside quoted fields.
  EXPECT_EQ(ReadAll("a,b\n\"x\ny\",1\n1\n", 2).error, "t.csv:4:2: row has 1 field; the header has 2");
  std::string wide;
  for (size_t i = 0; i <= kMaxCsvFields; ++i) wide += i ? ",x" : "x";
  EXPECT_EQ(ReadAll(wide).error,
            fmt::format("t.csv:1:{}: more than {} fields in a row", 2 * kMaxCsvFields + 1, kMaxCsvFields));
}

TEST(CsvReaderTest, SplitRowsKeepsRowsWholeAndLinesRight) {
  std::string csv;
  Rows expected;
  for (int i = 0; i < 300; ++i) {
    if (i % 7 == 3) {
      csv += fmt::format("\"multi\nline,{}\",\"q\"\"{}\"\r\n", i, i);
      expected.push_back({fmt::format("multi\nline,{}", i), fmt::format("q\"{}", i)});
    } else {
      csv += fmt::format("r{},{}\n", i, i * 3);
      expected.push_back({fmt::format("r{}", i), fmt::format("{}", i * 3)});
    }
  }
  for (size_t chunk : {1, 2, 3, 5, 16, 64, 1000, 1 << 20}) {
    CsvText text("t.csv", csv);
    std::vector<CsvChunk> chunks = SplitRows(text, 0, 1, chunk, 2);
    ASSERT_FALSE(chunks.empty());
    EXPECT_EQ(chunks.front().begin, 0u);
    EXPECT_EQ(chunks.back().end, csv.size());
    for (size_t k = 0; k < chunks.size(); ++k) {
      if (k) {
        EXPECT_EQ(chunks[k].begin, chunks[k - 1].end);
      }
      EXPECT_EQ(chunks[k].first_line, 1 + CountLineFeeds(csv, 0, chunks[k].begin)) << chunk;
    }
    EXPECT_EQ(ReadAll(csv, 2, chunk).rows, expected) << chunk;
  }
  // An error deep in the file is found at the same place whatever the split.
  const uint64_t next_line = 1 + CountLineFeeds(csv, 0, csv.size());
  std::string stray = csv + "x,a\"b\n" + csv;
  for (size_t chunk : {1, 7, 64, 1 << 20}) {
    EXPECT_EQ(
        ReadAll(stray, 2, chunk).error,
        fmt::format("t.csv:{}:4: quote inside an unquoted field (quote the whole field and double the quote)",
                    next_line))
        << chunk;
  }
  std::string open = csv + "x,\"open\n" + csv;
  const std::string want = ReadAll(open, 2).error;
  EXPECT_FALSE(want.empty());
  for (size_t chunk : {1, 7, 64, 1 << 20}) EXPECT_EQ(ReadAll(open, 2, chunk).error, want) << chunk;
  open = csv + "x,\"open\nno,close\n";
  for (size_t chunk : {1, 7, 64, 1 << 20}) {
    EXPECT_EQ(ReadAll(open, 2, chunk).error,
              fmt::format("t.csv:{}:3: unterminated quoted field (no closing quote)", next_line))
        << chunk;
  }
}

TEST(CsvReaderTest, SplitRowsOfEmptyText) {
  CsvText text("t.csv", "");
  std::vector<CsvChunk> chunks = SplitRows(text, 0, 1, 64, 2);
  ASSERT_EQ(chunks.size(), 1u);
  EXPECT_EQ(chunks[0].begin, 0u);
  EXPECT_EQ(chunks[0].end, 0u);
}

}  // namespace
}  // namespace tagloop
