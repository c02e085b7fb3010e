// Receipt parsing (outreach/receipts.h): Aliyun SMS delivery reports and
// tagloop's own format, the business time zone of Aliyun's times, and a
// request refused whole, naming the entry and field, at its first bad entry.
#include "outreach/receipts.h"

#include <gtest/gtest.h>

#include "events/event_time.h"

namespace tagloop::outreach {
namespace {

using nlohmann::json;

const char* kId1 = "m0123456789abcdef01234567";
const char* kId2 = "mfedcba9876543210fedcba98";

TEST(ReceiptsTest, ReadsAliyunSmsReports) {
  // The shape Aliyun's SmsReport push sends (one entry per message).
  json body = json::parse(R"([
    {"phone_number": "13800000001", "send_time": "2026-11-30 10:00:00", "report_time": "2026-11-30 10:00:05",
     "success": true, "err_code": "DELIVERED", "err_msg": "用户接收成功", "sms_size": "1",
     "biz_id": "932702304080415357^0", "out_id": "m0123456789abcdef01234567"},
    {"phone_number": "13800000002", "report_time": "2026-11-30 10:00:07", "success": false,
     "err_code": "MK:0001", "err_msg": "空号", "out_id": "mfedcba9876543210fedcba98"}])");
  auto r = ParseReceipts(body, 480);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  ASSERT_EQ(r->size(), 2u);
  EXPECT_EQ((*r)[0].message_id, kId1);
  EXPECT_EQ((*r)[0].kind, ReceiptKind::kDelivered);
  // Beijing 10:00:05 is 02:00:05 UTC.
  EXPECT_EQ((*r)[0].time_ms, *events::ParseRfc3339Millis("2026-11-30T02:00:05Z"));
  EXPECT_TRUE((*r)[0].error.empty());
  EXPECT_EQ((*r)[1].kind, ReceiptKind::kBounced);
  EXPECT_EQ((*r)[1].error, "MK:0001 空号");
  EXPECT_STREQ(ReceiptEventType((*r)[1].kind), "message_bounced");
}

TEST(ReceiptsTest, ReadsTheOwnFormatBareOrWrapped) {
  json own = json::array({{{"message_id", kId1}, {"status", "clicked"}, {"time", "2026-11-30T08:00:00+08:00"}},
                          {{"message_id", kId2}, {"status", "delivered"}}});
  for (const json& body : {own, json{{"receipts", own}}}) {
    auto r = ParseReceipts(body, 480);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    ASSERT_EQ(r->size(), 2u);
    EXPECT_EQ((*r)[0].kind, ReceiptKind::kClicked);
    EXPECT_EQ((*r)[0].time_ms, *events::ParseRfc3339Millis("2026-11-30T00:00:00Z"));
    EXPECT_EQ((*r)[1].time_ms, 0) << "no time: when it arrives";
    EXPECT_STREQ(ReceiptEventType((*r)[0].kind), "message_clicked");
  }
}

TEST(ReceiptsTest, RefusesTheWholeRequestNamingTheFirstBadEntry) {
  struct Case {
    json body;
    std::string names;
  };
  const json good = {{"message_id", kId1}, {"status", "delivered"}};
  for (const Case& c : std::vector<Case>{
           {json::array({good, {{"message_id", kId1}, {"status", "opened"}}}), "receipts[1].status"},
           {json::array({good, {{"status", "delivered"}}}), "receipts[1].message_id"},
           {json::array({{{"message_id", "12345"}, {"status", "delivered"}}}), "receipts[0].message_id"},
           {json::array({{{"out_id", kId1}}}), "receipts[0].success"},
           {json::array({{{"out_id", kId1}, {"success", "yes"}}}), "receipts[0].success"},
           {json::array({{{"out_id", kId1}, {"success", true}, {"report_time", "30/11/2026"}}}),
            "receipts[0].report_time"},
           {json::array({{{"message_id", kId1}, {"status", "clicked"}, {"time", "yesterday"}}}), "receipts[0].time"},
           {json::array({good, 7}), "receipts[1]"},
           {json{{"receipt", json::array()}}, "receipts"},
           {json("delivered"), "receipts"},
       }) {
    auto r = ParseReceipts(c.body, 480);
    ASSERT_FALSE(r.ok()) << c.body.dump();
    EXPECT_EQ(r.status().code(), Status::Code::kInvalidArgument);
    EXPECT_NE(r.status().message().find(c.names), std::string::npos) << r.status().message();
  }
  json many = json::array();
  for (size_t i = 0; i <= kMaxReceiptsPerRequest; ++i) many.push_back(good);
  EXPECT_NE(ParseReceipts(many, 480).status().message().find("at most"), std::string::npos);
  EXPECT_TRUE(ParseReceipts(json::array(), 480).ok());
}

}  // namespace
}  // namespace tagloop::outreach
