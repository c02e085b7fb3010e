// The delivery guarantee under SIGKILL (../shared/SPEC-outreach.md,
// "Delivery guarantee"): dispatch_driver sends a 20,000-recipient plan to
// the real test receiver with a durable ledger; it is SIGKILLed at random
// moments at least 10 times and restarted until it finishes. Then every
// planned recipient was received at least once, nobody outside the plan
// was, all attempts of one recipient carry the same message id and the same
// bytes, and the duplicates stay within what can be in flight at each kill
// (two commit batches, as a lane sends one batch while the previous one is
// committed, plus the requests in flight). After every kill, each send the
// driver had reported (its message_sent acknowledgement, --acks) is `sent`
// in the ledger: no acknowledgement precedes durability.
//
// TAGLOOP_KILL_TEST_KILLS / TAGLOOP_KILL_TEST_USERS make it longer (the
// `slow` ctest label runs it with 40 kills and 100,000 recipients).
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <fstream>
#include <map>
#include <random>
#include <set>
#include <thread>

#include <nlohmann/json.hpp>

#include "outreach/ledger.h"
#include "outreach/message_id.h"
#include "receiver_process.h"
#include "testing/temp_dir.h"

namespace tagloop::outreach {
namespace {

using testing::ReceiverProcess;
using testing::TempDir;

int EnvInt(const char* name, int fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::atoi(v) : fallback;
}

pid_t Spawn(const std::vector<std::string>& argv) {
  pid_t pid = fork();
  if (pid == 0) {
    std::vector<char*> a;
    for (const auto& s : argv) a.push_back(const_cast<char*>(s.c_str()));
    a.push_back(nullptr);
    int null = open("/dev/null", O_WRONLY);
    dup2(null, 1);
    execv(a[0], a.data());
    _exit(127);
  }
  return pid;
}

TEST(DeliveryKillTest, EveryPlannedRecipientOnceOrInFlightAfterSigkills) {
  const int kKills = EnvInt("TAGLOOP_KILL_TEST_KILLS", 10);
  const uint32_t kUsers = static_cast<uint32_t>(EnvInt("TAGLOOP_KILL_TEST_USERS", 20000));
  constexpr uint32_t kSkipEvery = 7;  // ids with id % 7 == 6 are not planned
  constexpr int kConcurrency = 8, kCommitBatch = 128;
  // Slow enough that the plan outlasts ten kills at random moments (mean
  // 135 ms apart): at 8,000/s a run occasionally finished after nine.
  constexpr int kRate = 5000;
  TempDir dir;
  ReceiverProcess rx(dir.path(), {"--secret", "kill-secret"});
  ASSERT_GT(rx.port(), 0);
  const std::string ledger_path = dir.Sub("outreach/kill/run-0.ledger"), acks_path = dir.Sub("acks");
  const std::vector<std::string> argv = {TAGLOOP_DISPATCH_DRIVER, "--url", rx.url("/hook"), "--secret", "kill-secret",
                                         "--acks", acks_path, "--ledger", ledger_path, "--users",
                                         std::to_string(kUsers), "--skip-every", std::to_string(kSkipEvery),
                                         "--concurrency", std::to_string(kConcurrency), "--commit-batch",
                                         std::to_string(kCommitBatch), "--rate", std::to_string(kRate)};
  std::mt19937 rng(std::random_device{}());
  int kills = 0, finished_runs = 0;
  size_t acks_checked = 0;
  bool done = false;
  // Kill at random moments; each run gets a little further.
  while (kills < kKills && !done) {
    pid_t pid = Spawn(argv);
    std::this_thread::sleep_for(std::chrono::milliseconds(std::uniform_int_distribution<int>(20, 250)(rng)));
    int status = 0;
    if (waitpid(pid, &status, WNOHANG) == pid) {  // finished before the kill
      ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
      done = true;
      break;
    }
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    if (WIFSIGNALED(status)) ++kills;
    else done = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    // Every acknowledged send survived the kill (a torn last line was cut mid-write: skipped).
    auto ledger = Ledger::Open(ledger_path);
    ASSERT_TRUE(ledger.ok()) << ledger.status().ToString();
    std::ifstream acks(acks_path);
    std::string line;
    size_t acked = 0;
    while (std::getline(acks, line)) {
      if (acks.eof()) break;
      ++acked;
      EXPECT_EQ((*ledger)->Lookup(static_cast<uint32_t>(std::stoul(line)), "send", 0).state, DeliveryState::kSent)
          << "u" << line << " was acknowledged but is not sent in the ledger after kill " << kills;
    }
    // A run killed before its first commit acknowledged nothing (a loaded
    // machine starts slowly): the check must have bitten after some kill.
    acks_checked = std::max(acks_checked, acked);
  }
  // Then run until it finishes.
  for (int i = 0; i < 5 && !done; ++i) {
    pid_t pid = Spawn(argv);
    int status = 0;
    waitpid(pid, &status, 0);
    done = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    ++finished_runs;
  }
  ASSERT_TRUE(done);
  EXPECT_GE(kills, std::min(kKills, 10)) << "the driver finished before it was killed often enough";

  std::map<std::string, std::vector<std::string>> bodies_by_key;
  size_t requests = 0;
  for (const auto& r : rx.Requests()) {
    ASSERT_EQ(r.route, "hook");
    ASSERT_EQ(r.signature, "ok");
    bodies_by_key[r.key].push_back(r.body);
    ++requests;
  }
  std::set<uint32_t> received;
  size_t duplicates = 0;
  for (const auto& [key, bodies] : bodies_by_key) {
    auto body = nlohmann::json::parse(bodies[0]);
    const std::string user_id = body["user_id"];
    const uint32_t u = static_cast<uint32_t>(std::stoul(user_id.substr(1)));
    EXPECT_NE(u % kSkipEvery, kSkipEvery - 1) << "sent to " << user_id << ", not in the plan";
    EXPECT_LT(u, kUsers);
    EXPECT_EQ(key, MessageId("kill", "send", user_id, 0));
    for (const auto& b : bodies) EXPECT_EQ(b, bodies[0]) << "two bodies for " << key;
    received.insert(u);
    duplicates += bodies.size() - 1;
  }
  size_t planned = 0;
  for (uint32_t u = 0; u < kUsers; ++u) {
    if (u % kSkipEvery == kSkipEvery - 1) continue;
    ++planned;
    if (!received.count(u)) ADD_FAILURE() << "u" << u << " never received";
  }
  EXPECT_EQ(received.size(), planned);
  // What one kill can re-send: the batch being committed and the one being
  // sent (each ≤ commit batch), plus the requests in flight.
  EXPECT_LE(duplicates, static_cast<size_t>(kills) * (2 * kCommitBatch + kConcurrency));
  EXPECT_GT(acks_checked, 0u);
  std::printf("kills=%d requests=%zu planned=%zu duplicates=%zu (bound %d) most acks checked after a kill=%zu\n",
              kills, requests, planned, duplicates, kills * (2 * kCommitBatch + kConcurrency), acks_checked);
}

}  // namespace
}  // namespace tagloop::outreach
