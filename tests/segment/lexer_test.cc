#include "segment/lexer.h"

#include <gtest/gtest.h>

#include "core/utf8.h"

namespace tagloop::segment {
namespace {

std::vector<Token> LexOk(std::string_view in) {
  auto r = Lex(in);
  EXPECT_TRUE(r.ok()) << in << ": " << r.status().ToString();
  return r.ok() ? *r : std::vector<Token>{};
}

Status LexError(std::string_view in) {
  auto r = Lex(in);
  EXPECT_FALSE(r.ok()) << in;
  return r.status();
}

TEST(LexerTest, TokensCarryKindsTextAndBytePositions) {
  auto t = LexOk("city = '上海' AND age >= -3.5");
  ASSERT_EQ(t.size(), 8u);
  EXPECT_EQ(t[0].kind, TokenKind::kWord);
  EXPECT_EQ(t[0].text, "city");
  EXPECT_EQ(t[0].keyword, Keyword::kNone);
  EXPECT_EQ(t[1].kind, TokenKind::kEq);
  EXPECT_EQ(t[1].position, 5u);
  EXPECT_EQ(t[2].kind, TokenKind::kString);
  EXPECT_EQ(t[2].text, "上海");
  EXPECT_EQ(t[2].position, 7u);
  EXPECT_EQ(t[3].keyword, Keyword::kAnd);
  EXPECT_EQ(t[3].position, 16u);  // '上海' is 8 bytes
  EXPECT_EQ(t[5].kind, TokenKind::kGe);
  EXPECT_EQ(t[6].kind, TokenKind::kNumber);
  EXPECT_EQ(t[6].text, "-3.5");
  EXPECT_EQ(t[7].kind, TokenKind::kEnd);
  EXPECT_EQ(t[7].position, 31u);
}

TEST(LexerTest, KeywordsAreCaseInsensitiveNamesAreKept) {
  auto t = LexOk("aNd Or not In between IS null Contains TRUE false all ANY segment days_ago Age");
  const Keyword want[] = {Keyword::kAnd,     Keyword::kOr,      Keyword::kNot,  Keyword::kIn,
                          Keyword::kBetween, Keyword::kIs,      Keyword::kNull, Keyword::kContains,
                          Keyword::kTrue,    Keyword::kFalse,   Keyword::kAll,  Keyword::kAny,
                          Keyword::kSegment, Keyword::kDaysAgo, Keyword::kNone};
  ASSERT_EQ(t.size(), std::size(want) + 1);
  for (size_t i = 0; i < std::size(want); ++i) EXPECT_EQ(t[i].keyword, want[i]) << i;
  EXPECT_EQ(t[1].text, "Or");  // as written
  EXPECT_TRUE(IsReservedKeyword(Keyword::kAnd));
  EXPECT_TRUE(IsReservedKeyword(Keyword::kFalse));
  EXPECT_FALSE(IsReservedKeyword(Keyword::kAll));
  EXPECT_FALSE(IsReservedKeyword(Keyword::kSegment));
  EXPECT_FALSE(IsReservedKeyword(Keyword::kNone));
}

TEST(LexerTest, ComparisonOperators) {
  auto t = LexOk("= != <> < <= > >=");
  const TokenKind want[] = {TokenKind::kEq, TokenKind::kNe, TokenKind::kNe, TokenKind::kLt,
                            TokenKind::kLe, TokenKind::kGt, TokenKind::kGe, TokenKind::kEnd};
  ASSERT_EQ(t.size(), std::size(want));
  for (size_t i = 0; i < t.size(); ++i) EXPECT_EQ(t[i].kind, want[i]) << i;
  EXPECT_EQ(t[2].text, "<>");
  EXPECT_EQ(LexOk("a<b")[1].kind, TokenKind::kLt);
}

TEST(LexerTest, StringsUnescapeDoubledQuotesAndKeepAnyUtf8) {
  auto t = LexOk("'O''Hare' '' '''' 'a\"b' '日本語 😀'");
  EXPECT_EQ(t[0].text, "O'Hare");
  EXPECT_EQ(t[1].text, "");
  EXPECT_EQ(t[2].text, "'");
  EXPECT_EQ(t[3].text, "a\"b");
  EXPECT_EQ(t[4].text, "日本語 😀");
}

TEST(LexerTest, UnterminatedStringPointsAtItsQuote) {
  Status st = LexError("a = 'abc");
  EXPECT_EQ(st.position(), 4u);
  EXPECT_NE(st.message().find("unterminated string"), std::string::npos);
  EXPECT_EQ(LexError("'it''s").position(), 0u);
}

TEST(LexerTest, Numbers) {
  auto t = LexOk("0 -12 3.25 -0.5 5-3");
  EXPECT_EQ(t[0].text, "0");
  EXPECT_EQ(t[1].text, "-12");
  EXPECT_EQ(t[2].text, "3.25");
  EXPECT_EQ(t[3].text, "-0.5");
  EXPECT_EQ(t[4].text, "5");  // no arithmetic: "5-3" is 5 then -3
  EXPECT_EQ(t[5].text, "-3");
  EXPECT_EQ(LexError("1.").position(), 2u);
  EXPECT_EQ(LexError("- 1").position(), 0u);
  EXPECT_EQ(LexError(".5").position(), 0u);
  EXPECT_EQ(LexError("12ab").position(), 0u);
  EXPECT_EQ(LexError("1.2.3").position(), 3u);
}

TEST(LexerTest, AtTakesABareDateOrAString) {
  auto t = LexOk("age@2026-01-31 = 1");
  ASSERT_GE(t.size(), 4u);
  EXPECT_EQ(t[1].kind, TokenKind::kAt);
  EXPECT_EQ(t[2].kind, TokenKind::kDate);
  EXPECT_EQ(t[2].text, "2026-01-31");
  EXPECT_EQ(t[2].position, 4u);
  auto s = LexOk("age@'2026-01-31'");
  EXPECT_EQ(s[2].kind, TokenKind::kString);
  auto spaced = LexOk("age @ 2026-01-31");
  EXPECT_EQ(spaced[2].kind, TokenKind::kDate);
  EXPECT_EQ(spaced[2].position, 6u);
  auto odd = LexOk("age@2026--1");  // validated later, by the binder
  EXPECT_EQ(odd[2].text, "2026--1");
}

TEST(LexerTest, UnexpectedCharacters) {
  EXPECT_EQ(LexError("a # b").position(), 2u);
  EXPECT_NE(LexError("a ! b").message().find("did you mean '!='"), std::string::npos);
  EXPECT_NE(LexError("a = \"x\"").message().find("single quotes"), std::string::npos);
  Status ctrl = LexError(std::string("a \x01"));
  EXPECT_EQ(ctrl.position(), 2u);
  EXPECT_NE(ctrl.message().find("\\x01"), std::string::npos);
  Status cjk = LexError("a ＝ 1");  // a full-width equals sign
  EXPECT_NE(cjk.message().find("'＝'"), std::string::npos);
}

TEST(LexerTest, InvalidUtf8IsRejectedWithItsPosition) {
  Status st = LexError(std::string("a = 'x\xff'"));
  EXPECT_EQ(st.position(), 6u);
  EXPECT_NE(st.message().find("invalid UTF-8"), std::string::npos);
  EXPECT_EQ(FindInvalidUtf8("plain ascii"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("上海 😀"), std::string_view::npos);
  EXPECT_EQ(FindInvalidUtf8("\xc0\xaf"), 0u);          // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("ab\xed\xa0\x80"), 2u);    // a surrogate
  EXPECT_EQ(FindInvalidUtf8("\xf4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("x\xe4\xb8"), 1u);         // truncated
  EXPECT_EQ(FindInvalidUtf8("\x80"), 0u);              // a lone continuation byte
}

TEST(LexerTest, EmptyAndWhitespaceInputGiveOnlyEnd) {
  EXPECT_EQ(LexOk("").size(), 1u);
  auto t = LexOk(" \t\n ");
  ASSERT_EQ(t.size(), 1u);
  EXPECT_EQ(t[0].position, 4u);
}

TEST(LexerTest, OversizedInputIsRejected) {
  std::string big(kMaxExpressionBytes + 1, ' ');
  EXPECT_NE(LexError(big).message().find("limit"), std::string::npos);
}

TEST(LexerTest, DescribeToken) {
  auto t = LexOk("AND x 'y' 3 ( ALL");
  EXPECT_EQ(DescribeToken(t[0]), "keyword AND");
  EXPECT_EQ(DescribeToken(t[1]), "'x'");
  EXPECT_EQ(DescribeToken(t[2]), "string 'y'");
  EXPECT_EQ(DescribeToken(t[3]), "number 3");
  EXPECT_EQ(DescribeToken(t[4]), "'('");
  EXPECT_EQ(DescribeToken(t[5]), "'ALL'");
  EXPECT_EQ(DescribeToken(t[6]), "end of input");
}

}  // namespace
}  // namespace tagloop::segment
