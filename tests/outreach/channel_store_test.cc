// Channels: secrets kept apart, never described; validation; reopen.
#include "outreach/channel_store.h"

#include <gtest/gtest.h>

#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

TEST(ChannelStoreTest, SecretsAreWriteOnly) {
  testing::TempDir dir;
  auto store = ChannelStore::Open(dir.path());
  ASSERT_TRUE(store.ok());
  auto spec = ChannelFromJson("hook", Json::parse(R"({"kind": "webhook", "url": "http://x/y", "secret": "s3cr3t",
                                                     "rate_per_second": 50})"));
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->secrets.at("secret"), "s3cr3t");
  EXPECT_FALSE(spec->settings.contains("secret"));
  ASSERT_TRUE((*store)->Put(*spec, "adam").ok());
  auto got = (*store)->Get("hook");
  ASSERT_TRUE(got.ok());
  EXPECT_EQ(got->secrets.at("secret"), "s3cr3t");
  EXPECT_EQ(got->rate_per_second, 50);
  EXPECT_EQ(got->concurrency, 4);
  auto described = (*store)->Describe("hook");
  ASSERT_TRUE(described.ok());
  EXPECT_EQ(described->dump().find("s3cr3t"), std::string::npos) << described->dump();
  EXPECT_EQ((*described)["secrets_set"], Json::array({"secret"}));
  auto list = (*store)->List();
  ASSERT_EQ(list->size(), 1u);
  EXPECT_EQ((*list)[0].dump().find("s3cr3t"), std::string::npos);
  // A replacement without the secret keeps it.
  auto replaced = ChannelFromJson("hook", Json::parse(R"({"kind": "webhook", "url": "http://x/z"})"));
  ASSERT_TRUE((*store)->Put(*replaced, "adam").ok());
  store->reset();
  auto reopened = ChannelStore::Open(dir.path());
  auto again = (*reopened)->Get("hook");
  EXPECT_EQ(again->secrets.at("secret"), "s3cr3t");
  EXPECT_EQ(again->settings["url"], "http://x/z");
  EXPECT_TRUE((*reopened)->Delete("hook").ok());
  EXPECT_EQ((*reopened)->Get("hook").status().reason(), ErrorReason::kNotFound);
}

TEST(ChannelStoreTest, Validation) {
  EXPECT_EQ(ChannelFromJson("x", Json::parse(R"({"kind": "fax"})")).status().reason(), ErrorReason::kBadField);
  EXPECT_EQ(ChannelFromJson("x", Json::parse(R"({})")).status().reason(), ErrorReason::kMissingField);
  EXPECT_EQ(ChannelFromJson("Bad!", Json::parse(R"({"kind": "webhook"})")).status().reason(), ErrorReason::kBadField);
  auto bad_rate = ChannelFromJson("x", Json::parse(R"({"kind": "webhook", "concurrency": 0})"));
  EXPECT_NE(bad_rate.status().message().find("concurrency"), std::string::npos);
  testing::TempDir dir;
  auto store = ChannelStore::Open(dir.path());
  auto no_secret = ChannelFromJson("hook", Json::parse(R"({"kind": "webhook", "url": "http://x"})"));
  ASSERT_TRUE(no_secret.ok());
  Status s = (*store)->Put(*no_secret, "adam");
  EXPECT_EQ(s.reason(), ErrorReason::kMissingField);
  EXPECT_NE(s.message().find("secret"), std::string::npos);
  EXPECT_EQ(s.message().find("s3cr3t"), std::string::npos);
}

}  // namespace
}  // namespace tagloop::outreach
