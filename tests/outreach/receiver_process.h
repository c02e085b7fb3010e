// Runs the gateway simulator (demo/gateway/gateway_sim.cc,
// TAGLOOP_GATEWAY_SIM) as a child process for one test and reads its
// request log. Killed on destruction.
#pragma once

#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tagloop::testing {

// One logged request (see gateway_sim.cc).
struct ReceivedRequest {
  std::string route, key;
  int status = 0;
  std::string signature, body;
};

class ReceiverProcess {
 public:
  // `args`: extra options (--secret, --rule, ...). `dir` holds the port file and the log.
  ReceiverProcess(const std::string& dir, std::vector<std::string> args) : log_(dir + "/receiver.log") {
    const std::string port_file = dir + "/receiver.port";
    std::vector<std::string> argv = {TAGLOOP_GATEWAY_SIM, "--port-file", port_file, "--log", log_};
    argv.insert(argv.end(), args.begin(), args.end());
    pid_ = fork();
    if (pid_ == 0) {
      std::vector<char*> a;
      for (auto& s : argv) a.push_back(s.data());
      a.push_back(nullptr);
      execv(a[0], a.data());
      _exit(127);
    }
    for (int i = 0; i < 500 && port_ == 0; ++i) {
      std::ifstream in(port_file);
      if (!(in >> port_)) std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
  }
  ~ReceiverProcess() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  int port() const { return port_; }
  std::string url(const std::string& path) const { return "http://127.0.0.1:" + std::to_string(port_) + path; }

  std::vector<ReceivedRequest> Requests() const {
    std::vector<ReceivedRequest> out;
    std::ifstream in(log_);
    std::string line;
    while (std::getline(in, line)) {
      ReceivedRequest r;
      std::vector<std::string> f;
      size_t pos = 0;
      for (int i = 0; i < 4; ++i) {
        size_t tab = line.find('\t', pos);
        if (tab == std::string::npos) break;
        f.push_back(line.substr(pos, tab - pos));
        pos = tab + 1;
      }
      if (f.size() < 4) continue;
      r.route = f[0], r.key = f[1], r.status = std::stoi(f[2]), r.signature = f[3], r.body = line.substr(pos);
      out.push_back(std::move(r));
    }
    return out;
  }
  // Waits until at least n requests are logged (or ~10 s).
  std::vector<ReceivedRequest> WaitFor(size_t n) const {
    for (int i = 0; i < 1000; ++i) {
      auto r = Requests();
      if (r.size() >= n) return r;
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return Requests();
  }

 private:
  std::string log_;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace tagloop::testing
