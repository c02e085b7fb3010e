// `tagloop serve` as a child process for the tests that need the real
// executable (signals, flags, the config file): starts it with stdout on a
// pipe (to read its "listening on HOST:PORT" line) and stderr in a file (the
// logs), sends signals and waits for the exit status.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/subprocess.h"

namespace tagloop::testing {

// `tagloop token create --data DATA --role ROLE --name NAME`: the secret.
inline std::string CreateCliToken(const std::string& data, const char* role, const char* name) {
  RunResult r =
      RunProgram({TAGLOOP_BINARY, "token", "create", "--data", data, "--role", role, "--name", name});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  std::string secret = r.out.substr(0, r.out.find('\n'));
  EXPECT_EQ(secret.rfind("tl_", 0), 0u);
  return secret;
}

class ServeProcess {
 public:
  // Runs `tagloop serve ARGS...` with stderr going to `log_path`.
  ServeProcess(const std::vector<std::string>& args, const std::string& log_path) : log_path_(log_path) {
    int out[2];
    if (pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      int log = open(log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
      dup2(out[1], 1);
      dup2(log, 2);
      close(out[0]), close(out[1]), close(log);
      std::vector<std::string> argv = {TAGLOOP_BINARY, "serve"};
      argv.insert(argv.end(), args.begin(), args.end());
      std::vector<char*> c;
      for (auto& a : argv) c.push_back(a.data());
      c.push_back(nullptr);
      execv(c[0], c.data());
      _exit(127);
    }
    close(out[1]);
    out_ = out[0];
  }
  ~ServeProcess() {
    if (pid_ > 0 && !exited_) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) close(out_);
  }

  // The port from the "listening on HOST:PORT" line; 0 when the process
  // exited (or printed nothing) within `timeout_ms`.
  uint16_t WaitForPort(int timeout_ms = 20000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    while (stdout_.find('\n') == std::string::npos) {
      int left = static_cast<int>(
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - std::chrono::steady_clock::now())
              .count());
      if (left <= 0) return 0;
      pollfd p{out_, POLLIN, 0};
      if (poll(&p, 1, left) <= 0) return 0;
      char buf[4096];
      ssize_t n = read(out_, buf, sizeof buf);
      if (n <= 0) return 0;
      stdout_.append(buf, static_cast<size_t>(n));
    }
    size_t colon = stdout_.rfind(':', stdout_.find('\n'));
    if (stdout_.rfind("listening on ", 0) != 0 || colon == std::string::npos) return 0;
    return static_cast<uint16_t>(std::stoi(stdout_.substr(colon + 1)));
  }
  const std::string& stdout_text() const { return stdout_; }

  void Signal(int sig) { kill(pid_, sig); }

  // The exit code (-1: killed by a signal; -2: still running after timeout_ms).
  int Wait(int timeout_ms = 30000) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeout_ms);
    int status = 0;
    while (waitpid(pid_, &status, WNOHANG) == 0) {
      if (std::chrono::steady_clock::now() > deadline) return -2;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    exited_ = true;
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  }

  std::string Log() const {
    std::ifstream in(log_path_);
    std::stringstream s;
    s << in.rdbuf();
    return s.str();
  }

 private:
  std::string log_path_;
  pid_t pid_ = -1;
  int out_ = -1;
  bool exited_ = false;
  std::string stdout_;
};

}  // namespace tagloop::testing
