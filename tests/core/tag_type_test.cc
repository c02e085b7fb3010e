#include "core/tag_type.h"

#include <gtest/gtest.h>

#include <limits>

namespace tagloop {

TEST(TagTypeTest, ParsesEveryTypeOfTheSpec) {
  EXPECT_EQ(TagType::Parse("bool")->kind, TagKind::kBool);
  EXPECT_EQ(TagType::Parse("enum")->kind, TagKind::kEnum);
  EXPECT_EQ(TagType::Parse("set")->kind, TagKind::kSet);
  EXPECT_EQ(TagType::Parse("int")->kind, TagKind::kInt);
  EXPECT_EQ(TagType::Parse("date")->kind, TagKind::kDate);
  auto d = TagType::Parse("decimal:2");
  ASSERT_TRUE(d.ok());
  EXPECT_EQ(d->kind, TagKind::kDecimal);
  EXPECT_EQ(d->scale, 2);
  EXPECT_EQ(d->ToString(), "decimal:2");
  for (const char* bad : {"decimal:7", "decimal", "decimal:", "Bool", "integer", ""}) {
    EXPECT_FALSE(TagType::Parse(bad).ok()) << bad;
  }
}

TEST(TagTypeTest, BoolCells) {
  for (const char* t : {"true", "TRUE", "True", "1"}) EXPECT_TRUE(*ParseBoolValue(t)) << t;
  for (const char* f : {"false", "FALSE", "0"}) EXPECT_FALSE(*ParseBoolValue(f)) << f;
  for (const char* bad : {"yes", "2", "", "t"}) EXPECT_FALSE(ParseBoolValue(bad).ok()) << bad;
}

TEST(TagTypeTest, IntCells) {
  EXPECT_EQ(*ParseIntValue("-12"), -12);
  EXPECT_EQ(*ParseIntValue("340"), 340);
  EXPECT_EQ(*ParseIntValue("9223372036854775807"), std::numeric_limits<int64_t>::max());
  EXPECT_EQ(*ParseIntValue("-9223372036854775808"), std::numeric_limits<int64_t>::min());
  for (const char* bad : {"", "+1", "1.5", "abc", "12a", "9223372036854775808", " 1"}) {
    EXPECT_FALSE(ParseIntValue(bad).ok()) << bad;
  }
}

TEST(TagTypeTest, DecimalCellsAreScaled) {
  EXPECT_EQ(*ParseDecimalValue("12.5", 2), 1250);
  EXPECT_EQ(*ParseDecimalValue("-0.25", 2), -25);
  EXPECT_EQ(*ParseDecimalValue("3", 2), 300);
  EXPECT_EQ(*ParseDecimalValue("7", 0), 7);
  EXPECT_FALSE(ParseDecimalValue("1.234", 2).ok());
  for (const char* bad : {"", ".5", "1.", "-", "1e5", "1,5", "--1"}) {
    EXPECT_FALSE(ParseDecimalValue(bad, 2).ok()) << bad;
  }
  TagType dec2{TagKind::kDecimal, 2};
  EXPECT_EQ(FormatNumericValue(dec2, 1250), "12.50");
  EXPECT_EQ(FormatNumericValue(dec2, -25), "-0.25");
  EXPECT_EQ(FormatNumericValue(TagType{TagKind::kDate}, 0), "1970-01-01");
}

TEST(TagTypeTest, TagNames) {
  EXPECT_TRUE(IsValidTagName("age"));
  EXPECT_TRUE(IsValidTagName("_x9"));
  EXPECT_FALSE(IsValidTagName("9x"));
  EXPECT_FALSE(IsValidTagName("a-b"));
  EXPECT_FALSE(IsValidTagName(""));
  EXPECT_FALSE(IsValidTagName("城市"));
}

}  // namespace tagloop
