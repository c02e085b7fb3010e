#include "segment/parser.h"

#include <gtest/gtest.h>

namespace tagloop::segment {
namespace {

std::string Canon(std::string_view in) {
  auto r = Parse(in);
  EXPECT_TRUE(r.ok()) << in << ": " << r.status().ToString();
  return r.ok() ? ToString(*r) : "<error>";
}

Status ParseError(std::string_view in) {
  auto r = Parse(in);
  EXPECT_FALSE(r.ok()) << in << " parsed as " << (r.ok() ? ToString(*r) : "");
  return r.status();
}

TEST(ParserTest, PrecedenceIsOrThenAndThenNot) {
  EXPECT_EQ(Canon("a OR b AND c"), "(a OR (b AND c))");
  EXPECT_EQ(Canon("a AND b OR c"), "((a AND b) OR c)");
  EXPECT_EQ(Canon("NOT a AND b"), "(NOT a AND b)");
  EXPECT_EQ(Canon("NOT (a AND b)"), "NOT (a AND b)");
  EXPECT_EQ(Canon("NOT NOT a"), "NOT NOT a");
  EXPECT_EQ(Canon("(a OR b) AND c"), "((a OR b) AND c)");
  EXPECT_EQ(Canon("((a))"), "a");
}

TEST(ParserTest, ChainsAreOneNaryNode) {
  auto r = Parse("a AND b AND c AND d OR e OR f");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->kind, NodeKind::kOr);
  ASSERT_EQ(r->children.size(), 3u);
  EXPECT_EQ(r->children[0].kind, NodeKind::kAnd);
  EXPECT_EQ(r->children[0].children.size(), 4u);
  EXPECT_EQ(r->position, 0u);
}

TEST(ParserTest, EveryPredicate) {
  EXPECT_EQ(Canon("vip"), "vip");
  EXPECT_EQ(Canon("age = 3"), "age = 3");
  EXPECT_EQ(Canon("age<>3"), "age != 3");
  EXPECT_EQ(Canon("age <= -3.5"), "age <= -3.5");
  EXPECT_EQ(Canon("city in ('a','b')"), "city IN ('a', 'b')");
  EXPECT_EQ(Canon("city not in ('a')"), "city NOT IN ('a')");
  EXPECT_EQ(Canon("age between 1 and 2"), "age BETWEEN 1 AND 2");
  EXPECT_EQ(Canon("age not between 1 and 2 and x"), "(age NOT BETWEEN 1 AND 2 AND x)");
  EXPECT_EQ(Canon("age is null"), "age IS NULL");
  EXPECT_EQ(Canon("age is not null"), "age IS NOT NULL");
  EXPECT_EQ(Canon("s contains any ('a')"), "s CONTAINS ANY ('a')");
  EXPECT_EQ(Canon("s contains all ('a', 'b')"), "s CONTAINS ALL ('a', 'b')");
  EXPECT_EQ(Canon("segment('x y')"), "SEGMENT('x y')");
  EXPECT_EQ(Canon("all"), "ALL");
  EXPECT_EQ(Canon("d >= days_ago(30)"), "d >= DAYS_AGO(30)");
  EXPECT_EQ(Canon("b = true OR b = FALSE"), "(b = TRUE OR b = FALSE)");
  EXPECT_EQ(Canon("age@2026-01-02 > 1"), "age@'2026-01-02' > 1");
  EXPECT_EQ(Canon("c = 'O''Hare'"), "c = 'O''Hare'");
}

TEST(ParserTest, ContextualKeywordsCanNameTags) {
  EXPECT_EQ(Canon("segment = 'a'"), "segment = 'a'");
  EXPECT_EQ(Canon("any = 1 AND days_ago > 2"), "(any = 1 AND days_ago > 2)");
  EXPECT_EQ(Canon("all = 1"), "all = 1");
  auto all = Parse("ALL AND x");
  ASSERT_TRUE(all.ok());
  EXPECT_EQ(all->children[0].kind, NodeKind::kAll);
}

TEST(ParserTest, NodesAndLiteralsKeepPositions) {
  auto r = Parse("x AND age@2026-01-01 IN (1, 'two')");
  ASSERT_TRUE(r.ok());
  const Node& in = r->children[1];
  EXPECT_EQ(in.kind, NodeKind::kIn);
  EXPECT_EQ(in.position, 6u);
  EXPECT_EQ(in.tag.name, "age");
  EXPECT_EQ(in.tag.position, 6u);
  EXPECT_EQ(in.tag.version_date, "2026-01-01");
  EXPECT_EQ(in.tag.version_position, 10u);
  ASSERT_EQ(in.literals.size(), 2u);
  EXPECT_EQ(in.literals[0].kind, LiteralKind::kNumber);
  EXPECT_EQ(in.literals[0].position, 25u);
  EXPECT_EQ(in.literals[1].kind, LiteralKind::kString);
  EXPECT_EQ(in.literals[1].text, "two");
  EXPECT_EQ(in.literals[1].position, 28u);
}

TEST(ParserTest, ErrorsSayWhatWasExpectedAndWhere) {
  Status st = ParseError("(a OR b");
  EXPECT_EQ(st.code(), Status::Code::kInvalidArgument);
  EXPECT_EQ(st.position(), 7u);
  EXPECT_EQ(st.message(), "expected ')' at position 7, found end of input");
  EXPECT_EQ(ParseError("a = ").position(), 4u);
  EXPECT_EQ(ParseError("a b").position(), 2u);
  EXPECT_EQ(ParseError("a)").position(), 1u);
  EXPECT_EQ(ParseError("").message(), "empty expression at position 0");
  EXPECT_EQ(ParseError("   ").position(), 0u);
  EXPECT_EQ(ParseError("a IN ('x' 'y')").position(), 10u);
  EXPECT_EQ(ParseError("a = DAYS_AGO(x)").position(), 13u);
  EXPECT_EQ(ParseError("a = DAYS_AGO").position(), 4u);  // a tag cannot be a value
  EXPECT_EQ(ParseError("SEGMENT(1)").position(), 8u);
  EXPECT_EQ(ParseError("a@ = 1").position(), 3u);
  EXPECT_EQ(ParseError("a AND OR b").position(), 6u);
  EXPECT_EQ(ParseError("a IS NOT").position(), 8u);
}

TEST(ParserTest, NestingIsBounded) {
  std::string ok = std::string(kMaxNesting - 1, '(') + "a" + std::string(kMaxNesting - 1, ')');
  EXPECT_TRUE(Parse(ok).ok());
  std::string deep = std::string(10000, '(') + "a" + std::string(10000, ')');
  Status st = ParseError(deep);
  EXPECT_NE(st.message().find("nested more than"), std::string::npos);
  std::string nots;
  for (int i = 0; i < 10000; ++i) nots += "NOT ";
  EXPECT_NE(ParseError(nots + "a").message().find("nested more than"), std::string::npos);
  // Long flat chains are not nesting.
  std::string chain = "a";
  for (int i = 0; i < 5000; ++i) chain += " AND a";
  EXPECT_TRUE(Parse(chain).ok());
}

TEST(ParserTest, CanonicalTextParsesBackToTheSameTree) {
  for (const char* in : {"a OR b AND NOT (c OR d)", "x@2026-01-01 NOT IN ('a''b', -1, TRUE, DAYS_AGO(3))",
                         "NOT NOT (ALL AND SEGMENT('q''s'))", "s CONTAINS ALL ('x') OR t BETWEEN 1.5 AND 2",
                         "segment = 1 AND all = 2 OR any IS NOT NULL"}) {
    auto a = Parse(in);
    ASSERT_TRUE(a.ok()) << in;
    const std::string once = ToString(*a);
    auto b = Parse(once);
    ASSERT_TRUE(b.ok()) << once;
    EXPECT_EQ(ToString(*b), once);
  }
}

}  // namespace
}  // namespace tagloop::segment
