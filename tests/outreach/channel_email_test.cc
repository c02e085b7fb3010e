// The email channel against a real SMTP server: Debian's aiosmtpd with the
// handler tests/outreach/smtp_sink.py writing each message to a folder.
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <netinet/in.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <thread>

#include "outreach/channel_factory.h"
#include "outreach/channels/email_channel.h"
#include "outreach/message_id.h"
#include "smtp_server.h"
#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

using testing::SmtpServer;
using testing::TempDir;

OutgoingMessage Mail(uint32_t user, std::string address) {
  OutgoingMessage m;
  m.user = user;
  m.campaign_id = "c9";
  m.external_user_id = "u" + std::to_string(user);
  m.message_id = MessageId("c9", "send", m.external_user_id, 0);
  m.address = std::move(address);
  m.content = {{"subject", "续租优惠 for u" + std::to_string(user)}, {"text", "plain body"}, {"html", "<b>html</b>"}};
  return m;
}

TEST(ChannelEmailTest, SendsMultipartMessagesWithTheMessageId) {
  TempDir dir;
  SmtpServer smtp(dir.Sub("mail"));
  if (!smtp.available()) GTEST_SKIP() << "python3-aiosmtpd is not installed (scripts/install-deps.sh)";
  ASSERT_TRUE(smtp.ready());
  ChannelSpec s;
  s.name = "mail";
  s.kind = "email";
  s.timeout_ms = 5000;
  s.settings = {{"smtp_url", smtp.url()}, {"from", "Tagloop <noreply@tagloop.test>"}};
  auto ch = MakeChannel(s);
  ASSERT_TRUE(ch.ok()) << ch.status().ToString();
  auto out = (*ch)->Send({Mail(1, "a@example.com"), Mail(2, "reject5@example.com"), Mail(3, "defer4@example.com"),
                          Mail(4, "b@example.com"), Mail(5, "")},
                         1);
  EXPECT_EQ(out[0].kind, SendOutcome::Kind::kSent) << out[0].error;
  EXPECT_EQ(out[1].kind, SendOutcome::Kind::kPermanent) << out[1].error;
  EXPECT_EQ(out[2].kind, SendOutcome::Kind::kTransient) << out[2].error;
  EXPECT_EQ(out[3].kind, SendOutcome::Kind::kSent) << out[3].error;
  EXPECT_EQ(out[4].kind, SendOutcome::Kind::kPermanent);
  std::vector<std::string> mails = smtp.Messages(2);
  ASSERT_EQ(mails.size(), 2u);
  std::string all = mails[0] + mails[1];
  EXPECT_NE(all.find("Message-ID: <" + MessageId("c9", "send", "u1", 0) + "@tagloop>"), std::string::npos);
  EXPECT_NE(all.find("RCPT TO:a@example.com"), std::string::npos);
  EXPECT_NE(all.find("MAIL FROM:noreply@tagloop.test"), std::string::npos);
  EXPECT_NE(all.find("multipart/alternative"), std::string::npos);
  EXPECT_NE(all.find("text/plain; charset=UTF-8"), std::string::npos);
  EXPECT_NE(all.find("text/html; charset=UTF-8"), std::string::npos);
  EXPECT_NE(all.find("Subject: =?UTF-8?B?"), std::string::npos);
}

TEST(ChannelEmailTest, ChecksItsSettings) {
  ChannelSpec s;
  s.name = "mail";
  s.kind = "email";
  s.settings = {{"smtp_url", "http://x"}, {"from", "a@b"}};
  EXPECT_NE(MakeChannel(s).status().message().find("settings.smtp_url"), std::string::npos);
  s.settings = {{"smtp_url", "smtp://127.0.0.1:25"}, {"from", "nobody"}};
  EXPECT_NE(MakeChannel(s).status().message().find("settings.from"), std::string::npos);
  s.settings = {{"smtp_url", "smtp://127.0.0.1:25"}, {"from", "a@b"}, {"username", "u"}};
  EXPECT_NE(MakeChannel(s).status().message().find("'password'"), std::string::npos);
}

}  // namespace
}  // namespace tagloop::outreach
