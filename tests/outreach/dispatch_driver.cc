// Dispatches a synthetic plan to a webhook with a durable ledger and exits
// 0 when every planned recipient is final: the process the kill test
// (delivery_kill_test.cc) SIGKILLs and restarts, and the benchmark's
// driver (bench/bench_delivery.cc drives the dispatcher the same way).
//
//   dispatch_driver --url URL --secret S --ledger PATH --users N
//                   [--skip-every K] [--concurrency C] [--commit-batch B]
//                   [--rate R] [--no-sync] [--acks FILE]
// Plan: dense ids 0..N-1 except those with id % K == K-1 (K = 0: none
// skipped); external id "u<id>"; content {"title": "Hi {{user_id}}",
// "id": "{{message_id}}"}. Prints "sent=<n> seconds=<s>" at the end.
// --acks FILE: appends the dense id of every send reported through
// on_committed, one a line, as the caller of the dispatcher would emit its
// message_sent events (the kill test checks each is durable in the ledger).
#include <fcntl.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "outreach/channel_factory.h"
#include "outreach/content_template.h"
#include "outreach/dispatcher.h"
#include "outreach/ledger.h"
#include "outreach/message_id.h"

using namespace tagloop;
using namespace tagloop::outreach;

int main(int argc, char** argv) {
  std::string url, secret, ledger_path, acks_path;
  uint32_t users = 0, skip_every = 0;
  int concurrency = 16;
  size_t commit_batch = 256;
  double rate = 1e6;
  bool sync = true;
  for (int i = 1; i < argc; ++i) {
    std::string k = argv[i];
    auto next = [&] { return i + 1 < argc ? std::string(argv[++i]) : std::string(); };
    if (k == "--url") url = next();
    else if (k == "--secret") secret = next();
    else if (k == "--ledger") ledger_path = next();
    else if (k == "--users") users = static_cast<uint32_t>(std::stoul(next()));
    else if (k == "--skip-every") skip_every = static_cast<uint32_t>(std::stoul(next()));
    else if (k == "--concurrency") concurrency = std::stoi(next());
    else if (k == "--commit-batch") commit_batch = std::stoul(next());
    else if (k == "--rate") rate = std::stod(next());
    else if (k == "--no-sync") sync = false;
    else if (k == "--acks") acks_path = next();
    else {
      std::fprintf(stderr, "dispatch_driver: unknown option %s\n", k.c_str());
      return 2;
    }
  }
  auto ledger = Ledger::Open(ledger_path, LedgerOptions{nullptr, sync});
  if (!ledger.ok()) {
    std::fprintf(stderr, "%s\n", ledger.status().ToString().c_str());
    return 1;
  }
  ChannelSpec spec;
  spec.name = "hook";
  spec.kind = "webhook";
  spec.rate_per_second = rate;
  spec.concurrency = concurrency;
  spec.timeout_ms = 5000;
  spec.settings = {{"url", url}};
  spec.secrets["secret"] = secret;
  auto channel = MakeChannel(spec);
  if (!channel.ok()) {
    std::fprintf(stderr, "%s\n", channel.status().ToString().c_str());
    return 1;
  }
  auto tmpl = ContentTemplate::Compile(nlohmann::json{{"title", "Hi {{user_id}}"}, {"id", "{{message_id}}"}},
                                       [](std::string_view f) { return f == "user_id" || f == "message_id"; });
  if (!tmpl.ok()) return 1;

  DispatchJob job;
  job.campaign_id = "kill";
  Bitmap plan;
  for (uint32_t u = 0; u < users; ++u) {
    if (skip_every == 0 || u % skip_every != skip_every - 1) plan.Add(u);
  }
  job.plan = std::move(plan);
  job.ledger = ledger->get();
  job.channel = std::shared_ptr<Channel>(std::move(channel).value());
  const ContentTemplate& t = *tmpl;
  job.render = [&t](uint32_t u) {
    RenderResult r;
    r.external_user_id = "u" + std::to_string(u);
    const std::string mid = MessageId("kill", "send", r.external_user_id, 0);
    r.content = t.Render([&](std::string_view f) { return f == "user_id" ? r.external_user_id : mid; });
    return r;
  };
  if (!acks_path.empty()) {
    const int fd = ::open(acks_path.c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0) return 1;
    job.on_committed = [fd](const std::vector<CommittedSend>& sent) {
      std::string lines;
      for (const CommittedSend& c : sent) lines += std::to_string(c.user) + "\n";
      if (::write(fd, lines.data(), lines.size()) != static_cast<ssize_t>(lines.size())) std::abort();
    };
  }
  DispatchOptions options;
  options.commit_batch = commit_batch;
  options.backoff_base_ms = 50;
  Dispatcher dispatcher(options);
  const auto start = std::chrono::steady_clock::now();
  auto handle = dispatcher.Start(std::move(job));
  if (!handle.ok()) return 1;
  Status st = (*handle)->Wait();
  const double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  DispatchProgress p = (*handle)->Progress();
  std::printf("sent=%llu failed=%llu dead=%llu seconds=%.3f\n", static_cast<unsigned long long>(p.sent),
              static_cast<unsigned long long>(p.failed), static_cast<unsigned long long>(p.dead), secs);
  if (!st.ok()) {
    std::fprintf(stderr, "%s\n", st.ToString().c_str());
    return 1;
  }
  return 0;
}
