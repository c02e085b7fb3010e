#include "store/tag_version.h"

#include <gtest/gtest.h>

#include <map>
#include <random>
#include <set>

namespace tagloop {

TEST(TagVersionTest, SetTagRoundTrip) {
  TagVersionBuilder b(TagType{TagKind::kSet}, 100);
  b.AddValue(1, "suv");
  b.AddValue(1, "van");
  b.AddValue(7, "suv");
  TagVersionContent c = b.Finish();
  auto v = TagVersion::FromBytes(EncodeTagVersion(c));
  ASSERT_TRUE(v.ok()) << v.status().ToString();
  EXPECT_EQ((*v)->type().kind, TagKind::kSet);
  EXPECT_EQ((*v)->date(), 100);
  EXPECT_EQ((*v)->users_with_value(), 2u);
  EXPECT_EQ((*v)->ValuesOf(1), (std::vector<std::string>{"suv", "van"}));
  EXPECT_EQ((*v)->value_cardinality(*(*v)->FindValue("suv")), 2u);
  EXPECT_FALSE((*v)->FindValue("sedan").has_value());
}

TEST(TagVersionTest, DecimalRoundTrip) {
  TagVersionBuilder b(TagType{TagKind::kDecimal, 2}, 5);
  b.AddNumber(0, 1250);
  b.AddNumber(3, -25);
  TagVersionContent c = b.Finish();
  auto v = TagVersion::FromBytes(EncodeTagVersion(c));
  ASSERT_TRUE(v.ok());
  EXPECT_EQ((*v)->ValuesOf(0), std::vector<std::string>{"12.50"});
  EXPECT_EQ((*v)->ValuesOf(3), std::vector<std::string>{"-0.25"});
}

TEST(TagVersionTest, EveryFlippedByteIsDetected) {
  TagVersionBuilder b(TagType{TagKind::kEnum}, 5);
  for (uint32_t u = 0; u < 200; ++u) b.AddValue(u * 7, u % 3 ? "a" : "bb");
  TagVersionContent c = b.Finish();
  const std::string bytes = EncodeTagVersion(c);
  ASSERT_TRUE(TagVersion::FromBytes(bytes).ok());
  for (size_t i = 0; i < bytes.size(); ++i) {
    std::string bad = bytes;
    bad[i] = static_cast<char>(bad[i] ^ 0x01);
    auto v = TagVersion::FromBytes(bad);
    // Padding bytes are not covered by a checksum; all others must be.
    if (v.ok()) {
      EXPECT_EQ((*v)->ValuesOf(7), std::vector<std::string>{"a"}) << "byte " << i;
    }
  }
  for (size_t n = 0; n < bytes.size(); n += 13) {
    EXPECT_FALSE(TagVersion::FromBytes(bytes.substr(0, n)).ok()) << "truncated to " << n;
  }
}

}  // namespace tagloop

namespace tagloop {

// The forward column gives every user's values exactly as the bitmaps do.
TEST(TagVersionTest, ForwardColumnMatchesTheInputForEveryType) {
  std::mt19937_64 rng(3);
  const char* names[] = {"a", "b", "c", "北京", "x y", "z"};
  for (TagKind kind : {TagKind::kBool, TagKind::kEnum, TagKind::kSet, TagKind::kInt, TagKind::kDecimal,
                       TagKind::kDate}) {
    TagType type{kind, static_cast<uint8_t>(kind == TagKind::kDecimal ? 2 : 0)};
    TagVersionBuilder b(type, 10);
    std::map<uint32_t, std::vector<std::string>> want;
    for (uint32_t u = 0; u < 70000; u += 1 + static_cast<uint32_t>(rng() % 5)) {
      if (rng() % 3 == 0) continue;
      if (type.is_numeric()) {
        const int64_t v = static_cast<int64_t>(rng() % 100000) - 50000;
        b.AddNumber(u, v);
        want[u] = {FormatNumericValue(type, v)};
      } else if (kind == TagKind::kBool) {
        const bool v = rng() % 2;
        b.AddBool(u, v);
        want[u] = {v ? "true" : "false"};
      } else if (kind == TagKind::kEnum) {
        const char* v = names[rng() % 6];
        b.AddValue(u, v);
        want[u] = {v};
      } else {
        std::set<std::string> vs;
        for (int k = 0; k < 3; ++k) vs.insert(names[rng() % 6]);
        for (const auto& v : vs) b.AddValue(u, v);
        want[u] = std::vector<std::string>(vs.begin(), vs.end());
      }
    }
    TagVersionContent c = b.Finish();
    auto v = TagVersion::FromBytes(EncodeTagVersion(c));
    ASSERT_TRUE(v.ok()) << v.status().ToString();
    ASSERT_TRUE((*v)->has_forward_column()) << type.ToString();
    for (uint32_t u = 0; u < 70010; ++u) {
      auto it = want.find(u);
      ASSERT_EQ((*v)->ValuesOf(u), it == want.end() ? std::vector<std::string>{} : it->second)
          << type.ToString() << " user " << u;
    }
  }
}

}  // namespace tagloop
