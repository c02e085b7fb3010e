// Outreach delivery benchmark (scripts/bench-delivery.sh):
//   1. the HTTP client module alone: one lane's requests/s to the local
//      webhook receiver (curl multi, keep-alive), no ledger;
//   2. dispatch with the durable ledger (fdatasync per commit batch) to the
//      same receiver: messages/s sustained and CPU µs per message of this
//      process (rendering, signing, sending, recording);
//   3. dispatch through the email channel to aiosmtpd with the durable
//      ledger, over one SMTP connection and over --mail-concurrency at once:
//      messages/s and CPU µs per message;
//   4. ledger recovery at 1M recipients: open (replay) + Pending.
// Prints one line per figure and writes them as JSON (--out).
//
//   tagloop_bench_delivery --receiver PATH --smtp-sink PATH [--users 100000]
//                          [--concurrency 32] [--mails 1000] [--mail-concurrency 4] [--out FILE]
#include <sys/resource.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <string>

#include <nlohmann/json.hpp>

#include "outreach/channel_factory.h"
#include "outreach/dispatcher.h"
#include "outreach/http/http_client.h"
#include "outreach/ledger.h"

// The test harness's child-process helpers take their program paths from
// these names.
static std::string g_receiver, g_smtp_sink;
#define TAGLOOP_GATEWAY_SIM g_receiver
#define TAGLOOP_SMTP_SINK g_smtp_sink
#include "outreach/receiver_process.h"
#include "outreach/smtp_server.h"

using namespace tagloop;
using namespace tagloop::outreach;

namespace {

double CpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
         static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

double Since(std::chrono::steady_clock::time_point t) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t).count();
}

std::shared_ptr<Channel> Webhook(const std::string& url, int concurrency) {
  ChannelSpec s;
  s.name = "bench_hook";
  s.kind = "webhook";
  s.rate_per_second = 1e9;
  s.concurrency = concurrency;
  s.settings = {{"url", url}};
  s.secrets["secret"] = "bench";
  auto ch = MakeChannel(s);
  if (!ch.ok()) {
    std::fprintf(stderr, "%s\n", ch.status().ToString().c_str());
    std::exit(1);
  }
  return std::shared_ptr<Channel>(std::move(ch).value());
}

}  // namespace

int main(int argc, char** argv) {
  uint32_t users = 100000, mails = 1000;
  int concurrency = 32, mail_concurrency = 4;
  std::string out_path;
  for (int i = 1; i + 1 < argc; i += 2) {
    std::string k = argv[i], v = argv[i + 1];
    if (k == "--receiver") g_receiver = v;
    else if (k == "--smtp-sink") g_smtp_sink = v;
    else if (k == "--users") users = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--mails") mails = static_cast<uint32_t>(std::stoul(v));
    else if (k == "--concurrency") concurrency = std::stoi(v);
    else if (k == "--mail-concurrency") mail_concurrency = std::stoi(v);
    else if (k == "--out") out_path = v;
  }
  const std::string tmp = std::filesystem::temp_directory_path() / ("tagloop-bench-delivery-" + std::to_string(getpid()));
  std::filesystem::create_directories(tmp);
  nlohmann::json results;

  {
    tagloop::testing::ReceiverProcess rx(tmp, {"--secret", "bench"});
    // 1. The HTTP client alone.
    auto http = HttpClient::Create();
    if (!http.ok()) return 1;
    std::vector<HttpRequest> reqs(1024);
    for (auto& r : reqs) {
      r.url = rx.url("/hook");
      r.body = R"({"message_id":"m0","content":{}})";
      r.headers = {"Content-Type: application/json", "Idempotency-Key: m0"};
    }
    (void)(*http)->Perform(reqs, concurrency);  // warm the connections
    size_t n = 0;
    auto t0 = std::chrono::steady_clock::now();
    while (Since(t0) < 3) {
      (void)(*http)->Perform(reqs, concurrency);
      n += reqs.size();
    }
    const double http_rps = static_cast<double>(n) / Since(t0);
    std::printf("http client, one lane, %d in flight: %.0f requests/s\n", concurrency, http_rps);
    results["http_requests_per_s"] = http_rps;

    // 2. Dispatch with the durable ledger.
    auto ledger = Ledger::Open(tmp + "/bench/run-0.ledger");
    if (!ledger.ok()) return 1;
    DispatchJob job;
    job.campaign_id = "bench";
    job.plan = Bitmap::Range(0, users);
    job.ledger = ledger->get();
    job.channel = Webhook(rx.url("/hook"), concurrency);
    job.render = [](uint32_t u) {
      RenderResult r;
      r.external_user_id = "u" + std::to_string(u);
      r.content = {{"title", "续租优惠"}, {"user", r.external_user_id}};
      return r;
    };
    DispatchOptions options;
    options.commit_batch = 1024;
    Dispatcher d(options);
    const double cpu0 = CpuSeconds();
    t0 = std::chrono::steady_clock::now();
    auto h = d.Start(std::move(job));
    if (!h.ok() || !(*h)->Wait().ok()) return 1;
    const double secs = Since(t0), cpu = CpuSeconds() - cpu0;
    const double mps = users / secs, us = cpu * 1e6 / users;
    std::printf("dispatch to the webhook receiver, durable ledger: %u messages in %.2f s = %.0f messages/s, "
                "%.1f CPU µs/message\n",
                users, secs, mps, us);
    results["dispatch_messages_per_s"] = mps;
    results["dispatch_cpu_us_per_message"] = us;
  }

  {  // 3. SMTP: dispatch with the durable ledger through the email channel,
     // one connection and then --mail-concurrency connections at once.
    tagloop::testing::SmtpServer smtp(tmp + "/mail");
    if (!smtp.available() || !smtp.ready()) {
      std::printf("smtp: aiosmtpd not available, skipped\n");
    } else {
      for (int connections : {1, mail_concurrency}) {
        ChannelSpec s;
        s.name = "bench_mail_" + std::to_string(connections);
        s.kind = "email";
        s.rate_per_second = 1e9;
        s.concurrency = connections;
        s.settings = {{"smtp_url", smtp.url()}, {"from", "bench@tagloop.test"}};
        auto ch = MakeChannel(s);
        if (!ch.ok()) return 1;
        auto ledger = Ledger::Open(tmp + "/mail-ledger/run-" + std::to_string(connections) + ".ledger");
        if (!ledger.ok()) return 1;
        DispatchJob job;
        job.campaign_id = "bench_mail";
        job.plan = Bitmap::Range(0, mails);
        job.ledger = ledger->get();
        job.channel = std::shared_ptr<Channel>(std::move(ch).value());
        job.render = [](uint32_t u) {
          RenderResult r;
          r.external_user_id = "u" + std::to_string(u);
          r.address = r.external_user_id + "@example.com";
          r.content = {{"subject", "续租优惠"}, {"text", "plain"}, {"html", "<p>html</p>"}};
          return r;
        };
        DispatchOptions options;
        options.commit_batch = 256;
        Dispatcher d(options);
        const double cpu0 = CpuSeconds();
        auto t0 = std::chrono::steady_clock::now();
        auto h = d.Start(std::move(job));
        if (!h.ok() || !(*h)->Wait().ok()) return 1;
        const double secs = Since(t0), cpu = CpuSeconds() - cpu0;
        const uint64_t sent = (*h)->Progress().sent;
        std::printf("email to aiosmtpd, %d connection%s, durable ledger: %llu of %u messages in %.2f s = %.0f "
                    "messages/s, %.1f CPU µs/message\n",
                    connections, connections == 1 ? "" : "s", static_cast<unsigned long long>(sent), mails, secs,
                    sent / secs, cpu * 1e6 / mails);
        const std::string key = connections == 1 ? "smtp_1_connection" : "smtp_parallel";
        results[key + "_messages_per_s"] = sent / secs;
        results[key + "_cpu_us_per_message"] = cpu * 1e6 / mails;
      }
      results["smtp_parallel_connections"] = mail_concurrency;
    }
  }

  {  // 4. Ledger recovery at 1M recipients.
    const std::string path = tmp + "/big/run-0.ledger";
    {
      auto l = Ledger::Open(path);
      if (!l.ok()) return 1;
      for (uint32_t u = 0; u < 1000000; ++u) {
        (void)(*l)->Append(LedgerRecord{u, "send", 0, u % 20 ? DeliveryState::kSent : DeliveryState::kRetry, 1,
                                        1700000000000, 0, "gw-" + std::to_string(u)});
        if (u % 4096 == 4095) (void)(*l)->Commit();
      }
      (void)(*l)->Commit();
    }
    auto t0 = std::chrono::steady_clock::now();
    auto l = Ledger::Open(path);
    if (!l.ok()) return 1;
    Bitmap plan = Bitmap::Range(0, 1000000);
    Bitmap pending = (*l)->Pending(plan.get(), "send", 0);
    const double ms = Since(t0) * 1000;
    std::printf("ledger recovery, 1M recipients (%.1f MB): open + replay + Pending = %.0f ms (%llu pending)\n",
                std::filesystem::file_size(path) / 1e6, ms, static_cast<unsigned long long>(pending.cardinality()));
    results["ledger_recovery_1m_ms"] = ms;
  }
  std::filesystem::remove_all(tmp);
  if (!out_path.empty()) std::ofstream(out_path) << results.dump(2) << "\n";
  return 0;
}
