// Outreach end to end through a real `tagloop serve` and a real HTTP
// gateway (demo/gateway/gateway_sim.cc): channels, policy, a campaign's
// lifecycle with roles, planning with control and blacklist, the frozen
// segments, and the contract's delivery guarantee under SIGKILL: the server
// is killed at random moments while it sends and started again until the
// campaign is done. Then every planned recipient was received at least once
// with the same message id, duplicates are at most what can be in flight
// at the kills, and control and blacklisted users received nothing.
#include <fmt/format.h>
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "events/event_time.h"
#include "outreach/message_id.h"
#include "outreach/receiver_process.h"
#include "server/http_client.h"
#include "server/serve_process.h"
#include "testing/temp_dir.h"

namespace tagloop::testing {
namespace {

using nlohmann::json;

constexpr int kUsers = 4000;

class OutreachServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    data_ = tmp_.Sub("data");
    std::filesystem::create_directories(data_);
    // u0..u3999: every other one a VIP; city by id.
    std::ofstream csv(tmp_.Sub("members.csv"));
    csv << "user_id,is_vip,city\n";
    for (int i = 0; i < kUsers; ++i) {
      csv << "u" << i << ',' << (i % 2 == 0 ? "true" : "false") << ',' << (i % 10 == 0 ? "深圳" : "上海") << '\n';
    }
    csv.close();
    RunResult r = RunProgram({TAGLOOP_BINARY, "import", "--data", data_, "--csv", tmp_.Sub("members.csv"),
                              "--id-column", "user_id", "--types", "is_vip:bool,city:enum", "--version",
                              "2026-11-01"});
    ASSERT_EQ(r.exit_code, 0) << r.err;
    admin_ = CreateCliToken(data_, "admin", "boss");
    viewer_ = CreateCliToken(data_, "viewer", "zhao");
    operator_ = CreateCliToken(data_, "operator", "li");
    analyst_ = CreateCliToken(data_, "analyst", "wang");
  }

  std::unique_ptr<ServeProcess> Start(int round) {
    auto server = std::make_unique<ServeProcess>(
        std::vector<std::string>{"--data", data_, "--listen", "127.0.0.1:0", "--no-schedules", "--log-level", "warn",
                                 "--web-root", "none"},
        tmp_.Sub(fmt::format("serve-{}.log", round)));
    last_log_ = tmp_.Sub(fmt::format("serve-{}.log", round));
    port_ = server->WaitForPort();
    EXPECT_NE(port_, 0) << server->Log();
    return server;
  }

  HttpReply Call(const std::string& token, const std::string& method, const std::string& target,
                 const json& body = nullptr) {
    HttpClient c(port_);
    return c.Request(method, target, body.is_null() ? "" : body.dump(),
                     {{"Authorization", "Bearer " + token}, {"Content-Type", "application/json"}});
  }
  json Ok(const HttpReply& r, int status = 200) {
    EXPECT_EQ(r.status, status) << r.body << (r.status == 0 ? "\nserver log:\n" + ReadLog() : "");
    return json::parse(r.body, nullptr, false);
  }

  // The campaign once it is done (or as it is after 30 s).
  json WaitDone(const std::string& id) {
    json c;
    for (int i = 0; i < 600; ++i) {
      c = Ok(Call(analyst_, "GET", "/api/v1/campaigns/" + id));
      if (c["state"] == "done") break;
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    return c;
  }

  std::string ReadLog() const {
    std::ifstream in(last_log_);
    return std::string(std::istreambuf_iterator<char>(in), {});
  }

  TempDir tmp_;
  std::string last_log_;
  std::string data_, admin_, operator_, analyst_, viewer_;
  uint16_t port_ = 0;
};

TEST_F(OutreachServeTest, ACampaignIsSentExactlyAsPlannedThroughKills) {
  std::filesystem::create_directories(tmp_.Sub("rx"));
  ReceiverProcess rx(tmp_.Sub("rx"), {"--secret", "s3cret"});
  ASSERT_NE(rx.port(), 0);
  std::unique_ptr<ServeProcess> server = Start(0);

  // Channels and policy are the admin's; the secret is never shown again.
  EXPECT_EQ(Call(operator_, "PUT", "/api/v1/channels/hook", {{"kind", "webhook"}}).status, 403);
  json channel = Ok(Call(admin_, "PUT", "/api/v1/channels/hook",
                         {{"kind", "webhook"}, {"url", rx.url("/hook")}, {"secret", "s3cret"},
                          {"rate_per_second", 1500}, {"concurrency", 8}}));
  EXPECT_EQ(channel.dump().find("s3cret"), std::string::npos) << channel.dump();
  EXPECT_EQ(Call(operator_, "GET", "/api/v1/channels").body.find("s3cret"), std::string::npos);
  Ok(Call(admin_, "PUT", "/api/v1/outreach/policy", {{"blacklist", "city = '深圳'"}}));
  EXPECT_EQ(Call(admin_, "PUT", "/api/v1/outreach/policy", {{"blacklist", "nosuchtag"}}).status, 400);

  // Bad input names the field and stores nothing.
  HttpReply bad = Call(operator_, "POST", "/api/v1/campaigns",
                       {{"name", "spring"}, {"audience", {{"expr", "is_vip"}}}, {"channel", "nope"}, {"content", {}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("channel"), std::string::npos) << bad.body;
  bad = Call(operator_, "POST", "/api/v1/campaigns",
             {{"name", "spring"}, {"audience", {{"expr", "is_vip"}}}, {"channel", "hook"},
              {"content", {{"title", "Hi {{no_such_field}}"}}}});
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("no_such_field"), std::string::npos) << bad.body;
  EXPECT_EQ(Ok(Call(analyst_, "GET", "/api/v1/campaigns"))["campaigns"].size(), 0u);

  json created = Ok(Call(operator_, "POST", "/api/v1/campaigns",
                         {{"name", "spring"},
                          {"theme", "续租"},
                          {"audience", {{"expr", "is_vip"}}},
                          {"channel", "hook"},
                          {"content", {{"title", "您好 {{user_id}}，{{city}}"}}},
                          {"control", {{"share", 0.1}}},
                          {"goal", {{"event", "order_paid"}, {"window_days", 7}}}}),
                    201);
  const std::string id = created["id"];
  ASSERT_FALSE(id.empty());
  EXPECT_EQ(created["state"], "draft");
  EXPECT_EQ(Call(analyst_, "POST", "/api/v1/campaigns/" + id + "/submit").status, 403);
  Ok(Call(operator_, "POST", "/api/v1/campaigns/" + id + "/submit", {{"comment", "please"}}));
  // Approval: an admin, never the submitter (an operator cannot either).
  EXPECT_EQ(Call(operator_, "POST", "/api/v1/campaigns/" + id + "/approve").status, 403);
  json estimate = Ok(Call(admin_, "POST", "/api/v1/campaigns/" + id + "/estimate"));
  EXPECT_EQ(estimate["funnel"]["audience"], kUsers / 2);
  json preview = Ok(Call(operator_, "POST", "/api/v1/campaigns/" + id + "/preview", {{"user_ids", {"u2"}}}));
  EXPECT_EQ(preview["previews"][0]["content"]["title"], "您好 u2，上海");
  json approved = Ok(Call(admin_, "POST", "/api/v1/campaigns/" + id + "/approve", {{"comment", "ok"}}));
  EXPECT_EQ(approved["state"], "running") << approved.dump();
  const json funnel = approved["funnel"];
  const uint64_t planned = funnel["planned"];
  // Audience 2000 VIPs (even ids); 400 of them (every 10th id) in 深圳 are
  // blacklisted; the control is 10 % of the other 1600.
  EXPECT_EQ(funnel["audience"], 2000);
  EXPECT_EQ(funnel["suppressed"]["blacklist"], 400);
  EXPECT_EQ(funnel["audience"].get<uint64_t>(), funnel["control"].get<uint64_t>() + 400 + planned);
  EXPECT_NEAR(static_cast<double>(funnel["control"].get<uint64_t>()), 160, 40);

  // Kill it while it sends, again and again.
  std::mt19937 rng(7);
  int kills = 0;
  for (int round = 1; round <= 6; ++round) {
    std::this_thread::sleep_for(std::chrono::milliseconds(150 + rng() % 250));
    server.reset();  // SIGKILL
    ++kills;
    server = Start(round);
    json now = Ok(Call(analyst_, "GET", "/api/v1/campaigns/" + id));
    if (now["state"] == "done") break;
  }
  json done = WaitDone(id);
  ASSERT_EQ(done["state"], "done") << done.dump();
  EXPECT_EQ(done["funnel"]["sent"], planned);
  EXPECT_EQ(done["funnel"]["pending"], 0);

  // The frozen segments work in expressions.
  const std::string treatment = done["segments"]["treatment"], control = done["segments"]["control"];
  EXPECT_EQ(Ok(Call(analyst_, "POST", "/api/v1/segments/count",
                    {{"expr", fmt::format("SEGMENT('{}')", treatment)}}))["count"],
            planned);
  EXPECT_EQ(Ok(Call(analyst_, "POST", "/api/v1/segments/count",
                    {{"expr", fmt::format("SEGMENT('{}') AND SEGMENT('{}')", treatment, control)}}))["count"],
            0);
  // Who was treated: the treatment's ids, paged through the recipients.
  std::set<std::string> treated;
  std::string cursor;
  for (;;) {
    json page = Ok(Call(analyst_, "GET",
                        "/api/v1/campaigns/" + id + "/recipients?limit=1000" + (cursor.empty() ? "" : "&cursor=" + cursor)));
    for (const json& r : page["recipients"]) {
      EXPECT_EQ(r["state"], "sent");
      treated.insert(r["user_id"].get<std::string>());
    }
    if (page["next_cursor"].is_null()) break;
    cursor = page["next_cursor"];
  }
  ASSERT_EQ(treated.size(), planned);

  // What the gateway received.
  std::map<std::string, int> received;  // message id -> times
  std::map<std::string, std::string> body_of;
  for (const ReceivedRequest& r : rx.Requests()) {
    ASSERT_EQ(r.route, "hook");
    ++received[r.key];
    if (body_of.count(r.key)) {
      EXPECT_EQ(body_of[r.key], r.body) << "a re-send must carry the same body";
    }
    body_of[r.key] = r.body;
  }
  size_t duplicates = 0;
  for (const std::string& user : treated) {
    const std::string mid = outreach::MessageId(id, "send", user, 0);
    ASSERT_TRUE(received.count(mid)) << user << " was planned but never received";
    duplicates += received[mid] - 1;
  }
  EXPECT_EQ(received.size(), planned) << "someone outside the plan was sent to";
  for (int i = 0; i < kUsers; i += 10) {  // blacklisted (深圳) users
    EXPECT_FALSE(received.count(outreach::MessageId(id, "send", fmt::format("u{}", i), 0)));
  }
  // What a kill can re-send: the batch being committed and the one being
  // sent (each a 50 ms share of 1,500/s: 75) plus the lane's concurrency;
  // one commit batch (256) plus the concurrency bounds that.
  EXPECT_LE(duplicates, static_cast<size_t>(kills) * (256 + 8)) << kills << " kills";
  RecordProperty("kills", kills);
  RecordProperty("duplicates", static_cast<int>(duplicates));

  // Every send is a message_sent event; a second dispatch of the same campaign is refused.
  json stats = Ok(Call(admin_, "GET", "/api/v1/events/stats"));
  EXPECT_EQ(stats["log"]["events"], planned) << stats.dump();
  EXPECT_EQ(Call(operator_, "POST", "/api/v1/campaigns/" + id + "/resume").status, 409);
  json effect = Ok(Call(analyst_, "GET", "/api/v1/campaigns/" + id + "/effect"));
  EXPECT_EQ(effect["treatment"]["users"], planned);
  EXPECT_EQ(effect["treatment"]["converted"], 0);

  // A frequency cap counts what was actually sent, across restarts (the
  // touch history is rebuilt from the ledgers at start): a second campaign
  // to the same audience finds every treated user at a cap of 1 a week.
  server.reset();
  server = Start(99);
  Ok(Call(admin_, "PUT", "/api/v1/outreach/policy",
          {{"blacklist", "city = '深圳'"}, {"caps", {{{"channels", {"*"}}, {"max", 1}, {"days", 7}}}}}));
  json second = Ok(Call(operator_, "POST", "/api/v1/campaigns",
                        {{"name", "again"}, {"audience", {{"expr", "is_vip"}}}, {"channel", "hook"},
                         {"content", {{"title", "again"}}}}),
                   201);
  json again = Ok(Call(analyst_, "POST", "/api/v1/campaigns/" + second["id"].get<std::string>() + "/estimate"));
  EXPECT_EQ(again["funnel"]["suppressed"]["frequency_cap"], planned) << again.dump();
}

// A gateway's receipts become outcome events of the campaign and user its
// message ids name: once each (a repeated receipt is dropped), unknown ids
// listed, a bad request refused whole.
// A journey under SIGKILL: events keep coming in (each acknowledged batch
// must enter its users, taken again from the log after a restart), users
// move from a send through a wait to a second send, and the server is
// killed again and again. In the end every user got both messages, with
// the same message id on a re-send and at most what can be in flight at
// the kills sent twice.
int64_t NowMs() {
  return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
      .count();
}

TEST_F(OutreachServeTest, AJourneyLosesNothingThroughKills) {
  constexpr int kEntering = 2000;
  std::filesystem::create_directories(tmp_.Sub("rx"));
  ReceiverProcess rx(tmp_.Sub("rx"), {"--secret", "s3cret"});
  ASSERT_NE(rx.port(), 0);
  std::unique_ptr<ServeProcess> server = Start(0);
  Ok(Call(admin_, "PUT", "/api/v1/channels/hook",
          {{"kind", "webhook"}, {"url", rx.url("/hook")}, {"secret", "s3cret"}, {"rate_per_second", 1500}}));
  json journey = json::parse(R"({
    "name": "rescue", "entry": {"event": "order_cancelled"},
    "steps": [{"name": "hello", "type": "send", "channel": "hook", "content": {"t": "{{user_id}}"}, "next": "pause"},
              {"name": "pause", "type": "wait", "duration": "2s", "next": "again"},
              {"name": "again", "type": "send", "channel": "hook", "content": {"t": "again"}, "next": "end"},
              {"name": "end", "type": "exit"}]})");
  const std::string id = Ok(Call(operator_, "POST", "/api/v1/campaigns", journey), 201)["id"];
  Ok(Call(operator_, "POST", "/api/v1/campaigns/" + id + "/submit"));
  Ok(Call(admin_, "POST", "/api/v1/campaigns/" + id + "/approve"));
  // Events in batches of 100; the server is killed every few batches. A
  // batch whose answer was lost is sent again (event ids de-duplicate).
  std::mt19937 rng(11);
  int kills = 0, round = 0;
  for (int from = 0; from < kEntering;) {
    json batch = json::array();
    for (int u = from; u < from + 100; ++u) {
      batch.push_back({{"event_id", fmt::format("cancel-{}", u)}, {"type", "order_cancelled"},
                       {"user_id", fmt::format("u{}", u)}, {"time", events::FormatRfc3339Millis(NowMs())},
                       {"properties", {{"order_id", fmt::format("o{}", u)}}}});
    }
    HttpReply r = Call(operator_, "POST", "/api/v1/events", batch);
    ASSERT_TRUE(r.status == 200 || r.status == 0) << r.status << " " << r.body;  // 0: killed mid-request
    ASSERT_LT(round, 60) << "too many rounds";
    if (r.status == 200) from += 100;
    if (rng() % 4 == 0 || r.status != 200) {
      std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 300));
      server.reset();  // SIGKILL
      ++kills;
      server = Start(++round);
    }
  }
  // Two more kills while the users wait and the second send goes out.
  for (int i = 0; i < 2; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(800 + rng() % 800));
    server.reset();
    ++kills;
    server = Start(++round);
  }
  json counts;
  for (int i = 0; i < 600; ++i) {
    counts = Ok(Call(analyst_, "GET", "/api/v1/campaigns/" + id + "/journey"));
    if (counts["totals"]["entered"] == kEntering && counts["totals"]["inside"] == 0) break;
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
  }
  ASSERT_EQ(counts["totals"]["entered"], kEntering) << counts.dump();
  ASSERT_EQ(counts["totals"]["inside"], 0) << counts.dump();
  EXPECT_EQ(counts["totals"]["completed"], kEntering) << counts.dump();
  std::map<std::string, int> received;  // message id -> times
  std::map<std::string, std::string> body_of;
  for (const ReceivedRequest& r : rx.Requests()) {
    ++received[r.key];
    if (body_of.count(r.key)) {
      EXPECT_EQ(body_of[r.key], r.body) << "a re-send must carry the same body";
    }
    body_of[r.key] = r.body;
  }
  size_t duplicates = 0;
  for (int u = 0; u < kEntering; ++u) {
    for (const char* step : {"hello", "again"}) {
      const std::string mid = outreach::MessageId(id, step, fmt::format("u{}", u), 0);
      ASSERT_TRUE(received.count(mid)) << "u" << u << " never got '" << step << "'";
      duplicates += received[mid] - 1;
    }
  }
  EXPECT_EQ(received.size(), 2u * kEntering) << "someone outside the journey was sent to";
  // Per kill: the batch being committed and the one being sent, of each send step's lane.
  EXPECT_LE(duplicates, static_cast<size_t>(kills) * 2 * (256 + 8)) << kills << " kills";
  RecordProperty("kills", kills);
  RecordProperty("duplicates", static_cast<int>(duplicates));
}

TEST_F(OutreachServeTest, GatewayReceiptsBecomeOutcomeEvents) {
  std::filesystem::create_directories(tmp_.Sub("rx"));
  ReceiverProcess rx(tmp_.Sub("rx"), {});
  std::unique_ptr<ServeProcess> server = Start(0);
  Ok(Call(admin_, "PUT", "/api/v1/channels/hook", {{"kind", "webhook"}, {"url", rx.url("/hook")}, {"secret", "k"}}));
  json created = Ok(Call(operator_, "POST", "/api/v1/campaigns",
                         {{"name", "receipts"}, {"audience", {{"expr", "city = '深圳'"}}}, {"channel", "hook"},
                          {"content", {{"title", "hi"}}}}),
                    201);
  const std::string id = created["id"];
  Ok(Call(operator_, "POST", "/api/v1/campaigns/" + id + "/submit"));
  Ok(Call(admin_, "POST", "/api/v1/campaigns/" + id + "/approve"));
  json done = WaitDone(id);
  ASSERT_EQ(done["state"], "done") << done.dump();
  const uint64_t sent = done["funnel"]["sent"];
  ASSERT_EQ(sent, static_cast<uint64_t>(kUsers / 10));
  auto events = [&] { return Ok(Call(admin_, "GET", "/api/v1/events/stats"))["log"]["events"].get<uint64_t>(); };
  ASSERT_EQ(events(), sent);

  const std::string u0 = outreach::MessageId(id, "send", "u0", 0), u10 = outreach::MessageId(id, "send", "u10", 0);
  const std::string stranger = outreach::MessageId(id, "send", "u1", 0);  // not in the audience
  const json receipts = json::array({
      {{"message_id", u0}, {"status", "delivered"}, {"time", "2026-11-30T10:00:00+08:00"}},
      {{"message_id", u0}, {"status", "clicked"}},
      // Aliyun's SMS report, as an SMS gateway pushes it.
      {{"out_id", u10}, {"success", false}, {"err_code", "MK:0001"}, {"err_msg", "空号"},
       {"report_time", "2026-11-30 10:00:07"}},
      {{"message_id", stranger}, {"status", "delivered"}},
  });
  json answer = Ok(Call(operator_, "POST", "/api/v1/channels/hook/receipts", receipts));
  EXPECT_EQ(answer["code"], 0) << "what Aliyun's report push expects";
  EXPECT_EQ(answer["recorded"], 3);
  EXPECT_EQ(answer["repeated"], 0);
  EXPECT_EQ(answer["unknown"], json::array({stranger}));
  EXPECT_EQ(events(), sent + 3);
  answer = Ok(Call(operator_, "POST", "/api/v1/channels/hook/receipts", {{"receipts", receipts}}));
  EXPECT_EQ(answer["recorded"], 0);
  EXPECT_EQ(answer["repeated"], 3);
  EXPECT_EQ(events(), sent + 3);

  // Bad input: refused whole, naming the entry; an unknown channel is a 404.
  HttpReply bad = Call(operator_, "POST", "/api/v1/channels/hook/receipts",
                       json::array({{{"message_id", u10}, {"status", "delivered"}}, {{"message_id", u10}, {"status", "read"}}}));
  EXPECT_EQ(bad.status, 400);
  EXPECT_NE(bad.body.find("receipts[1].status"), std::string::npos) << bad.body;
  EXPECT_EQ(events(), sent + 3);
  EXPECT_EQ(Call(operator_, "POST", "/api/v1/channels/nope/receipts", json::array()).status, 404);
  EXPECT_EQ(Call(operator_, "POST", "/api/v1/channels/hook/receipts", nullptr).status, 400);
}

// Nobody to reach is refused at submit, naming the audience; the campaign
// stays a draft.
TEST_F(OutreachServeTest, AnEmptyAudienceIsRefusedAtSubmit) {
  std::unique_ptr<ServeProcess> server = Start(0);
  Ok(Call(admin_, "PUT", "/api/v1/channels/hook", {{"kind", "webhook"}, {"url", "http://127.0.0.1:9/hook"}, {"secret", "k"}}));
  json c = Ok(Call(operator_, "POST", "/api/v1/campaigns",
                   {{"name", "nobody"}, {"audience", {{"expr", "is_vip AND NOT is_vip"}}}, {"channel", "hook"},
                    {"content", {{"title", "hi"}}}}),
              201);
  const std::string id = c["id"];
  HttpReply refused = Call(operator_, "POST", "/api/v1/campaigns/" + id + "/submit");
  EXPECT_EQ(refused.status, 400);
  json error = json::parse(refused.body, nullptr, false);
  EXPECT_EQ(error["error"]["reason"], "bad_field") << refused.body;
  EXPECT_EQ(error["error"]["args"]["field"], "audience") << refused.body;
  EXPECT_EQ(Ok(Call(analyst_, "GET", "/api/v1/campaigns/" + id))["state"], "draft");
}

// Every outreach route against every role: 401 without a token, 403 below
// the route's role, anything but 401/403 from it on (docs/outreach.md, API).
TEST_F(OutreachServeTest, EveryOutreachRouteAgainstEveryRole) {
  std::unique_ptr<ServeProcess> server = Start(0);
  Ok(Call(admin_, "PUT", "/api/v1/channels/hook", {{"kind", "webhook"}, {"url", "http://127.0.0.1:9/hook"}, {"secret", "k"}}));
  json c = Ok(Call(operator_, "POST", "/api/v1/campaigns",
                   {{"name", "roles"}, {"audience", {{"expr", "is_vip"}}}, {"channel", "hook"}, {"content", json::object()}}),
              201);
  const std::string id = c["id"];
  struct Route {
    const char* method;
    std::string target;
    int min_role;  // 0 viewer .. 3 admin; 4: nobody below admin either
    json body;
  };
  const std::vector<Route> routes = {
      {"GET", "/api/v1/channels", 2, nullptr},
      {"PUT", "/api/v1/channels/other", 3, {{"kind", "webhook"}, {"url", "http://127.0.0.1:9/x"}, {"secret", "k"}}},
      {"DELETE", "/api/v1/channels/nosuch", 3, nullptr},
      {"POST", "/api/v1/channels/hook/test", 2, {{"user_id", "nosuch"}}},
      {"POST", "/api/v1/channels/hook/receipts", 2, json::array()},
      {"GET", "/api/v1/outreach/policy", 2, nullptr},
      {"PUT", "/api/v1/outreach/policy", 3, json::object()},
      {"GET", "/api/v1/campaigns", 1, nullptr},
      {"POST", "/api/v1/campaigns", 2, {{"name", "x"}}},
      {"GET", "/api/v1/campaigns/" + id, 1, nullptr},
      {"PUT", "/api/v1/campaigns/" + id, 2, {{"name", "x"}}},
      {"POST", "/api/v1/campaigns/" + id + "/estimate", 1, nullptr},
      {"POST", "/api/v1/campaigns/" + id + "/preview", 2, json::object()},
      {"POST", "/api/v1/campaigns/" + id + "/submit", 2, json::object()},
      {"POST", "/api/v1/campaigns/" + id + "/pause", 2, json::object()},
      {"POST", "/api/v1/campaigns/" + id + "/resume", 2, json::object()},
      {"POST", "/api/v1/campaigns/" + id + "/cancel", 2, json::object()},
      {"POST", "/api/v1/campaigns/" + id + "/approve", 3, json::object()},
      {"POST", "/api/v1/campaigns/" + id + "/reject", 3, {{"reason", "no"}}},
      {"GET", "/api/v1/campaigns/" + id + "/recipients", 1, nullptr},
      {"POST", "/api/v1/campaigns/" + id + "/retry", 2, json::object()},
      {"GET", "/api/v1/campaigns/" + id + "/effect", 1, nullptr},
  };
  const std::string tokens[] = {viewer_, analyst_, operator_, admin_};
  for (const Route& r : routes) {
    SCOPED_TRACE(std::string(r.method) + " " + r.target);
    HttpClient anon(port_);
    EXPECT_EQ(anon.Request(r.method, r.target, r.body.is_null() ? "" : r.body.dump(),
                           {{"Content-Type", "application/json"}})
                  .status,
              401);
    for (int role = 0; role < 4; ++role) {
      const int status = Call(tokens[role], r.method, r.target, r.body).status;
      if (role < r.min_role) {
        EXPECT_EQ(status, 403) << "role " << role;
      } else {
        EXPECT_NE(status, 403) << "role " << role;
        EXPECT_NE(status, 401) << "role " << role;
        EXPECT_NE(status, 0) << "role " << role;
        EXPECT_LT(status, 500) << "role " << role;
      }
    }
  }
}

}  // namespace
}  // namespace tagloop::testing
