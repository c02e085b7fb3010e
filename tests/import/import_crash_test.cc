// Crash safety of `tagloop import`: the real binary is killed with SIGKILL at
// random moments; after each kill the store must reopen to exactly the state
// before that import or the state after it, never a mix, with every version
// file passing its checksums. Afterwards a clean import must succeed.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "import/column_types.h"
#include "import/import_testing.h"
#include "import/wide_csv_import.h"
#include "testing/temp_dir.h"

namespace tagloop {
namespace {

using Clock = std::chrono::steady_clock;
using testing::Fingerprint;

constexpr uint64_t kUsersA = 120000;
constexpr uint64_t kUsersB = 150000;  // B has every user of A, and more
constexpr const char* kVersion = "2026-10-01";

void WriteFile(const std::string& path, const std::string& bytes) {
  std::FILE* f = std::fopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr);
  ASSERT_EQ(std::fwrite(bytes.data(), 1, bytes.size(), f), bytes.size());
  std::fclose(f);
}

pid_t StartImport(const std::string& data, const std::string& csv) {
  std::vector<std::string> argv = {TAGLOOP_BINARY, "import",
                                   "--data",       data,
                                   "--csv",        csv,
                                   "--id-column",  "member_id",
                                   "--types",      testing::kGeneratedTypes,
                                   "--version",    kVersion,
                                   "--quiet"};
  pid_t pid = fork();
  if (pid == 0) {
    int devnull = open("/dev/null", O_WRONLY);
    dup2(devnull, 1);
    dup2(devnull, 2);
    std::vector<char*> args;
    for (auto& a : argv) args.push_back(a.data());
    args.push_back(nullptr);
    execv(args[0], args.data());
    _exit(127);
  }
  return pid;
}

// The store's state as the test sees it: content fingerprint (checksums
// verified) plus a check that the user dictionary opens and is complete.
std::string StateOf(const std::string& data) {
  auto store = TagStore::Open(data);
  if (!store.ok()) return "OPEN-ERROR " + store.status().ToString();
  auto snap = (*store)->snapshot();
  auto dict = snap->dictionary();
  if (!dict.ok()) return "DICTIONARY-ERROR " + dict.status().ToString();
  if ((*dict)->size() != snap->user_count()) return "DICTIONARY-SIZE-MISMATCH";
  return Fingerprint(*snap, false);
}

// The state a sequence of clean imports produces (library, not the binary).
std::string ReferenceState(const std::vector<const std::string*>& files) {
  tagloop::testing::TempDir tmp;
  StoreOptions so;
  so.create_if_missing = true;
  auto store = TagStore::Open(tmp.Sub("d"), so);
  EXPECT_TRUE(store.ok());
  ImportOptions o = testing::GeneratedImportOptions(kVersion);
  for (const std::string* csv : files) {
    auto r = ImportWideCsv(**store, *csv, o);
    EXPECT_TRUE(r.ok()) << r.status().ToString();
  }
  return StateOf(tmp.Sub("d"));
}

TEST(ImportCrashTest, KilledImportLeavesTheOldOrTheNewState) {
  tagloop::testing::TempDir tmp;
  const std::string data = tmp.Sub("data");
  const std::string a_path = tmp.Sub("a.csv"), b_path = tmp.Sub("b.csv");
  const std::string a = testing::GenerateWideCsv(kUsersA, 0, 0);
  const std::string b = testing::GenerateWideCsv(kUsersB, 0, 1);
  WriteFile(a_path, a);
  WriteFile(b_path, b);
  // The three states reachable by alternating imports of A and B.
  const std::string state_a = ReferenceState({&a});
  const std::string state_ab = ReferenceState({&a, &b});
  const std::string state_aba = ReferenceState({&a, &b, &a});
  ASSERT_NE(state_a, state_ab);
  ASSERT_NE(state_ab, state_aba);
  ASSERT_NE(state_a, state_aba);  // same tags as A, more users

  // A clean run of the binary, timed: the kills are spread over its duration.
  const auto t0 = Clock::now();
  int status = 0;
  waitpid(StartImport(data, a_path), &status, 0);
  const double seconds = std::chrono::duration<double>(Clock::now() - t0).count();
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  std::string current = StateOf(data);
  ASSERT_EQ(current, state_a);

  std::random_device rd;
  const unsigned seed = rd();
  SCOPED_TRACE("seed " + std::to_string(seed) + ", clean import " + std::to_string(seconds) + " s");
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> delay(0.0, seconds * 1.3);
  constexpr int kKills = 36;
  int interrupted = 0, completed = 0;
  const auto loop_start = Clock::now();
  for (int i = 0; i < kKills; ++i) {
    const bool to_b = current != state_ab;
    const std::string& next = to_b ? state_ab : state_aba;
    const pid_t pid = StartImport(data, to_b ? b_path : a_path);
    std::this_thread::sleep_for(std::chrono::duration<double>(i == 0 ? 0.0 : delay(rng)));
    kill(pid, SIGKILL);
    waitpid(pid, &status, 0);
    const bool finished = WIFEXITED(status);
    if (finished) {
      ASSERT_EQ(WEXITSTATUS(status), 0) << "import " << i << " failed on its own";
    }
    const std::string now = StateOf(data);
    ASSERT_TRUE(now == current || now == next)
        << "kill " << i << " left a state that is neither before nor after:\n"
        << now;
    if (finished) {
      ASSERT_EQ(now, next) << "kill " << i << ": the import exited 0 but did not publish";
    }
    (now == current ? interrupted : completed)++;
    current = now;
    if (Clock::now() - loop_start > std::chrono::seconds(50)) break;  // keep the test bounded
  }
  EXPECT_GT(interrupted, 0);
  ::testing::Test::RecordProperty("interrupted", interrupted);
  ::testing::Test::RecordProperty("completed", completed);

  // A clean import after all those kills succeeds and publishes.
  const bool to_b = current != state_ab;
  waitpid(StartImport(data, to_b ? b_path : a_path), &status, 0);
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  EXPECT_EQ(StateOf(data), to_b ? state_ab : state_aba);
}

}  // namespace
}  // namespace tagloop
