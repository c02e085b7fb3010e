#include "segment/numeric_literal.h"

#include <gtest/gtest.h>

#include <limits>

namespace tagloop::segment {
namespace {

TagType T(const char* text) { return *TagType::Parse(text); }

// floor and exactness, or the error's message.
std::string Scale(const char* type, const char* text) {
  Result<ScaledLiteral> r = ScaleNumericLiteral(T(type), text);
  if (!r.ok()) return "error: " + r.status().message();
  const __int128 f = r->floor;
  const bool small = f >= std::numeric_limits<int64_t>::min() && f <= std::numeric_limits<int64_t>::max();
  const std::string floor = small ? std::to_string(static_cast<int64_t>(f)) : f < 0 ? "below" : "above";
  return floor + (r->exact ? " exact" : " +");
}

TEST(NumericLiteralTest, ValuesTheTagHoldsAreExact) {
  EXPECT_EQ(Scale("int", "30"), "30 exact");
  EXPECT_EQ(Scale("int", "-7"), "-7 exact");
  EXPECT_EQ(Scale("int", "30.0"), "30 exact");
  EXPECT_EQ(Scale("int", "-0.000"), "0 exact");
  EXPECT_EQ(Scale("decimal:2", "12.5"), "1250 exact");
  EXPECT_EQ(Scale("decimal:2", "12.500"), "1250 exact");
  EXPECT_EQ(Scale("decimal:0", "12.0"), "12 exact");
  EXPECT_EQ(Scale("int", "-9223372036854775808.0"), "-9223372036854775808 exact");
  EXPECT_EQ(Scale("date", "1970-01-02"), "1 exact");
}

TEST(NumericLiteralTest, FinerLiteralsLieAboveTheirFloor) {
  EXPECT_EQ(Scale("int", "30.5"), "30 +");
  EXPECT_EQ(Scale("int", "30.001"), "30 +");
  EXPECT_EQ(Scale("int", "-30.5"), "-31 +");
  EXPECT_EQ(Scale("int", "-0.5"), "-1 +");
  EXPECT_EQ(Scale("int", "0.5"), "0 +");
  EXPECT_EQ(Scale("decimal:2", "1.005"), "100 +");
  EXPECT_EQ(Scale("decimal:2", "-1.005"), "-101 +");
  EXPECT_EQ(Scale("decimal:2", "-0.001"), "-1 +");
  EXPECT_EQ(Scale("decimal:2", "12.5000001"), "1250 +");
  EXPECT_EQ(Scale("decimal:0", "-2.5"), "-3 +");
  EXPECT_EQ(Scale("decimal:6", "0.0000001"), "0 +");
  EXPECT_EQ(Scale("int", "9223372036854775807.5"), "9223372036854775807 +");
  EXPECT_EQ(Scale("int", "-9223372036854775808.5"), "below +");
  EXPECT_EQ(Scale("decimal:2", "-92233720368547758.075"), "-9223372036854775808 +");
}

TEST(NumericLiteralTest, OtherTextKeepsTheSharedParsersErrors) {
  EXPECT_EQ(Scale("int", "abc"), "error: invalid int 'abc'");
  EXPECT_EQ(Scale("int", " 1.5"), "error: invalid int ' 1.5'");
  EXPECT_EQ(Scale("int", "1.5.5"), "error: invalid int '1.5.5'");
  EXPECT_EQ(Scale("int", "1."), "error: invalid int '1.'");
  EXPECT_EQ(Scale("int", ".5"), "error: invalid int '.5'");
  EXPECT_EQ(Scale("int", "-.5"), "error: invalid int '-.5'");
  EXPECT_EQ(Scale("int", "+1.5"), "error: invalid int '+1.5'");
  EXPECT_EQ(Scale("decimal:2", "1.5x"), "error: invalid decimal '1.5x'");
  EXPECT_EQ(Scale("int", "99999999999999999999"), "error: int '99999999999999999999' is out of the 64-bit range");
  EXPECT_EQ(Scale("int", "9223372036854775808.5"), "error: int '9223372036854775808.5' is out of the 64-bit range");
  EXPECT_EQ(Scale("decimal:2", "92233720368547758.085"), "error: decimal '92233720368547758.085' is out of range");
  EXPECT_EQ(Scale("date", "2026.5"), "error: invalid date '2026.5': expected YYYY-MM-DD");
}

}  // namespace
}  // namespace tagloop::segment
