// The sms, coupon, wecom_bot and wechat_template channels against the real
// test receiver acting as each gateway.
#include <gtest/gtest.h>

#include "outreach/channel_factory.h"
#include "outreach/channels/wechat_template_channel.h"
#include "outreach/message_id.h"
#include "receiver_process.h"
#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

using testing::ReceiverProcess;
using testing::TempDir;

OutgoingMessage Msg(uint32_t user, std::string address, nlohmann::json content) {
  OutgoingMessage m;
  m.user = user;
  m.campaign_id = "c7";
  m.external_user_id = "u" + std::to_string(user);
  m.message_id = MessageId("c7", "send", m.external_user_id, 0);
  m.address = std::move(address);
  m.content = std::move(content);
  return m;
}

ChannelSpec Spec(const std::string& kind, nlohmann::json settings) {
  ChannelSpec s;
  s.name = kind + "_1";
  s.kind = kind;
  s.timeout_ms = 2000;
  s.settings = std::move(settings);
  return s;
}

TEST(ChannelSmsTest, SendsAliyunFieldsAndReadsTheCode) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--rule", "13800000002=code:isv.BUSINESS_LIMIT_CONTROL", "--rule",
                                  "13800000003=code:isv.MOBILE_NUMBER_ILLEGAL", "--rule", "13800000004=500"});
  auto ch = MakeChannel(Spec("sms", {{"url", rx.url("/sms")}, {"sign_name", "阿里云"}, {"template_code", "SMS_1"}}));
  ASSERT_TRUE(ch.ok()) << ch.status().ToString();
  std::vector<OutgoingMessage> batch;
  for (uint32_t u = 1; u <= 4; ++u) batch.push_back(Msg(u, "1380000000" + std::to_string(u), {{"name", "张三"}, {"days", 3}}));
  batch.push_back(Msg(5, "", {}));
  auto out = (*ch)->Send(batch, 4);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kSent);
  EXPECT_EQ(out[0].gateway_id.rfind("biz", 0), 0u);
  EXPECT_EQ(out[1].kind, SendOutcome::Kind::kTransient);
  EXPECT_EQ(out[2].kind, SendOutcome::Kind::kPermanent);
  EXPECT_EQ(out[2].error, "SMS isv.MOBILE_NUMBER_ILLEGAL");
  EXPECT_EQ(out[3].kind, SendOutcome::Kind::kTransient);
  EXPECT_EQ(out[4].kind, SendOutcome::Kind::kPermanent);  // no address: never sent
  auto got = rx.WaitFor(4);
  ASSERT_EQ(got.size(), 4u);
  for (const auto& r : got) {
    auto b = nlohmann::json::parse(r.body);
    EXPECT_EQ(b["SignName"], "阿里云");
    EXPECT_EQ(b["TemplateCode"], "SMS_1");
    EXPECT_EQ(r.key, b["OutId"]);
    auto params = nlohmann::json::parse(b["TemplateParam"].get<std::string>());
    EXPECT_EQ(params["days"], "3");  // values are strings
    EXPECT_EQ(params["name"], "张三");
  }
  auto bad = MakeChannel(Spec("sms", {{"url", rx.url("/sms")}, {"sign_name", "x"}}));
  EXPECT_NE(bad.status().message().find("settings.template_code"), std::string::npos);
}

TEST(ChannelCouponTest, ReportsTheIssuedCouponId) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "coupon-key", "--rule", "\"u2\"=409"});
  ChannelSpec s = Spec("coupon", {{"url", rx.url("/coupon")}, {"coupon_batch", "NOV-10"}});
  s.secrets["secret"] = "coupon-key";
  auto ch = MakeChannel(s);
  ASSERT_TRUE(ch.ok()) << ch.status().ToString();
  auto out = (*ch)->Send({Msg(1, "", {{"amount", 10}}), Msg(2, "", {})}, 2);
  ASSERT_EQ(out[0].kind, SendOutcome::Kind::kSent);
  EXPECT_EQ(out[0].gateway_id, "c-" + MessageId("c7", "send", "u1", 0));
  EXPECT_EQ(out[1].kind, SendOutcome::Kind::kPermanent);
  for (const auto& r : rx.WaitFor(2)) {
    EXPECT_EQ(r.signature, "ok");
    EXPECT_EQ(nlohmann::json::parse(r.body)["coupon_batch"], "NOV-10");
  }
  s.secrets.clear();
  EXPECT_NE(MakeChannel(s).status().message().find("'secret'"), std::string::npos);
}

TEST(ChannelWecomBotTest, PostsMarkdownAndTreats130101AsTransient) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--wecom-per-minute", "2", "--rule", "bad-group=errcode:93000"});
  auto ch = MakeChannel(Spec("wecom_bot", {{"url", rx.url("/cgi-bin/webhook/send?key=BOTKEY")}}));
  ASSERT_TRUE(ch.ok()) << ch.status().ToString();
  EXPECT_LE((*ch)->MaxRatePerSecond(), 20.0 / 60);
  auto out = (*ch)->Send({Msg(1, "", {{"content", "**门店A** 今日回访 3 人"}}), Msg(2, "", {{"content", "bad-group"}}),
                          Msg(3, "", {{"content", "b"}}), Msg(4, "", {{"content", "c"}}),
                          Msg(5, "", {{"content", std::string(5000, 'x')}}), Msg(6, "", {{"title", "no content"}})},
                         1);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kSent);
  EXPECT_EQ(out[1].kind, SendOutcome::Kind::kPermanent);
  EXPECT_EQ(out[2].kind, SendOutcome::Kind::kSent);
  EXPECT_EQ(out[3].kind, SendOutcome::Kind::kTransient);  // the third within the minute
  EXPECT_EQ(out[3].error, "wecom_bot errcode 130101");
  EXPECT_EQ(out[4].kind, SendOutcome::Kind::kPermanent);  // over 4096 bytes
  EXPECT_EQ(out[5].kind, SendOutcome::Kind::kPermanent);
  auto got = rx.WaitFor(4);
  ASSERT_EQ(got.size(), 4u);
  auto b = nlohmann::json::parse(got[0].body);
  EXPECT_EQ(b["msgtype"], "markdown");
  EXPECT_EQ(b["markdown"]["content"], "**门店A** 今日回访 3 人");
  EXPECT_EQ(got[0].key, "BOTKEY");
}

ChannelSpec WechatSpec(const ReceiverProcess& rx) {
  ChannelSpec s = Spec("wechat_template", {{"base_url", rx.url("")},
                                           {"appid", "wxapp"},
                                           {"template_id", "TPL1"},
                                           {"quota_pause_ms", 1234}});
  s.secrets["appsecret"] = "app-secret-value";
  return s;
}

TEST(ChannelWechatTemplateTest, FetchesATokenOnceAndSendsTemplates) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--appsecret", "app-secret-value", "--rule", "openid-43004=errcode:43004",
                                  "--rule", "openid-40003=errcode:40003", "--rule", "openid-45009=errcode:45009"});
  auto ch = MakeChannel(WechatSpec(rx));
  ASSERT_TRUE(ch.ok()) << ch.status().ToString();
  auto out = (*ch)->Send({Msg(1, "openid-1", {{"data", {{"first", "您好"}, {"keyword1", {{"value", "x"}, {"color", "#f00"}}}}},
                                              {"url", "https://example.com/r"}}),
                          Msg(2, "openid-43004", {{"first", "a"}}), Msg(3, "openid-40003", {{"first", "a"}}),
                          Msg(4, "openid-45009", {{"first", "a"}})},
                         2);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kSent);
  EXPECT_EQ(out[1].kind, SendOutcome::Kind::kPermanent);
  EXPECT_EQ(out[2].kind, SendOutcome::Kind::kPermanent);
  EXPECT_EQ(out[3].kind, SendOutcome::Kind::kTransient);
  EXPECT_EQ(out[3].pause_channel_ms, 1234);
  out = (*ch)->Send({Msg(5, "openid-5", {{"first", "b"}})}, 1);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kSent);
  EXPECT_EQ(dynamic_cast<WechatTemplateChannel*>(ch->get())->token_fetches(), 1);  // one token serves all
  size_t sends = 0;
  for (const auto& r : rx.Requests()) {
    if (r.route != "wechat_send") continue;
    auto b = nlohmann::json::parse(r.body);
    EXPECT_EQ(b["template_id"], "TPL1");
    EXPECT_EQ(r.key, b["client_msg_id"]);
    if (b["touser"] == "openid-1") {
      EXPECT_EQ(b["data"]["first"]["value"], "您好");
      EXPECT_EQ(b["data"]["keyword1"]["color"], "#f00");
      EXPECT_EQ(b["url"], "https://example.com/r");
    }
    ++sends;
  }
  EXPECT_EQ(sends, 5u);
}

TEST(ChannelWechatTemplateTest, RefetchesTheTokenOnceWhenItExpires) {
  TempDir dir;
  // Each token serves two sends, then WeChat answers 42001.
  ReceiverProcess rx(dir.path(), {"--appsecret", "app-secret-value", "--token-uses", "2"});
  auto ch = MakeChannel(WechatSpec(rx));
  ASSERT_TRUE(ch.ok());
  auto out = (*ch)->Send({Msg(1, "o1", {{"a", "1"}}), Msg(2, "o2", {{"a", "1"}})}, 1);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kSent);
  EXPECT_EQ(out[1].kind, SendOutcome::Kind::kSent);
  out = (*ch)->Send({Msg(3, "o3", {{"a", "1"}})}, 1);  // 42001, refetch, sent
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kSent) << out[0].error;
  EXPECT_EQ(dynamic_cast<WechatTemplateChannel*>(ch->get())->token_fetches(), 2);
}

TEST(ChannelWechatTemplateTest, AWrongAppsecretNeverShowsIt) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--appsecret", "the-right-one"});
  auto ch = MakeChannel(WechatSpec(rx));
  ASSERT_TRUE(ch.ok());
  auto out = (*ch)->Send({Msg(1, "o1", {{"a", "1"}})}, 1);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kTransient);
  EXPECT_EQ(out[0].error, "wechat token: errcode 40125");
  EXPECT_EQ(out[0].error.find("app-secret-value"), std::string::npos);
  ChannelSpec s = WechatSpec(rx);
  s.settings.erase("appid");
  EXPECT_NE(MakeChannel(s).status().message().find("settings.appid"), std::string::npos);
}

}  // namespace
}  // namespace tagloop::outreach
