// The webhook channel against the real test receiver: the contract's body,
// headers and signature; the classification of answers.
#include <gtest/gtest.h>

#include "outreach/channel_factory.h"
#include "outreach/channels/channel_util.h"
#include "outreach/channels/webhook_channel.h"
#include "outreach/message_id.h"
#include "receiver_process.h"
#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

using testing::ReceiverProcess;
using testing::TempDir;

ChannelSpec WebhookSpec(const std::string& url, int64_t timeout_ms = 3000) {
  ChannelSpec s;
  s.name = "crm_hook";
  s.kind = "webhook";
  s.timeout_ms = timeout_ms;
  s.settings = {{"url", url}};
  s.secrets["secret"] = "s3cr3t-value";
  return s;
}

OutgoingMessage Msg(uint32_t user) {
  OutgoingMessage m;
  m.user = user;
  m.campaign_id = "c42";
  m.external_user_id = "u" + std::to_string(user);
  m.message_id = MessageId(m.campaign_id, m.step, m.external_user_id, 0);
  m.content = {{"title", "续租 \"优惠\"\n"}, {"n", user}};
  return m;
}

TEST(ChannelWebhookTest, PostsTheContractsSignedBody) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "s3cr3t-value"});
  ASSERT_GT(rx.port(), 0);
  auto ch = MakeChannel(WebhookSpec(rx.url("/hook")));
  ASSERT_TRUE(ch.ok()) << ch.status().ToString();
  std::vector<OutgoingMessage> batch = {Msg(1), Msg(2), Msg(3)};
  std::vector<SendOutcome> out = (*ch)->Send(batch, 2);
  ASSERT_EQ(out.size(), 3u);
  for (const auto& o : out) EXPECT_EQ(o.kind, SendOutcome::Kind::kSent) << o.error;
  auto got = rx.WaitFor(3);
  ASSERT_EQ(got.size(), 3u);
  for (const auto& r : got) {
    EXPECT_EQ(r.route, "hook");
    EXPECT_EQ(r.signature, "ok");  // the receiver checked the HMAC
    auto body = nlohmann::json::parse(r.body);
    EXPECT_EQ(r.key, body["message_id"]);
    EXPECT_EQ(body["campaign_id"], "c42");
    EXPECT_EQ(body["step"], "send");
    EXPECT_EQ(body["channel"], "crm_hook");
    EXPECT_EQ(body["content"]["title"], "续租 \"优惠\"\n");
  }
  const std::string prefix = "{\"message_id\":\"" + batch[0].message_id + "\",\"campaign_id\":\"c42\",\"step\":\"send\",";
  EXPECT_EQ(WebhookChannel::Body(batch[0], "crm_hook").rfind(prefix, 0), 0u);
}

TEST(ChannelWebhookTest, ClassifiesAnswersByTheContract) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "s3cr3t-value", "--rule", "\"u1\"=429", "--rule", "\"u2\"=503",
                                  "--rule", "\"u3\"=400", "--rule", "\"u4\"=garbage", "--rule", "\"u5\"=hang"});
  auto ch = MakeChannel(WebhookSpec(rx.url("/hook"), 500));
  ASSERT_TRUE(ch.ok());
  std::vector<OutgoingMessage> batch = {Msg(1), Msg(2), Msg(3), Msg(4), Msg(5), Msg(6)};
  std::vector<SendOutcome> out = (*ch)->Send(batch, 6);
  ASSERT_EQ(out.size(), 6u);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kTransient);
  EXPECT_EQ(out[0].error, "HTTP 429");
  EXPECT_EQ(out[1].kind, SendOutcome::Kind::kTransient);
  EXPECT_EQ(out[2].kind, SendOutcome::Kind::kPermanent);
  EXPECT_EQ(out[2].error, "HTTP 400");
  EXPECT_EQ(out[3].kind, SendOutcome::Kind::kTransient);  // a broken answer
  EXPECT_EQ(out[4].kind, SendOutcome::Kind::kTransient);  // a time-out
  EXPECT_EQ(out[5].kind, SendOutcome::Kind::kSent);
  for (const auto& o : out) EXPECT_EQ(o.error.find("s3cr3t"), std::string::npos);
}

TEST(ChannelWebhookTest, AWrongSecretIsRefusedByTheGateway) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "the-real-one"});
  auto ch = MakeChannel(WebhookSpec(rx.url("/hook")));
  ASSERT_TRUE(ch.ok());
  std::vector<SendOutcome> out = (*ch)->Send({Msg(1)}, 1);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kPermanent);
  EXPECT_EQ(rx.WaitFor(1).at(0).signature, "bad");
}

TEST(ChannelWebhookTest, ConstructionNamesTheBadFieldNeverTheSecret) {
  ChannelSpec s = WebhookSpec("ftp://x");
  auto ch = MakeChannel(s);
  ASSERT_FALSE(ch.ok());
  EXPECT_NE(ch.status().message().find("settings.url"), std::string::npos) << ch.status().message();
  s = WebhookSpec("http://127.0.0.1:1/hook");
  s.secrets.clear();
  ch = MakeChannel(s);
  ASSERT_FALSE(ch.ok());
  EXPECT_NE(ch.status().message().find("'secret'"), std::string::npos);
  s = WebhookSpec("http://127.0.0.1:1/hook");
  s.concurrency = 0;
  EXPECT_NE(MakeChannel(s).status().message().find("concurrency"), std::string::npos);
  s = WebhookSpec("http://127.0.0.1:1/hook");
  s.settings.erase("url");
  ch = MakeChannel(s);
  EXPECT_NE(ch.status().message().find("settings.url is required"), std::string::npos);
  EXPECT_EQ(ch.status().message().find("s3cr3t"), std::string::npos);
  s.kind = "pigeon";
  EXPECT_NE(MakeChannel(s).status().message().find("kind"), std::string::npos);
}

TEST(ChannelWebhookTest, HmacMatchesRfc4231) {
  // RFC 4231 test case 2.
  EXPECT_EQ(HmacSha256Hex("Jefe", "what do ya want for nothing?"),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

}  // namespace
}  // namespace tagloop::outreach
