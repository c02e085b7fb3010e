// WebhookAlerts against a real HTTP receiver on loopback.
#include "produce/alerts.h"

#include <gtest/gtest.h>

#include "testing/http_receiver.h"

namespace tagloop {
namespace {

Alert Sample(const std::string& tag) {
  return Alert{"quality_rejected", tag, "tag '" + tag + "' was not published", {{"run_id", 7}}, 1700000000000};
}

TEST(WebhookAlertsTest, PostsEachAlertAsJson) {
  testing::HttpReceiver receiver;
  {
    WebhookAlerts alerts(WebhookOptions{receiver.url("/hook?key=secret")});
    alerts.Send(Sample("vip"));
    alerts.Send(Sample("age"));
    auto got = receiver.WaitFor(2);
    ASSERT_EQ(got.size(), 2u);
    EXPECT_TRUE(got[0].head.starts_with("POST /hook?key=secret HTTP/1.1")) << got[0].head;
    EXPECT_NE(got[0].head.find("Content-Type: application/json"), std::string::npos);
    nlohmann::json body = nlohmann::json::parse(got[0].body);
    EXPECT_EQ(body["kind"], "quality_rejected");
    EXPECT_EQ(body["tag"], "vip");
    EXPECT_EQ(body["detail"]["run_id"], 7);
    EXPECT_EQ(body["at_unix_ms"], 1700000000000);
    EXPECT_EQ(nlohmann::json::parse(got[1].body)["tag"], "age");
  }
}

TEST(WebhookAlertsTest, RetriesAFailingReceiverThenCountsTheFailure) {
  testing::HttpReceiver receiver(500);
  WebhookOptions options{receiver.url()};
  options.attempts = 2;
  WebhookAlerts alerts(options);
  alerts.Send(Sample("vip"));
  EXPECT_EQ(receiver.WaitFor(2).size(), 2u);  // the first attempt and one retry
  auto give_up = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (alerts.failed() == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(alerts.failed(), 1u);
  EXPECT_EQ(alerts.delivered(), 0u);
  receiver.set_status(204);
  alerts.Send(Sample("age"));
  EXPECT_EQ(receiver.WaitFor(3).size(), 3u);
  while (alerts.delivered() == 0 && std::chrono::steady_clock::now() < give_up) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_EQ(alerts.delivered(), 1u);
}

TEST(WebhookAlertsTest, AnUnreachableReceiverNeverBlocksTheSender) {
  WebhookOptions options{"http://127.0.0.1:1/hook"};
  options.attempts = 1;
  options.timeout_ms = 200;
  auto start = std::chrono::steady_clock::now();
  {
    WebhookAlerts alerts(options);
    for (int i = 0; i < 5; ++i) alerts.Send(Sample("vip"));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
  }
}

}  // namespace
}  // namespace tagloop
