#include "segment/quote.h"

#include <gtest/gtest.h>

#include "segment/lexer.h"

namespace tagloop::segment {
namespace {

TEST(QuoteTest, DoublesQuotesAndLexesBack) {
  EXPECT_EQ(QuoteString("上海"), "'上海'");
  EXPECT_EQ(QuoteString("it's"), "'it''s'");
  EXPECT_EQ(QuoteString(""), "''");
  EXPECT_EQ(SegmentReference("O'Brien's list"), "SEGMENT('O''Brien''s list')");
  for (std::string text : {"a", "it's", "''", "x'y'z", "上海 'A'"}) {
    auto tokens = Lex(QuoteString(text));
    ASSERT_TRUE(tokens.ok()) << text;
    ASSERT_EQ(tokens->size(), 2u) << text;
    EXPECT_EQ((*tokens)[0].kind, TokenKind::kString);
    EXPECT_EQ((*tokens)[0].text, text);
  }
}

}  // namespace
}  // namespace tagloop::segment
