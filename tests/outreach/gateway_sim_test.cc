// The gateway simulator's demo features (demo/gateway/gateway_sim.cc),
// driven through the real channels: seeded failures the channels classify
// as the real gateways' (permanent, and transient once then accepted), the
// Retry-After rule action, and the receipts it posts to an events endpoint.
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <set>
#include <sstream>

#include "outreach/channel_factory.h"
#include "outreach/message_id.h"
#include "receiver_process.h"
#include "server/http_client.h"
#include "testing/http_receiver.h"
#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

using testing::ReceiverProcess;
using testing::TempDir;

OutgoingMessage Msg(uint32_t user, nlohmann::json content = nlohmann::json::object()) {
  OutgoingMessage m;
  m.user = user;
  m.campaign_id = "c9";
  m.external_user_id = "u" + std::to_string(user);
  m.message_id = MessageId("c9", "send", m.external_user_id, 0);
  m.address = "139" + std::to_string(10000000 + user);
  m.content = std::move(content);
  return m;
}

ChannelSpec Spec(const std::string& kind, nlohmann::json settings, std::map<std::string, std::string> secrets = {}) {
  ChannelSpec s;
  s.name = kind + "_demo";
  s.kind = kind;
  s.timeout_ms = 2000;
  s.settings = std::move(settings);
  s.secrets = std::move(secrets);
  return s;
}

// The SMS outcomes of users 1..n: error text ("" = sent) per user.
std::map<uint32_t, std::string> SendSms(Channel& ch, int n) {
  std::vector<OutgoingMessage> batch;
  for (int u = 1; u <= n; ++u) batch.push_back(Msg(static_cast<uint32_t>(u)));
  std::vector<SendOutcome> out = ch.Send(batch, 8);
  std::map<uint32_t, std::string> result;
  for (size_t i = 0; i < out.size(); ++i) {
    result[batch[i].user] = out[i].kind == SendOutcome::Kind::kSent ? "" : out[i].error;
  }
  return result;
}

TEST(GatewaySimTest, SeededFailuresArePermanentOrTransientOnce) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--seed", "7", "--fail-rate", "0.2", "--transient-rate", "0.2"});
  auto ch = MakeChannel(Spec("sms", {{"url", rx.url("/sms")}, {"sign_name", "畅行"}, {"template_code", "T1"}}));
  ASSERT_TRUE(ch.ok()) << ch.status().ToString();
  // The first try of a fifth of the messages is rate-limited; a fifth of
  // the numbers are illegal on every try (seen once the limit is past).
  const std::map<uint32_t, std::string> first = SendSms(**ch, 200), second = SendSms(**ch, 200);
  std::set<uint32_t> illegal, limited;
  for (const auto& [user, error] : second) {
    if (error == "SMS isv.MOBILE_NUMBER_ILLEGAL") illegal.insert(user);
    else EXPECT_EQ(error, "") << user;
  }
  for (const auto& [user, error] : first) {
    if (error == "SMS isv.BUSINESS_LIMIT_CONTROL") limited.insert(user);
    else EXPECT_EQ(error, illegal.count(user) ? "SMS isv.MOBILE_NUMBER_ILLEGAL" : "") << user;
  }
  EXPECT_GT(illegal.size(), 20u);
  EXPECT_LT(illegal.size(), 60u);
  EXPECT_GT(limited.size(), 20u);
  EXPECT_LT(limited.size(), 60u);
  // Another simulator with the same seed picks the same numbers.
  TempDir other_dir;
  ReceiverProcess other(other_dir.path(), {"--seed", "7", "--fail-rate", "0.2"});
  auto other_ch = MakeChannel(Spec("sms", {{"url", other.url("/sms")}, {"sign_name", "畅行"}, {"template_code", "T1"}}));
  ASSERT_TRUE(other_ch.ok());
  for (const auto& [user, error] : SendSms(**other_ch, 200)) EXPECT_EQ(error.empty(), !illegal.count(user)) << user;
}

TEST(GatewaySimTest, WebhookTransientFailuresAre5xxOnce) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--transient-rate", "1"});
  auto ch = MakeChannel(Spec("webhook", {{"url", rx.url("/hook")}}, {{"secret", "k"}}));
  ASSERT_TRUE(ch.ok()) << ch.status().ToString();
  std::vector<OutgoingMessage> batch = {Msg(1), Msg(2), Msg(3)};
  for (const SendOutcome& o : (*ch)->Send(batch, 4)) {
    EXPECT_EQ(o.kind, SendOutcome::Kind::kTransient);
    EXPECT_TRUE(o.error == "HTTP 503" || o.error == "HTTP 500") << o.error;
  }
  for (const SendOutcome& o : (*ch)->Send(batch, 4)) EXPECT_EQ(o.kind, SendOutcome::Kind::kSent) << o.error;
}

TEST(GatewaySimTest, RuleAnswersWithRetryAfter) {
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--rule", "slow=429/retry-after=2*1", "--rule", "down=503/retry-after=30"});
  testing::HttpClient c(static_cast<uint16_t>(rx.port()));
  testing::HttpReply r = c.Request("POST", "/hook", R"({"x":"slow"})", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 429);
  EXPECT_EQ(r.Header("retry-after"), "2");
  r = c.Request("POST", "/hook", R"({"x":"slow"})", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 200) << "*1: the rule applies once";
  EXPECT_EQ(r.Header("retry-after"), "");
  r = c.Request("POST", "/hook", R"({"x":"down"})", {{"Content-Type", "application/json"}});
  EXPECT_EQ(r.status, 503);
  EXPECT_EQ(r.Header("retry-after"), "30");
}

// The NDJSON events the simulator posted, by event id.
std::map<std::string, nlohmann::json> PostedEvents(const std::vector<testing::HttpReceiver::Request>& requests) {
  std::map<std::string, nlohmann::json> events;
  for (const auto& r : requests) {
    EXPECT_NE(r.head.find("Authorization: Bearer tl_sim"), std::string::npos) << r.head;
    std::istringstream lines(r.body);
    for (std::string line; std::getline(lines, line);) {
      nlohmann::json e = nlohmann::json::parse(line);
      events[e["event_id"].get<std::string>()] = e;
    }
  }
  return events;
}

TEST(GatewaySimTest, ReceiptsNameTheUserAndCampaignOfTheRequest) {
  TempDir dir;
  testing::HttpReceiver events;
  std::ofstream(dir.path() + "/token") << "tl_sim\n";
  ReceiverProcess rx(dir.path(), {"--events-url", events.url("/api/v1/events"), "--token-file", dir.path() + "/token",
                                  "--delivered-rate", "1", "--click-rate", "1", "--convert", "order_paid:1"});
  auto hook = MakeChannel(Spec("webhook", {{"url", rx.url("/hook")}}, {{"secret", "k"}}));
  auto sms = MakeChannel(Spec("sms", {{"url", rx.url("/sms")}, {"sign_name", "畅行"}, {"template_code", "T1"}}));
  ASSERT_TRUE(hook.ok() && sms.ok());
  ASSERT_EQ((*hook)->Send({Msg(1)}, 1)[0].kind, SendOutcome::Kind::kSent);
  // SMS names neither: a tracking link does; a message without one gets no receipt.
  ASSERT_EQ((*sms)->Send({Msg(2, {{"link", "https://t.cn/s?c=c9&u=u2"}}), Msg(3, {{"name", "张三"}})}, 2)[0].kind,
            SendOutcome::Kind::kSent);
  std::map<std::string, nlohmann::json> got;
  for (int i = 0; i < 100 && got.size() < 6; ++i) {
    got = PostedEvents(events.WaitFor(1));
    if (got.size() < 6) std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  ASSERT_EQ(got.size(), 6u);
  for (uint32_t u : {1u, 2u}) {
    const std::string mid = Msg(u).message_id;
    ASSERT_TRUE(got.count("dlv:" + mid) && got.count("clk:" + mid) && got.count("goal:" + mid)) << u;
    const nlohmann::json& d = got["dlv:" + mid];
    EXPECT_EQ(d["type"], "message_delivered");
    EXPECT_EQ(d["user_id"], "u" + std::to_string(u));
    EXPECT_EQ(d["properties"]["campaign_id"], "c9");
    EXPECT_EQ(d["properties"]["message_id"], mid);
    EXPECT_EQ(got["clk:" + mid]["type"], "message_clicked");
    EXPECT_EQ(got["goal:" + mid]["type"], "order_paid");
    EXPECT_TRUE(got["goal:" + mid]["properties"].contains("amount"));
  }
  EXPECT_EQ(got["dlv:" + Msg(1).message_id]["properties"]["channel"], "webhook_demo");
  EXPECT_FALSE(got["dlv:" + Msg(2).message_id]["properties"].contains("channel")) << "SMS requests name no channel";
}

}  // namespace
}  // namespace tagloop::outreach
