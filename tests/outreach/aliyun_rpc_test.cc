// Aliyun's RPC signature against Aliyun's published examples, and the sms
// channel's `"signing": "aliyun_rpc"` against the test receiver, which
// checks the signature independently (--aliyun-secret).
#include "outreach/channels/aliyun_rpc.h"

#include <gtest/gtest.h>

#include <set>

#include "outreach/channel_factory.h"
#include "outreach/channel_store.h"
#include "outreach/message_id.h"
#include "receiver_process.h"
#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

using testing::ReceiverProcess;
using testing::TempDir;

// The SendSms example of Aliyun's SMS documentation ("HTTP 协议及签名",
// help.aliyun.com/document_detail/56189): AccessKeyId testId,
// AccessKeySecret testSecret, GET.
TEST(AliyunRpcTest, MatchesTheSendSmsDocumentationExample) {
  const std::map<std::string, std::string> params = {
      {"AccessKeyId", "testId"},
      {"Action", "SendSms"},
      {"Format", "XML"},
      {"OutId", "123"},
      {"PhoneNumbers", "15300000001"},
      {"RegionId", "cn-hangzhou"},
      {"SignName", "阿里云短信测试专用"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "45e25e9b-0a6f-4070-8c85-2956eda1b466"},
      {"SignatureVersion", "1.0"},
      {"TemplateCode", "SMS_71390007"},
      {"TemplateParam", "{\"customer\":\"test\"}"},
      {"Timestamp", "2017-07-12T02:42:19Z"},
      {"Version", "2017-05-25"}};
  EXPECT_EQ(
      AliyunCanonicalQuery(params),
      "AccessKeyId=testId&Action=SendSms&Format=XML&OutId=123&PhoneNumbers=15300000001&RegionId=cn-hangzhou"
      "&SignName=%E9%98%BF%E9%87%8C%E4%BA%91%E7%9F%AD%E4%BF%A1%E6%B5%8B%E8%AF%95%E4%B8%93%E7%94%A8"
      "&SignatureMethod=HMAC-SHA1&SignatureNonce=45e25e9b-0a6f-4070-8c85-2956eda1b466&SignatureVersion=1.0"
      "&TemplateCode=SMS_71390007&TemplateParam=%7B%22customer%22%3A%22test%22%7D"
      "&Timestamp=2017-07-12T02%3A42%3A19Z&Version=2017-05-25");
  EXPECT_EQ(AliyunRpcSignature("GET", params, "testSecret"), "zJDF+Lrzhj/ThnlvIToysFRq6t4=");
  const std::string signed_query = AliyunSignedQuery("GET", params, "testSecret");
  EXPECT_EQ(signed_query.substr(signed_query.rfind('&')), "&Signature=zJDF%2BLrzhj%2FThnlvIToysFRq6t4%3D");
}

// The DescribeRegions example of Aliyun's RPC signature documentation (ECS).
TEST(AliyunRpcTest, MatchesTheRpcDocumentationExample) {
  const std::map<std::string, std::string> params = {
      {"AccessKeyId", "testid"},
      {"Action", "DescribeRegions"},
      {"Format", "XML"},
      {"SignatureMethod", "HMAC-SHA1"},
      {"SignatureNonce", "3ee8c1b8-83d3-44af-a94f-4e0ad82fd6cf"},
      {"SignatureVersion", "1.0"},
      {"Timestamp", "2016-02-23T12:46:24Z"},
      {"Version", "2014-05-26"}};
  EXPECT_EQ(AliyunRpcSignature("GET", params, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
  // The method is part of what is signed.
  EXPECT_NE(AliyunRpcSignature("POST", params, "testsecret"), "OLeaidS1JvxuMvnyHOwuJ+uX5qY=");
}

TEST(AliyunRpcTest, EncodesSpacesStarsAndTildesAsAliyunDoes) {
  EXPECT_EQ(AliyunCanonicalQuery({{"a b", "x*y~z+"}}), "a%20b=x%2Ay~z%2B");
}

ChannelSpec SignedSms(const std::string& url, const std::string& secret) {
  ChannelSpec s;
  s.name = "sms_aliyun";
  s.kind = "sms";
  s.timeout_ms = 2000;
  s.settings = {{"url", url},
                {"sign_name", "阿里云短信测试专用"},
                {"template_code", "SMS_71390007"},
                {"signing", "aliyun_rpc"},
                {"access_key_id", "LTAI-test"}};
  s.secrets["access_key_secret"] = secret;
  return s;
}

OutgoingMessage Sms(uint32_t user, std::string phone) {
  OutgoingMessage m;
  m.user = user;
  m.campaign_id = "c3";
  m.external_user_id = "u" + std::to_string(user);
  m.message_id = MessageId("c3", "send", m.external_user_id, 0);
  m.address = std::move(phone);
  m.content = {{"customer", "张三 & co"}, {"days", 3}};
  return m;
}

TEST(ChannelSmsAliyunTest, SignsEachRequestTheWayTheGatewayChecksIt) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--aliyun-secret", "ak-secret"});
  auto ch = MakeChannel(SignedSms(rx.url("/sms"), "ak-secret"));
  ASSERT_TRUE(ch.ok()) << ch.status().ToString();
  std::vector<OutgoingMessage> batch = {Sms(1, "15300000001"), Sms(2, "15300000002")};
  auto out = (*ch)->Send(batch, 2);
  ASSERT_EQ(out.size(), 2u);
  for (const auto& o : out) EXPECT_EQ(o.kind, SendOutcome::Kind::kSent) << o.error;
  // A retry signs again (new nonce and time) and still carries the OutId.
  out = (*ch)->Send({batch[0]}, 1);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kSent) << out[0].error;
  auto got = rx.WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  std::set<std::string> bodies;
  for (const auto& r : got) {
    EXPECT_EQ(r.route, "sms");
    EXPECT_EQ(r.signature, "ok");
    EXPECT_NE(r.body.find("Action=SendSms"), std::string::npos);
    EXPECT_NE(r.body.find("AccessKeyId=LTAI-test"), std::string::npos);
    EXPECT_EQ(r.body.find("ak-secret"), std::string::npos);
    bodies.insert(r.body);
  }
  EXPECT_EQ((std::set<std::string>{got[0].key, got[1].key}),
            (std::set<std::string>{batch[0].message_id, batch[1].message_id}));
  EXPECT_EQ(got[2].key, batch[0].message_id);
  EXPECT_EQ(bodies.size(), 3u);  // every request has its own nonce

  // A wrong secret: the gateway refuses the signature, a permanent failure.
  auto wrong = MakeChannel(SignedSms(rx.url("/sms"), "other-secret"));
  ASSERT_TRUE(wrong.ok());
  out = (*wrong)->Send({Sms(3, "15300000003")}, 1);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kPermanent);
  EXPECT_EQ(out[0].error, "SMS SignatureDoesNotMatch");
  EXPECT_EQ(rx.WaitFor(4).back().signature, "bad");
}

TEST(ChannelSmsAliyunTest, ChecksItsSettingsAndKeepsTheSecretWriteOnly) {
  ChannelSpec s = SignedSms("http://127.0.0.1:1/sms", "ak-secret");
  s.settings.erase("access_key_id");
  EXPECT_NE(MakeChannel(s).status().message().find("settings.access_key_id"), std::string::npos);
  s = SignedSms("http://127.0.0.1:1/sms", "ak-secret");
  s.secrets.clear();
  EXPECT_NE(MakeChannel(s).status().message().find("'access_key_secret'"), std::string::npos);
  s = SignedSms("http://127.0.0.1:1/sms", "ak-secret");
  s.settings["signing"] = "hmac";
  EXPECT_NE(MakeChannel(s).status().message().find("settings.signing"), std::string::npos);

  Json doc = {{"kind", "sms"},           {"url", "http://127.0.0.1:1/sms"}, {"address", {{"source", "crm"}}},
              {"sign_name", "x"},        {"template_code", "SMS_1"},        {"signing", "aliyun_rpc"},
              {"access_key_id", "LTAI"}, {"access_key_secret", "ak-secret"}};
  auto spec = ChannelFromJson("sms_aliyun", doc);
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->secrets.at("access_key_secret"), "ak-secret");
  EXPECT_EQ(DescribeChannel(*spec).dump().find("ak-secret"), std::string::npos);
}

}  // namespace
}  // namespace tagloop::outreach
