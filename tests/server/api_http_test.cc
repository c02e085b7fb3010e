// The HTTP server's behaviour under real connections: keep-alive, idle and
// slow clients (the cpp-httplib pitfalls of issue 3), size limits, timeouts,
// imports while counts run, all-or-nothing imports, user deletion, the
// audit log and secrets in logs.
#include <spdlog/sinks/ostream_sink.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <sstream>
#include <thread>

#include "server/api_fixture.h"

namespace tagloop::testing {
namespace {

using Clock = std::chrono::steady_clock;

int64_t MillisSince(Clock::time_point t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - t).count();
}

std::vector<std::pair<std::string, std::string>> Bearer(const std::string& secret,
                                                        const std::string& content_type = "") {
  std::vector<std::pair<std::string, std::string>> h = {{"Authorization", "Bearer " + secret}};
  if (!content_type.empty()) h.emplace_back("Content-Type", content_type);
  return h;
}

class ApiHttpTest : public ApiTest {};

TEST_F(ApiHttpTest, KeepAliveServesManyRequestsOnOneConnection) {
  StartServer();
  HttpClient c(port());
  ASSERT_TRUE(c.connected());
  const std::string count = R"({"expr": "is_vip", "as_of": "2026-10-31"})";
  for (int i = 0; i < 300; ++i) {
    HttpReply r = i % 3 == 0   ? c.Request("GET", "/api/v1/health")
                  : i % 3 == 1 ? c.Request("POST", "/api/v1/segments/count", count,
                                           Bearer(tokens_[Role::kViewer], "application/json"))
                               : c.Request("GET", "/api/v1/users/m2/profile?as_of=2026-10-31", "",
                                           Bearer(tokens_[Role::kAnalyst]));
    ASSERT_EQ(r.status, 200) << "request " << i << ": " << r.body;
    ASSERT_NE(r.Header("connection"), "close") << "request " << i;
    if (i % 3 == 1) {
      ASSERT_EQ(Json(r)["count"], 2);
    }
  }
  EXPECT_EQ(server_->service().context().open_connections(), 1u);
}

TEST_F(ApiHttpTest, IdleAndSlowConnectionsDoNotStallOthers) {
  // Two I/O threads: with a thread per connection (cpp-httplib), two idle
  // clients would stall the third for the whole keep-alive timeout.
  StartServer([](ServerOptions& o) { o.threads = 2; });
  std::vector<HttpClient> idle;
  for (int i = 0; i < 64; ++i) idle.emplace_back(port());  // connected, silent
  std::vector<HttpClient> kept;
  for (int i = 0; i < 64; ++i) {
    kept.emplace_back(port());
    ASSERT_EQ(kept.back().Request("GET", "/api/v1/health").status, 200);  // then idle, kept alive
  }
  std::vector<HttpClient> slow;
  for (int i = 0; i < 16; ++i) {
    slow.emplace_back(port());
    ASSERT_TRUE(slow.back().SendRaw("GET /api/v1/tags HTTP/1.1\r\nHost: loc"));  // half a header
  }
  for (int i = 0; i < 20; ++i) {
    auto start = Clock::now();
    HttpReply r = Call("GET", "/api/v1/tags", Role::kViewer);
    ASSERT_EQ(r.status, 200);
    EXPECT_LT(MillisSince(start), 1000) << "request " << i << " stalled behind idle connections";
  }
  // (Accepting is asynchronous: the count may lag the clients' connect().)
  for (int i = 0; i < 100 && server_->service().context().open_connections() < 144u; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(server_->service().context().open_connections(), 144u);
  // The idle keep-alive connections still work, and so do the slow ones.
  for (auto& c : kept) ASSERT_EQ(c.Request("GET", "/api/v1/health").status, 200);
  for (auto& c : slow) {
    ASSERT_TRUE(c.SendRaw("alhost\r\nAuthorization: Bearer " + tokens_[Role::kViewer] + "\r\n\r\n"));
    EXPECT_EQ(c.Read().status, 200);
  }
}

TEST_F(ApiHttpTest, ManyConcurrentClients) {
  // 64 clients at once, more than any small listen backlog (cpp-httplib: 5).
  StartServer([](ServerOptions& o) { o.threads = 2; });
  std::atomic<int> ok{0};
  std::vector<std::thread> clients;
  auto start = Clock::now();
  for (int t = 0; t < 64; ++t) {
    clients.emplace_back([&] {
      HttpClient c(port());
      for (int i = 0; i < 10; ++i) {
        HttpReply r =
            c.Request("POST", "/api/v1/segments/count", R"({"expr": "NOT is_vip", "as_of": "2026-10-31"})",
                      Bearer(tokens_[Role::kViewer], "application/json"));
        if (r.status == 200 && r.body.find("\"count\":3") != std::string::npos) ++ok;
      }
    });
  }
  for (auto& t : clients) t.join();
  EXPECT_EQ(ok.load(), 640);
  EXPECT_LT(MillisSince(start), 20000);
}

TEST_F(ApiHttpTest, IdleTimeoutClosesConnections) {
  StartServer([](ServerOptions& o) { o.idle_timeout = 0.3; });
  HttpClient silent(port());
  HttpClient used(port());
  ASSERT_EQ(used.Request("GET", "/api/v1/health").status, 200);
  auto start = Clock::now();
  EXPECT_TRUE(silent.WaitForClose(5000));
  EXPECT_TRUE(used.WaitForClose(5000));
  EXPECT_LT(MillisSince(start), 3000);
}

TEST_F(ApiHttpTest, OversizeHeaderAndBodyAreRefused) {
  StartServer([](ServerOptions& o) {
    o.max_body_bytes = 1000;
    o.max_import_bytes = 2000;
    o.max_header_bytes = 2048;
  });
  HttpClient c(port());
  HttpReply r = c.Request("GET", "/api/v1/tags", "", {{"X-Filler", std::string(4000, 'x')}});
  EXPECT_EQ(r.status, 431);
  EXPECT_EQ(Json(r)["error"]["code"], "header_too_large");

  std::string big_json = R"({"expr": ")" + std::string(2000, ' ') + R"(ALL"})";
  r = Call("POST", "/api/v1/segments/count", Role::kViewer, big_json);
  EXPECT_EQ(r.status, 413);
  EXPECT_EQ(Json(r)["error"]["code"], "payload_too_large");

  // CSV uploads have their own limit; nothing is imported.
  std::string csv = "member_id,big\n";
  for (int i = 0; csv.size() <= 2000; ++i) csv += "x" + std::to_string(i) + ",v\n";
  uint64_t generation = server_->store().snapshot()->generation();
  r = Call("POST", "/api/v1/imports?id_column=member_id&version=2026-11-01", Role::kOperator, csv,
           "text/csv");
  EXPECT_EQ(r.status, 413) << r.body;
  EXPECT_EQ(server_->store().snapshot()->generation(), generation);

  // A chunked body (no Content-Length) is cut off at the limit too.
  HttpClient chunked(port());
  std::string head = "POST /api/v1/segments/count HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " +
                     tokens_[Role::kViewer] +
                     "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n";
  ASSERT_TRUE(chunked.SendRaw(head));
  for (int i = 0; i < 3; ++i) chunked.SendRaw("200\r\n" + std::string(512, ' ') + "\r\n");
  EXPECT_EQ(chunked.Read().status, 413);
}

TEST_F(ApiHttpTest, LargeUploadIsImported) {
  // Larger than Beast's default body limit (1 MiB): the route's limit applies.
  StartServer();
  std::string csv = "member_id,segment_code\n";
  for (int i = 0; csv.size() < (3u << 20); ++i)
    csv += "big" + std::to_string(i) + ",code" + std::to_string(i % 7) + "\n";
  HttpReply r = Call("POST", "/api/v1/imports?id_column=member_id&version=2026-11-01", Role::kOperator, csv,
                     "text/csv");
  ASSERT_EQ(r.status, 200) << r.body;
  const int64_t rows = Json(r)["rows"];
  EXPECT_GT(rows, 100000);
  EXPECT_EQ(Json(r)["new_users"], rows);
  EXPECT_EQ(Count("segment_code IS NOT NULL", "2026-11-01"), rows);
}

// Imports publish while counts run: every count answers, and sees a whole
// published state (the number of users with the new tag only grows).
TEST_F(ApiHttpTest, ImportsWhileCountsRun) {
  StartServer();
  auto import = [&](int wave) {
    std::string csv = "member_id,wave\n";
    for (int u = 1; u <= 5; ++u) csv += "m" + std::to_string(u) + "," + (u <= wave ? "true" : "false") + "\n";
    return Call(
        "POST",
        "/api/v1/imports?id_column=member_id&types=wave:bool&version=2026-11-0" + std::to_string(wave),
        Role::kOperator, csv, "text/csv");
  };
  ASSERT_EQ(import(1).status, 200);
  std::atomic<bool> done{false};
  std::atomic<int> failures{0}, counts{0};
  std::vector<std::thread> counters;
  for (int t = 0; t < 3; ++t) {
    counters.emplace_back([&] {
      HttpClient c(port());
      int64_t last = 0;
      while (!done) {
        HttpReply r =
            c.Request("POST", "/api/v1/segments/count", R"({"expr": "wave", "as_of": "2026-11-30"})",
                      Bearer(tokens_[Role::kViewer], "application/json"));
        auto j = nlohmann::json::parse(r.body, nullptr, false);
        if (r.status != 200 || j.is_discarded() || j["count"] < last || j["count"] > 5) {
          ++failures;
          continue;
        }
        last = j["count"];
        ++counts;
      }
    });
  }
  for (int wave = 2; wave <= 5; ++wave) {
    HttpReply r = import(wave);
    EXPECT_EQ(r.status, 200) << r.body;
  }
  done = true;
  for (auto& t : counters) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_GT(counts.load(), 0);
  EXPECT_EQ(Count("wave", "2026-11-30"), 5);
  EXPECT_EQ(Count("wave", "2026-11-03"), 3);
}

TEST_F(ApiHttpTest, FailedImportChangesNothing) {
  StartServer();
  auto before = server_->store().snapshot();
  // Many rows, a bad cell in the last one (parsed in a later chunk).
  std::string csv = "member_id,fresh,age\n";
  for (int i = 0; i < 5000; ++i) csv += "n" + std::to_string(i) + ",x,1\n";
  csv += "n_last,x,not_a_number\n";
  HttpReply r = Call("POST", "/api/v1/imports?id_column=member_id&types=age:int&version=2026-11-01",
                     Role::kOperator, csv, "text/csv");
  ASSERT_EQ(r.status, 400) << r.body;
  EXPECT_NE(Json(r)["error"]["message"].get<std::string>().find("upload:5002:"), std::string::npos) << r.body;
  auto after = server_->store().snapshot();
  EXPECT_EQ(after->generation(), before->generation());
  EXPECT_EQ(after->user_count(), before->user_count());
  EXPECT_EQ(after->tags().size(), before->tags().size());
  EXPECT_EQ(after->FindTag("fresh"), nullptr);
  EXPECT_EQ(after->FindTag("age")->versions.size(), 1u);
  EXPECT_EQ(Call("GET", "/api/v1/users/n0/profile?as_of=2026-11-01", Role::kAnalyst).status, 404);
  // A later good import works (the failed one left no lock or debris behind).
  EXPECT_EQ(Call("POST", "/api/v1/imports?id_column=member_id&version=2026-11-01", Role::kOperator,
                 "member_id,fresh\nm1,x\n", "text/csv")
                .status,
            200);
}

TEST_F(ApiHttpTest, DeleteUserRemovesItFromEveryCurrentVersion) {
  StartServer();
  auto dict = server_->store().snapshot()->dictionary();
  ASSERT_TRUE(dict.ok());
  uint32_t m2 = *(*dict)->Find("m2");
  ASSERT_EQ(Call("DELETE", "/api/v1/users/m2", Role::kOperator).status, 204);

  auto snap = server_->store().snapshot();
  EXPECT_FALSE(roaring_bitmap_contains(snap->universe(), m2));
  for (const auto& [name, tag] : snap->tags()) {
    auto v = snap->OpenVersion(tag, tag.versions.back());
    ASSERT_TRUE(v.ok());
    EXPECT_TRUE((*v)->ValuesOf(m2).empty()) << name;
    EXPECT_FALSE(roaring_bitmap_contains((*v)->exists(), m2)) << name;
  }
  // No answer shows m2 at any date.
  EXPECT_EQ(Count("city = '北京'", "2026-10-31"), 1);
  EXPECT_EQ(Count("city = '北京'", "2026-10-05"), 0);
  EXPECT_EQ(Count("NOT is_vip", "2026-10-31"), 2);
  EXPECT_EQ(Count("ALL", "2026-10-31"), 4);
  HttpReply ids =
      Call("POST", "/api/v1/segments/query", Role::kAnalyst, R"({"expr": "ALL", "as_of": "2026-10-05"})");
  EXPECT_EQ(Json(ids)["ids"], nlohmann::json::parse(R"(["m1", "m3", "m4", "m5"])"));
  EXPECT_EQ(Call("GET", "/api/v1/users/m2/profile?as_of=2026-10-05", Role::kAnalyst).status, 404);
  // Re-imported later, the id is a new user with only the new values.
  ASSERT_EQ(Call("POST", "/api/v1/imports?id_column=member_id&version=2026-11-01", Role::kOperator,
                 "member_id,city\nm2,广州\n", "text/csv")
                .status,
            200);
  HttpReply p = Call("GET", "/api/v1/users/m2/profile?as_of=2026-11-01", Role::kAnalyst);
  ASSERT_EQ(p.status, 200);
  EXPECT_EQ(Json(p)["tags"], nlohmann::json::parse(R"({"city": "广州"})"));
}

TEST_F(ApiHttpTest, AuditLogRecordsProfilesAndIdExports) {
  StartServer();
  int64_t t0 = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();
  ASSERT_EQ(Call("GET", "/api/v1/users/m1/profile?as_of=2026-10-31", Role::kAnalyst).status, 200);
  ASSERT_EQ(Call("GET", "/api/v1/users/nobody/profile?as_of=2026-10-31", Role::kAnalyst).status, 404);
  ASSERT_EQ(Call("POST", "/api/v1/segments/query", Role::kAnalyst,
                 R"({"expr": "ALL", "as_of": "2026-10-31", "limit": 3})")
                .status,
            200);
  HttpReply stream = Call("POST", "/api/v1/segments/query", Role::kOperator,
                          R"({"expr": "NOT is_vip", "as_of": "2026-10-31", "stream": true})");
  ASSERT_EQ(stream.status, 200);
  EXPECT_EQ(stream.body, "\"m2\"\n\"m4\"\n\"m5\"\n");
  // Counts are not personal data: not audited.
  ASSERT_EQ(Count("ALL"), 5);
  int64_t t1 = std::chrono::duration_cast<std::chrono::milliseconds>(
                   std::chrono::system_clock::now().time_since_epoch())
                   .count();

  AuditFilter all;
  all.limit = 1000;
  auto entries = server_->audit().Query(all);
  ASSERT_TRUE(entries.ok()) << entries.status().ToString();
  ASSERT_EQ(entries->size(), 4u);
  std::reverse(entries->begin(), entries->end());  // oldest first
  const auto& e = *entries;
  EXPECT_EQ(e[0].action, audit_action::kUsersProfile);
  EXPECT_EQ(e[0].principal_name, "analyst-test");
  EXPECT_EQ(e[0].role, Role::kAnalyst);
  EXPECT_NE(e[0].token_id, 0);
  EXPECT_EQ(e[0].target, "m1");
  EXPECT_EQ(e[0].item_count, 1);
  EXPECT_EQ(e[1].action, audit_action::kUsersProfile);
  EXPECT_EQ(e[1].target, "nobody");
  EXPECT_EQ(e[1].item_count, 0);  // a miss is recorded too
  EXPECT_EQ(e[2].action, audit_action::kSegmentsQuery);
  EXPECT_EQ(e[2].target, "ALL");
  EXPECT_EQ(e[2].item_count, 3);
  EXPECT_NE(e[2].detail.find("as_of=2026-10-31"), std::string::npos);
  EXPECT_EQ(e[3].action, audit_action::kSegmentsExport);
  EXPECT_EQ(e[3].principal_name, "operator-test");
  EXPECT_EQ(e[3].target, "NOT is_vip");
  EXPECT_EQ(e[3].item_count, 3);
  for (const AuditEntry& x : e) {
    EXPECT_GE(x.at_unix_ms, t0 - 1000);
    EXPECT_LE(x.at_unix_ms, t1 + 1000);
  }
}

TEST_F(ApiHttpTest, NoTokenSecretInLogsOrAuditLog) {
  std::ostringstream captured;
  auto sink = std::make_shared<spdlog::sinks::ostream_sink_mt>(captured);
  auto logger = std::make_shared<spdlog::logger>("capture", sink);
  logger->set_level(spdlog::level::trace);
  auto previous = spdlog::default_logger();
  spdlog::set_default_logger(logger);
  StartServer();

  const std::string fake = "tl_BBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBBB";
  HttpClient c(port());
  EXPECT_EQ(c.Request("GET", "/api/v1/tags", "", Bearer(fake)).status, 401);
  EXPECT_EQ(
      c.Request("GET", "/api/v1/tags?token=" + tokens_[Role::kViewer], "", Bearer(tokens_[Role::kViewer]))
          .status,
      400);
  HttpReply created = Call("POST", "/api/v1/tokens", Role::kAdmin, R"({"name": "ci", "role": "viewer"})");
  ASSERT_EQ(created.status, 201);
  const std::string new_secret = Json(created)["token"];
  EXPECT_EQ(c.Request("GET", "/api/v1/users/" + tokens_[Role::kAnalyst] + "/profile", "",
                      Bearer(tokens_[Role::kAnalyst]))
                .status,
            404);
  nlohmann::json with_secret = {{"expr", "city = '" + tokens_[Role::kAdmin] + "'"}, {"as_of", "2026-10-31"}};
  EXPECT_EQ(Call("POST", "/api/v1/segments/query", Role::kAnalyst, with_secret.dump()).status, 200);
  EXPECT_EQ(
      Call("DELETE", "/api/v1/tokens/" + std::to_string(Json(created)["id"].get<int64_t>()), Role::kAdmin)
          .status,
      204);
  server_->Stop();
  server_.reset();
  spdlog::set_default_logger(previous);

  std::string log = captured.str();
  EXPECT_NE(log.find("route=/api/v1/tags status=401"), std::string::npos) << log;
  EXPECT_NE(log.find("principal=admin-test"), std::string::npos) << log;
  std::vector<std::string> secrets = {fake, new_secret};
  for (const auto& [role, secret] : tokens_) secrets.push_back(secret);
  for (const std::string& s : secrets) {
    EXPECT_EQ(log.find(s), std::string::npos) << "secret in the log";
    EXPECT_EQ(log.find(s.substr(3, 20)), std::string::npos) << "part of a secret in the log";
  }

  auto audit = AuditLog::Open(data_);
  ASSERT_TRUE(audit.ok());
  AuditFilter all;
  all.limit = 1000;
  auto entries = (*audit)->Query(all);
  ASSERT_TRUE(entries.ok());
  EXPECT_GE(entries->size(), 4u);  // profile, query, token create and revoke
  for (const AuditEntry& e : *entries) {
    for (const std::string& s : secrets) {
      EXPECT_EQ(e.target.find(s.substr(3, 20)), std::string::npos) << e.action << " target: " << e.target;
      EXPECT_EQ(e.detail.find(s.substr(3, 20)), std::string::npos) << e.action << " detail: " << e.detail;
    }
  }
}

TEST_F(ApiHttpTest, MetricsInPrometheusFormat) {
  StartServer();
  ASSERT_EQ(Count("is_vip"), 2);
  ASSERT_EQ(Count("no_such_tag"), -1);
  ASSERT_EQ(Call("GET", "/api/v1/users/m1/profile?as_of=2026-10-31", Role::kAnalyst).status, 200);
  ASSERT_EQ(Call("GET", "/api/v1/nowhere", Role::kViewer).status, 404);
  const std::vector<std::string> wants = {
      "tagloop_http_requests_total{method=\"POST\",route=\"/api/v1/segments/count\",status=\"200\"} "
      "1\n",
      "tagloop_http_requests_total{method=\"POST\",route=\"/api/v1/segments/count\",status=\"400\"} "
      "1\n",
      "tagloop_http_requests_total{method=\"\",route=\"unmatched\",status=\"404\"} 1\n",
      "tagloop_http_request_duration_seconds_bucket{method=\"GET\",route=\"/api/v1/users/{id}/"
      "profile\","
      "status=\"200\",le=\"+Inf\"} 1\n",
      "tagloop_http_request_duration_seconds_count{method=\"GET\",route=\"/api/v1/users/{id}/"
      "profile\","
      "status=\"200\"} 1\n",
      "tagloop_queries_total{kind=\"count\",result=\"ok\"} 1\n",
      "tagloop_queries_total{kind=\"count\",result=\"error\"} 1\n",
      "tagloop_queries_total{kind=\"profile\",result=\"ok\"} 1\n",
      "tagloop_query_duration_seconds_count{kind=\"count\"} 2\n",
      "tagloop_store_users 5\n",
      "tagloop_store_tags 6\n",
      "tagloop_store_versions 7\n",
      "# TYPE tagloop_store_bytes gauge\n",
      "# TYPE tagloop_http_request_duration_seconds histogram\n",
      "tagloop_http_connections ",
  };
  for (const char* path : {"/metrics", "/api/v1/metrics"}) {
    SCOPED_TRACE(path);
    // An exchange is recorded once its answer is written, so the client may
    // see the answer a moment before the metrics do: poll briefly.
    HttpReply r;
    auto missing = [&] {
      for (const std::string& want : wants) {
        if (r.body.find(want) == std::string::npos) return want;
      }
      return std::string();
    };
    for (int attempt = 0; attempt < 100; ++attempt) {
      r = Call("GET", path, Role::kViewer);
      if (r.status != 200 || missing().empty()) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    ASSERT_EQ(r.status, 200);
    EXPECT_EQ(r.Header("content-type").rfind("text/plain; version=0.0.4", 0), 0u);
    const std::string& m = r.body;
    EXPECT_EQ(missing(), "") << m;
    // Route patterns, never paths: no user id becomes a label.
    EXPECT_EQ(m.find("m1"), std::string::npos);
    size_t at = m.find("\ntagloop_store_bytes ");
    ASSERT_NE(at, std::string::npos);
    EXPECT_GT(std::stoull(m.substr(at + 21)), 1000u);
  }
}

}  // namespace
}  // namespace tagloop::testing
