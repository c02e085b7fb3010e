#include "auth/token_format.h"

#include <gtest/gtest.h>

#include <set>

namespace tagloop {
namespace {

TEST(TokenFormatTest, SecretsHaveThePrefixLengthAndAlphabetAndDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 1000; ++i) {
    auto s = GenerateTokenSecret();
    ASSERT_TRUE(s.ok());
    EXPECT_EQ(s->size(), kTokenLength);
    EXPECT_EQ(s->substr(0, 3), "tl_");
    EXPECT_TRUE(IsWellFormedTokenSecret(*s)) << *s;
    seen.insert(*s);
  }
  EXPECT_EQ(seen.size(), 1000u);
}

TEST(TokenFormatTest, MalformedSecretsAreRecognised) {
  std::string good = *GenerateTokenSecret();
  EXPECT_FALSE(IsWellFormedTokenSecret(""));
  EXPECT_FALSE(IsWellFormedTokenSecret(good.substr(0, 45)));
  EXPECT_FALSE(IsWellFormedTokenSecret(good + "A"));
  EXPECT_FALSE(IsWellFormedTokenSecret("xx_" + good.substr(3)));
  std::string bad = good;
  bad[20] = '+';  // standard, not URL-safe, base64
  EXPECT_FALSE(IsWellFormedTokenSecret(bad));
  bad[20] = '\0';
  EXPECT_FALSE(IsWellFormedTokenSecret(bad));
}

TEST(TokenFormatTest, HashIsSha256) {
  auto h = HashTokenSecret("abc");
  ASSERT_TRUE(h.ok());
  const TokenHash expected = {0xba, 0x78, 0x16, 0xbf, 0x8f, 0x01, 0xcf, 0xea, 0x41, 0x41, 0x40,
                              0xde, 0x5d, 0xae, 0x22, 0x23, 0xb0, 0x03, 0x61, 0xa3, 0x96, 0x17,
                              0x7a, 0x9c, 0xb4, 0x10, 0xff, 0x61, 0xf2, 0x00, 0x15, 0xad};
  EXPECT_EQ(*h, expected);
  EXPECT_TRUE(TokenHashEquals(*h, expected));
  TokenHash other = expected;
  other[31] ^= 1;
  EXPECT_FALSE(TokenHashEquals(*h, other));
}

TEST(TokenFormatTest, BearerHeader) {
  auto t = ParseBearerHeader("Bearer tl_abc");
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(*t, "tl_abc");
  EXPECT_EQ(*ParseBearerHeader("bearer   tl_abc  "), "tl_abc");
  EXPECT_EQ(*ParseBearerHeader("BEARER\ttl_abc"), "tl_abc");
  for (const char* bad : {"", "Bearer", "Bearer ", "Basic dXNlcjpwYXNz", "Bearertl_abc", "tl_abc"}) {
    auto r = ParseBearerHeader(bad);
    ASSERT_FALSE(r.ok()) << bad;
    EXPECT_EQ(r.status().code(), Status::Code::kUnauthenticated);
    if (std::string_view(bad).size() > 7) {
      EXPECT_EQ(r.status().message().find(bad + 7), std::string::npos);
    }
  }
}

TEST(TokenFormatTest, RedactsSecretShapedWords) {
  std::string secret = *GenerateTokenSecret();
  std::string text = "Authorization: Bearer " + secret + ", again:" + secret;
  EXPECT_TRUE(RedactTokenSecrets(text));
  EXPECT_EQ(text, "Authorization: Bearer tl_[redacted], again:tl_[redacted]");
  std::string inner = "tl_x" + secret;  // a secret glued after other characters
  EXPECT_TRUE(RedactTokenSecrets(inner));
  EXPECT_EQ(inner.find(secret.substr(3)), std::string::npos);
  std::string harmless = "tag tl_purchase_frequency and tl_ alone";
  EXPECT_FALSE(RedactTokenSecrets(harmless));
  EXPECT_EQ(harmless, "tag tl_purchase_frequency and tl_ alone");
}

}  // namespace
}  // namespace tagloop
