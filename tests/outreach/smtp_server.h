// Runs Debian's aiosmtpd (/usr/bin/python3 -m aiosmtpd: Debian's python, not a pyenv one) with tests/outreach/
// smtp_sink.py on a free local port for one test; stopped on destruction.
#pragma once

#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace tagloop::testing {

class SmtpServer {
 public:
  explicit SmtpServer(std::string dir) : dir_(std::move(dir)) {
    available_ = std::system("/usr/bin/python3 -c 'import aiosmtpd' >/dev/null 2>&1") == 0;
    if (!available_) return;
    port_ = FreePort();
    const std::string sink_dir = std::filesystem::path(TAGLOOP_SMTP_SINK).parent_path().string();
    pid_ = fork();
    if (pid_ == 0) {
      setenv("PYTHONPATH", sink_dir.c_str(), 1);
      const std::string listen = "127.0.0.1:" + std::to_string(port_);
      execl("/usr/bin/python3", "python3", "-m", "aiosmtpd", "-n", "-l", listen.c_str(), "-c", "smtp_sink.DirHandler",
             dir_.c_str(), static_cast<char*>(nullptr));
      _exit(127);
    }
    for (int i = 0; i < 300 && !ready_; ++i) {  // until it accepts connections
      int fd = socket(AF_INET, SOCK_STREAM, 0);
      sockaddr_in a{};
      a.sin_family = AF_INET;
      a.sin_port = htons(static_cast<uint16_t>(port_));
      a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
      ready_ = connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a) == 0;
      close(fd);
      if (!ready_) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
  }
  ~SmtpServer() {
    if (pid_ > 0) {
      kill(pid_, SIGKILL);
      waitpid(pid_, nullptr, 0);
    }
  }
  bool available() const { return available_; }
  bool ready() const { return ready_; }
  std::string url() const { return "smtp://127.0.0.1:" + std::to_string(port_); }

  // The messages written so far (waits up to ~5 s for at least `n`), by file order.
  std::vector<std::string> Messages(size_t n) const {
    std::vector<std::string> out;
    for (int i = 0; i < 250; ++i) {
      out.clear();
      std::vector<std::filesystem::path> files;
      if (std::filesystem::exists(dir_)) {
        for (const auto& e : std::filesystem::directory_iterator(dir_)) {
          if (e.path().extension() == ".eml") files.push_back(e.path());
        }
      }
      std::sort(files.begin(), files.end());
      for (const auto& f : files) {
        std::ifstream in(f, std::ios::binary);
        std::stringstream ss;
        ss << in.rdbuf();
        out.push_back(ss.str());
      }
      if (out.size() >= n) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return out;
  }

 private:
  static int FreePort() {
    int fd = socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
    socklen_t len = sizeof a;
    getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
    close(fd);
    return ntohs(a.sin_port);
  }
  std::string dir_;
  bool available_ = false, ready_ = false;
  pid_t pid_ = -1;
  int port_ = 0;
};

}  // namespace tagloop::testing
