#include "core/error_reason.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "core/status.h"

namespace tagloop {
namespace {

TEST(ErrorReasonTest, NamesAreUniqueSnakeCase) {
  std::set<std::string> seen;
  for (int i = 1; i < kErrorReasonCount; ++i) {
    const std::string name(ErrorReasonName(static_cast<ErrorReason>(i)));
    ASSERT_FALSE(name.empty()) << i;
    EXPECT_TRUE(seen.insert(name).second) << name << " twice";
    for (char c : name) EXPECT_TRUE((c >= 'a' && c <= 'z') || c == '_') << name;
  }
  EXPECT_EQ(ErrorReasonName(ErrorReason::kNone), "");
  EXPECT_EQ(ErrorReasonArguments(ErrorReason::kUnknownTag), "tag, suggestion?");
}

TEST(ErrorReasonTest, StatusCarriesItThroughPrefixesAndCopies) {
  Status st = Status::InvalidArgument("unknown tag 'agee'; did you mean 'age'?", 4)
                  .With(ErrorReason::kUnknownTag, {{"tag", "agee"}, {"suggestion", "age"}});
  Status prefixed = st.WithPrefix("count");
  EXPECT_EQ(prefixed.reason(), ErrorReason::kUnknownTag);
  ASSERT_EQ(prefixed.reason_args().size(), 2u);
  EXPECT_EQ(prefixed.reason_args()[1].second, "age");
  EXPECT_EQ(prefixed.position(), std::optional<size_t>(4));
  Status copy = prefixed;
  EXPECT_EQ(copy.reason(), ErrorReason::kUnknownTag);
  // An OK status stays OK and carries nothing.
  Status ok = Status::Ok().With(ErrorReason::kUnknownTag);
  EXPECT_TRUE(ok.ok());
  EXPECT_EQ(ok.reason(), ErrorReason::kNone);
  EXPECT_TRUE(Status::NotFound("x").reason_args().empty());
}

}  // namespace
}  // namespace tagloop
